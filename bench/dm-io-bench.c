// SPDX-License-Identifier: GPL-2.0
/*
 * dm-io-bench.ko - in-kernel benchmark of dm-io (bench/README.md).
 *
 * For each device and case it times three contenders doing the same work:
 *
 *   ours    dm-io's dm_io_async{,_bvec,_vm}() or dm_io_sync{,_bvec,_vm}();
 *   user    dm-io's dm_io_submit() naming a user (dm_io_user_create(), a
 *           reserve of its own), same memory types; 4 KiB cases only;
 *   ext     (analysis) dm_io_submit() naming no user: the shared reserve,
 *           as ours; user/ext is what the user costs, ext/ours the call;
 *   raw     the limit: bio_alloc() + bio_add_page() + submit_bio() by hand,
 *           one bio per region, no plug, a preset per-request counter;
 *   kernel  the kernel's own dm_io() with a dm_io_client, on the matching
 *           memory type (DM_IO_PAGE_LIST, DM_IO_BIO, DM_IO_VMA).
 *
 * Every contender writes the same buffer (1 MiB vmalloc'd, its pages also
 * described as a page list and as a bio_vec array) to the same regions.
 * An async case keeps up to <depth> requests in flight: the benchmark
 * thread submits while fewer are in flight and sleeps on a waitqueue
 * otherwise; the completion callback only decrements the in-flight counter
 * and wakes it (no resubmission from the callback, which may run inside
 * submit_bio() itself on null_blk irqmode=0 or brd).  A sync case calls the
 * sync form in a loop.  Each measurement runs for time_ms (fixed time) and
 * counts requests (one call = all its regions); repetitions alternate the
 * contenders (ours, raw, kernel, ours, raw, kernel, ...).
 *
 * Output (console, parsed by bench/report.py), one line per measurement:
 *   dmio_bench: SAMPLE dev=D case=C rep=R who=W n=REQS ns=NS bios=B reqs=Q errs=E
 * where bios/reqs are the deltas of dm-io's own counters (ours only).  dm-io
 * counts only while a test enables its counters: here, only during each
 * contender's warm-up (rep=-1), so the timed runs do not pay for counting.
 *
 * The parameter "probe" (written from user space) runs a fixed number of
 * requests with current->make_it_fail set, so that failslab and
 * fail_page_alloc armed with task-filter count every slab and page
 * allocation attempt the I/O path makes (bench/init.sh reads the counters);
 * with ftrace's function tracer on the lock functions and this task's pid,
 * it counts the locks each request takes.
 *
 * threads=1,2 runs each case with one and with two submitting threads, each
 * bound to its own CPU (make bench-smp).
 *
 * Analysis contenders (contenders=...): raw with one cost added at a time
 * (one of dm-io's, or a plug, which dm-io does not take), e.g. "raw+plug",
 * "raw+q2", "raw+vm", "raw+mp", "raw+bs", "raw+share",
 * "raw+plug+q2+vm+mp+bs".  micro=1 times the single operations.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/dm-io.h>
#include <linux/ioprio.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "dm-io.h"
#include "dm-io-compat.h"
#include "dm-io-internal.h"

MODULE_IMPORT_NS(DMIO_NS_INTERNAL);

#define BENCH_MAX_BYTES SZ_1M
#define BENCH_MAX_PAGES (BENCH_MAX_BYTES >> PAGE_SHIFT)
#define BENCH_MAX_DEPTH 32
#define BENCH_MAX_REGIONS 64
#define BENCH_MAX_CONTENDERS 12
#define BENCH_MAX_DEVS 4
#define BENCH_MAX_TICKS 16384
#define BENCH_MAX_THREADS 8
/* Where each submitting thread's regions start on the device. */
#define BENCH_THREAD_SPAN (SZ_8M >> SECTOR_SHIFT)
/* Space between regions, so that a plug never merges two of them. */
#define BENCH_GAP_BYTES SZ_4K

static char *devs = "";
module_param(devs, charp, 0444);
MODULE_PARM_DESC(devs,
		 "devices to run on: name:path[,name:path...] (empty: load only)");
static unsigned int time_ms = 250;
module_param(time_ms, uint, 0444);
MODULE_PARM_DESC(time_ms, "length of one measurement in ms");
static unsigned int warm_ms = 20;
module_param(warm_ms, uint, 0444);
MODULE_PARM_DESC(warm_ms, "untimed warm-up per contender and case in ms");
static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of each measurement");
static unsigned int slices = 10;
module_param(slices, uint, 0444);
MODULE_PARM_DESC(slices,
		 "a repetition gives each contender time_ms in this many interleaved slices");
static char *only = "";
module_param(only, charp, 0444);
MODULE_PARM_DESC(only,
		 "run only cases whose name contains one of these comma-separated strings");
static char *contenders = "ours,user,raw,kernel";
module_param(contenders, charp, 0444);
MODULE_PARM_DESC(contenders,
		 "comma-separated: ours, user, kernel, raw[+plug][+q2][+vm][+mp][+bs]");
static char *threads = "1";
module_param(threads, charp, 0444);
MODULE_PARM_DESC(threads,
		 "comma-separated numbers of submitting threads, each bound to its own CPU (e.g. 1,2); anything but \"1\" names the cases <case>@t<threads>");
static bool micro;
module_param(micro, bool, 0444);
MODULE_PARM_DESC(micro,
		 "time single operations (plug, queries, allocations...) first");

/* ---- cases and contenders ------------------------------------------------- */

enum bench_kind { K_PL, K_BVEC, K_VM };
static const char *const kind_suffix[] = { "", "_bvec", "_vm" };

struct bench_case {
	enum bench_kind kind;
	bool sync;
	unsigned int size; /* bytes per region */
	unsigned int depth; /* requests in flight (async) */
	unsigned int nr; /* regions */
	char name[48];
};

enum who_type { W_OURS, W_RAW, W_KERNEL, W_USER, W_EXT };

#define RAW_PLUG BIT(0) /* blk_start_plug() around a request's bios */
#define RAW_Q2 BIT(1) /* two device-limit queries per region */
#define RAW_VMPAGE BIT(2) /* vmalloc_to_page() per page, no page array */
#define RAW_MP BIT(3) /* request object from a mempool, ref per bio */
#define RAW_BS BIT(4) /* bios from a private bioset with front pad */
#define RAW_SHARE BIT(5) /* the bio points at the caller's bio_vec array */

