// SPDX-License-Identifier: GPL-2.0
/*
 * dm_io_context: where an async callback runs (dm-io.h, "Callback context"
 * in Documentation/dm-io.rst), on three devices that complete bios in the
 * three ways the documentation names:
 *
 *  - null_blk irqmode=2 (dmio_nbsmall): from an hrtimer, hard interrupt;
 *  - the recorder in its tasklet mode: soft interrupt (null_blk irqmode=1
 *    would complete in the submitting task on a uniprocessor UML);
 *  - brd: inside submit_bio(), so the callback runs in the submitting task
 *    before the call returns, for a one-bio request even inside the block
 *    layer's submission (current->bio_list set).
 *
 * Every async kind (page list and bio_vec array at an offset, vmalloc), 4 KiB
 * and 1 MiB, WRITE to 1, 2 and 64 regions and READ: each callback records
 * its context; a case fails if its device's context never showed up, if a
 * request called back other than exactly once, or if the data is wrong.
 * The callbacks follow the rules they test: they never sleep.
 *
 * dmio_ctx_frees_context: the callback frees its context and the buffer's
 * pages and arrays (dm-io gave the request's memory back before calling
 * it); KASAN in the sanitizer leg reports any later touch.
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dm-io-test.h"

/* What a callback saw, one bit each. */
enum {
	DMIO_CTX_HARDIRQ,
	DMIO_CTX_SOFTIRQ,
	DMIO_CTX_TASK,
	DMIO_CTX_INLINE, /* before the submitting call returned */
	DMIO_CTX_SUBMIT, /* in a task inside submit_bio() (current->bio_list) */
	DMIO_CTX_NR,
};

static const char *const dmio_ctx_name[DMIO_CTX_NR] = {
	[DMIO_CTX_HARDIRQ] = "hardirq",
	[DMIO_CTX_SOFTIRQ] = "softirq",
	[DMIO_CTX_TASK] = "task",
	[DMIO_CTX_INLINE] = "before return",
	[DMIO_CTX_SUBMIT] = "in submit_bio",
};

/* One async call. */
struct dmio_ctx_call {
	struct completion done;
	atomic_t calls;
	unsigned long error;
	unsigned long seen; /* BIT(DMIO_CTX_*) of every call, ORed */
	bool in_call; /* set while the submitting call runs */
};

/* The contexts of one device's callbacks. */
struct dmio_ctx_tally {
	unsigned int count[DMIO_CTX_NR];
	unsigned int calls;
};

static unsigned long dmio_ctx_now(bool in_call)
{
	unsigned long seen = 0;

	if (in_hardirq())
		seen |= BIT(DMIO_CTX_HARDIRQ);
	else if (in_serving_softirq())
		seen |= BIT(DMIO_CTX_SOFTIRQ);
	else if (in_task())
		seen |= BIT(DMIO_CTX_TASK);
	if (in_task() && current->bio_list)
		seen |= BIT(DMIO_CTX_SUBMIT);
	if (in_call)
		seen |= BIT(DMIO_CTX_INLINE);
	return seen;
}

/* Records and completes; never sleeps. */
static void dmio_ctx_notify(unsigned long error, void *context)
{
	struct dmio_ctx_call *c = context;

	c->seen |= dmio_ctx_now(READ_ONCE(c->in_call));
	c->error = error;
	atomic_inc(&c->calls);
	complete(&c->done);
}

/* Bounded wait; a lost callback aborts the case (memory leaked). */
static void dmio_ctx_wait(struct kunit *test, struct completion *done)
{
	if (wait_for_completion_timeout(done, DMIO_TIMEOUT))
		return;
	WRITE_ONCE(dmio_test_unsafe, true);
	KUNIT_FAIL_AND_ABORT(test, "callback not called within %d s",
			     DMIO_TIMEOUT / HZ);
}

/*
 * One async call of @buf's kind, waited for; the callback's contexts go
 * into @t.  Returns the call, for a second look at its count of calls.
 */
