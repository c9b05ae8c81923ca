// SPDX-License-Identifier: GPL-2.0
/*
 * Flags and completion, mostly observed through the recorder:
 *
 * dm_io_flags: REQ_SYNC/REQ_FUA/REQ_PREFLUSH (and other hints) reach every
 * bio; a PREFLUSH WRITE with count 0 sends one empty flush per region;
 * count 0 without PREFLUSH sends nothing and still completes.
 *
 * dm_io_completion: an async request calls back exactly once and only
 * after its last bio (bios held and released newest first), a sync one
 * returns only after its last bio; callbacks from interrupt context;
 * many requests in flight; the regions array is only read during the call.
 */

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>

#include "dm-io-test.h"

/* ---- dm_io_flags ---- */

/* Every WRITE flag asked for is on every bio of every region, no others. */
static void dmio_flags_write(struct kunit *test)
{
	static const blk_opf_t sets[] = {
		0,
		REQ_SYNC,
		REQ_FUA,
		REQ_PREFLUSH,
		REQ_SYNC | REQ_FUA | REQ_PREFLUSH,
		REQ_META | REQ_PRIO,
	};
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	unsigned int bios[3];
	unsigned int i;
	char what[32];

	dmio_region(&where[0], rec->bdev, 0, 16);
	dmio_region(&where[1], rec->bdev, 1024, 16);
	dmio_region(&where[2], rec->bdev, 2048, 24);
	for (i = 0; i < 2 * ARRAY_SIZE(sets); i++) {
		blk_opf_t flags = sets[i / 2];
		blk_opf_t forbid = (REQ_FUA | REQ_PREFLUSH) & ~flags;
		enum dmio_kind kind = i % DMIO_NR_KINDS;
		bool async = i & 1;
		struct dmio_buf *b = dmio_buf_new(test, kind, 24 * 512, 0);
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "flags %#x %s %s",
			 (__force u32)flags, dmio_kind_name[kind],
			 dmio_mode(async));
		dmio_buf_fill(b, dmio_seed());
		dmio_rec_clear(rec);
		r = dmio_run(test, async, b, 3, where, REQ_OP_WRITE | flags,
			     &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		if (!dmio_rec_check_cover(test, rec, 3, where, bios, what) ||
		    !dmio_rec_check_flags(test, rec, REQ_OP_WRITE, flags,
					  forbid, what))
			return;
		/* 8 sectors per bio: every region had several */
		KUNIT_EXPECT_GE_MSG(test, bios[0], 2U, "%s", what);
	}
}

/* READ hints reach every bio; a READ never carries FUA or PREFLUSH. */
static void dmio_flags_read(struct kunit *test)
{
	static const blk_opf_t sets[] = {
		0,
		REQ_SYNC,
		REQ_META | REQ_PRIO,
		REQ_RAHEAD,
	};
	struct dmio_rec *rec = test->priv;
	struct io_region where;
	unsigned int i;
	char what[32];

	dmio_region(&where, rec->bdev, 4096, 32);
	for (i = 0; i < 2 * ARRAY_SIZE(sets); i++) {
		blk_opf_t flags = sets[i / 2];
		enum dmio_kind kind = i % DMIO_NR_KINDS;
		bool async = i & 1;
		struct dmio_buf *b = dmio_buf_new(test, kind, 32 * 512, 0);
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "flags %#x %s %s",
			 (__force u32)flags, dmio_kind_name[kind],
			 dmio_mode(async));
		dmio_rec_clear(rec);
		r = dmio_run(test, async, b, 1, &where, REQ_OP_READ | flags,
			     &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		if (!dmio_rec_check_cover(test, rec, 1, &where, NULL, what) ||
		    !dmio_rec_check_flags(test, rec, REQ_OP_READ, flags,
					  REQ_FUA | REQ_PREFLUSH, what))
			return;
	}
}

/*
 * Checks that the recorder saw exactly @nr bios, each an empty WRITE with
 * REQ_PREFLUSH.
 */
static bool dmio_expect_empty_flushes(struct kunit *test, struct dmio_rec *rec,
				      unsigned int nr, const char *what)
{
	unsigned int i, n = dmio_rec_nr(rec);

	KUNIT_EXPECT_EQ_MSG(test, n, nr, "%s: flush bios", what);
	if (n != nr)
		return false;
	for (i = 0; i < n; i++) {
		if (rec->log[i].size) {
			KUNIT_FAIL(test, "%s: flush %u has %u bytes", what, i,
				   rec->log[i].size);
			return false;
		}
	}
	return dmio_rec_check_flags(test, rec, REQ_OP_WRITE, REQ_PREFLUSH, 0,
				    what);
}

