/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared fixtures of the dm-io KUnit tests (dm-io-test.ko).
 *
 * The devices named here are created by tests/uml/init.sh before the module
 * is loaded (tests/uml/devices.md); the recorder is a tiny bio-based disk of
 * the test module itself (dm-io-test-recorder.c).
 */
#ifndef DMIO_TEST_H
#define DMIO_TEST_H

#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>

#include "dm-io.h"
#include "dm-io-compat.h"
#include "dm-io-internal.h"
#include "tests/dm-io-test-mem.h"

#define DMIO_DEV_RAM0 "/dev/ram0"
#define DMIO_DEV_RAM1 "/dev/ram1"
#define DMIO_DEV_RAM2 "/dev/ram2"
#define DMIO_DEV_RAM3 "/dev/ram3"
#define DMIO_DEV_ERR "/dev/mapper/dmio_err"
#define DMIO_DEV_MIXED "/dev/mapper/dmio_mixed"
#define DMIO_DEV_NBSMALL "/dev/dmio_nbsmall"
#define DMIO_DEV_NB4K "/dev/dmio_nb4k"
#define DMIO_DEV_NBFAULT "/dev/dmio_nbfault"

#define DMIO_NR_RAM 4
#define DMIO_RAM_SECTORS 65536
/* dmio_mixed maps every sector to the same sector of ram3, except these. */
#define DMIO_MIXED_BAD_LO 4096
#define DMIO_MIXED_BAD_HI 4104

/* Bytes a request must not touch, and the "stale data" marker. */
#define DMIO_GUARD 0xAA
/* Longest bounded wait for one completion: a lost one fails the case. */
#define DMIO_TIMEOUT (30 * HZ)
#define DMIO_PAGE_SECTORS (PAGE_SIZE >> SECTOR_SHIFT)

/* A run of buffer bytes, in data-stream order or as a guard. */
struct dmio_seg {
	u8 *addr;
	unsigned int len;
};

/*
 * A buffer of one kind as dm-io sees it (@mem; a test
 * may overwrite these with bad values), plus what the checks need: the
 * data segments in stream order and the guard bytes around them.
 */
struct dmio_buf {
	struct dmio_mem mem;
	size_t len;

	unsigned int nr_segs;
	struct dmio_seg *segs;
	unsigned int nr_guards;
	struct dmio_seg *guards;

	/* memory owned by the buffer, freed at the end of the case */
	unsigned int nr_pages;
	struct page **pages;
	unsigned char *orders;
	struct bio_vec *bvec_mem;
	struct page_list *pl_mem;
	void *vmem;
};

/* Walks a buffer's data one 512-byte sector at a time. */
struct dmio_cursor {
	const struct dmio_buf *buf;
	unsigned int seg;
	unsigned int off;
};

/* Records every call of dmio_notify(). */
struct dmio_async {
	struct completion done;
	atomic_t calls;
	unsigned long error;
	bool in_task;
};

/* Test variant v: buffer kind v / 2, sync when v is even, async when odd. */
#define DMIO_NR_VARIANTS (2 * DMIO_NR_KINDS)

static inline enum dmio_kind dmio_variant_kind(unsigned int v)
{
	return v / 2;
}

static inline bool dmio_variant_async(unsigned int v)
{
	return v & 1;
}

extern const char *const dmio_kind_name[DMIO_NR_KINDS];
extern bool dmio_test_unsafe;

static inline const char *dmio_mode(bool async)
{
	return async ? "async" : "sync";
}

/* data pattern: bytes are never 0x00 and never DMIO_GUARD */
u32 dmio_seed(void);
void dmio_pattern(u8 *p, size_t len, u32 seed, u64 off);
size_t dmio_pattern_cmp(const u8 *p, size_t len, u32 seed, u64 off);

int dmio_res_init(struct kunit_resource *res, void *context);

/* test-managed memory, leaked rather than freed once I/O may be in flight */
void *dmio_alloc(struct kunit *test, size_t size);
struct io_region *dmio_regions(struct kunit *test, unsigned int nr);

/* buffers */
struct dmio_buf *dmio_buf_new(struct kunit *test, enum dmio_kind kind,
			      size_t len, unsigned int offset);
void dmio_buf_fill(struct dmio_buf *buf, u32 seed);
void dmio_buf_memset(struct dmio_buf *buf, u8 byte);
bool dmio_buf_check(struct kunit *test, const struct dmio_buf *buf, u32 seed,
		    size_t len, const char *what);
bool dmio_buf_check_byte(struct kunit *test, const struct dmio_buf *buf,
			 u8 byte, size_t from, size_t len, const char *what);
bool dmio_buf_check_guards(struct kunit *test, const struct dmio_buf *buf,
			   const char *what);
void dmio_buf_arrays(struct kunit *test, struct dmio_buf *buf,
		     unsigned int pages, unsigned int segs);
u8 *dmio_buf_page(struct kunit *test, struct dmio_buf *buf, unsigned int order);
void dmio_cursor_init(struct dmio_cursor *c, const struct dmio_buf *buf);
u8 *dmio_cursor_next(struct dmio_cursor *c);

/* block devices */
struct block_device *dmio_open(struct kunit *test, const char *path);
/*
 * The alignment dm-io asks of buffer memory for regions on @bdev: its DMA
 * alignment, and at least 1/BIO_MAX_VECS of its logical block (dm-io.h).
 * Half of it is a misaligned offset on any device.
 */
unsigned int dmio_mem_align(struct block_device *bdev);
void dmio_open_rams(struct kunit *test, struct block_device **ram);
int dmio_dev_pattern(struct block_device *bdev, sector_t sector, sector_t nr,
		     u32 seed, u64 off);
