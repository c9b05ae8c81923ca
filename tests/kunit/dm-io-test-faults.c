// SPDX-License-Identifier: GPL-2.0
/*
 * Injected faults, through the kernel's own fault injection
 * (Documentation/fault-injection/fault-injection.rst):
 *
 *  - fail_make_request on one RAM disk (/sys/block/ramN/make-it-fail): the
 *    result has exactly the bits of the regions on that disk, the other
 *    regions have the data, the failing disk is untouched, a failed READ
 *    reads as zeros;
 *  - failslab and fail_page_alloc for the submitting task while 256 async
 *    requests are in flight: every call returns 0, every callback comes
 *    exactly once, every byte arrives (the reserves carry the I/O);
 *  - fail_io_timeout on a null_blk device: timed-out requests come back
 *    with their bit set, exactly once, and nothing else is lost;
 *  - null_blk's requeue injection (null_blk.requeue= on the kernel command
 *    line, scripts/check.sh): requeued requests complete normally.
 *
 * A watchdog bounds every wait: a lost completion fails the case instead of
 * hanging the run.  tests/uml/init.sh arms the fault attributes in debugfs
 * (debugfs files cannot be written from the kernel); they stay inert until
 * a case sets a disk's sysfs knob or its task's make_it_fail, and every
 * knob is put back at the end of the case.  init.sh also counts the faults
 * of the whole KUnit phase (tests/uml/devices.md).
 */

#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dm-io-test.h"

#define DMIO_FAULT_BASE 49152 /* sectors of ram0..3 used here */
#define DMIO_FLIGHT_NR 256 /* requests in flight at once */
#define DMIO_FLIGHT_STRIDE 128 /* sectors between requests */
#define DMIO_FLIGHT_REGIONS 3
#define DMIO_WATCHDOG (120 * HZ)

/* ---- sysfs knobs ---- */

static int dmio_knob_write(const char *path, const char *val)
{
	struct file *f = dmio_filp_open(path, O_WRONLY);
	size_t len = strlen(val);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, len, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	return n == len ? 0 : -EIO;
}

static int dmio_knob_read(const char *path, char *buf, size_t size)
{
	struct file *f = dmio_filp_open(path, O_RDONLY);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	buf[n] = '\0';
	strim(buf);
	return 0;
}

static bool dmio_knob_exists(const char *path)
{
	char buf[8];

	return dmio_knob_read(path, buf, sizeof(buf)) == 0;
}

struct dmio_knob {
	char path[80];
	char restore[24];
};

static void dmio_knob_res_free(struct kunit_resource *res)
{
	struct dmio_knob *k = res->data;

	if (dmio_knob_write(k->path, k->restore))
		pr_warn("dm-io-test: cannot put back %s = %s\n", k->path,
			k->restore);
	kfree(k);
}

/*
 * Writes @val to the knob @path now and @restore at the end of the case
 * (also when the case fails on the way).
 */
static void dmio_knob_set(struct kunit *test, const char *path, const char *val,
			  const char *restore)
{
	struct dmio_knob *k = kzalloc(sizeof(*k), GFP_KERNEL);
	int r;

	KUNIT_ASSERT_NOT_NULL(test, k);
	strscpy(k->path, path, sizeof(k->path));
	strscpy(k->restore, restore, sizeof(k->restore));
	if (!kunit_alloc_resource(test, dmio_res_init, dmio_knob_res_free,
				  GFP_KERNEL, k)) {
		kfree(k);
		KUNIT_FAIL_AND_ABORT(test, "no memory");
	}
	r = dmio_knob_write(path, val);
	KUNIT_ASSERT_EQ_MSG(test, r, 0, "write '%s' to %s", val, path);
}

/* ---- fail_make_request: one failing disk, exactly its bits ---- */

static void dmio_fault_make_it_fail(struct kunit *test, unsigned int ram,
				    bool fail)
{
	char path[48];

	snprintf(path, sizeof(path), "/sys/block/ram%u/make-it-fail", ram);
	if (fail)
		dmio_knob_set(test, path, "1", "0");
	else
		KUNIT_EXPECT_EQ(test, dmio_knob_write(path, "0"), 0);
}