static struct dmio_ctx_call *
dmio_ctx_run(struct kunit *test, struct dmio_ctx_tally *t,
	     const struct dmio_buf *buf, unsigned int nr,
	     const struct io_region *where, blk_opf_t rw, const char *what)
{
	struct dmio_ctx_call *c = dmio_alloc(test, sizeof(*c));
	u64 s0 = dmio_requests_started();
	u64 c0 = dmio_requests_completed();
	unsigned int i;
	int r;

	init_completion(&c->done);
	WRITE_ONCE(c->in_call, true);
	r = dmio_call_async(buf, nr, where, rw, dmio_ctx_notify, c);
	WRITE_ONCE(c->in_call, false);
	KUNIT_ASSERT_EQ_MSG(test, r, 0, "%s", what);
	dmio_ctx_wait(test, &c->done);
	dmio_settle(test, s0, c0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->calls), 1, "%s: callbacks",
			    what);
	KUNIT_EXPECT_EQ_MSG(test, c->error, 0UL, "%s: error bits", what);
	for (i = 0; i < DMIO_CTX_NR; i++)
		t->count[i] += !!(c->seen & BIT(i));
	t->calls++;
	return c;
}

/* A device and the contexts its callbacks must show. */
struct dmio_ctx_dev {
	const char *name;
	struct block_device *bdev;
	unsigned long need; /* BIT(DMIO_CTX_*) */
};

/* Where region @k of @sectors starts: the regions share 8 MiB. */
static sector_t dmio_ctx_sector(unsigned int k, sector_t sectors)
{
	unsigned int areas = (8 << 20) / (sectors << SECTOR_SHIFT);

	return (k % areas) * sectors;
}

/*
 * Every kind, 4 KiB and 1 MiB, WRITE to 1, 2 and 64 regions then READ of
 * the first, on @dev: the data arrives, each request calls back once, and
 * every context of @dev->need shows up.
 */
static void dmio_ctx_device(struct kunit *test, const struct dmio_ctx_dev *dev)
{
	static const unsigned int nrs[] = { 1, 2, 64 };
	static const sector_t sizes[] = { 8, 2048 };
	struct io_region *where = dmio_regions(test, 64);
	struct dmio_ctx_tally t = {};
	unsigned int kind, s, n, k, i;
	char what[64];

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			sector_t count = sizes[s];
			size_t len = count << SECTOR_SHIFT;
			struct dmio_buf *w = dmio_buf_new(test, kind, len, 512);
			struct dmio_buf *rd =
				dmio_buf_new(test, kind, len, 512);

			for (n = 0; n < ARRAY_SIZE(nrs); n++) {
				unsigned int nr = nrs[n];
				unsigned int areas = min_t(unsigned int, nr,
							   (8 << 20) / len);
				struct dmio_ctx_call *c;
				u32 seed = dmio_seed();

				snprintf(what, sizeof(what),
					 "%s %s %zu KiB x%u", dev->name,
					 dmio_kind_name[kind], len >> 10, nr);
				for (k = 0; k < nr; k++)
					dmio_region(&where[k], dev->bdev,
						    dmio_ctx_sector(k, count),
						    count);
				dmio_buf_fill(w, seed);
				c = dmio_ctx_run(test, &t, w, nr, where,
						 REQ_OP_WRITE, what);
				for (k = 0; k < areas; k++)
					if (!dmio_dev_check(test, dev->bdev,
							    where[k].sector,
							    count, seed, 0,
							    what))
						return;

				dmio_buf_memset(rd, DMIO_GUARD);
				dmio_ctx_run(test, &t, rd, 1, where,
					     REQ_OP_READ, what);
				if (!dmio_buf_check(test, rd, seed, len,
						    what) ||
				    !dmio_buf_check_guards(test, rd, what))
					return;
				/* still once, after the checks' own I/O */
				KUNIT_EXPECT_EQ_MSG(test,
						    atomic_read(&c->calls), 1,
						    "%s: callbacks later",
						    what);
			}
		}
	}

	for (i = 0; i < DMIO_CTX_NR; i++) {
		kunit_info(test, "%s: %u of %u callbacks %s\n", dev->name,
			   t.count[i], t.calls, dmio_ctx_name[i]);
		if (dev->need & BIT(i))
			KUNIT_EXPECT_GT_MSG(test, t.count[i], 0U,
					    "%s: no callback %s", dev->name,
					    dmio_ctx_name[i]);
	}
}