static const struct {
	const char *name;
	unsigned int flag;
} raw_flag_names[] = {
	{ "plug", RAW_PLUG }, { "q2", RAW_Q2 }, { "vm", RAW_VMPAGE },
	{ "mp", RAW_MP },     { "bs", RAW_BS }, { "share", RAW_SHARE },
};

struct contender {
	enum who_type type;
	unsigned int flags;
	char name[40];
};

static struct contender who[BENCH_MAX_CONTENDERS];
static unsigned int nr_who;

/* ---- state ------------------------------------------------------------------- */

struct bench;

/* A raw request of several bios (or a sync one): its completion counter. */
struct raw_req {
	struct bench *b;
	atomic_t remaining;
	int busy; /* slot in use (async slots only) */
	int err;
	int *sync_err; /* sync: where to put the result */
	struct completion *sync_done; /* sync: whom to wake */
	bool from_pool;
};

struct bench {
	const char *devname;
	struct block_device *bdev;
	sector_t base; /* where this thread's regions start */
	bool shared; /* client, user and request cache are bench 0's */

	/* The buffer, in all three forms; every request writes it. */
	void *vbuf;
	struct page *pages[BENCH_MAX_PAGES];
	struct page_list pl[BENCH_MAX_PAGES];
	struct bio_vec bvec[BENCH_MAX_PAGES + 1];
	struct bio kbio; /* the kernel's DM_IO_BIO wants a bio */
	struct dm_io_client *client;
	struct dm_io_user *user; /* the user contender's */

	/* The case being run. */
	const struct bench_case *c;
	const struct contender *w;
	unsigned int npages;
	struct io_region where[BENCH_MAX_REGIONS];
	struct dm_io_region kwhere[BENCH_MAX_REGIONS];

	/* In flight. */
	atomic_t inflight;
	atomic_t errors;
	wait_queue_head_t wq;
	unsigned int slot_next;
	struct raw_req slots[BENCH_MAX_DEPTH];

	/* Clock-read intervals of the current measurement (stall detection). */
	u32 ticks[BENCH_MAX_TICKS];
	unsigned int nr_ticks;

	/* For the analysis contenders. */
	struct kmem_cache *mp_cache;
	mempool_t mp;
	struct bio_set bs;
};

/* One per submitting thread; benches[0] also runs the single-thread cases. */
static struct bench *benches[BENCH_MAX_THREADS];
static unsigned int nr_benches;

/* ---- completion, shared by every contender ------------------------------------ */

static inline void bench_done(struct bench *b, bool failed)
{
	if (unlikely(failed))
		atomic_inc(&b->errors);
	atomic_dec(&b->inflight);
	if (wq_has_sleeper(&b->wq))
		wake_up(&b->wq);
}

/* ---- ours: dm-io ------------------------------------------------------------- */

static void ours_notify(unsigned long error_bits, void *context)
{
	bench_done(context, error_bits != 0);
}

static int ours_request(struct bench *b)
{
	const struct bench_case *c = b->c;
	unsigned long bits = 0;
	int r;

	if (c->sync) {
		switch (c->kind) {
		case K_PL:
			r = dm_io_sync(c->nr, b->where, REQ_OP_WRITE, b->pl, 0,
				       &bits);
			break;
		case K_BVEC:
			r = dm_io_sync_bvec(c->nr, b->where, REQ_OP_WRITE,
					    b->bvec, &bits);
			break;
		default:
			r = dm_io_sync_vm(c->nr, b->where, REQ_OP_WRITE,
					  b->vbuf, &bits);
			break;
		}
		if (r || bits)
			atomic_inc(&b->errors);
		return r;
	}
	switch (c->kind) {
	case K_PL:
		return dm_io_async(c->nr, b->where, REQ_OP_WRITE, b->pl, 0,
				   ours_notify, b);
	case K_BVEC:
		return dm_io_async_bvec(c->nr, b->where, REQ_OP_WRITE, b->bvec,
					ours_notify, b);
	default:
		return dm_io_async_vm(c->nr, b->where, REQ_OP_WRITE, b->vbuf,
				      ours_notify, b);
	}
}

/* ---- user: dm_io_submit() with a user of its own (ext: with none) ------------- */

static void user_notify(unsigned long error_bits, unsigned long unsup_bits,
			void *context)
{
	bench_done(context, (error_bits | unsup_bits) != 0);
}

static int user_request(struct bench *b)
{
	const struct bench_case *c = b->c;
	unsigned long bits = 0, unsup = 0;
	struct dm_io_ext_request req = {
		.opf = REQ_OP_WRITE,
		.notify = c->sync ? NULL : user_notify,
		.context = b,
		.user = b->w->type == W_USER ? b->user : NULL,
	};
	int r;

	switch (c->kind) {
	case K_PL:
		req.mem_type = DM_IO_EXT_MEM_PAGE_LIST;
		req.mem.pl = b->pl;
		break;
	case K_BVEC:
		req.mem_type = DM_IO_EXT_MEM_BVEC;
		req.mem.bvec = b->bvec;
		break;
	default:
		req.mem_type = DM_IO_EXT_MEM_VM;
		req.mem.vm = b->vbuf;
		break;
	}
	r = dm_io_submit(c->nr, b->where, &req, c->sync ? &bits : NULL,
			 c->sync ? &unsup : NULL);
	if (c->sync && (r || bits || unsup))
		atomic_inc(&b->errors);
	return r;
}

/* The user and ext contenders run the 4 KiB cases only. */
static bool who_runs(const struct contender *w, const struct bench_case *c)
{
	return (w->type != W_USER && w->type != W_EXT) || c->size == SZ_4K;
}

/* ---- kernel: dm_io() with a client ------------------------------------------- */

#ifdef BENCH_DM_IO_UNSUP
static void kernel_notify(unsigned long error_bits, unsigned long unsup_bits,
			  void *context)
{
	bench_done(context, (error_bits | unsup_bits) != 0);
}
#else
static void kernel_notify(unsigned long error_bits, void *context)
{
	bench_done(context, error_bits != 0);
}
#endif

