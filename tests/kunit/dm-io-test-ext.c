// SPDX-License-Identifier: GPL-2.0
/*
 * The extended interface (dm_io_submit()): discard and write zeroes split
 * by the device's limits, the unsupported bitset, flushing every region,
 * the I/O priority, per-user statistics and the tracepoints, and the bad
 * input it refuses.
 *
 * Most cases use the recorder, which supports discard (at most
 * DMIO_EXT_DISCARD_MAX sectors, granularity DMIO_EXT_GRAN sectors) and
 * write zeroes (at most DMIO_EXT_WZ_MAX sectors) while this suite runs;
 * the null_blk devices without discard=1 (dmio_nbsmall, dmio_nb4k) support
 * neither, on 6.1 and 6.12 alike (brd and dm-error have discard in 6.12);
 * /dev/dmio_nbdisc is a null_blk with discard.
 */

#include <linux/fs.h>
#include <linux/ioprio.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dm-io-test.h"
#include "dm_io_trace.h"

#define DMIO_DEV_NBDISC "/dev/dmio_nbdisc"

#define DMIO_EXT_DISCARD_MAX 8
#define DMIO_EXT_GRAN 4
#define DMIO_EXT_WZ_MAX 16
/* What the recorder's store holds where nothing was discarded or zeroed. */
#define DMIO_EXT_FILL 0x5A

/* Records every call of dmio_ext_notify(). */
struct dmio_ext_async {
	struct completion done;
	atomic_t calls;
	unsigned long error_bits;
	unsigned long unsup_bits;
};

static void dmio_ext_notify(unsigned long error_bits, unsigned long unsup_bits,
			    void *context)
{
	struct dmio_ext_async *a = context;

	a->error_bits = error_bits;
	a->unsup_bits = unsup_bits;
	atomic_inc(&a->calls);
	complete(&a->done);
}

static void dmio_ext_req(struct dm_io_ext_request *req, blk_opf_t opf)
{
	memset(req, 0, sizeof(*req));
	req->opf = opf;
}

/*
 * dm_io_submit(), synchronous or asynchronous (@req->notify is set here);
 * either way returns what a synchronous call returns and fills the bits.
 * An asynchronous request must call back exactly once.
 */
int dmio_ext_run(struct kunit *test, bool async, unsigned int nr,
		 const struct io_region *where, struct dm_io_ext_request *req,
		 unsigned long *error_bits, unsigned long *unsup_bits)
{
	struct dmio_ext_async *a;
	u64 s0, c0;
	int r;

	*error_bits = ~0UL;
	*unsup_bits = ~0UL;
	if (!async) {
		req->notify = NULL;
		return dm_io_submit(nr, where, req, error_bits, unsup_bits);
	}

	a = dmio_alloc(test, sizeof(*a));
	init_completion(&a->done);
	atomic_set(&a->calls, 0);
	req->notify = dmio_ext_notify;
	req->context = a;
	s0 = dmio_requests_started();
	c0 = dmio_requests_completed();
	r = dm_io_submit(nr, where, req, NULL, NULL);
	req->notify = NULL;
	if (r) {
		KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 0);
		return r;
	}
	if (!wait_for_completion_timeout(&a->done, DMIO_TIMEOUT)) {
		WRITE_ONCE(dmio_test_unsafe, true);
		KUNIT_FAIL_AND_ABORT(test, "callback not called");
	}
	dmio_settle(test, s0, c0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
	*error_bits = a->error_bits;
	*unsup_bits = a->unsup_bits;
	if (a->error_bits)
		return -EIO;
	return a->unsup_bits ? -EOPNOTSUPP : 0;
}

static int dmio_ext_test_init(struct kunit *test)
{
	struct dmio_rec *rec;
	int r = dmio_rec_test_init(test);

	if (r)
		return r;
	rec = test->priv;
	memset(rec->store, DMIO_EXT_FILL, DMIO_REC_SECTORS << SECTOR_SHIFT);
	return dmio_queue_set_op_limits(rec->disk->queue, DMIO_EXT_DISCARD_MAX,
					DMIO_EXT_GRAN << SECTOR_SHIFT,
					DMIO_EXT_WZ_MAX);
}

static void dmio_ext_test_exit(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;

	dmio_rec_test_exit(test);
	if (rec)
		dmio_queue_set_op_limits(rec->disk->queue, 0, 0, 0);
}

/* The recorder's store holds @byte in sectors [@lo, @hi). */
static bool dmio_ext_store_is(struct kunit *test, struct dmio_rec *rec,
			      sector_t lo, sector_t hi, u8 byte,
			      const char *what)
{
	u8 *p = rec->store + (lo << SECTOR_SHIFT);
	u8 *bad = memchr_inv(p, byte, (hi - lo) << SECTOR_SHIFT);

	if (!bad)
		return true;
	KUNIT_FAIL(test, "%s: sector %llu is not %#x", what,
		   (u64)(lo + ((bad - p) >> SECTOR_SHIFT)), byte);
	return false;
}

/*
 * The logged bios have op @op, cover [@sector, +@count) in order without
 * gaps, are at most @max sectors, and every bio after the first starts on
 * a multiple of @gran.  Returns the number of bios, or 0 after a failure.
 */
