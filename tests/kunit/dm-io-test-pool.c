// SPDX-License-Identifier: GPL-2.0
/*
 * dm_io_get()/dm_io_put(): reservations add up and are given back exactly,
 * a put of more than was got clamps at zero, a failed resize changes
 * nothing, concurrent users do not lose updates, and I/O needs no
 * reservation at all (and makes progress on the reserve alone when every
 * allocation of the submitting task fails).
 *
 * State is read through dmio_reserve_requests() and dmio_reserved_pages().
 */

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "dm-io-test.h"

struct dmio_pool_state {
	unsigned int requests;
	unsigned int pages;
};

static struct dmio_pool_state dmio_pool_now(void)
{
	struct dmio_pool_state s = {
		.requests = dmio_reserve_requests(),
		.pages = dmio_reserved_pages(),
	};

	return s;
}

static void dmio_expect_pool(struct kunit *test, struct dmio_pool_state s,
			     const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, dmio_reserve_requests(), s.requests,
			    "%s: requests", what);
	KUNIT_EXPECT_EQ_MSG(test, dmio_reserved_pages(), s.pages, "%s: pages",
			    what);
}

/* get(n) reserves n pages and grows the reserve; put(n) undoes it exactly. */
static void dmio_pool_get_put(struct kunit *test)
{
	struct dmio_pool_state s0 = dmio_pool_now();

	KUNIT_ASSERT_EQ(test, dm_io_get(1024), 0);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 1024);
	KUNIT_EXPECT_GT(test, dmio_reserve_requests(), s0.requests);
	dm_io_put(1024);
	dmio_expect_pool(test, s0, "after put");

	KUNIT_ASSERT_EQ(test, dm_io_get(1), 0);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 1);
	KUNIT_EXPECT_GE(test, dmio_reserve_requests(), s0.requests);
	dm_io_put(1);
	dmio_expect_pool(test, s0, "after put(1)");

	/* get(0) and put(0) change nothing */
	KUNIT_EXPECT_EQ(test, dm_io_get(0), 0);
	dm_io_put(0);
	dmio_expect_pool(test, s0, "get(0)/put(0)");
}

/* Three users' reservations add up; they can be put in any order. */
static void dmio_pool_nested(struct kunit *test)
{
	struct dmio_pool_state s0 = dmio_pool_now();
	unsigned int r1, r2, r3;

	KUNIT_ASSERT_EQ(test, dm_io_get(16), 0);
	r1 = dmio_reserve_requests();
	KUNIT_ASSERT_EQ(test, dm_io_get(512), 0);
	r2 = dmio_reserve_requests();
	KUNIT_ASSERT_EQ(test, dm_io_get(8), 0);
	r3 = dmio_reserve_requests();
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 536);
	KUNIT_EXPECT_GE(test, r1, s0.requests);
	KUNIT_EXPECT_GT(test, r2, r1);
	KUNIT_EXPECT_GE(test, r3, r2);

	dm_io_put(512);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 24);
	KUNIT_EXPECT_LT(test, dmio_reserve_requests(), r3);
	dm_io_put(16);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 8);
	dm_io_put(8);
	dmio_expect_pool(test, s0, "all put");
}

/*
 * Putting more than was got clamps at zero (a ratelimited warning, not a
 * WARN): nothing underflows, and later reservations count from zero.
 */
static void dmio_pool_put_clamps(struct kunit *test)
{
	struct dmio_pool_state s0 = dmio_pool_now();
	bool warned = test_taint(TAINT_WARN);

	if (s0.pages)
		kunit_skip(test, "%u pages reserved by someone else", s0.pages);

	dm_io_put(10);
	dmio_expect_pool(test, s0, "put without get");

	KUNIT_ASSERT_EQ(test, dm_io_get(8), 0);
	dm_io_put(8 + 100);
	dmio_expect_pool(test, s0, "put > get");

	KUNIT_ASSERT_EQ(test, dm_io_get(8), 0);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), 8U);
	dm_io_put(UINT_MAX);
	dmio_expect_pool(test, s0, "put(UINT_MAX)");

	if (!warned)
		KUNIT_EXPECT_FALSE_MSG(test, test_taint(TAINT_WARN),
				       "dm_io_put() used WARN");
}