/*
 * A WRITE of @nr regions of 16 sectors, region k on ram(k % 4), while
 * fail_make_request fails every bio to ram@failing; then a READ of a
 * region on that disk.
 */
static void dmio_fault_make_request(struct kunit *test, unsigned int nr,
				    unsigned int failing)
{
	enum { LEN = 16 };
	const unsigned int *v = test->param_value;
	enum dmio_kind kind = dmio_variant_kind(*v);
	bool async = dmio_variant_async(*v);
	struct io_region *where = dmio_regions(test, nr);
	struct dmio_buf *b = dmio_buf_new(test, kind, LEN << SECTOR_SHIFT, 0);
	struct block_device *ram[DMIO_NR_RAM];
	unsigned long want = 0, bits;
	u32 seed = dmio_seed();
	unsigned int k;
	int r;

	if (!dmio_knob_exists("/sys/block/ram0/make-it-fail"))
		kunit_skip(test, "no CONFIG_FAIL_MAKE_REQUEST");
	dmio_open_rams(test, ram);
	for (k = 0; k < nr; k++) {
		dmio_region(&where[k], ram[k % DMIO_NR_RAM],
			    DMIO_FAULT_BASE + 2 * LEN * (k / DMIO_NR_RAM), LEN);
		KUNIT_ASSERT_EQ(test,
				dmio_dev_memset(where[k].bdev, where[k].sector,
						LEN, 0),
				0);
		if (k % DMIO_NR_RAM == failing)
			want |= BIT(k);
	}

	dmio_fault_make_it_fail(test, failing, true);
	dmio_buf_fill(b, seed);
	r = dmio_run(test, async, b, nr, where, REQ_OP_WRITE, &bits);
	KUNIT_EXPECT_EQ(test, r, -EIO);
	KUNIT_EXPECT_EQ_MSG(test, bits, want, "write: the failing disk's bits");

	dmio_buf_memset(b, DMIO_GUARD);
	r = dmio_run(test, async, b, 1, &where[failing], REQ_OP_READ, &bits);
	KUNIT_EXPECT_EQ(test, r, -EIO);
	KUNIT_EXPECT_EQ(test, bits, 1UL);
	dmio_buf_check_byte(test, b, 0, 0, LEN << SECTOR_SHIFT, "failed read");
	dmio_fault_make_it_fail(test, failing, false);

	for (k = 0; k < nr; k++) {
		if (want & BIT(k))
			dmio_dev_check_byte(test, where[k].bdev,
					    where[k].sector, LEN, 0,
					    "failing disk untouched");
		else
			dmio_dev_check(test, where[k].bdev, where[k].sector,
				       LEN, seed, 0, "written");
	}

	/* the disk works again: the region reads (as the zeros it holds) */
	dmio_buf_memset(b, DMIO_GUARD);
	r = dmio_run(test, async, b, 1, &where[failing], REQ_OP_READ, &bits);
	KUNIT_EXPECT_EQ(test, r, 0);
	dmio_buf_check_byte(test, b, 0, 0, LEN << SECTOR_SHIFT, "read after");
}

static void dmio_fault_make_request_8(struct kunit *test)
{
	dmio_fault_make_request(test, 8, 2);
}

static void dmio_fault_make_request_max(struct kunit *test)
{
	dmio_fault_make_request(test, BITS_PER_LONG, 1);
}

static const unsigned int dmio_fault_variants[DMIO_NR_VARIANTS] = {
	0, 1, 2, 3, 4, 5,
};

static void dmio_fault_variant_desc(const unsigned int *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s",
		 dmio_kind_name[dmio_variant_kind(*v)],
		 dmio_mode(dmio_variant_async(*v)));
}

KUNIT_ARRAY_PARAM(dmio_fault_variant, dmio_fault_variants,
		  dmio_fault_variant_desc);

/* ---- many requests in flight, submitted by a thread under a watchdog ---- */