/* null_blk irqmode=2: completions come from an hrtimer. */
static void dmio_ctx_hardirq(struct kunit *test)
{
	const struct dmio_ctx_dev dev = {
		.name = "null_blk irqmode=2",
		.bdev = dmio_open(test, DMIO_DEV_NBSMALL),
		.need = BIT(DMIO_CTX_HARDIRQ),
	};

	dmio_ctx_device(test, &dev);
}

/* The recorder completing from a tasklet. */
static void dmio_ctx_softirq(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	const struct dmio_ctx_dev dev = {
		.name = "tasklet disk",
		.bdev = rec->bdev,
		.need = BIT(DMIO_CTX_SOFTIRQ),
	};

	dmio_rec_softirq(rec, true);
	dmio_ctx_device(test, &dev);
}

/*
 * brd completes inside submit_bio(): the callback runs in the submitting
 * task before the call returns, a one-bio request's inside submit_bio().
 */
static void dmio_ctx_inline(struct kunit *test)
{
	const struct dmio_ctx_dev dev = {
		.name = "brd",
		.bdev = dmio_open(test, DMIO_DEV_RAM0),
		.need = BIT(DMIO_CTX_TASK) | BIT(DMIO_CTX_INLINE) |
			BIT(DMIO_CTX_SUBMIT),
	};

	dmio_ctx_device(test, &dev);
}

/* ---- the callback frees its context and the buffer ---- */

/* Outlives the context: the case reads it after the callback. */
struct dmio_ctx_result {
	struct completion done;
	atomic_t calls;
	unsigned long error;
	bool data_ok;
	void *vm; /* vfree() may sleep: the case frees the vmalloc area */
};

/* A context owning its buffer, all freed by the callback. */
struct dmio_ctx_own {
	struct dmio_ctx_result *res;
	bool check; /* a READ: compare the data before freeing */
	u32 seed;
	size_t len;
	struct dmio_mem mem;
	unsigned int nr_pages;
	struct page *pages[];
};

/* Frees @o and its pages, not its vmalloc area; never sleeps. */
static void dmio_ctx_own_free(struct dmio_ctx_own *o)
{
	unsigned int i;

	for (i = 0; i < o->nr_pages; i++)
		__free_page(o->pages[i]);
	kfree(o->mem.pl);
	kfree(o->mem.bvec);
	kfree(o);
}

static bool dmio_ctx_own_cmp(const struct dmio_ctx_own *o)
{
	unsigned int i;

	if (o->mem.vm)
		return dmio_pattern_cmp(o->mem.vm, o->len, o->seed, 0) ==
		       o->len;
	for (i = 0; i < o->nr_pages; i++)
		if (dmio_pattern_cmp(page_address(o->pages[i]), PAGE_SIZE,
				     o->seed, (u64)i * PAGE_SIZE) != PAGE_SIZE)
			return false;
	return true;
}

static void dmio_ctx_free_notify(unsigned long error, void *context)
{
	struct dmio_ctx_own *o = context;
	struct dmio_ctx_result *res = o->res;
	bool ok = !o->check || dmio_ctx_own_cmp(o);

	res->vm = o->mem.vm;
	dmio_ctx_own_free(o);
	res->error = error;
	res->data_ok = ok;
	atomic_inc(&res->calls);
	complete(&res->done);
}

/* @len bytes of @kind, holding pattern @seed (0: zeroes). */
static struct dmio_ctx_own *dmio_ctx_own_new(enum dmio_kind kind, size_t len,
					     u32 seed)
{
	unsigned int i, n = kind == DMIO_VM ? 0 : len >> PAGE_SHIFT;
	struct dmio_ctx_own *o;

	o = kzalloc(struct_size(o, pages, n), GFP_KERNEL);
	if (!o)
		return NULL;
	o->seed = seed;
	o->len = len;
	o->mem.kind = kind;
	if (kind == DMIO_VM) {
		o->mem.vm = vzalloc(len);
		if (!o->mem.vm) {
			kfree(o);
			return NULL;
		}
		if (seed)
			dmio_pattern(o->mem.vm, len, seed, 0);
		return o;
	}
	for (i = 0; i < n; i++) {
		o->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!o->pages[i])
			goto fail;
		o->nr_pages++;
		if (seed)
			dmio_pattern(page_address(o->pages[i]), PAGE_SIZE, seed,
				     (u64)i * PAGE_SIZE);
	}
	if (kind == DMIO_PL) {
		o->mem.pl = kcalloc(n, sizeof(*o->mem.pl), GFP_KERNEL);
		if (!o->mem.pl)
			goto fail;
		for (i = 0; i < n; i++) {
			o->mem.pl[i].page = o->pages[i];
			o->mem.pl[i].next = i + 1 < n ? &o->mem.pl[i + 1] :
							NULL;
		}
	} else {
		o->mem.bvec = kcalloc(n, sizeof(*o->mem.bvec), GFP_KERNEL);
		if (!o->mem.bvec)
			goto fail;
		for (i = 0; i < n; i++) {
			o->mem.bvec[i].bv_page = o->pages[i];
			o->mem.bvec[i].bv_len = PAGE_SIZE;
		}
	}
	return o;