/*
 * Reservations that cannot be met return -ENOMEM and change nothing:
 * absurd sizes (no overflow of the page or request counts), and a real
 * size while every allocation of this task fails (fault injection,
 * tests/uml/devices.md).  A later get succeeds.
 */
static void dmio_pool_get_fails(struct kunit *test)
{
	struct dmio_pool_state s0 = dmio_pool_now();
	struct dmio_pool_state s1;
	int r;

	r = dm_io_get(UINT_MAX);
	if (!r)
		dm_io_put(UINT_MAX);
	KUNIT_EXPECT_EQ(test, r, -ENOMEM);
	dmio_expect_pool(test, s0, "get(UINT_MAX)");

	/* the total would wrap a 32-bit count */
	KUNIT_ASSERT_EQ(test, dm_io_get(1), 0);
	s1 = dmio_pool_now();
	r = dm_io_get(UINT_MAX);
	if (!r)
		dm_io_put(UINT_MAX);
	KUNIT_EXPECT_EQ(test, r, -ENOMEM);
	dmio_expect_pool(test, s1, "get(1) + get(UINT_MAX)");
	dm_io_put(1);
	dmio_expect_pool(test, s0, "put(1)");

#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = 1;
	r = dm_io_get(4096);
	current->make_it_fail = 0;
	if (!r)
		dm_io_put(4096);
	KUNIT_EXPECT_EQ_MSG(test, r, -ENOMEM, "get with failing allocations");
	dmio_expect_pool(test, s0, "failed get");

	KUNIT_ASSERT_EQ(test, dm_io_get(4096), 0);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), s0.pages + 4096);
	dm_io_put(4096);
	dmio_expect_pool(test, s0, "get after failure");
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION: no failed resize");
#endif
}

/*
 * Per worker.  A pair costs about 11 ms in the 7.3 sanitizer kernel
 * (KASAN, kmemleak, lockdep; 25 s for 4 x 1000 on 6.12, 86 s on 7.3), and a
 * test that runs 60 s trips the guest's hung-task panic.
 */
#define DMIO_POOL_PAIRS 250

struct dmio_pool_worker {
	struct completion done;
	unsigned int seed;
	unsigned int failed;
};

static int dmio_pool_thread(void *data)
{
	struct dmio_pool_worker *w = data;
	unsigned int i;

	for (i = 0; i < DMIO_POOL_PAIRS; i++) {
		unsigned int n = 1 + (i * 7 + w->seed) % 61;

		if (dm_io_get(n)) {
			w->failed++;
			continue;
		}
		/* let the others run while this reservation is held */
		if (!(i % 32))
			usleep_range(10, 50);
		else
			cond_resched();
		dm_io_put(n);
	}
	kthread_complete_and_exit(&w->done, 0);
}

/* 4 threads x DMIO_POOL_PAIRS get/put pairs end where they started. */
static void dmio_pool_concurrent(struct kunit *test)
{
	enum { NR = 4 };
	struct dmio_pool_worker *w = dmio_alloc(test, NR * sizeof(*w));
	struct dmio_pool_state s0 = dmio_pool_now();
	struct task_struct *task;
	unsigned int i, started = 0;

	for (i = 0; i < NR; i++) {
		init_completion(&w[i].done);
		w[i].seed = 13 * i;
		task = kthread_run(dmio_pool_thread, &w[i], "dmio_pool_%u", i);
		if (IS_ERR(task))
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		if (!wait_for_completion_timeout(&w[i].done, 120 * HZ)) {
			WRITE_ONCE(dmio_test_unsafe, true);
			KUNIT_FAIL_AND_ABORT(test, "worker %u stuck", i);
		}
		KUNIT_EXPECT_EQ_MSG(test, w[i].failed, 0U, "worker %u", i);
	}
	KUNIT_EXPECT_EQ(test, started, (unsigned int)NR);
	dmio_expect_pool(test, s0, "after the workers");
}