static int kernel_request(struct bench *b)
{
	const struct bench_case *c = b->c;
	unsigned long bits = 0;
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE,
		.mem.offset = 0,
		.notify.fn = c->sync ? NULL : kernel_notify,
		.notify.context = b,
		.client = b->client,
	};
	int r;

	switch (c->kind) {
	case K_PL:
		req.mem.type = DM_IO_PAGE_LIST;
		req.mem.ptr.pl = b->pl;
		break;
	case K_BVEC:
		req.mem.type = DM_IO_BIO;
		req.mem.ptr.bio = &b->kbio;
		break;
	default:
		req.mem.type = DM_IO_VMA;
		req.mem.ptr.vma = b->vbuf;
		break;
	}
#if defined(BENCH_DM_IO_UNSUP)
	r = dm_io(&req, c->nr, b->kwhere, c->sync ? &bits : NULL, NULL,
		  IOPRIO_DEFAULT);
#elif defined(BENCH_DM_IO_IOPRIO)
	r = dm_io(&req, c->nr, b->kwhere, c->sync ? &bits : NULL,
		  IOPRIO_DEFAULT);
#else
	r = dm_io(&req, c->nr, b->kwhere, c->sync ? &bits : NULL);
#endif
	if (c->sync && (r || bits))
		atomic_inc(&b->errors);
	return r;
}

/* ---- raw: bios by hand ------------------------------------------------------- */

/* What dm-io reads per region, twice (validation pass and dispatch pass). */
static noinline void bench_query(struct block_device *bdev, u64 *sink)
{
	struct request_queue *q = bdev_get_queue(bdev);

	*sink += bdev_nr_sectors(bdev) + queue_logical_block_size(q) +
		 min_t(u64, (u64)queue_max_sectors(q) << SECTOR_SHIFT, SZ_1G) +
		 queue_max_segments(q);
}

static void raw_put(struct raw_req *rq)
{
	struct bench *b = rq->b;
	int err = rq->err;

	if (!atomic_dec_and_test(&rq->remaining))
		return;
	if (rq->sync_done) {
		struct completion *done = rq->sync_done;

		*rq->sync_err = err;
		if (rq->from_pool)
			mempool_free(rq, &b->mp);
		complete(done); /* @rq may be on the waker's stack */
		return;
	}
	if (rq->from_pool)
		mempool_free(rq, &b->mp);
	else
		smp_store_release(&rq->busy, 0); /* pairs: raw_slot_get() */
	bench_done(b, err);
}

static void raw_endio(struct bio *bio)
{
	struct raw_req *rq = bio->bi_private;

	if (bio->bi_status)
		rq->err = 1;
	bio_put(bio);
	raw_put(rq);
}

/* One region, one bio, no request object: bi_private is the bench. */
static void raw_endio_single(struct bio *bio)
{
	struct bench *b = bio->bi_private;
	bool failed = bio->bi_status != BLK_STS_OK;

	bio_put(bio);
	bench_done(b, failed);
}

static struct raw_req *raw_slot_get(struct bench *b)
{
	for (;;) {
		struct raw_req *rq = &b->slots[b->slot_next];

		if (++b->slot_next == b->c->depth)
			b->slot_next = 0;
		/* pairs with the release in raw_put() */
		if (!smp_load_acquire(&rq->busy)) {
			rq->busy = 1;
			return rq;
		}
	}
}

static int raw_request(struct bench *b)
{
	const struct bench_case *c = b->c;
	const unsigned int flags = b->w->flags;
	const blk_opf_t opf = c->sync ? REQ_OP_WRITE | REQ_SYNC : REQ_OP_WRITE;
	const bool single = !c->sync && c->nr == 1 && !(flags & RAW_MP);
	struct raw_req sync_rq, *rq = NULL;
	struct completion done;
	struct blk_plug plug;
	int sync_err = 0;
	unsigned int i, p;
	u64 sink = 0;

	if (c->sync)
		init_completion(&done);
	if (!single) {
		if (flags & RAW_MP)
			rq = mempool_alloc(&b->mp, GFP_NOIO);
		else if (c->sync)
			rq = &sync_rq;
		else
			rq = raw_slot_get(b);
		rq->b = b;
		rq->err = 0;
		rq->from_pool = flags & RAW_MP;
		rq->sync_done = c->sync ? &done : NULL;
		rq->sync_err = &sync_err;
		/*
		 * dm-io's scheme: a submitter reference plus one per bio;
		 * the bare minimum: the bio count, set once.
		 */
		atomic_set(&rq->remaining, (flags & RAW_MP) ? 1 : c->nr);
	}
	if (flags & RAW_PLUG)
		blk_start_plug(&plug);
	for (i = 0; i < c->nr; i++) {
		struct bio *bio;

		if (flags & RAW_Q2) {
			bench_query(b->bdev, &sink);
			bench_query(b->bdev, &sink);
		}
		if (flags & RAW_SHARE) {
			/* As a clone does: no bio_vec of its own, no page walk. */
			bio = bio_alloc(b->bdev, 0, opf, GFP_NOIO);
			bio->bi_io_vec = b->bvec;
			bio->bi_vcnt = b->npages;
			bio->bi_iter.bi_size = b->c->size;
		} else if (flags & RAW_BS) {
			bio = bio_alloc_bioset(b->bdev, b->npages, opf,
					       GFP_NOIO, &b->bs);
		} else {
			bio = bio_alloc(b->bdev, b->npages, opf, GFP_NOIO);
		}
		bio->bi_iter.bi_sector = b->where[i].sector;
		for (p = 0; !(flags & RAW_SHARE) && p < b->npages; p++) {
			struct page *page =
				(flags & RAW_VMPAGE) ?
					vmalloc_to_page(b->vbuf +
							p * PAGE_SIZE) :
					b->pages[p];

			/* cannot fail: the bio has room for npages */
			WARN_ON_ONCE(bio_add_page(bio, page, PAGE_SIZE, 0) !=
				     PAGE_SIZE);
		}
		if (single) {
			bio->bi_private = b;
			bio->bi_end_io = raw_endio_single;
		} else {
			if (flags & RAW_MP)
				atomic_inc(&rq->remaining);
			bio->bi_private = rq;
			bio->bi_end_io = raw_endio;
		}
		submit_bio(bio);
	}
	if (flags & RAW_PLUG)
		blk_finish_plug(&plug);
	if (rq && (flags & RAW_MP))
		raw_put(rq);
	if (c->sync) {
		wait_for_completion_io(&done);
		if (sync_err)
			atomic_inc(&b->errors);
	}
	if (sink == 1) /* keep the queries */
		pr_debug("dmio_bench: %llu\n", sink);
	return 0;
}