static unsigned int dmio_ext_check_split(struct kunit *test,
					 struct dmio_rec *rec, enum req_op op,
					 sector_t sector, sector_t count,
					 unsigned int max, unsigned int gran,
					 const char *what)
{
	unsigned int i, n = dmio_rec_nr(rec);
	sector_t next = sector;

	for (i = 0; i < n && i < DMIO_REC_LOG; i++) {
		const struct dmio_rec_bio *b = &rec->log[i];
		unsigned int len = b->size >> SECTOR_SHIFT;

		if ((b->opf & REQ_OP_MASK) != op || b->sector != next || !len ||
		    len > max || (i && b->sector % gran)) {
			KUNIT_FAIL(test,
				   "%s: bio %u: op %u, %llu+%u after %llu",
				   what, i, b->opf & REQ_OP_MASK,
				   (u64)b->sector, len, (u64)next);
			return 0;
		}
		next += len;
	}
	if (next != sector + count) {
		KUNIT_FAIL(test, "%s: bios end at %llu, region at %llu", what,
			   (u64)next, (u64)(sector + count));
		return 0;
	}
	return n;
}

/*
 * @opf on [@sector, +@count) of the recorder, sync and async: exactly
 * @nr_bios bios split as dmio_ext_check_split() wants, with @opf's flags,
 * the range zeroed and the 64 sectors around it untouched.
 */
static void dmio_ext_split(struct kunit *test, blk_opf_t opf, sector_t sector,
			   sector_t count, unsigned int max, unsigned int gran,
			   unsigned int nr_bios)
{
	struct dmio_rec *rec = test->priv;
	enum req_op op = opf & REQ_OP_MASK;
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	struct io_region where;
	unsigned int async;

	for (async = 0; async < 2; async++) {
		const char *what = dmio_mode(async);

		memset(rec->store, DMIO_EXT_FILL,
		       (sector + count + 64) << SECTOR_SHIFT);
		dmio_rec_clear(rec);
		dmio_region(&where, rec->bdev, sector, count);
		dmio_ext_req(&req, opf);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 1, &where, &req, &err,
					     &unsup),
				0);
		KUNIT_EXPECT_EQ(test, err | unsup, 0);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_check_split(test, rec, op, sector,
							 count, max, gran,
							 what),
				    nr_bios, "%s", what);
		KUNIT_EXPECT_TRUE(test, dmio_rec_check_flags(test, rec, op,
							     opf & ~REQ_OP_MASK,
							     0, what));
		dmio_ext_store_is(test, rec, 0, sector, DMIO_EXT_FILL, what);
		dmio_ext_store_is(test, rec, sector, sector + count, 0, what);
		dmio_ext_store_is(test, rec, sector + count,
				  sector + count + 64, DMIO_EXT_FILL, what);
	}
}

/*
 * A discard of 50 sectors from sector 2: one bio up to the granularity,
 * then 6 bios of the device's limit.
 */
static void dmio_ext_discard_split(struct kunit *test)
{
	dmio_ext_split(test, REQ_OP_DISCARD, 2, 50, DMIO_EXT_DISCARD_MAX,
		       DMIO_EXT_GRAN, 7);
}

/* Several discard regions on one device, each split on its own. */
static void dmio_ext_discard_regions(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	struct dm_io_ext_request req;
	unsigned long err, unsup;

	dmio_region(&where[0], rec->bdev, 100, 20);
	dmio_region(&where[1], rec->bdev, 201, 3);
	dmio_region(&where[2], rec->bdev, 300, 0);
	dmio_ext_req(&req, REQ_OP_DISCARD | REQ_SYNC);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 3, where, &req, &err, &unsup),
			0);
	KUNIT_EXPECT_EQ(test, err | unsup, 0);
	KUNIT_EXPECT_TRUE(test, dmio_rec_check_flags(test, rec, REQ_OP_DISCARD,
						     REQ_SYNC, 0, "discard"));
	/* region 0: 8 + 8 + 4; region 1 ends on the granularity: 3 */
	KUNIT_EXPECT_EQ(test, dmio_rec_nr(rec), 3 + 1);
	dmio_ext_store_is(test, rec, 96, 100, DMIO_EXT_FILL, "before");
	dmio_ext_store_is(test, rec, 100, 120, 0, "region 0");
	dmio_ext_store_is(test, rec, 120, 201, DMIO_EXT_FILL, "between");
	dmio_ext_store_is(test, rec, 201, 204, 0, "region 1");
	dmio_ext_store_is(test, rec, 204, 320, DMIO_EXT_FILL, "after");
}

/* Write zeroes of 40 sectors: bios of the limit, REQ_NOUNMAP carried. */
static void dmio_ext_write_zeroes_split(struct kunit *test)
{
	dmio_ext_split(test, REQ_OP_WRITE_ZEROES | REQ_NOUNMAP, 3, 40,
		       DMIO_EXT_WZ_MAX, 1, 3);
}

/*
 * A device without the op: its bit in the unsupported set, no error bit,
 * no bio at all, -EOPNOTSUPP from a synchronous call.
 */