/*
 * WRITE | REQ_PREFLUSH with count 0 on N regions sends N empty flush bios
 * and completes with 0; on different devices too.
 */
static void dmio_flags_empty_flush(struct kunit *test)
{
	const blk_opf_t flush = REQ_OP_WRITE | REQ_PREFLUSH;
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 4);
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	unsigned int v, k;
	char what[24];

	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		struct dmio_buf *b = dmio_buf_new(test, kind, 4096, 0);
		unsigned long bits;
		u64 bios;
		int r;

		snprintf(what, sizeof(what), "%s %s", dmio_kind_name[kind],
			 dmio_mode(async));
		for (k = 0; k < 4; k++)
			dmio_region(&where[k], rec->bdev, 8 * k, 0);
		dmio_rec_clear(rec);
		bios = dmio_bios_submitted();
		r = dmio_run(test, async, b, 4, where, flush, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted() - bios, 4ULL,
				    "%s", what);
		if (!dmio_expect_empty_flushes(test, rec, 4, what))
			return;

		/* two on the recorder, one on ram0, one on null_blk */
		dmio_region(&where[1], ram0, 0, 0);
		dmio_region(&where[2], nb, 0, 0);
		dmio_rec_clear(rec);
		bios = dmio_bios_submitted();
		r = dmio_run(test, async, b, 4, where, flush | REQ_SYNC, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s mixed", what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted() - bios, 4ULL,
				    "%s mixed", what);
		if (!dmio_expect_empty_flushes(test, rec, 2, what))
			return;
	}
}

/*
 * PREFLUSH with a region of count 0 between regions with data: one empty
 * flush for it, and data bios (each with PREFLUSH) for the other.
 */
static void dmio_flags_flush_and_data(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 16 * 512, 512);
	unsigned int i, n, empty = 0, async;
	unsigned long bits;
	u64 bios;
	int r;

	dmio_region(&where[0], rec->bdev, 0, 0);
	dmio_region(&where[1], rec->bdev, 1024, 16);
	dmio_region(&where[2], dmio_open(test, DMIO_DEV_RAM0), 0, 0);
	for (async = 0; async < 2; async++) {
		empty = 0;
		dmio_buf_fill(b, dmio_seed());
		dmio_rec_clear(rec);
		bios = dmio_bios_submitted();
		r = dmio_run(test, async, b, 3, where,
			     REQ_OP_WRITE | REQ_PREFLUSH, &bits);
		KUNIT_EXPECT_EQ(test, r, 0);
		n = dmio_rec_nr(rec);
		for (i = 0; i < n && i < DMIO_REC_LOG; i++)
			empty += !rec->log[i].size;
		KUNIT_EXPECT_EQ(test, empty, 1U);
		/*
		 * one bio for the 16 sectors (the recorder cuts it to its
		 * limit), one empty flush to the recorder and one to ram0
		 */
		KUNIT_EXPECT_EQ(test, dmio_bios_submitted() - bios, 3ULL);
		dmio_rec_check_cover(test, rec, 3, where, NULL, "data");
		dmio_rec_check_flags(test, rec, REQ_OP_WRITE, REQ_PREFLUSH, 0,
				     "flush+data");
	}
}

/* A failing empty flush sets its region's bit (the dm-raid1 pattern). */
static void dmio_flags_flush_errors(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 4);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_VM, 4096, 0);
	unsigned int async;

	dmio_region(&where[0], rec->bdev, 0, 0);
	dmio_region(&where[1], dmio_open(test, DMIO_DEV_RAM0), 0, 0);
	dmio_region(&where[2], rec->bdev, 64, 0);
	dmio_region(&where[3], dmio_open(test, DMIO_DEV_RAM1), 0, 0);
	dmio_rec_fail(rec, true, 0, 0);
	for (async = 0; async < 2; async++) {
		unsigned long bits;
		int r;

		dmio_rec_clear(rec);
		r = dmio_run(test, async, b, 4, where,
			     REQ_OP_WRITE | REQ_PREFLUSH, &bits);
		KUNIT_EXPECT_EQ(test, r, -EIO);
		KUNIT_EXPECT_EQ(test, bits, BIT(0) | BIT(2));
		dmio_expect_empty_flushes(test, rec, 2, dmio_mode(async));
	}
}

/*
 * Count 0 without PREFLUSH (also with REQ_FUA, and a READ) sends nothing:
 * sync returns 0, async calls back exactly once with 0, perhaps before it
 * returns.
 */