struct dmio_flight;

struct dmio_flight_req {
	struct dmio_flight *f;
	unsigned int nr;
	struct io_region where[DMIO_FLIGHT_REGIONS];
	int ret;
	atomic_t calls;
	unsigned long error;
};

struct dmio_flight {
	struct block_device *dev[DMIO_FLIGHT_REGIONS];
	struct dmio_buf *buf[DMIO_NR_KINDS];
	blk_opf_t op;
	bool fail_allocs; /* the submitter's make_it_fail */
	struct dmio_flight_req *req;
	atomic_t outstanding; /* callbacks to come, +1 while submitting */
	struct completion all_done;
	struct completion submitted;
};

static void dmio_flight_notify(unsigned long error, void *context)
{
	struct dmio_flight_req *q = context;
	struct dmio_flight *f = q->f;

	q->error = error;
	if (atomic_inc_return(&q->calls) == 1 &&
	    atomic_dec_and_test(&f->outstanding))
		complete(&f->all_done);
}

static int dmio_flight_submitter(void *data)
{
	struct dmio_flight *f = data;
	unsigned int i;

#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = f->fail_allocs;
#endif
	for (i = 0; i < DMIO_FLIGHT_NR; i++) {
		struct dmio_flight_req *q = &f->req[i];

		atomic_inc(&f->outstanding);
		q->ret = dmio_call_async(f->buf[i % DMIO_NR_KINDS], q->nr,
					 q->where, f->op, dmio_flight_notify,
					 q);
		if (q->ret)
			atomic_dec(&f->outstanding);
	}
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = 0;
#endif
	if (atomic_dec_and_test(&f->outstanding))
		complete(&f->all_done);
	kthread_complete_and_exit(&f->submitted, 0);
}

/*
 * DMIO_FLIGHT_NR async WRITEs of 8..128 sectors (buffer kinds in turn) to
 * 1..3 regions on @f->dev, all submitted before any is waited for; then
 * every call must have returned 0 and called back once without error, and
 * every region must hold the data.
 */
static void dmio_flight_run(struct kunit *test, struct dmio_flight *f)
{
	u64 s0 = dmio_requests_started(), c0 = dmio_requests_completed();
	struct task_struct *task;
	unsigned int i, j, bad = 0;
	u32 seed = dmio_seed();
	char what[48];

	f->req = dmio_alloc(test, DMIO_FLIGHT_NR * sizeof(*f->req));
	for (i = 0; i < DMIO_NR_KINDS; i++) {
		f->buf[i] = dmio_buf_new(test, i,
					 DMIO_FLIGHT_STRIDE << SECTOR_SHIFT,
					 i == DMIO_PL ? 512 : 0);
		dmio_buf_fill(f->buf[i], seed);
	}
	for (i = 0; i < DMIO_FLIGHT_NR; i++) {
		struct dmio_flight_req *q = &f->req[i];
		sector_t len = 8 << (i % 5);

		q->f = f;
		q->nr = 1 + i % DMIO_FLIGHT_REGIONS;
		for (j = 0; j < q->nr; j++) {
			dmio_region(&q->where[j], f->dev[j],
				    (sector_t)i * DMIO_FLIGHT_STRIDE, len);
			KUNIT_ASSERT_EQ(test,
					dmio_dev_memset(f->dev[j],
							q->where[j].sector, len,
							0),
					0);
		}
	}
	atomic_set(&f->outstanding, 1);
	init_completion(&f->all_done);
	init_completion(&f->submitted);
	f->op = REQ_OP_WRITE;

	task = kthread_run(dmio_flight_submitter, f, "dmio_flight");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	if (!wait_for_completion_timeout(&f->submitted, DMIO_WATCHDOG) ||
	    !wait_for_completion_timeout(&f->all_done, DMIO_WATCHDOG)) {
		WRITE_ONCE(dmio_test_unsafe, true);
		KUNIT_FAIL_AND_ABORT(test,
				     "watchdog: %d callbacks missing after %d s",
				     atomic_read(&f->outstanding),
				     2 * DMIO_WATCHDOG / HZ);
	}
	dmio_settle(test, s0, c0);

	for (i = 0; i < DMIO_FLIGHT_NR && bad < 4; i++) {
		struct dmio_flight_req *q = &f->req[i];

		snprintf(what, sizeof(what), "request %u (%s, %u regions)", i,
			 dmio_kind_name[i % DMIO_NR_KINDS], q->nr);
		if (q->ret || atomic_read(&q->calls) != 1 || q->error) {
			KUNIT_FAIL(test,
				   "%s: returned %d, %d callbacks, bits %#lx",
				   what, q->ret, atomic_read(&q->calls),
				   q->error);
			bad++;
			continue;
		}
		for (j = 0; j < q->nr; j++)
			if (!dmio_dev_check(test, q->where[j].bdev,
					    q->where[j].sector,
					    q->where[j].count, seed, 0, what))
				bad++;
	}
}