static void dmio_ext_unsupported(struct kunit *test)
{
	static const enum req_op ops[] = { REQ_OP_DISCARD,
					   REQ_OP_WRITE_ZEROES };
	/* null_blk without discard=1: neither op, on 6.1 and 6.12 alike */
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	struct dmio_rec *rec = test->priv;
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	struct io_region where[2];
	unsigned int i, async;

	dmio_queue_set_op_limits(rec->disk->queue, 0, 0, 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (async = 0; async < 2; async++) {
			u64 bios = dmio_bios_submitted();

			dmio_rec_clear(rec);
			dmio_region(&where[0], rec->bdev, 0, 64);
			dmio_region(&where[1], nb, 0, 64);
			dmio_ext_req(&req, ops[i]);
			KUNIT_EXPECT_EQ(test,
					dmio_ext_run(test, async, 2, where,
						     &req, &err, &unsup),
					-EOPNOTSUPP);
			KUNIT_EXPECT_EQ(test, err, 0);
			KUNIT_EXPECT_EQ(test, unsup, 3);
			KUNIT_EXPECT_EQ(test, dmio_bios_submitted(), bios);
			KUNIT_EXPECT_EQ(test, dmio_rec_nr(rec), 0);

			/* nor does the 4 KiB-block null_blk */
			dmio_region(&where[0], nb4k, 8, 8);
			KUNIT_EXPECT_EQ(test,
					dmio_ext_run(test, async, 1, where,
						     &req, &err, &unsup),
					-EOPNOTSUPP);
			KUNIT_EXPECT_EQ(test, err, 0);
			KUNIT_EXPECT_EQ(test, unsup, 1);
		}
	}
	KUNIT_EXPECT_TRUE(test, dmio_ext_store_is(test, rec, 0, 64,
						  DMIO_EXT_FILL, "untouched"));
}

/*
 * Mixed regions (the pattern of "dm io: fix duplicate bio completion"):
 * supported, unsupported and failing regions in one request give one
 * completion with exact bits.
 */
static void dmio_ext_mixed(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 4);
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	unsigned int async;

	dmio_rec_fail(rec, false, 1000, 1001);
	dmio_region(&where[0], rec->bdev, 16, 16);
	dmio_region(&where[1], nb, 16, 16);
	dmio_region(&where[2], rec->bdev, 992, 16); /* one bio fails */
	dmio_region(&where[3], ram0, 64, 0);
	for (async = 0; async < 2; async++) {
		dmio_ext_req(&req, REQ_OP_DISCARD);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 4, where, &req, &err,
					     &unsup),
				-EIO);
		KUNIT_EXPECT_EQ(test, err, BIT(2));
		KUNIT_EXPECT_EQ(test, unsup, BIT(1));
		dmio_ext_store_is(test, rec, 16, 32, 0, "region 0");

		dmio_ext_req(&req, REQ_OP_WRITE_ZEROES);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 4, where, &req, &err,
					     &unsup),
				-EIO);
		KUNIT_EXPECT_EQ(test, err, BIT(2));
		KUNIT_EXPECT_EQ(test, unsup, BIT(1));
	}
}

/* Discard on null_blk: the range reads back as zeros, the rest intact. */
static void dmio_ext_nullb_discard(struct kunit *test)
{
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBDISC);
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	struct io_region where;
	unsigned int async;

	for (async = 0; async < 2; async++) {
		u32 seed = dmio_seed();

		KUNIT_ASSERT_EQ(test, dmio_dev_pattern(nb, 0, 64, seed, 0), 0);
		dmio_region(&where, nb, 8, 40);
		dmio_ext_req(&req, REQ_OP_DISCARD);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 1, &where, &req, &err,
					     &unsup),
				0);
		KUNIT_EXPECT_EQ(test, err | unsup, 0);
		dmio_dev_check(test, nb, 0, 8, seed, 0, "before");
		dmio_dev_check_byte(test, nb, 8, 40, 0, "discarded");
		dmio_dev_check(test, nb, 48, 16, seed, 48 << SECTOR_SHIFT,
			       "after");
	}
}

/*
 * A WRITE with REQ_PREFLUSH whose regions all have count 0 flushes every
 * region: one empty flush bio per region, a failed flush sets its bit.
 * (brd and dm-error have no write cache: the block layer completes their
 * flushes at once; the recorder has one and fails them when told to.)
 */
static void dmio_ext_flush_all(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *err_dev = dmio_open(test, DMIO_DEV_ERR);
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 4);
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	unsigned int async;

	dmio_region(&where[0], rec->bdev, 0, 0);
	dmio_region(&where[1], ram0, 0, 0);
	dmio_region(&where[2], err_dev, 0, 0);
	dmio_region(&where[3], rec->bdev, 0, 0);
	for (async = 0; async < 2; async++) {
		const char *what = dmio_mode(async);

		dmio_rec_clear(rec);
		dmio_ext_req(&req, REQ_OP_WRITE | REQ_PREFLUSH);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 4, where, &req, &err,
					     &unsup),
				0);
		KUNIT_EXPECT_EQ(test, err | unsup, 0);
		KUNIT_EXPECT_EQ(test, dmio_rec_nr(rec), 2);
		KUNIT_EXPECT_EQ(test, rec->log[0].size, 0);
		KUNIT_EXPECT_EQ(test, rec->log[1].size, 0);
		KUNIT_EXPECT_TRUE(test,
				  dmio_rec_check_flags(test, rec, REQ_OP_WRITE,
						       REQ_PREFLUSH, 0, what));

		dmio_rec_fail(rec, true, 0, 0);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 3, where, &req, &err,
					     &unsup),
				-EIO);
		KUNIT_EXPECT_EQ(test, err, BIT(0));
		KUNIT_EXPECT_EQ(test, unsup, 0);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 4, where, &req, &err,
					     &unsup),
				-EIO);
		KUNIT_EXPECT_EQ(test, err, BIT(0) | BIT(3));
		dmio_rec_fail(rec, false, 0, 0);
	}
}