static void dmio_flags_count0_no_flush(struct kunit *test)
{
	static const blk_opf_t ops[] = {
		REQ_OP_WRITE,
		REQ_OP_WRITE | REQ_FUA | REQ_SYNC,
		REQ_OP_READ,
	};
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	unsigned int i;
	char what[32];

	dmio_region(&where[0], rec->bdev, 0, 0);
	dmio_region(&where[1], dmio_open(test, DMIO_DEV_RAM0), 8, 0);
	dmio_region(&where[2], rec->bdev, 16, 0);
	for (i = 0; i < ARRAY_SIZE(ops) * DMIO_NR_VARIANTS; i++) {
		blk_opf_t op = ops[i / DMIO_NR_VARIANTS];
		unsigned int nr = op == REQ_OP_READ ? 1 : 3;
		enum dmio_kind kind = dmio_variant_kind(i % DMIO_NR_VARIANTS);
		bool async = dmio_variant_async(i);
		struct dmio_buf *b = dmio_buf_new(test, kind, 4096, 0);
		u64 bios = dmio_bios_submitted();
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "op %#x %s %s", (__force u32)op,
			 dmio_kind_name[kind], dmio_mode(async));
		dmio_rec_clear(rec);
		r = dmio_run(test, async, b, nr, where, op, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, 0UL, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted(), bios, "%s",
				    what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_rec_nr(rec), 0U, "%s", what);
	}
}

static struct kunit_case dmio_flags_cases[] = {
	KUNIT_CASE(dmio_flags_write),
	KUNIT_CASE(dmio_flags_read),
	KUNIT_CASE(dmio_flags_empty_flush),
	KUNIT_CASE(dmio_flags_flush_and_data),
	KUNIT_CASE(dmio_flags_flush_errors),
	KUNIT_CASE(dmio_flags_count0_no_flush),
	{}
};

struct kunit_suite dmio_flags_suite = {
	.name = "dm_io_flags",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_flags_cases,
};

/* ---- dm_io_completion ---- */

/*
 * Lets the bios of a request pile up in the recorder (at least @min) and
 * returns how many are held.
 */
static unsigned int dmio_rec_held(struct kunit *test, struct dmio_rec *rec,
				  unsigned int min)
{
	KUNIT_EXPECT_TRUE_MSG(test, dmio_rec_wait_held(rec, min),
			      "only %u bios arrived", READ_ONCE(rec->nr_held));
	msleep(20); /* any stragglers */
	return READ_ONCE(rec->nr_held);
}

/*
 * Two regions, 16 bios held by the recorder, one of region 1's fails:
 * no callback while any bio is held (released newest first, so the first
 * bio submitted is the last to finish), then exactly one, with BIT(1).
 */
static void dmio_cpl_async_after_last_bio(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 2);
	enum dmio_kind kind;

	dmio_region(&where[0], rec->bdev, 0, 64);
	dmio_region(&where[1], rec->bdev, 4096, 64);
	dmio_rec_fail(rec, false, 4100, 4101);

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 64 * 512, 0);
		struct dmio_async *a = dmio_async_new(test);
		u64 s0 = dmio_requests_started();
		u64 c0 = dmio_requests_completed();
		unsigned int held;
		int r;

		dmio_buf_fill(b, dmio_seed());
		dmio_rec_hold(rec, true);
		r = dmio_call_async(b, 2, where, REQ_OP_WRITE, dmio_notify, a);
		KUNIT_ASSERT_EQ(test, r, 0);
		held = dmio_rec_held(test, rec, 16);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 0,
				    "%s: called back with all bios held",
				    dmio_kind_name[kind]);
		dmio_rec_release(rec, held - 1);
		msleep(20);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 0,
				    "%s: called back before the last bio",
				    dmio_kind_name[kind]);
		dmio_rec_hold(rec, false);
		KUNIT_EXPECT_EQ(test, dmio_rec_release(rec, UINT_MAX), 1U);
		dmio_async_wait(test, a);
		dmio_settle(test, s0, c0);
		KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
		KUNIT_EXPECT_EQ(test, a->error, BIT(1));
	}
}

struct dmio_sync_job {
	const struct dmio_buf *buf;
	const struct io_region *where;
	unsigned int nr;
	unsigned long bits;
	int ret;
	struct completion done;
};

static int dmio_sync_thread(void *data)
{
	struct dmio_sync_job *job = data;

	job->ret = dmio_call_sync(job->buf, job->nr, job->where, REQ_OP_WRITE,
				  &job->bits);
	kthread_complete_and_exit(&job->done, 0);
}