/* ---- measurement ------------------------------------------------------------- */

struct sample {
	u64 n, ns, bios, reqs;
	u64 max_gap; /* longest time between two clock reads */
	u64 stall; /* time lost to stalls (see run_one()) */
	int errs;
	int ret;
};

static int bench_call(struct bench *b)
{
	switch (b->w->type) {
	case W_OURS:
		return ours_request(b);
	case W_USER:
	case W_EXT:
		return user_request(b);
	case W_KERNEL:
		return kernel_request(b);
	default:
		return raw_request(b);
	}
}

static int u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * UML is one host process: when the host runs something else, the guest's
 * clock goes on and a measurement loses that time.  Such a stall shows as
 * one interval of 16 requests far longer than the others.  Returns the time
 * by which the intervals longer than 8x the median exceed the median (0 if
 * there were too few intervals to tell).
 */
static u64 stall_time(struct bench *b)
{
	u64 med, stall = 0;
	unsigned int i;

	if (b->nr_ticks < 16)
		return 0;
	sort(b->ticks, b->nr_ticks, sizeof(b->ticks[0]), u32_cmp, NULL);
	med = b->ticks[b->nr_ticks / 2];
	for (i = b->nr_ticks; i-- > 0 && b->ticks[i] > 8 * med;)
		stall += b->ticks[i] - med;
	return stall;
}

static void run_one(struct bench *b, const struct contender *w, u64 ns,
		    struct sample *s)
{
	const struct bench_case *c = b->c;
	u64 t0, deadline, n = 0, bios0, reqs0, now, last, max_gap = 0;
	unsigned int i;
	int r = 0;

	b->w = w;
	atomic_set(&b->inflight, 0);
	atomic_set(&b->errors, 0);
	b->slot_next = 0;
	for (i = 0; i < BENCH_MAX_DEPTH; i++)
		b->slots[i].busy = 0;
	bios0 = dmio_bios_submitted();
	reqs0 = dmio_requests_started();

	b->nr_ticks = 0;
	t0 = ktime_get_ns();
	last = t0;
	deadline = t0 + ns;
	/* Every 16 requests: yield if asked, read the clock (~80 ns on UML). */
#define BENCH_TICK()                                             \
	({                                                       \
		bool over;                                       \
		cond_resched();                                  \
		now = ktime_get_ns();                            \
		max_gap = max(max_gap, now - last);              \
		if (b->nr_ticks < BENCH_MAX_TICKS)               \
			b->ticks[b->nr_ticks++] =                \
				min_t(u64, now - last, U32_MAX); \
		last = now;                                      \
		over = now >= deadline;                          \
		over;                                            \
	})
	if (c->sync) {
		for (;;) {
			r = bench_call(b);
			if (r)
				break;
			if (!(++n & 15) && BENCH_TICK())
				break;
		}
	} else {
		for (;;) {
			if (atomic_read(&b->inflight) >= c->depth)
				wait_event(b->wq, atomic_read(&b->inflight) <
							  c->depth);
			atomic_inc(&b->inflight);
			r = bench_call(b);
			if (r) {
				atomic_dec(&b->inflight);
				break;
			}
			if (!(++n & 15) && BENCH_TICK())
				break;
		}
		wait_event(b->wq, atomic_read(&b->inflight) == 0);
	}
	s->ns = ktime_get_ns() - t0;
	s->n = n;
	s->bios = dmio_bios_submitted() - bios0;
	s->reqs = dmio_requests_started() - reqs0;
	s->errs = atomic_read(&b->errors);
	s->ret = r;
	s->max_gap = max_gap;
	s->stall = stall_time(b);
#undef BENCH_TICK
}

/* ---- set-up ------------------------------------------------------------------ */

static void size_name(unsigned int size, char *buf, size_t len)
{
	if (size >= SZ_1M && !(size % SZ_1M))
		snprintf(buf, len, "%um", size / SZ_1M);
	else
		snprintf(buf, len, "%uk", size / SZ_1K);
}

static struct bench_case *cases;
static unsigned int nr_cases;

static void add_case(enum bench_kind kind, bool sync, unsigned int size,
		     unsigned int depth, unsigned int nr)
{
	struct bench_case *c = &cases[nr_cases++];
	char sz[8];

	c->kind = kind;
	c->sync = sync;
	c->size = size;
	c->depth = depth;
	c->nr = nr;
	size_name(size, sz, sizeof(sz));
	snprintf(c->name, sizeof(c->name), "%s%s-%s-qd%u-r%u",
		 sync ? "sync" : "async", kind_suffix[kind], sz, depth, nr);
}

static int build_cases(void)
{
	static const unsigned int multi[] = { 2, 4, 8, 16, 64 };
	unsigned int k, i;

	cases = kcalloc(64, sizeof(*cases), GFP_KERNEL);
	if (!cases)
		return -ENOMEM;
	for (k = K_PL; k <= K_VM; k++)
		add_case(k, true, SZ_4K, 1, 1);
	for (k = K_PL; k <= K_VM; k++)
		add_case(k, false, SZ_4K, 1, 1);
	for (k = K_PL; k <= K_VM; k++)
		add_case(k, false, SZ_4K, 32, 1);
	for (k = K_PL; k <= K_VM; k++)
		add_case(k, false, SZ_64K, 8, 1);
	for (k = K_PL; k <= K_VM; k++)
		add_case(k, false, SZ_1M, 8, 1);
	for (i = 0; i < ARRAY_SIZE(multi); i++)
		for (k = K_PL; k <= K_VM; k++)
			add_case(k, false, SZ_4K, 8, multi[i]);
	for (i = 0; i < ARRAY_SIZE(multi); i++)
		for (k = K_PL; k <= K_VM; k++)
			add_case(k, false, SZ_64K, 8, multi[i]);
	return 0;
}

/*
 * Does @name match the comma-separated list @list (empty: everything)?  An
 * entry matches a name that contains it; "^entry" one that starts with it,
 * "entry$" one that ends with it ("^name$": exactly that name).
 */