/*
 * The I/O priority is on every bio (data, discard, flush), and READ and
 * WRITE through dm_io_submit() move the data for every kind of buffer.
 */
static void dmio_ext_ioprio(struct kunit *test)
{
	const u16 prio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 4);
	const size_t len = 64 * 1024;
	struct dmio_rec *rec = test->priv;
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	struct io_region where;
	unsigned int v, i, n;
	char what[32];

	dmio_region(&where, rec->bdev, 128, len >> SECTOR_SHIFT);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		struct dmio_buf *w = dmio_buf_new(test, kind, len,
						  kind == DMIO_PL ? 512 : 0);
		struct dmio_buf *r = dmio_buf_new(test, kind, len, 0);
		u32 seed = dmio_seed();

		snprintf(what, sizeof(what), "%s %s", dmio_kind_name[kind],
			 dmio_mode(async));
		dmio_buf_fill(w, seed);
		dmio_buf_memset(r, DMIO_GUARD);
		dmio_rec_clear(rec);
		dmio_ext_req(&req, REQ_OP_WRITE | REQ_FUA);
		req.ioprio = prio;
		dmio_mem_ext(&req, &w->mem);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 1, &where, &req, &err,
					     &unsup),
				0);
		dmio_ext_req(&req, REQ_OP_READ);
		req.ioprio = prio;
		dmio_mem_ext(&req, &r->mem);
		KUNIT_EXPECT_EQ(test,
				dmio_ext_run(test, async, 1, &where, &req, &err,
					     &unsup),
				0);
		dmio_buf_check(test, r, seed, len, what);
		dmio_buf_check_guards(test, r, what);

		/* 16 bios each way (the recorder takes a page per bio) */
		n = dmio_rec_nr(rec);
		KUNIT_EXPECT_EQ_MSG(test, n, 2 * len / PAGE_SIZE, "%s", what);
		for (i = 0; i < n && i < DMIO_REC_LOG; i++)
			KUNIT_EXPECT_EQ_MSG(test, rec->log[i].ioprio, prio,
					    "%s bio %u", what, i);
	}

	/* one bio: the request lives in the bio */
	dmio_rec_clear(rec);
	dmio_region(&where, rec->bdev, 128, 8);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &dmio_buf_new(test, DMIO_VM, 4096, 0)->mem);
	req.ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 1, &where, &req, &err,
				     &unsup),
			0);
	dmio_ext_req(&req, REQ_OP_DISCARD);
	req.ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 1, &where, &req, &err,
				     &unsup),
			0);
	dmio_region(&where, rec->bdev, 0, 0);
	dmio_ext_req(&req, REQ_OP_WRITE | REQ_PREFLUSH);
	req.ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 1, &where, &req, &err, &unsup),
			0);
	n = dmio_rec_nr(rec);
	KUNIT_EXPECT_GT(test, n, 2);
	for (i = 0; i < n && i < DMIO_REC_LOG; i++)
		KUNIT_EXPECT_EQ_MSG(test, rec->log[i].ioprio,
				    IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0),
				    "write/discard/flush bio %u", i);
}

/* Reads /sys/kernel/debug/dm-io/@user/@file as a number. */
static int dmio_ext_debugfs(const char *user, const char *file, u64 *val)
{
	char path[96], buf[32];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dm-io/%s/%s", user,
		 file);
	f = dmio_filp_open(path, O_RDONLY);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	buf[n] = 0;
	return kstrtoull(strim(buf), 10, val);
}

static void dmio_res_stats(struct kunit_resource *res)
{
	dm_io_stats_destroy(res->data);
}

static bool dmio_res_stats_match(struct kunit *test, struct kunit_resource *res,
				 void *match_data)
{
	return res->free == dmio_res_stats && res->data == match_data;
}

/*
 * Per-user statistics count requests, bytes, errors, unsupported and
 * in-flight requests of that user only, and show them in debugfs.
 */