/* A sync WRITE returns only after its last bio completed. */
static void dmio_cpl_sync_after_last_bio(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 2);
	struct dmio_sync_job *job = dmio_alloc(test, sizeof(*job));
	struct task_struct *task;
	unsigned int held;
	u32 seed = dmio_seed();
	struct dmio_buf *b;
	bool done;

	b = dmio_buf_new(test, DMIO_PL, 64 * 512, 512);
	dmio_buf_fill(b, seed);
	dmio_region(&where[0], rec->bdev, 8192, 64);
	dmio_region(&where[1], rec->bdev, 0, 32);
	job->buf = b;
	job->where = where;
	job->nr = 2;
	init_completion(&job->done);

	dmio_rec_hold(rec, true);
	task = kthread_run(dmio_sync_thread, job, "dmio_sync_test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	held = dmio_rec_held(test, rec, 12);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&job->done),
			       "returned with all bios held");
	dmio_rec_release(rec, held - 1);
	msleep(20);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&job->done),
			       "returned before the last bio");
	dmio_rec_hold(rec, false);
	dmio_rec_release(rec, UINT_MAX);
	done = wait_for_completion_timeout(&job->done, DMIO_TIMEOUT);
	if (!done)
		WRITE_ONCE(dmio_test_unsafe, true);
	KUNIT_ASSERT_TRUE_MSG(test, done, "sync call did not return");
	KUNIT_EXPECT_EQ(test, job->ret, 0);
	KUNIT_EXPECT_EQ(test, job->bits, 0UL);
	/* region 0 got the whole buffer, region 1 its first 32 sectors */
	KUNIT_EXPECT_EQ(test,
			dmio_pattern_cmp(rec->store + (8192 << 9), 64 * 512,
					 seed, 0),
			(size_t)64 * 512);
	KUNIT_EXPECT_EQ(test, dmio_pattern_cmp(rec->store, 32 * 512, seed, 0),
			(size_t)32 * 512);
}

/*
 * On /dev/dmio_nbsmall bios complete from an hrtimer (interrupt context):
 * the callback, which only records and completes, is called once with 0.
 */
static void dmio_cpl_irq_context(struct kunit *test)
{
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 256 << 10, 0);
	struct dmio_async *a = dmio_async_new(test);
	u64 s0 = dmio_requests_started();
	u64 c0 = dmio_requests_completed();
	u32 seed = dmio_seed();
	struct io_region where;
	int r;

	dmio_region(&where, nb, 65536, 512);
	dmio_buf_fill(b, seed);
	r = dmio_call_async(b, 1, &where, REQ_OP_WRITE, dmio_notify, a);
	KUNIT_ASSERT_EQ(test, r, 0);
	dmio_async_wait(test, a);
	dmio_settle(test, s0, c0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
	KUNIT_EXPECT_EQ(test, a->error, 0UL);
	kunit_info(test, "callback ran in %s context\n",
		   a->in_task ? "task" : "interrupt");
	dmio_dev_check(test, nb, where.sector, where.count, seed, 0, "nbsmall");
}

/*
 * 48 async requests in flight at once, a sixth of them on dmio_err: every
 * one calls back exactly once with its own result; the data arrived.
 */
static void dmio_cpl_many_in_flight(struct kunit *test)
{
	enum { NR = 48 };
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct block_device *err = dmio_open(test, DMIO_DEV_ERR);
	struct io_region *where = dmio_regions(test, NR);
	struct dmio_async **a = dmio_alloc(test, NR * sizeof(*a));
	struct dmio_buf **b = dmio_alloc(test, NR * sizeof(*b));
	int *ret = dmio_alloc(test, NR * sizeof(*ret));
	u64 s0 = dmio_requests_started();
	u64 c0 = dmio_requests_completed();
	u32 seed = dmio_seed();
	unsigned int i;

	for (i = 0; i < NR; i++) {
		b[i] = dmio_buf_new(test, i % DMIO_NR_KINDS, 32 << 10, 0);
		dmio_buf_fill(b[i], seed);
		a[i] = dmio_async_new(test);
		if (i % 6 == 5)
			dmio_region(&where[i], err, 64 * i, 64);
		else
			dmio_region(&where[i], nb, 98304 + 64 * i, 64);
	}
	for (i = 0; i < NR; i++)
		ret[i] = dmio_call_async(b[i], 1, &where[i], REQ_OP_WRITE,
					 dmio_notify, a[i]);
	/* wait for every request in flight before anything can abort */
	for (i = 0; i < NR; i++)
		if (!ret[i])
			dmio_async_wait(test, a[i]);
	dmio_settle(test, s0, c0);
	for (i = 0; i < NR; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ret[i], 0, "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a[i]->calls), !ret[i],
				    "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a[i]->error, i % 6 == 5 ? 1UL : 0UL,
				    "request %u", i);
		if (ret[i] || (where[i].bdev == nb &&
			       !dmio_dev_check(test, nb, where[i].sector, 64,
					       seed, 0, "nbsmall")))
			break;
	}
}