static bool matches(const char *list, const char *name)
{
	const char *p = list;

	if (!p || !*p)
		return true;
	while (*p) {
		const char *e = strchrnul(p, ',');
		bool at_start = *p == '^';
		bool at_end;
		const char *s;
		size_t len;

		if (at_start)
			p++;
		len = e - p;
		at_end = len && p[len - 1] == '$';
		if (at_end)
			len--;
		for (s = name; len && *s; s++) {
			if (!strncmp(s, p, len) && (!at_end || !s[len]))
				return true;
			if (at_start)
				break;
		}
		p = *e ? e + 1 : e;
	}
	return false;
}

static int parse_contenders(void)
{
	char *copy, *tok, *s;

	copy = kstrdup(contenders, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	s = copy;
	while ((tok = strsep(&s, ",")) && nr_who < BENCH_MAX_CONTENDERS) {
		struct contender *w = &who[nr_who];
		char *part, *t = tok;

		if (!*tok)
			continue;
		strscpy(w->name, tok, sizeof(w->name));
		part = strsep(&t, "+");
		if (!strcmp(part, "ours")) {
			w->type = W_OURS;
		} else if (!strcmp(part, "user")) {
			w->type = W_USER;
		} else if (!strcmp(part, "ext")) {
			w->type = W_EXT;
		} else if (!strcmp(part, "kernel")) {
			w->type = W_KERNEL;
		} else if (!strcmp(part, "raw")) {
			w->type = W_RAW;
		} else {
			pr_err("dmio_bench: unknown contender '%s'\n", part);
			kfree(copy);
			return -EINVAL;
		}
		while ((part = strsep(&t, "+"))) {
			unsigned int i;

			for (i = 0; i < ARRAY_SIZE(raw_flag_names); i++)
				if (!strcmp(part, raw_flag_names[i].name))
					break;
			if (w->type != W_RAW ||
			    i == ARRAY_SIZE(raw_flag_names)) {
				pr_err("dmio_bench: unknown contender flag '%s'\n",
				       part);
				kfree(copy);
				return -EINVAL;
			}
			w->flags |= raw_flag_names[i].flag;
		}
		nr_who++;
	}
	kfree(copy);
	return nr_who ? 0 : -EINVAL;
}

static void setup_case(struct bench *b, const struct bench_case *c)
{
	sector_t stride = (c->size + BENCH_GAP_BYTES) >> SECTOR_SHIFT;
	unsigned int i;

	b->c = c;
	b->npages = c->size >> PAGE_SHIFT;
	for (i = 0; i < c->nr; i++) {
		b->where[i].bdev = b->bdev;
		b->where[i].sector = b->base + i * stride;
		b->where[i].count = c->size >> SECTOR_SHIFT;
		b->kwhere[i].bdev = b->bdev;
		b->kwhere[i].sector = b->base + i * stride;
		b->kwhere[i].count = c->size >> SECTOR_SHIFT;
	}
	bio_init(&b->kbio, NULL, b->bvec, BENCH_MAX_PAGES, REQ_OP_WRITE);
	b->kbio.bi_vcnt = b->npages;
	b->kbio.bi_iter.bi_size = c->size;
}

/*
 * A bench of its own for a submitting thread; with @share, the kernel's
 * client, the dm-io user (as a target's are for all its CPUs) and the
 * analysis contenders' request cache are @share's.
 */
static int bench_alloc(struct bench **out, struct bench *share)
{
	struct bench *b;
	unsigned int i;
	int r = -ENOMEM;

	b = vzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	init_waitqueue_head(&b->wq);
	b->vbuf = vmalloc(BENCH_MAX_BYTES);
	if (!b->vbuf)
		goto fail;
	memset(b->vbuf, 0x5a, BENCH_MAX_BYTES);
	for (i = 0; i < BENCH_MAX_PAGES; i++) {
		b->pages[i] = vmalloc_to_page(b->vbuf + i * PAGE_SIZE);
		b->pl[i].page = b->pages[i];
		b->pl[i].next = i + 1 < BENCH_MAX_PAGES ? &b->pl[i + 1] : NULL;
		b->bvec[i].bv_page = b->pages[i];
		b->bvec[i].bv_len = PAGE_SIZE;
		b->bvec[i].bv_offset = 0;
	}
	if (share) {
		b->client = share->client;
		b->user = share->user;
		b->mp_cache = share->mp_cache;
		b->shared = true;
	} else {
		b->client = dm_io_client_create();
		if (IS_ERR(b->client)) {
			r = PTR_ERR(b->client);
			b->client = NULL;
			goto fail;
		}
		/* What the deepest 4 KiB cases have in flight, and more. */
		b->user = dm_io_user_create("dmio_bench", 256);
		if (IS_ERR(b->user)) {
			r = PTR_ERR(b->user);
			b->user = NULL;
			goto fail;
		}
	}
	/* The analysis contenders' request objects: like dm-io's. */
	if (!b->mp_cache)
		b->mp_cache =
			kmem_cache_create("dmio_bench_req", 64, 8, 0, NULL);
	if (!b->mp_cache)
		goto fail;
	r = mempool_init_slab_pool(&b->mp, 16, b->mp_cache);
	if (r)
		goto fail;
	r = bioset_init(&b->bs, 16, 16, BIOSET_NEED_BVECS);
	if (r)
		goto fail;
	*out = b;
	return 0;
fail:
	pr_err("dmio_bench: set-up failed: %d\n", r);
	if (mempool_initialized(&b->mp))
		mempool_exit(&b->mp);
	if (!b->shared) {
		kmem_cache_destroy(b->mp_cache);
		dm_io_user_destroy(b->user);
		if (b->client)
			dm_io_client_destroy(b->client);
	}
	vfree(b->vbuf);
	vfree(b);
	return r;
}

static void bench_free(struct bench *b)
{
	if (!b)
		return;
	bioset_exit(&b->bs);
	mempool_exit(&b->mp);
	if (!b->shared) {
		kmem_cache_destroy(b->mp_cache);
		dm_io_user_destroy(b->user);
		dm_io_client_destroy(b->client);
	}
	vfree(b->vbuf);
	vfree(b);
}

/* ---- submitting threads ------------------------------------------------------- */

/* The numbers of submitting threads (threads=); threaded: not just "1". */
static unsigned int nthreads[BENCH_MAX_THREADS];
static unsigned int nr_nthreads;
static bool threaded;

static int parse_threads(void)
{
	unsigned int n, most = min_t(unsigned int, BENCH_MAX_THREADS,
				     num_online_cpus());
	char *copy, *tok, *s;
	int r = 0;

	copy = kstrdup(threads, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	s = copy;
	while ((tok = strsep(&s, ","))) {
		if (!*tok)
			continue;
		if (nr_nthreads == BENCH_MAX_THREADS ||
		    kstrtouint(tok, 0, &n) || !n || n > most) {
			pr_err("dmio_bench: threads: '%s' is not 1 to %u (one per online CPU)\n",
			       tok, most);
			r = -EINVAL;
			break;
		}
		nthreads[nr_nthreads++] = n;
		nr_benches = max(nr_benches, n);
	}
	kfree(copy);
	if (!r && !nr_nthreads)
		r = -EINVAL;
	threaded = !(nr_nthreads == 1 && nthreads[0] == 1);
	return r;
}

struct bench_thread {
	struct bench *b;
	const struct contender *w;
	u64 ns;
	struct sample s;
	struct completion *go, *done;
	atomic_t *left;
};

static int bench_thread_fn(void *arg)
{
	struct bench_thread *t = arg;

	wait_for_completion(t->go);
	run_one(t->b, t->w, t->ns, &t->s);
	if (atomic_dec_and_test(t->left))
		complete(t->done);
	/* Stay until kthread_stop(): the caller reaps every thread. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * @nt threads, the i-th bound to the i-th online CPU and running
 * benches[i], start together and run @w for @ns each.  The sample: their
 * requests summed, the longest of their times, the shortest of their host
 * stalls (a stall of one thread does not shorten the others' time).
 */
static void run_threads(unsigned int nt, const struct contender *w, u64 ns,
			struct sample *s)
{
	DECLARE_COMPLETION_ONSTACK(go);
	DECLARE_COMPLETION_ONSTACK(done);
	/* Only module_init() measures: one caller at a time. */
	static struct task_struct *task[BENCH_MAX_THREADS];
	static struct bench_thread t[BENCH_MAX_THREADS];
	atomic_t left = ATOMIC_INIT(nt);
	unsigned int i = 0, cpu;

	memset(s, 0, sizeof(*s));
	for_each_online_cpu(cpu) {
		if (i == nt)
			break;
		t[i] = (struct bench_thread){ .b = benches[i],
					      .w = w,
					      .ns = ns,
					      .go = &go,
					      .done = &done,
					      .left = &left };
		task[i] = kthread_create(bench_thread_fn, &t[i],
					 "dmio_bench/%u", i);
		if (IS_ERR(task[i])) {
			s->ret = PTR_ERR(task[i]);
			break;
		}
		kthread_bind(task[i], cpu);
		i++;
	}
	if (i < nt) {
		/* Never woken: kthread_stop() ends them before their function. */
		while (i--)
			kthread_stop(task[i]);
		s->ret = s->ret ?: -ENODEV;
		return;
	}
	for (i = 0; i < nt; i++)
		wake_up_process(task[i]);
	complete_all(&go);
	wait_for_completion(&done);
	for (i = 0; i < nt; i++) {
		kthread_stop(task[i]);
		s->n += t[i].s.n;
		s->ns = max(s->ns, t[i].s.ns);
		s->bios = max(s->bios, t[i].s.bios);
		s->reqs = max(s->reqs, t[i].s.reqs);
		s->errs += t[i].s.errs;
		s->ret = s->ret ?: t[i].s.ret;
		s->max_gap = max(s->max_gap, t[i].s.max_gap);
		s->stall = i ? min(s->stall, t[i].s.stall) : t[i].s.stall;
	}
}

/* ---- the run -------------------------------------------------------------------- */

static void print_sample(struct bench *b, const char *cname, int rep,
			 const struct contender *w, const struct sample *s)
{
	pr_info("dmio_bench: SAMPLE dev=%s case=%s rep=%d who=%s n=%llu ns=%llu bios=%llu reqs=%llu errs=%d ret=%d max_gap_ns=%llu stall_ns=%llu\n",
		b->devname, cname, rep, w->name, s->n, s->ns, s->bios, s->reqs,
		s->errs, s->ret, s->max_gap, s->stall);
}

/* One measurement of @w: by the module's thread, or by @nt threads. */
static void measure(const struct contender *w, unsigned int nt, u64 ns,
		    struct sample *s)
{
	if (threaded)
		run_threads(nt, w, ns, s);
	else
		run_one(benches[0], w, ns, s);
}

/* One repetition of case @c with @nt threads, printed as case @name. */
static void run_rep(struct bench *b, const struct bench_case *c,
		    const char *name, unsigned int nt, int rep)
{
	static struct sample acc[BENCH_MAX_CONTENDERS]; /* one caller */
	unsigned int sl, i, nsl = max(slices, 1u);
	struct sample s;
	u64 ns = div_u64((u64)time_ms * NSEC_PER_MSEC, nsl);

	memset(acc, 0, sizeof(acc));
	/*
	 * ours, raw, kernel, ours, raw, kernel...: a stall of the host (UML is
	 * a host process) hits every contender of the repetition alike.
	 */
	for (sl = 0; sl < nsl; sl++)
		for (i = 0; i < nr_who; i++) {
			struct sample *a = &acc[i];

			if (!who_runs(&who[i], c))
				continue;
			measure(&who[i], nt, ns, &s);
			a->n += s.n;
			a->ns += s.ns;
			a->bios += s.bios;
			a->reqs += s.reqs;
			a->errs += s.errs;
			a->ret = a->ret ?: s.ret;
			a->max_gap = max(a->max_gap, s.max_gap);
			a->stall += s.stall;
		}
	for (i = 0; i < nr_who; i++)
		if (who_runs(&who[i], c))
			print_sample(b, name, rep, &who[i], &acc[i]);
}

static void run_device(struct bench *b)
{
	struct request_queue *q = bdev_get_queue(b->bdev);
	unsigned int ci, i, ti;
	int rep;

	pr_info("dmio_bench: DEV name=%s sectors=%llu lbs=%u max_sectors=%u max_segments=%u\n",
		b->devname, (u64)bdev_nr_sectors(b->bdev),
		queue_logical_block_size(q), queue_max_sectors(q),
		queue_max_segments(q));
	for (ci = 0; ci < nr_cases; ci++) {
		const struct bench_case *c = &cases[ci];
		u64 extent = c->nr * ((u64)c->size + BENCH_GAP_BYTES);
		u64 span = (u64)BENCH_THREAD_SPAN << SECTOR_SHIFT;
		struct sample s;
		bool failed = false;

		if (!matches(only, c->name))
			continue;
		/* Every thread's regions inside its span, and on the device. */
		if (extent > span || (nr_benches - 1) * span + extent >
					     (u64)bdev_nr_sectors(b->bdev)
						     << SECTOR_SHIFT) {
			pr_info("dmio_bench: SKIP dev=%s case=%s (device too small)\n",
				b->devname, c->name);
			continue;
		}
		for (i = 0; i < nr_benches; i++)
			setup_case(benches[i], c);
		pr_info("dmio_bench: CASE dev=%s case=%s\n", b->devname,
			c->name);
		for (i = 0; i < nr_who; i++) {
			if (!who_runs(&who[i], c))
				continue;
			dmio_counters_enable();
			run_one(b, &who[i], (u64)warm_ms * NSEC_PER_MSEC, &s);
			dmio_counters_disable();
			print_sample(b, c->name, -1, &who[i], &s);
			failed |= s.ret || s.errs;
		}
		if (failed)
			continue;
		for (ti = 0; ti < nr_nthreads; ti++) {
			char name[sizeof(c->name) + 8];

			if (threaded)
				snprintf(name, sizeof(name), "%s@t%u", c->name,
					 nthreads[ti]);
			else
				strscpy(name, c->name, sizeof(name));
			/* Every thread on its CPU, untimed. */
			for (i = 0; threaded && i < nr_who; i++)
				if (who_runs(&who[i], c))
					measure(&who[i], nthreads[ti],
						(u64)warm_ms * NSEC_PER_MSEC,
						&s);
			for (rep = 0; rep < reps; rep++)
				run_rep(b, c, name, nthreads[ti], rep);
		}
	}
}

/* ---- micro-benchmarks of single operations -------------------------------------- */

static DEFINE_PER_CPU(u64, micro_counter);

static noinline void micro_call(u64 *sink)
{
	*sink += 1;
}

#define MICRO_N 50000
#define MICRO_RUNS 5

static int u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nanoseconds per iteration, tenths: the fastest and the median run. */
static void micro_report(const char *name, u64 *ns)
{
	u64 lo, med;

	sort(ns, MICRO_RUNS, sizeof(*ns), u64_cmp, NULL);
	lo = div64_u64(ns[0] * 10, MICRO_N);
	med = div64_u64(ns[MICRO_RUNS / 2] * 10, MICRO_N);
	pr_info("dmio_bench: MICRO name=%s min_ns=%llu.%llu median_ns=%llu.%llu\n",
		name, lo / 10, lo % 10, med / 10, med % 10);
}

#define MICRO(name, body)                                \
	do {                                             \
		u64 ns[MICRO_RUNS];                      \
		unsigned int m, run;                     \
		for (run = 0; run < MICRO_RUNS; run++) { \
			u64 t0 = ktime_get_ns();         \
			for (m = 0; m < MICRO_N; m++) {  \
				body;                    \
				barrier();               \
			}                                \
			ns[run] = ktime_get_ns() - t0;   \
			cond_resched();                  \
		}                                        \
		micro_report(name, ns);                  \
	} while (0)

/* The bodies of MICRO()s with more than one statement (inlined). */
static __always_inline void micro_plug(struct blk_plug *plug)
{
	blk_start_plug(plug);
	blk_finish_plug(plug);
}

static __always_inline void micro_atomic(atomic_t *a, u64 *sink)
{
	atomic_inc(a);
	if (atomic_dec_and_test(a))
		(*sink)++;
}

static __always_inline void micro_irq(void)
{
	unsigned long fl;

	local_irq_save(fl);
	local_irq_restore(fl);
}

static __always_inline void micro_bio_add_page(struct bench *b, u64 *sink)
{
	struct bio *bio = bio_alloc(b->bdev, 1, REQ_OP_WRITE, GFP_NOIO);

	/* 6.12 has bio_add_page() __must_check */
	*sink += bio_add_page(bio, b->pages[0], PAGE_SIZE, 0);
	bio_put(bio);
}

static __always_inline void micro_completion(void)
{
	DECLARE_COMPLETION_ONSTACK(d);

	complete(&d);
	wait_for_completion_io(&d);
}

static void run_micro(struct bench *b)
{
	struct blk_plug plug;
	u64 sink = 0;
	atomic_t a = ATOMIC_INIT(1);
	struct kmem_cache *kc = b->mp_cache;

	MICRO("loop", (void)0);
	MICRO("call", micro_call(&sink));
	MICRO("ktime_get_ns", sink += ktime_get_ns());
	MICRO("plug", micro_plug(&plug));
	MICRO("bdev_query", bench_query(b->bdev, &sink));
	MICRO("vmalloc_to_page",
	      sink +=
	      (unsigned long)vmalloc_to_page(b->vbuf + (m & 255) * PAGE_SIZE));
	MICRO("atomic_inc+dec_and_test", micro_atomic(&a, &sink));
	MICRO("this_cpu_inc", this_cpu_inc(micro_counter));
	MICRO("local_irq_save+restore", micro_irq());
	MICRO("kmem_cache_alloc+free",
	      kmem_cache_free(kc, kmem_cache_alloc(kc, GFP_NOIO)));
	MICRO("mempool_alloc+free",
	      mempool_free(mempool_alloc(&b->mp, GFP_NOIO), &b->mp));
	MICRO("bioset_alloc+put(1 vec)",
	      bio_put(bio_alloc_bioset(b->bdev, 1, REQ_OP_WRITE, GFP_NOIO,
				       &b->bs)));
	MICRO("bio_alloc+put(1 vec)",
	      bio_put(bio_alloc(b->bdev, 1, REQ_OP_WRITE, GFP_NOIO)));
	MICRO("bio_alloc+put(16 vecs)",
	      bio_put(bio_alloc(b->bdev, 16, REQ_OP_WRITE, GFP_NOIO)));
	MICRO("bioset_alloc+put(16 vecs)",
	      bio_put(bio_alloc_bioset(b->bdev, 16, REQ_OP_WRITE, GFP_NOIO,
				       &b->bs)));
	MICRO("bio_alloc+add_page+put(1 vec)", micro_bio_add_page(b, &sink));
	MICRO("completion(no sleep)", micro_completion());
	if (sink == 42)
		pr_debug("dmio_bench: %llu\n", sink);
}

/* ---- allocation and lock probe (bench/init.sh drives it) ------------------------ */

/*
 * echo "<name>:<path> <case> <contender> <requests>" > .../parameters/probe
 * runs <requests> requests of <case> at queue depth 1 with make_it_fail set:
 * with failslab and fail_page_alloc armed (task-filter, probability 100),
 * every slab or page allocation the I/O path attempts is counted in their
 * "times" and fails, so mempools fall back to their reserve (the I/O still
 * completes).  Allocations in interrupt context are not counted.  Without
 * CONFIG_FAULT_INJECTION (Debian's kernels) it only runs the requests, for
 * the lock count: the ring buffer is switched on for the counted requests
 * only (bench/init.sh leaves it off).
 */
static void bench_make_it_fail(bool on)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = on;
#endif
}

static int probe_set(const char *val, const struct kernel_param *kp)
{
	char dev[80], cname[48], wname[40];
	struct bench_case c = {};
	struct contender w = {};
	struct dmio_bdev_ref ref;
	struct sample s;
	unsigned int count, i;
	struct bench *bench = benches[0];
	char *path;
	int r;

	if (!bench)
		return -ENODEV;
	if (sscanf(val, "%79s %47s %39s %u", dev, cname, wname, &count) != 4)
		return -EINVAL;
	for (i = 0; i < nr_cases; i++)
		if (!strcmp(cases[i].name, cname))
			break;
	if (i == nr_cases)
		return -EINVAL;
	c = cases[i];
	c.depth = 1;
	if (!strcmp(wname, "ours"))
		w.type = W_OURS;
	else if (!strcmp(wname, "user"))
		w.type = W_USER;
	else if (!strcmp(wname, "ext"))
		w.type = W_EXT;
	else if (!strcmp(wname, "kernel"))
		w.type = W_KERNEL;
	else if (!strcmp(wname, "raw"))
		w.type = W_RAW;
	else
		return -EINVAL;
	strscpy(w.name, wname, sizeof(w.name));
	path = strchr(dev, ':');
	if (!path)
		return -EINVAL;
	*path++ = '\0';

	r = dmio_bdev_open(path, NULL, &ref);
	if (r)
		return r;
	bench->bdev = ref.bdev;
	bench->devname = dev;
	setup_case(bench, &c);
	/* Warm up first: first-use allocations are not the I/O path's. */
	run_one(bench, &w, 20 * NSEC_PER_MSEC, &s);
	r = s.ret;
	if (!r) {
		bool was_on = tracing_is_on();
		u64 n = 0, bios0;

		dmio_counters_enable();
		bios0 = dmio_bios_submitted();

		atomic_set(&bench->inflight, 0);
		atomic_set(&bench->errors, 0);
		bench->w = &w;
		/* The ring buffer records these requests only, not the warm-up. */
		tracing_on();
		bench_make_it_fail(true);
		for (n = 0; n < count && !r; n++) {
			if (c.sync) { /* returns when done */
				r = bench_call(bench);
				continue;
			}
			atomic_inc(&bench->inflight);
			r = bench_call(bench);
			if (r)
				atomic_dec(&bench->inflight);
			else
				wait_event(bench->wq,
					   atomic_read(&bench->inflight) == 0);
		}
		bench_make_it_fail(false);
		if (!was_on)
			tracing_off();
		pr_info("dmio_bench: PROBE dev=%s case=%s who=%s n=%llu bios=%llu errs=%d ret=%d\n",
			dev, cname, wname, n, dmio_bios_submitted() - bios0,
			atomic_read(&bench->errors), r);
		dmio_counters_disable();
	}
	dmio_bdev_close(&ref);
	bench->bdev = NULL;
	return r;
}

static const struct kernel_param_ops probe_ops = {
	.set = probe_set,
};
module_param_cb(probe, &probe_ops, NULL, 0200);
MODULE_PARM_DESC(probe,
		 "write '<name>:<path> <case> <contender> <requests>' to count allocations");

/* ---- module ------------------------------------------------------------------- */

static void benches_free(void)
{
	while (nr_benches) {
		bench_free(benches[--nr_benches]);
		benches[nr_benches] = NULL;
	}
}

/* Point every thread's bench at @bdev (NULL: none). */
static void benches_set_device(struct block_device *bdev, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_benches; i++) {
		benches[i]->bdev = bdev;
		benches[i]->devname = name;
	}
}

static int __init bench_init(void)
{
	unsigned int want;
	char *list, *s, *tok;
	bool did_micro = false;
	int r;

	r = build_cases();
	if (r)
		return r;
	r = parse_contenders() ?: parse_threads();
	if (r)
		goto bad;
	want = nr_benches;
	for (nr_benches = 0; nr_benches < want; nr_benches++) {
		r = bench_alloc(&benches[nr_benches],
				nr_benches ? benches[0] : NULL);
		if (r)
			goto bad;
		benches[nr_benches]->base = nr_benches * BENCH_THREAD_SPAN;
	}

	list = kstrdup(devs, GFP_KERNEL);
	if (!list) {
		r = -ENOMEM;
		goto bad;
	}
	pr_info("dmio_bench: START time_ms=%u reps=%u slices=%u warm_ms=%u contenders=%s only=%s threads=%s cpus=%u\n",
		time_ms, reps, slices, warm_ms, contenders, only, threads,
		num_online_cpus());
	s = list;
	while ((tok = strsep(&s, ","))) {
		char *path = strchr(tok, ':');
		struct dmio_bdev_ref ref;

		if (!path)
			continue;
		*path++ = '\0';
		r = dmio_bdev_open(path, NULL, &ref);
		if (r) {
			pr_err("dmio_bench: cannot open %s: %d\n", path, r);
			continue;
		}
		benches_set_device(ref.bdev, tok);
		if (micro && !did_micro) {
			run_micro(benches[0]);
			did_micro = true;
		}
		run_device(benches[0]);
		dmio_bdev_close(&ref);
		benches_set_device(NULL, NULL);
	}
	kfree(list);
	pr_info("dmio_bench: END\n");
	return 0;
bad:
	benches_free();
	kfree(cases);
	return r;
}

static void __exit bench_exit(void)
{
	benches_free();
	kfree(cases);
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("dm-io benchmark: dm-io vs raw bios vs the kernel's dm_io()");
MODULE_LICENSE("GPL");