static void dmio_ext_stats(struct kunit *test)
{
	static const char *const user = "kunit-ext";
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct block_device *err_dev = dmio_open(test, DMIO_DEV_ERR);
	unsigned int pages0 = dmio_reserved_pages();
	struct dmio_rec *rec = test->priv;
	struct dm_io_ext_request req;
	struct dm_io_stats_values v;
	struct dmio_ext_async *a;
	unsigned long err, unsup;
	struct io_region where, two[2];
	struct dm_io_stats *stats;
	struct dmio_buf *b;
	u64 val;

	stats = dm_io_stats_create(user, 4);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(stats));
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, dmio_res_init,
							 dmio_res_stats,
							 GFP_KERNEL, stats));
	/* a user's reserve is its own: the shared one does not grow */
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), pages0);
	dm_io_stats_read(stats, &v);
	KUNIT_EXPECT_EQ(test, v.requests + v.bytes + v.in_flight, 0);
	KUNIT_EXPECT_EQ(test, v.reserve_pages, 4);

	b = dmio_buf_new(test, DMIO_VM, 4096, 0);
	dmio_buf_fill(b, dmio_seed());
	dmio_region(&where, rec->bdev, 0, 8);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.stats = stats;
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 1, &where, &req, &err,
				     &unsup),
			0);
	dmio_region(&where, err_dev, 0, 8);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 1, &where, &req, &err, &unsup),
			-EIO);
	dmio_region(&where, rec->bdev, 64, 50);
	dmio_ext_req(&req, REQ_OP_DISCARD);
	req.stats = stats;
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 1, &where, &req, &err,
				     &unsup),
			0);
	dmio_region(&where, nb, 0, 8);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 1, &where, &req, &err, &unsup),
			-EOPNOTSUPP);
	/* a request of two regions, then one with a region past the end */
	dmio_region(&two[0], rec->bdev, 0, 8);
	dmio_region(&two[1], rec->bdev, 16, 8);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.stats = stats;
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 2, two, &req, &err, &unsup),
			0);
	dmio_region(&two[1], rec->bdev, bdev_nr_sectors(rec->bdev), 8);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 2, two, &req, &err, &unsup),
			-EIO);
	KUNIT_EXPECT_EQ(test, err, 2);
	/* the classic calls account to no user */
	dmio_region(&where, rec->bdev, 0, 8);
	KUNIT_EXPECT_EQ(test,
			dm_io_sync_vm(1, &where, REQ_OP_WRITE, b->mem.vm, NULL),
			0);

	dm_io_stats_read(stats, &v);
	KUNIT_EXPECT_EQ(test, v.requests, 6);
	KUNIT_EXPECT_EQ(test, v.bytes,
			(8 + 8 + 50 + 8 + 16 + 16) << SECTOR_SHIFT);
	KUNIT_EXPECT_EQ(test, v.errors, 2);
	KUNIT_EXPECT_EQ(test, v.unsupported, 1);
	KUNIT_EXPECT_EQ(test, v.in_flight, 0);

	/* one request held in the recorder is in flight */
	a = dmio_alloc(test, sizeof(*a));
	init_completion(&a->done);
	atomic_set(&a->calls, 0);
	dmio_rec_hold(rec, true);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.stats = stats;
	req.notify = dmio_ext_notify;
	req.context = a;
	KUNIT_ASSERT_EQ(test, dm_io_submit(1, &where, &req, NULL, NULL), 0);
	KUNIT_ASSERT_TRUE(test, dmio_rec_wait_held(rec, 1));
	dm_io_stats_read(stats, &v);
	KUNIT_EXPECT_EQ(test, v.in_flight, 1);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "in_flight", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 1);
	dmio_rec_hold(rec, false);
	dmio_rec_release(rec, UINT_MAX);
	if (!wait_for_completion_timeout(&a->done, DMIO_TIMEOUT)) {
		WRITE_ONCE(dmio_test_unsafe, true);
		KUNIT_FAIL_AND_ABORT(test, "callback not called");
	}

	dm_io_stats_read(stats, &v);
	KUNIT_EXPECT_EQ(test, v.in_flight, 0);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "requests", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 7);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "bytes", &val), 0);
	KUNIT_EXPECT_EQ(test, val,
			(8 + 8 + 50 + 8 + 16 + 16 + 8) << SECTOR_SHIFT);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "errors", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 2);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "unsupported", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 1);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "in_flight", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "reserve_pages", &val), 0);
	KUNIT_EXPECT_EQ(test, val, 4);

	/* destroying gives the reserve back and removes the directory */
	kunit_destroy_resource(test, dmio_res_stats_match, stats);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), pages0);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(user, "requests", &val),
			-ENOENT);
}

/*
 * Creating a user when its N-th allocation fails, for every N until the
 * call makes no more: -ENOMEM and nothing left behind (no debugfs
 * directory; the debug leg's kmemleak scan finds no object), or a working
 * user when the failure was absorbed (its debugfs directory, which is
 * optional).  The user made without failure does I/O from its reserve.
 */
static void dmio_ext_user_failnth(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	static const char *const name = "kunit-failnth";
	struct dmio_rec *rec = test->priv;
	unsigned int n, failed = 0, absorbed = 0;
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	struct io_region where;
	struct dm_io_user *u;
	struct dmio_buf *b;
	u64 val;

	for (n = 1; n < 5000; n++) {
		current->fail_nth = n;
		u = dm_io_user_create(name, 64);
		if (current->fail_nth) {
			current->fail_nth = 0;
			break; /* no n-th allocation: done */
		}
		if (IS_ERR(u)) {
			failed++;
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(u), -ENOMEM, "n=%u",
					    n);
			KUNIT_EXPECT_EQ_MSG(test,
					    dmio_ext_debugfs(name, "requests",
							     &val),
					    -ENOENT, "n=%u: debugfs left", n);
			continue;
		}
		absorbed++;
		dm_io_user_destroy(u);
	}
	kunit_info(test, "%u allocations: %u failed the call, %u absorbed",
		   n - 1, failed, absorbed);
	KUNIT_ASSERT_LT(test, n, 5000U);
	KUNIT_EXPECT_GT(test, failed, 0U);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(u));

	b = dmio_buf_new(test, DMIO_VM, 4096, 0);
	dmio_buf_fill(b, dmio_seed());
	dmio_region(&where, rec->bdev, 0, 8);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.user = u;
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 1, &where, &req, &err, &unsup),
			0);
	dm_io_user_destroy(u);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

struct dmio_ext_destroyer {
	struct dm_io_user *user;
	struct completion done;
};

static int dmio_ext_destroy_thread(void *data)
{
	struct dmio_ext_destroyer *d = data;

	dm_io_user_destroy(d->user);
	kthread_complete_and_exit(&d->done, 0);
}

/*
 * dm_io_user_destroy() with a request in flight (held in the recorder)
 * waits: it has not returned 200 ms later, the request's callback has not
 * run, and a new request naming the user is refused (-EINVAL, no I/O);
 * once the held bio completes, the callback runs exactly once, and only
 * then does the destroy return.
 */
