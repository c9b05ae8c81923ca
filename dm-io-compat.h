/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-io-compat.h - the block-layer API differences between the kernels
 * dm-io builds for (Linux 6.1 and 6.12), in one place.  Code elsewhere
 * calls these and never tests LINUX_VERSION_CODE itself.
 */
#ifndef DMIO_COMPAT_H
#define DMIO_COMPAT_H

#include <linux/blkdev.h>
#include <linux/version.h>

/*
 * An open block device: @bdev to do I/O on, @handle to close it with
 * (the block_device itself up to 6.8, the struct file from 6.9 on).
 */
struct dmio_bdev_ref {
	struct block_device *bdev;
	void *handle;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#include <linux/file.h>

/* Opens @path for reading and writing; exclusively when @holder is set. */
static inline int dmio_bdev_open(const char *path, void *holder,
				 struct dmio_bdev_ref *ref)
{
	struct file *f = bdev_file_open_by_path(path,
						BLK_OPEN_READ | BLK_OPEN_WRITE,
						holder, NULL);

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
 * Sets the discard and write-zeroes limits of a driver's own queue (the
 * tests' recorder disk): 0 sectors means the op is not supported;
 * @discard_granularity is in bytes.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
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

#endif /* DMIO_COMPAT_H */