/*
 * Every slab and page allocation of the submitting task fails while 256
 * async requests (1-3 regions, up to 64 KiB) are submitted without waiting:
 * dm-io's mempools and bioset carry them all.
 */
static void dmio_fault_allocs_in_flight(struct kunit *test)
{
#if defined(CONFIG_FAILSLAB) && defined(CONFIG_FAIL_PAGE_ALLOC)
	struct dmio_flight *f = dmio_alloc(test, sizeof(*f));

	f->dev[0] = dmio_open(test, DMIO_DEV_NBSMALL);
	f->dev[1] = dmio_open(test, DMIO_DEV_RAM0);
	f->dev[2] = dmio_open(test, DMIO_DEV_RAM1);
	f->fail_allocs = true;

	/* init.sh armed both with task-filter=Y: only make_it_fail tasks */
	dmio_flight_run(test, f);
#else
	kunit_skip(test, "no CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC");
#endif
}

/*
 * 256 async requests on the three null_blk devices while null_blk requeues
 * some of them (null_blk.requeue=<interval>,<probability>,0,-1 on the
 * kernel command line: scripts/check.sh).
 */
static void dmio_fault_requeue(struct kunit *test)
{
	struct dmio_flight *f = dmio_alloc(test, sizeof(*f));
	char param[80];

	if (dmio_knob_read("/sys/module/null_blk/parameters/requeue", param,
			   sizeof(param)) ||
	    !param[0])
		kunit_skip(test, "null_blk requeue injection not armed");
	kunit_info(test, "null_blk.requeue=%s", param);
	f->dev[0] = dmio_open(test, DMIO_DEV_NBSMALL);
	f->dev[1] = dmio_open(test, DMIO_DEV_NB4K);
	f->dev[2] = dmio_open(test, DMIO_DEV_NBFAULT);
	dmio_flight_run(test, f);
}

/* ---- fail_io_timeout: requests that time out ---- */

#define DMIO_NBFAULT_SYS "/sys/block/dmio_nbfault"

struct dmio_timeout_req {
	struct io_region where;
	struct dmio_buf *buf;
	struct dmio_async *a;
	int ret;
	bool write_failed;
};

/* Async @op of every request at once; waits for all of them (bounded). */
static void dmio_timeout_pass(struct kunit *test, struct dmio_timeout_req *q,
			      unsigned int nr, blk_opf_t op)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		q[i].a = dmio_async_new(test);
		q[i].ret = dmio_call_async(q[i].buf, 1, &q[i].where, op,
					   dmio_notify, q[i].a);
		KUNIT_EXPECT_EQ_MSG(test, q[i].ret, 0, "request %u", i);
	}
	for (i = 0; i < nr; i++)
		if (!q[i].ret)
			dmio_async_wait(test, q[i].a);
}

/*
 * 128 async WRITEs and then 128 async READs of 8..32 sectors (with gaps,
 * so that no two bios merge) on dmio_nbfault while a quarter of its
 * requests time out (fail_io_timeout at 25%, armed by init.sh; io_timeout
 * 1 s).  Each call calls
 * back exactly once; a timed-out WRITE leaves its region as it was, a
 * timed-out READ reads as zeros, everything else is the data.
 */