int dmio_dev_memset(struct block_device *bdev, sector_t sector, sector_t nr,
		    u8 byte);
bool dmio_dev_check(struct kunit *test, struct block_device *bdev,
		    sector_t sector, sector_t nr, u32 seed, u64 off,
		    const char *what);
bool dmio_dev_check_byte(struct kunit *test, struct block_device *bdev,
			 sector_t sector, sector_t nr, u8 byte,
			 const char *what);

static inline void dmio_region(struct io_region *r, struct block_device *bdev,
			       sector_t sector, sector_t count)
{
	r->bdev = bdev;
	r->sector = sector;
	r->count = count;
}

/* calling dm-io */
void dmio_notify(unsigned long error, void *context);
struct dmio_async *dmio_async_new(struct kunit *test);
void dmio_async_wait(struct kunit *test, struct dmio_async *a);
void dmio_settle(struct kunit *test, u64 s0, u64 c0);
int dmio_call_sync(const struct dmio_buf *buf, unsigned int nr,
		   const struct io_region *where, blk_opf_t rw,
		   unsigned long *error_bits);
int dmio_call_async(const struct dmio_buf *buf, unsigned int nr,
		    const struct io_region *where, blk_opf_t rw,
		    dm_io_notify_fn fn, void *context);
int dmio_run(struct kunit *test, bool async, const struct dmio_buf *buf,
	     unsigned int nr, const struct io_region *where, blk_opf_t rw,
	     unsigned long *bits);
bool dmio_round_trip(struct kunit *test, bool async, struct dmio_buf *wbuf,
		     struct dmio_buf *rbuf, const struct io_region *region,
		     const char *what);

/* the recorder disk (dm-io-test-recorder.c) */
#define DMIO_REC_SECTORS 16384
#define DMIO_REC_LOG 4096

struct dmio_rec_bio {
	blk_opf_t opf;
	sector_t sector;
	unsigned int size;
	unsigned int segs;
	unsigned short max_vecs; /* bi_max_vecs (0 in a split-off piece) */
	unsigned short ioprio;
	bool failed;
};

struct dmio_rec {
	struct gendisk *disk;
	struct block_device *bdev;
	u8 *store;
	spinlock_t lock; /* protects everything below */
	unsigned int nr; /* bios seen; the first DMIO_REC_LOG logged */
	struct dmio_rec_bio *log;
	bool hold; /* keep bios instead of completing them */
	struct bio_list held; /* newest first */
	unsigned int nr_held;
	bool soft; /* complete bios from a tasklet (softirq) */
	struct bio_list soft_done; /* for the tasklet, oldest first */
	struct tasklet_struct tasklet;
	bool fail_all;
	sector_t fail_lo; /* data bios touching [lo, hi) fail */
	sector_t fail_hi;
	sector_t status_lo; /* else those touching [lo, hi) end with status */
	sector_t status_hi;
	blk_status_t status;
};

/* dm-io's counters count during a suite with these (or the recorder's). */
int dmio_counting_suite_init(struct kunit_suite *suite);
void dmio_counting_suite_exit(struct kunit_suite *suite);
int dmio_rec_suite_init(struct kunit_suite *suite);
int dmio_rec4k_suite_init(struct kunit_suite *suite);
void dmio_rec_suite_exit(struct kunit_suite *suite);
int dmio_rec_test_init(struct kunit *test);
void dmio_rec_test_exit(struct kunit *test);
int dmio_rec_limits(struct dmio_rec *rec, unsigned int max_sectors,
		    unsigned short max_segments);
void dmio_rec_fail(struct dmio_rec *rec, bool all, sector_t lo, sector_t hi);
void dmio_rec_fail_status(struct dmio_rec *rec, sector_t lo, sector_t hi,
			  blk_status_t status);
void dmio_rec_hold(struct dmio_rec *rec, bool hold);
void dmio_rec_softirq(struct dmio_rec *rec, bool soft);
unsigned int dmio_rec_release(struct dmio_rec *rec, unsigned int max);
bool dmio_rec_wait_held(struct dmio_rec *rec, unsigned int nr);
void dmio_rec_clear(struct dmio_rec *rec);
unsigned int dmio_rec_nr(struct dmio_rec *rec);
bool dmio_rec_check_cover(struct kunit *test, struct dmio_rec *rec,
			  unsigned int nr, const struct io_region *where,
			  unsigned int *bios, const char *what);
bool dmio_rec_check_flags(struct kunit *test, struct dmio_rec *rec,
			  enum req_op op, blk_opf_t want, blk_opf_t forbid,
			  const char *what);

/*
 * dm_io_submit(), synchronous or asynchronous; either way returns what a
 * synchronous call returns and fills both bitsets (dm-io-test-ext.c).
 */
int dmio_ext_run(struct kunit *test, bool async, unsigned int nr,
		 const struct io_region *where, struct dm_io_ext_request *req,
		 unsigned long *error_bits, unsigned long *unsup_bits);

extern struct kunit_suite dmio_rw_suite;
extern struct kunit_suite dmio_large_suite;
extern struct kunit_suite dmio_regions_suite;
extern struct kunit_suite dmio_errors_suite;
extern struct kunit_suite dmio_flags_suite;
extern struct kunit_suite dmio_completion_suite;
extern struct kunit_suite dmio_pool_suite;
extern struct kunit_suite dmio_invalid_suite;
extern struct kunit_suite dmio_ext_suite;
extern struct kunit_suite dmio_fault_suite;
extern struct kunit_suite dmio_fail_alone_suite;
extern struct kunit_suite dmio_context_suite;
extern struct kunit_suite dmio_align_suite;

#endif /* DMIO_TEST_H */