static void dmio_ext_user_destroy_waits(struct kunit *test)
{
	static const char *const name = "kunit-destroy";
	struct dmio_rec *rec = test->priv;
	struct dmio_ext_destroyer *d;
	struct dm_io_ext_request req;
	struct dmio_ext_async *a;
	struct task_struct *task;
	struct io_region where;
	struct dm_io_user *u;
	struct dmio_buf *b;
	u64 val;
	int r;

	u = dm_io_user_create(name, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(u));
	b = dmio_buf_new(test, DMIO_VM, 4096, 0);
	dmio_buf_fill(b, dmio_seed());
	a = dmio_alloc(test, sizeof(*a));
	init_completion(&a->done);
	atomic_set(&a->calls, 0);
	d = dmio_alloc(test, sizeof(*d));
	d->user = u;
	init_completion(&d->done);

	dmio_region(&where, rec->bdev, 0, 8);
	dmio_rec_hold(rec, true);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.user = u;
	req.notify = dmio_ext_notify;
	req.context = a;
	r = dm_io_submit(1, &where, &req, NULL, NULL);
	if (r || !dmio_rec_wait_held(rec, 1)) {
		dmio_rec_hold(rec, false);
		dmio_rec_release(rec, UINT_MAX);
		if (!r)
			wait_for_completion_timeout(&a->done, DMIO_TIMEOUT);
		dm_io_user_destroy(u);
		KUNIT_FAIL_AND_ABORT(test, "request not held: %d", r);
	}

	task = kthread_run(dmio_ext_destroy_thread, d, "dmio_destroy");
	if (IS_ERR(task)) {
		dmio_rec_hold(rec, false);
		dmio_rec_release(rec, UINT_MAX);
		wait_for_completion_timeout(&a->done, DMIO_TIMEOUT);
		dm_io_user_destroy(u);
		KUNIT_FAIL_AND_ABORT(test, "kthread_run: %ld", PTR_ERR(task));
	}
	KUNIT_EXPECT_FALSE_MSG(test,
			       wait_for_completion_timeout(&d->done, HZ / 5),
			       "destroy returned with a request in flight");
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 0);
	KUNIT_EXPECT_EQ(test, dmio_ext_debugfs(name, "requests", &val),
			-ENOENT);

	/* being destroyed: a new request is refused */
	req.notify = NULL;
	KUNIT_EXPECT_EQ(test, dm_io_submit(1, &where, &req, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dmio_rec_nr(rec), 1U);

	dmio_rec_hold(rec, false);
	dmio_rec_release(rec, UINT_MAX);
	if (!wait_for_completion_timeout(&a->done, DMIO_TIMEOUT) ||
	    !wait_for_completion_timeout(&d->done, DMIO_TIMEOUT)) {
		WRITE_ONCE(dmio_test_unsafe, true);
		KUNIT_FAIL_AND_ABORT(test, "callback or destroy never done");
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
	KUNIT_EXPECT_EQ(test, a->error_bits, 0UL);
	KUNIT_EXPECT_EQ(test, a->unsup_bits, 0UL);
}

#ifdef CONFIG_TRACEPOINTS
struct dmio_ext_trace {
	spinlock_t lock; /* protects everything below */
	unsigned int submits;
	unsigned int completes;
	const void *id;
	bool id_matched;
	unsigned int num_regions;
	blk_opf_t opf;
	unsigned short ioprio;
	u64 bytes;
	unsigned long error_bits;
	unsigned long unsup_bits;
};

static void dmio_ext_probe_submit(void *data, const void *id,
				  unsigned int num_regions, blk_opf_t opf,
				  unsigned short ioprio, u64 bytes)
{
	struct dmio_ext_trace *t = data;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	t->submits++;
	t->id = id;
	t->num_regions = num_regions;
	t->opf = opf;
	t->ioprio = ioprio;
	t->bytes = bytes;
	spin_unlock_irqrestore(&t->lock, flags);
}

static void dmio_ext_probe_complete(void *data, const void *id,
				    unsigned long error_bits,
				    unsigned long unsup_bits)
{
	struct dmio_ext_trace *t = data;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	t->completes++;
	t->id_matched = id == t->id;
	t->error_bits = error_bits;
	t->unsup_bits = unsup_bits;
	spin_unlock_irqrestore(&t->lock, flags);
}

static void dmio_ext_trace_reset(struct dmio_ext_trace *t)
{
	spin_lock_irq(&t->lock);
	t->submits = 0;
	t->completes = 0;
	t->id = NULL;
	t->id_matched = false;
	spin_unlock_irq(&t->lock);
}

/*
 * One dm_io_submit event and one dm_io_complete event per request, with
 * the same id, the request's op, priority and size, and its result bits;
 * the classic calls fire them too.  Requests that fail the checks fire
 * none.
 */
static void dmio_ext_tracepoints(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	const u16 prio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 2);
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 2);
	struct dm_io_ext_request req;
	struct dmio_ext_trace *t;
	unsigned long err, unsup;
	struct dmio_buf *b;
	int r;

	t = dmio_alloc(test, sizeof(*t));
	spin_lock_init(&t->lock);
	r = register_trace_dm_io_submit(dmio_ext_probe_submit, t);
	KUNIT_ASSERT_EQ(test, r, 0);
	r = register_trace_dm_io_complete(dmio_ext_probe_complete, t);
	if (r) {
		unregister_trace_dm_io_submit(dmio_ext_probe_submit, t);
		tracepoint_synchronize_unregister();
		KUNIT_ASSERT_EQ(test, r, 0);
	}

	b = dmio_buf_new(test, DMIO_BVEC, 8192, 0);
	dmio_buf_fill(b, dmio_seed());
	dmio_region(&where[0], rec->bdev, 0, 16);
	dmio_ext_req(&req, REQ_OP_WRITE);
	dmio_mem_ext(&req, &b->mem);
	req.ioprio = prio;
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, false, 1, where, &req, &err, &unsup),
			0);
	KUNIT_EXPECT_EQ(test, t->submits, 1);
	KUNIT_EXPECT_EQ(test, t->completes, 1);
	KUNIT_EXPECT_TRUE(test, t->id_matched);
	KUNIT_EXPECT_EQ(test, t->num_regions, 1);
	KUNIT_EXPECT_EQ(test, t->opf & REQ_OP_MASK, REQ_OP_WRITE);
	KUNIT_EXPECT_EQ(test, t->ioprio, prio);
	KUNIT_EXPECT_EQ(test, t->bytes, 8192);
	KUNIT_EXPECT_EQ(test, t->error_bits | t->unsup_bits, 0);

	dmio_ext_trace_reset(t);
	dmio_region(&where[1], nb, 0, 8);
	dmio_ext_req(&req, REQ_OP_DISCARD);
	KUNIT_EXPECT_EQ(test,
			dmio_ext_run(test, true, 2, where, &req, &err, &unsup),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, t->submits, 1);
	KUNIT_EXPECT_EQ(test, t->completes, 1);
	KUNIT_EXPECT_TRUE(test, t->id_matched);
	KUNIT_EXPECT_EQ(test, t->num_regions, 2);
	KUNIT_EXPECT_EQ(test, t->opf & REQ_OP_MASK, REQ_OP_DISCARD);
	KUNIT_EXPECT_EQ(test, t->bytes, 24 << SECTOR_SHIFT);
	KUNIT_EXPECT_EQ(test, t->error_bits, 0);
	KUNIT_EXPECT_EQ(test, t->unsup_bits, BIT(1));

	/* the classic API: 1 request of 2 regions, multi-bio */
	dmio_ext_trace_reset(t);
	dmio_region(&where[1], ram0, 64, 16);
	KUNIT_EXPECT_EQ(test,
			dm_io_sync_bvec(2, where, REQ_OP_WRITE, b->mem.bvec,
					NULL),
			0);
	KUNIT_EXPECT_EQ(test, t->submits, 1);
	KUNIT_EXPECT_EQ(test, t->completes, 1);
	KUNIT_EXPECT_TRUE(test, t->id_matched);
	KUNIT_EXPECT_EQ(test, t->bytes, 2 * 8192);

	/* bad input: no events */
	dmio_ext_trace_reset(t);
	KUNIT_EXPECT_EQ(test,
			dm_io_sync_bvec(2, where, REQ_OP_READ, b->mem.bvec,
					NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, t->submits + t->completes, 0);

	unregister_trace_dm_io_complete(dmio_ext_probe_complete, t);
	unregister_trace_dm_io_submit(dmio_ext_probe_submit, t);
	tracepoint_synchronize_unregister();
}
#endif /* CONFIG_TRACEPOINTS */