/*
 * 1 MiB regions on dmio_err: many failing bios, still one callback, and
 * a READ leaves only zeros.
 */
static void dmio_cpl_many_errors_once(struct kunit *test)
{
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct io_region *where = dmio_regions(test, 2);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 1 << 20, 0);
	unsigned int async;

	dmio_region(&where[0], dmio_open(test, DMIO_DEV_ERR), 0, 2048);
	dmio_region(&where[1], nb, 4096, 2048);
	for (async = 0; async < 2; async++) {
		unsigned long bits;
		int r;

		dmio_buf_fill(b, dmio_seed());
		r = dmio_run(test, async, b, 2, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ(test, r, -EIO);
		KUNIT_EXPECT_EQ(test, bits, BIT(0));

		dmio_buf_memset(b, DMIO_GUARD);
		r = dmio_run(test, !async, b, 1, where, REQ_OP_READ, &bits);
		KUNIT_EXPECT_EQ(test, r, -EIO);
		KUNIT_EXPECT_EQ(test, bits, BIT(0));
		dmio_buf_check_byte(test, b, 0, 0, b->len, "read of dmio_err");
	}
}

/*
 * @where is only read during the call: overwriting it (to point at ram0)
 * as soon as dm_io_async() returns changes nothing.
 */
static void dmio_cpl_where_reused(struct kunit *test)
{
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct io_region *where = dmio_regions(test, 2);
	enum dmio_kind kind;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 128 << 10, 0);
		struct dmio_async *a = dmio_async_new(test);
		u64 s0 = dmio_requests_started();
		u64 c0 = dmio_requests_completed();
		sector_t sector = 16384 + 1024 * kind;
		u32 seed = dmio_seed();
		int r;

		KUNIT_ASSERT_EQ(test, dmio_dev_memset(ram0, 512, 256, 0), 0);
		dmio_buf_fill(b, seed);
		dmio_region(&where[0], nb, sector, 256);
		dmio_region(&where[1], nb, sector + 256, 256);
		r = dmio_call_async(b, 2, where, REQ_OP_WRITE, dmio_notify, a);
		dmio_region(&where[0], ram0, 512, 256);
		dmio_region(&where[1], ram0, 512, 256);
		KUNIT_ASSERT_EQ(test, r, 0);
		dmio_async_wait(test, a);
		dmio_settle(test, s0, c0);
		KUNIT_EXPECT_EQ(test, a->error, 0UL);
		dmio_dev_check(test, nb, sector, 256, seed, 0, "region 0");
		dmio_dev_check(test, nb, sector + 256, 256, seed, 0,
			       "region 1");
		dmio_dev_check_byte(test, ram0, 512, 256, 0, "ram0");
	}
}

/* Each valid call is one request, started and completed once. */
static void dmio_cpl_request_counters(struct kunit *test)
{
	struct block_device *ram1 = dmio_open(test, DMIO_DEV_RAM1);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_VM, 64 << 10, 0);
	struct io_region *where = dmio_regions(test, 3);
	unsigned int async, k;

	for (k = 0; k < 3; k++)
		dmio_region(&where[k], ram1, 40960 + 256 * k, 128);
	for (async = 0; async < 2; async++) {
		u64 s0 = dmio_requests_started();
		u64 c0 = dmio_requests_completed();
		unsigned long bits;

		KUNIT_EXPECT_EQ(test,
				dmio_run(test, async, b, 3, where, REQ_OP_WRITE,
					 &bits),
				0);
		KUNIT_EXPECT_EQ(test, dmio_requests_started() - s0, 1ULL);
		KUNIT_EXPECT_EQ(test, dmio_requests_completed() - c0, 1ULL);
	}
}

static struct kunit_case dmio_completion_cases[] = {
	KUNIT_CASE(dmio_cpl_async_after_last_bio),
	KUNIT_CASE(dmio_cpl_sync_after_last_bio),
	KUNIT_CASE(dmio_cpl_irq_context),
	KUNIT_CASE(dmio_cpl_many_in_flight),
	KUNIT_CASE(dmio_cpl_many_errors_once),
	KUNIT_CASE(dmio_cpl_where_reused),
	KUNIT_CASE(dmio_cpl_request_counters),
	{}
};

struct kunit_suite dmio_completion_suite = {
	.name = "dm_io_completion",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_completion_cases,
};