/*
 * With no reservation at all, sync and async I/O work, also 32 async
 * requests at once (they may have to wait for each other's reserve).
 */
static void dmio_pool_io_without_get(struct kunit *test)
{
	enum { NR = 32 };
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct dmio_async **a = dmio_alloc(test, NR * sizeof(*a));
	struct io_region *where = dmio_regions(test, NR);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 256 << 10, 0);
	int *ret = dmio_alloc(test, NR * sizeof(*ret));
	u32 seed = dmio_seed();
	unsigned int i;

	KUNIT_EXPECT_EQ_MSG(test, dmio_reserved_pages(), 0U,
			    "pages reserved before the case");
	dmio_region(&where[0], nb, 0, 512);
	dmio_round_trip(test, false, b, b, &where[0], "sync");
	dmio_round_trip(test, true, b, b, &where[0], "async");

	dmio_buf_fill(b, seed);
	for (i = 0; i < NR; i++) {
		a[i] = dmio_async_new(test);
		dmio_region(&where[i], nb, 1024 + 512 * i, 512);
		ret[i] = dmio_call_async(b, 1, &where[i], REQ_OP_WRITE,
					 dmio_notify, a[i]);
	}
	for (i = 0; i < NR; i++)
		if (!ret[i])
			dmio_async_wait(test, a[i]);
	for (i = 0; i < NR; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ret[i], 0, "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a[i]->error, 0UL, "request %u", i);
		if (ret[i] || !dmio_dev_check(test, nb, where[i].sector, 512,
					      seed, 0, "nbsmall"))
			break;
	}
}

/*
 * Forward progress: while every allocation of this task fails, sync I/O
 * still completes, from the reserves (brd pages written beforehand, so the
 * RAM disk itself needs no memory).
 */
static void dmio_pool_io_allocations_fail(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct block_device *ram2 = dmio_open(test, DMIO_DEV_RAM2);
	struct io_region *where = dmio_regions(test, 2);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 256 << 10, 512);
	u32 seed = dmio_seed();
	unsigned long bits[2];
	int r[2];

	dmio_region(&where[0], ram2, 32768, 512);
	dmio_region(&where[1], ram2, 33792, 512);
	KUNIT_ASSERT_EQ(test, dmio_dev_memset(ram2, 32768, 2048, 0), 0);
	dmio_buf_fill(b, seed);

	current->make_it_fail = 1;
	r[0] = dm_io_sync(2, where, REQ_OP_WRITE, b->mem.pl, b->mem.offset,
			  &bits[0]);
	current->make_it_fail = 0;
	KUNIT_EXPECT_EQ(test, r[0], 0);
	KUNIT_EXPECT_EQ(test, bits[0], 0UL);
	dmio_dev_check(test, ram2, 32768, 512, seed, 0, "region 0");
	dmio_dev_check(test, ram2, 33792, 512, seed, 0, "region 1");

	dmio_buf_memset(b, DMIO_GUARD);
	current->make_it_fail = 1;
	r[1] = dm_io_sync(1, &where[1], REQ_OP_READ, b->mem.pl, b->mem.offset,
			  &bits[1]);
	current->make_it_fail = 0;
	KUNIT_EXPECT_EQ(test, r[1], 0);
	KUNIT_EXPECT_EQ(test, bits[1], 0UL);
	dmio_buf_check(test, b, seed, b->len, "read");
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

static struct kunit_case dmio_pool_cases[] = {
	KUNIT_CASE(dmio_pool_get_put),
	KUNIT_CASE(dmio_pool_nested),
	KUNIT_CASE(dmio_pool_put_clamps),
	KUNIT_CASE(dmio_pool_get_fails),
	KUNIT_CASE(dmio_pool_concurrent),
	KUNIT_CASE(dmio_pool_io_without_get),
	KUNIT_CASE(dmio_pool_io_allocations_fail),
	{}
};

struct kunit_suite dmio_pool_suite = {
	.name = "dm_io_pool",
	.suite_init = dmio_counting_suite_init,
	.suite_exit = dmio_counting_suite_exit,
	.test_cases = dmio_pool_cases,
};
