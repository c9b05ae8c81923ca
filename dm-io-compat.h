/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to dm-io and its test modules, not part of the API.
 *
 * dm-io-compat.h - the kernel API differences between the kernels dm-io
 * builds for (Linux 6.1, 6.12 and 7.3), in one place.  Code elsewhere
 * calls these and never tests a kernel version or feature itself.
 *
 * Which branch is taken is decided by scripts/dmio-compat.mk, which looks
 * the APIs up in the headers being compiled against and defines the
 * DMIO_HAVE_* macros (see there why that and not LINUX_VERSION_CODE).
 */
#ifndef DMIO_COMPAT_H
#define DMIO_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>

#ifndef DMIO_COMPAT_DETECTED
#error "dm-io-compat.h needs ccflags-y += $(dmio-compat-flags) (scripts/dmio-compat.mk)"
#endif

/*
 * An open block device: @bdev to do I/O on, @handle to close it with
 * (the holder up to 6.8, the struct file from 6.9 on).
 */
struct dmio_bdev_ref {
	struct block_device *bdev;
	void *handle;
};

/*
 * The statement after it looks paths up in init's file system: since 7.3 a
 * kernel thread (a KUnit case) resolves them in an empty root otherwise.
 */
#ifdef DMIO_HAVE_INIT_FS_SCOPE
#include <linux/fs_struct.h>
#define dmio_with_init_fs() scoped_with_init_fs()
#else
#define dmio_with_init_fs()
#endif

/* filp_open() of @path, from a kernel thread too. */
static inline struct file *dmio_filp_open(const char *path, int flags)
{
	struct file *f;

	dmio_with_init_fs()
	{
		f = filp_open(path, flags, 0);
	}
	return f;
}

#ifdef DMIO_HAVE_BDEV_FILE
#include <linux/file.h>

/* Opens @path for reading and writing; exclusively when @holder is set. */
static inline int dmio_bdev_open(const char *path, void *holder,
				 struct dmio_bdev_ref *ref)
{
	struct file *f;

	dmio_with_init_fs()
	{
		f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
					   holder, NULL);
	}

	if (IS_ERR(f))
		return PTR_ERR(f);
	ref->handle = f;
	ref->bdev = file_bdev(f);
	return 0;
}

static inline void dmio_bdev_close(struct dmio_bdev_ref *ref)
{
	fput(ref->handle);
}
#else
/* Opens @path for reading and writing; exclusively when @holder is set. */
static inline int dmio_bdev_open(const char *path, void *holder,
				 struct dmio_bdev_ref *ref)
{
	fmode_t mode = FMODE_READ | FMODE_WRITE | (holder ? FMODE_EXCL : 0);
	struct block_device *bdev = blkdev_get_by_path(path, mode, holder);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	ref->handle = holder;
	ref->bdev = bdev;
	return 0;
}

static inline void dmio_bdev_close(struct dmio_bdev_ref *ref)
{
	fmode_t mode = FMODE_READ | FMODE_WRITE |
		       (ref->handle ? FMODE_EXCL : 0);

	blkdev_put(ref->bdev, mode);
}
#endif

/*
 * The I/O limits of a bio-based disk dm-io's tests create: the largest bio
 * in sectors and the most segments in one bio.
 */
struct dmio_disk_limits {
	unsigned int logical_block_size;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	bool write_cache_fua; /* REQ_PREFLUSH and REQ_FUA reach it */
};

#ifdef DMIO_HAVE_BLK_FEAT
/* A gendisk for a bio-based driver with @l; an ERR_PTR on failure. */
static inline struct gendisk *dmio_alloc_disk(const struct dmio_disk_limits *l)
{
	struct queue_limits lim = {
		.logical_block_size = l->logical_block_size,
		.max_hw_sectors = l->max_hw_sectors,
		.max_segments = l->max_segments,
		.features = l->write_cache_fua ?
				    BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA :
				    0,
	};

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}

/* Changes the bio size limits of an idle disk of dmio_alloc_disk(). */
static inline int dmio_disk_set_limits(struct gendisk *disk,
				       unsigned int max_hw_sectors,
				       unsigned short max_segments)
{
	struct queue_limits lim = queue_limits_start_update(disk->queue);

	lim.max_hw_sectors = max_hw_sectors;
	lim.max_segments = max_segments;
	return queue_limits_commit_update(disk->queue, &lim);
}
#else
static inline int dmio_disk_set_limits(struct gendisk *disk,
				       unsigned int max_hw_sectors,
				       unsigned short max_segments)
{
	blk_queue_max_hw_sectors(disk->queue, max_hw_sectors);
	blk_queue_max_segments(disk->queue, max_segments);
	return 0;
}