static void dmio_fault_io_timeout(struct kunit *test)
{
	enum { NR = 128, STRIDE = 64 };
	u64 s0 = dmio_requests_started(), c0 = dmio_requests_completed();
	struct dmio_timeout_req *q = dmio_alloc(test, NR * sizeof(*q));
	unsigned int i, wfail = 0, rfail = 0;
	struct block_device *nb;
	u32 seed = dmio_seed();
	char what[40];

	if (!dmio_knob_exists(DMIO_NBFAULT_SYS "/io-timeout-fail"))
		kunit_skip(test, "no CONFIG_FAIL_IO_TIMEOUT");
	nb = dmio_open(test, DMIO_DEV_NBFAULT);
	for (i = 0; i < NR; i++) {
		sector_t len = 8 << (i % 3);

		dmio_region(&q[i].where, nb, (sector_t)i * STRIDE, len);
		q[i].buf = dmio_buf_new(test, i % DMIO_NR_KINDS,
					len << SECTOR_SHIFT, 0);
		dmio_buf_fill(q[i].buf, seed);
		KUNIT_ASSERT_EQ(test,
				dmio_dev_memset(nb, q[i].where.sector, len, 0),
				0);
	}

	dmio_knob_set(test, DMIO_NBFAULT_SYS "/queue/io_timeout", "1000",
		      "5000");
	dmio_knob_set(test, DMIO_NBFAULT_SYS "/io-timeout-fail", "1", "0");

	dmio_timeout_pass(test, q, NR, REQ_OP_WRITE);
	for (i = 0; i < NR; i++) {
		q[i].write_failed = q[i].a->error;
		if (q[i].write_failed) {
			KUNIT_EXPECT_EQ(test, q[i].a->error, 1UL);
			wfail++;
		}
	}
	for (i = 0; i < NR; i++)
		dmio_buf_memset(q[i].buf, DMIO_GUARD);
	dmio_timeout_pass(test, q, NR, REQ_OP_READ);
	KUNIT_EXPECT_EQ(test,
			dmio_knob_write(DMIO_NBFAULT_SYS "/io-timeout-fail",
					"0"),
			0);
	dmio_settle(test, s0, c0);

	for (i = 0; i < NR; i++) {
		size_t len = q[i].where.count << SECTOR_SHIFT;
		bool ok;

		snprintf(what, sizeof(what), "request %u (%s)", i,
			 dmio_kind_name[i % DMIO_NR_KINDS]);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&q[i].a->calls), 1,
				    "%s: callbacks", what);
		if (q[i].a->error)
			rfail++;
		/* a failed READ gives zeros; a failed WRITE left zeros */
		if (q[i].a->error || q[i].write_failed)
			ok = dmio_buf_check_byte(test, q[i].buf, 0, 0, len,
						 what);
		else
			ok = dmio_buf_check(test, q[i].buf, seed, len, what);
		if (!ok || !dmio_buf_check_guards(test, q[i].buf, what))
			break;
	}
	kunit_info(test, "timed out: %u of %u writes, %u of %u reads", wfail,
		   NR, rfail, NR);
	KUNIT_EXPECT_GT_MSG(test, wfail + rfail, 0U, "no request timed out");
}

static struct kunit_case dmio_fault_cases[] = {
	KUNIT_CASE_PARAM(dmio_fault_make_request_8,
			 dmio_fault_variant_gen_params),
	KUNIT_CASE_PARAM(dmio_fault_make_request_max,
			 dmio_fault_variant_gen_params),
	KUNIT_CASE(dmio_fault_allocs_in_flight),
	KUNIT_CASE(dmio_fault_requeue),
	KUNIT_CASE(dmio_fault_io_timeout),
	{}
};

struct kunit_suite dmio_fault_suite = {
	.name = "dm_io_faults",
	.suite_init = dmio_counting_suite_init,
	.suite_exit = dmio_counting_suite_exit,
	.test_cases = dmio_fault_cases,
};