/* Bad input: -EINVAL, no I/O, no callback, nothing counted (for a user too). */
static void dmio_ext_invalid(struct kunit *test)
{
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	struct dmio_rec *rec = test->priv;
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 4096, 0);
	struct io_region *where = dmio_regions(test, DM_IO_MAX_REGIONS + 1);
	u64 bios = dmio_bios_submitted();
	struct dm_io_ext_request req;
	struct dm_io_stats_values v;
	unsigned long err, unsup;
	unsigned int k, async;
	struct dm_io_user *u;
	static const char *const bad_names[] = {
		"", "a/b", ".", "..", "0123456789abcdef0123456789abcdef",
	};

	for (k = 0; k <= DM_IO_MAX_REGIONS; k++)
		dmio_region(&where[k], rec->bdev, 8 * k, 8);

	KUNIT_EXPECT_EQ(test, dm_io_submit(1, where, NULL, &err, &unsup),
			-EINVAL);
	for (async = 0; async < 2; async++) {
#define DMIO_EXT_BAD(nr, w, what)                                        \
	KUNIT_EXPECT_EQ_MSG(test,                                        \
			    dmio_ext_run(test, async, nr, w, &req, &err, \
					 &unsup),                        \
			    -EINVAL, "%s %s", what, dmio_mode(async))

		dmio_ext_req(&req, REQ_OP_DISCARD);
		dmio_mem_ext(&req, &b->mem);
		DMIO_EXT_BAD(1, where, "buffer for discard");
		dmio_ext_req(&req, REQ_OP_WRITE_ZEROES);
		req.mem_type = DM_IO_EXT_MEM_VM;
		DMIO_EXT_BAD(1, where, "buffer for write zeroes");
		dmio_ext_req(&req, REQ_OP_DISCARD | REQ_FUA);
		DMIO_EXT_BAD(1, where, "FUA discard");
		dmio_ext_req(&req, REQ_OP_DISCARD | REQ_PREFLUSH);
		DMIO_EXT_BAD(1, where, "PREFLUSH discard");
		dmio_ext_req(&req, REQ_OP_DISCARD | REQ_NOUNMAP);
		DMIO_EXT_BAD(1, where, "NOUNMAP discard");
		dmio_ext_req(&req, REQ_OP_SECURE_ERASE);
		DMIO_EXT_BAD(1, where, "secure erase");
		dmio_ext_req(&req, REQ_OP_FLUSH);
		DMIO_EXT_BAD(1, where, "REQ_OP_FLUSH");
		dmio_ext_req(&req, REQ_OP_DISCARD);
		req.ioprio = 7 << IOPRIO_CLASS_SHIFT;
		DMIO_EXT_BAD(1, where, "ioprio class");
		dmio_ext_req(&req, REQ_OP_DISCARD);
		DMIO_EXT_BAD(0, where, "no regions");
		DMIO_EXT_BAD(DM_IO_MAX_REGIONS + 1, where, "too many regions");
		DMIO_EXT_BAD(1, NULL, "NULL where");
		dmio_ext_req(&req, REQ_OP_WRITE);
		DMIO_EXT_BAD(1, where, "WRITE without buffer");
		dmio_ext_req(&req, REQ_OP_WRITE);
		dmio_mem_ext(&req, &b->mem);
		req.mem_type = 99;
		DMIO_EXT_BAD(1, where, "unknown buffer kind");
		dmio_ext_req(&req, REQ_OP_READ);
		dmio_mem_ext(&req, &b->mem);
		DMIO_EXT_BAD(2, where, "READ of two regions");

		/* a 4 KiB device: sector 1 is not a logical block */
		dmio_region(&where[0], nb4k, 1, 8);
		dmio_ext_req(&req, REQ_OP_WRITE_ZEROES);
		DMIO_EXT_BAD(1, where, "unaligned write zeroes");
		dmio_region(&where[0], nb4k, 8, 4);
		dmio_ext_req(&req, REQ_OP_DISCARD);
		DMIO_EXT_BAD(1, where, "unaligned discard");
		dmio_region(&where[0], rec->bdev, 0, 8);
#undef DMIO_EXT_BAD
	}
	KUNIT_EXPECT_EQ(test, dmio_bios_submitted(), bios);
	KUNIT_EXPECT_EQ(test, dmio_rec_nr(rec), 0);

	/*
	 * A request the engine refuses is never counted started (else destroy
	 * would wait for it forever: it is not destroyed then).
	 */
	u = dm_io_user_create("kunit-invalid", 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(u));
	for (async = 0; async < 2; async++) {
		dmio_ext_req(&req, REQ_OP_WRITE);
		dmio_mem_ext(&req, &b->mem);
		req.user = u;
		dmio_region(&where[0], nb4k, 1, 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_run(test, async, 1, where, &req,
						 &err, &unsup),
				    -EINVAL, "unaligned, user %s",
				    dmio_mode(async));
		where[0].bdev = NULL;
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_run(test, async, 1, where, &req,
						 &err, &unsup),
				    -EINVAL, "no device, user %s",
				    dmio_mode(async));
		/* refused as its one bio is filled, from the user's bioset */
		dmio_region(&where[0], rec->bdev, 0,
			    2 * (PAGE_SIZE >> SECTOR_SHIFT));
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_run(test, async, 1, where, &req,
						 &err, &unsup),
				    -EINVAL, "short page list, user %s",
				    dmio_mode(async));
	}
	dm_io_user_stats(u, &v);
	KUNIT_EXPECT_EQ(test, v.requests, 0);
	KUNIT_EXPECT_EQ(test, v.bytes, 0);
	if (v.in_flight)
		KUNIT_FAIL(test, "%llu refused requests in flight: user leaked",
			   v.in_flight);
	else
		dm_io_user_destroy(u);
	KUNIT_EXPECT_EQ(test, dmio_bios_submitted(), bios);

	KUNIT_EXPECT_EQ(test, PTR_ERR(dm_io_stats_create(NULL, 0)), -EINVAL);
	for (k = 0; k < ARRAY_SIZE(bad_names); k++)
		KUNIT_EXPECT_EQ_MSG(test,
				    PTR_ERR(dm_io_stats_create(bad_names[k],
							       0)),
				    -EINVAL, "name '%s'", bad_names[k]);
	dm_io_stats_destroy(NULL);
}

static struct kunit_case dmio_ext_cases[] = {
	KUNIT_CASE(dmio_ext_discard_split),
	KUNIT_CASE(dmio_ext_discard_regions),
	KUNIT_CASE(dmio_ext_write_zeroes_split),
	KUNIT_CASE(dmio_ext_unsupported),
	KUNIT_CASE(dmio_ext_mixed),
	KUNIT_CASE(dmio_ext_nullb_discard),
	KUNIT_CASE(dmio_ext_flush_all),
	KUNIT_CASE(dmio_ext_ioprio),
	KUNIT_CASE(dmio_ext_stats),
	KUNIT_CASE(dmio_ext_user_failnth),
	KUNIT_CASE(dmio_ext_user_destroy_waits),
#ifdef CONFIG_TRACEPOINTS
	KUNIT_CASE(dmio_ext_tracepoints),
#endif
	KUNIT_CASE(dmio_ext_invalid),
	{}
};

struct kunit_suite dmio_ext_suite = {
	.name = "dm_io_ext",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_ext_test_init,
	.exit = dmio_ext_test_exit,
	.test_cases = dmio_ext_cases,
};