static inline struct gendisk *dmio_alloc_disk(const struct dmio_disk_limits *l)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	blk_queue_logical_block_size(disk->queue, l->logical_block_size);
	blk_queue_write_cache(disk->queue, l->write_cache_fua,
			      l->write_cache_fua);
	dmio_disk_set_limits(disk, l->max_hw_sectors, l->max_segments);
	return disk;
}
#endif

/*
 * Sets the discard and write-zeroes limits of a driver's own queue (the
 * tests' recorder disk): 0 sectors means the op is not supported;
 * @discard_granularity is in bytes.
 */
#ifdef DMIO_HAVE_BLK_FEAT
static inline int
dmio_queue_set_op_limits(struct request_queue *q,
			 unsigned int max_discard_sectors,
			 unsigned int discard_granularity,
			 unsigned int max_write_zeroes_sectors)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_discard_sectors = max_discard_sectors;
	lim.discard_granularity = discard_granularity;
	lim.max_write_zeroes_sectors = max_write_zeroes_sectors;
	return queue_limits_commit_update(q, &lim);
}
#else
static inline int
dmio_queue_set_op_limits(struct request_queue *q,
			 unsigned int max_discard_sectors,
			 unsigned int discard_granularity,
			 unsigned int max_write_zeroes_sectors)
{
	blk_queue_max_discard_sectors(q, max_discard_sectors);
	q->limits.discard_granularity = discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, max_write_zeroes_sectors);
	return 0;
}
#endif

/*
 * The symbol namespace of dm-io-internal.h in the form EXPORT_SYMBOL_NS*()
 * and MODULE_IMPORT_NS() take: a bare name they stringify up to 6.12, a
 * string literal since 6.13.
 */
#ifdef DMIO_HAVE_NS_STRINGIFY
#define DMIO_NS_INTERNAL DM_IO_INTERNAL
#else
#define DMIO_NS_INTERNAL "DM_IO_INTERNAL"
#endif

/*
 * The page @n pages after @page inside one bio_vec: nth_page() up to 7.2;
 * 7.3 keeps such pages contiguous in the memory map and dropped it.
 */
#ifdef DMIO_HAVE_NTH_PAGE
#define dmio_bvec_nth_page(page, n) nth_page(page, n)
#else
#define dmio_bvec_nth_page(page, n) ((page) + (n))
#endif

/* Bytes of the current bio_vec already done (bi_offset since 7.3). */
#ifdef DMIO_HAVE_BI_BVEC_DONE
#define dmio_iter_bvec_done(iter) ((iter)->bi_bvec_done)
#else
#define dmio_iter_bvec_done(iter) ((iter)->bi_offset)
#endif

/*
 * Whether a bio that ended with @status was refused as "not supported":
 * BLK_STS_NOTSUPP, and BLK_STS_INVAL where the kernel has it (Linux 7.3's
 * dm_io() counts both).
 */
static inline bool dmio_status_unsupported(blk_status_t status)
{
#ifdef DMIO_HAVE_BLK_STS_INVAL
	if (status == BLK_STS_INVAL)
		return true;
#endif
	return status == BLK_STS_NOTSUPP;
}

/*
 * Whether bio_add_page() may put two physically contiguous pages in one
 * bio_vec as far as ZONE_DEVICE goes: not pages of different pgmaps (since
 * 6.2; 6.1's own rule is laxer, dm-io keeps the later one everywhere).
 */
#ifdef DMIO_HAVE_SAME_PGMAP
#define dmio_same_pgmap zone_device_pages_have_same_pgmap
#else
static inline bool dmio_same_pgmap(const struct page *a, const struct page *b)
{
	if (is_zone_device_page(a) != is_zone_device_page(b))
		return false;
	return !is_zone_device_page(a) || a->pgmap == b->pgmap;
}
#endif

/*
 * KUnit, for the test module (which includes <kunit/test.h> first):
 * 6.1's KUNIT_ASSERT_FAILURE() is KUNIT_FAIL_AND_ABORT() since 6.4.
 */
#if defined(KUNIT_ASSERT_FAILURE) && !defined(KUNIT_FAIL_AND_ABORT)
#define KUNIT_FAIL_AND_ABORT(test, fmt, ...) \
	KUNIT_ASSERT_FAILURE(test, fmt, ##__VA_ARGS__)
#endif

#endif /* DMIO_COMPAT_H */