fail:
	dmio_ctx_own_free(o);
	return NULL;
}

/* One async call whose callback frees @o; true if it called back once. */
static bool dmio_ctx_own_run(struct kunit *test, struct dmio_ctx_own *o,
			     unsigned int nr, const struct io_region *where,
			     blk_opf_t rw, const char *what)
{
	struct dmio_ctx_result *res = dmio_alloc(test, sizeof(*res));
	u64 s0 = dmio_requests_started();
	u64 c0 = dmio_requests_completed();
	int r;

	init_completion(&res->done);
	o->res = res;
	o->check = rw == REQ_OP_READ;
	r = dmio_mem_io(&o->mem, true, nr, where, rw, NULL,
			dmio_ctx_free_notify, o);
	if (r) {
		vfree(o->mem.vm);
		dmio_ctx_own_free(o);
		KUNIT_FAIL(test, "%s: %d", what, r);
		return false;
	}
	dmio_ctx_wait(test, &res->done);
	dmio_settle(test, s0, c0);
	vfree(res->vm);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&res->calls), 1, "%s: callbacks",
			    what);
	KUNIT_EXPECT_EQ_MSG(test, res->error, 0UL, "%s: error bits", what);
	KUNIT_EXPECT_TRUE_MSG(test, res->data_ok, "%s: data read", what);
	return atomic_read(&res->calls) == 1 && !res->error && res->data_ok;
}

/*
 * On each device, every kind, 4 KiB and 1 MiB: a WRITE to two regions (a
 * pooled request) and a READ of one (a request in its bio), whose callbacks
 * free the context and the whole buffer before they return.
 */
static void dmio_ctx_frees_context(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct block_device *bdev[] = {
		dmio_open(test, DMIO_DEV_NBSMALL),
		rec->bdev,
		dmio_open(test, DMIO_DEV_RAM0),
	};
	struct io_region *where = dmio_regions(test, 2);
	unsigned int d, kind, size;
	char what[48];

	dmio_rec_softirq(rec, true);
	for (d = 0; d < ARRAY_SIZE(bdev); d++) {
		for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
			for (size = 0; size < 2; size++) {
				sector_t count = size ? 2048 : 8;
				size_t len = count << SECTOR_SHIFT;
				u32 seed = dmio_seed();
				struct dmio_ctx_own *o;

				snprintf(what, sizeof(what),
					 "device %u %s %zu KiB", d,
					 dmio_kind_name[kind], len >> 10);
				dmio_region(&where[0], bdev[d], 0, count);
				dmio_region(&where[1], bdev[d], 4096, count);
				o = dmio_ctx_own_new(kind, len, seed);
				KUNIT_ASSERT_NOT_NULL(test, o);
				if (!dmio_ctx_own_run(test, o, 2, where,
						      REQ_OP_WRITE, what) ||
				    !dmio_dev_check(test, bdev[d], 4096, count,
						    seed, 0, what))
					return;
				o = dmio_ctx_own_new(kind, len, 0);
				KUNIT_ASSERT_NOT_NULL(test, o);
				o->seed = seed;
				if (!dmio_ctx_own_run(test, o, 1, where,
						      REQ_OP_READ, what))
					return;
			}
		}
	}
}

static struct kunit_case dmio_context_cases[] = {
	KUNIT_CASE(dmio_ctx_hardirq),
	KUNIT_CASE(dmio_ctx_softirq),
	KUNIT_CASE(dmio_ctx_inline),
	KUNIT_CASE(dmio_ctx_frees_context),
	{}
};

struct kunit_suite dmio_context_suite = {
	.name = "dm_io_context",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_context_cases,
};
