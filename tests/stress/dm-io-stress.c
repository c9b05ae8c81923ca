// SPDX-License-Identifier: GPL-2.0
/*
 * dm-io-stress.ko - random dm-io traffic from several kernel threads on
 * several block devices for a fixed time, every byte read checked against
 * what was written.
 *
 *   insmod dm-io-stress.ko devs=/dev/ram0,/dev/dmio_nb4k threads=4 \
 *	    seconds=30 [area_mb=16] [seed=N]
 *
 * The run happens inside insmod (module init), which returns 0 once it is
 * over and the counts are in the read-only parameters under
 * /sys/module/dm_io_stress/parameters/ (tests/selftests/dm-io-stress.sh
 * reads them); it fails only when the parameters or the devices are bad.
 *
 * Each thread owns a slice of the first area_mb MiB of every device (so
 * the expected contents are known exactly: a shadow holds, per sector, the
 * write that put it there) and, in a loop until the time is up, issues a
 * batch of 1..4 requests at once, each one at random:
 *  - sync or async; a page list (with a random offset), a bio_vec array
 *    (random offsets and lengths) or a vmalloc'd buffer (random offset);
 *  - a WRITE of 512 B .. 4 MiB to 1..64 regions on random devices at random
 *    offsets (at most 16 MiB in all), or a READ of one region;
 *  - requests of one batch never overlap, so each has one right answer.
 * It counts requests, errors, mismatched sectors and lost completions (an
 * async request without its callback after 60 s; a thread that has one
 * stops, and the module pins itself in memory since I/O may still come).
 * The threads first write their slices whole (the "prefill"), so every
 * later READ can be checked to the byte.  Devices are opened exclusively.
 */

#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dm-io.h"
#include "dm-io-compat.h"
#include "dm-io-internal.h"
#include "tests/dm-io-test-mem.h"

#define DMIO_STRESS_MAX_DEVS 8
#define DMIO_STRESS_MAX_THREADS 16
#define DMIO_STRESS_MAX_REGIONS 64
#define DMIO_STRESS_MAX_SECTORS 8192 /* 4 MiB per region */
#define DMIO_STRESS_MAX_TOTAL 32768 /* 16 MiB per request */
#define DMIO_STRESS_BATCH 4
#define DMIO_STRESS_ARENA (DMIO_STRESS_MAX_SECTORS << SECTOR_SHIFT)
#define DMIO_STRESS_PAGES (2 * (DMIO_STRESS_ARENA >> PAGE_SHIFT))
#define DMIO_STRESS_WAIT (60 * HZ)

static char devs[256];
module_param_string(devs, devs, sizeof(devs), 0444);
MODULE_PARM_DESC(devs,
		 "comma-separated block devices (opened exclusively, overwritten)");
static unsigned int threads = 4;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "threads issuing requests (1-16, default 4)");
static unsigned int seconds = 30;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "duration of the random phase (1-3600, default 30)");
static unsigned int area_mb = 16;
module_param(area_mb, uint, 0444);
MODULE_PARM_DESC(area_mb, "MiB used at the start of each device (default 16)");
static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed (0: pick one; the one used is shown here)");

/* results */
static ulong requests, sync_requests, async_requests, reads, writes;
static ulong regions, bytes, errors, mismatches, lost, duplicates;
static ulong kind_pl, kind_bvec, kind_vm, dmio_started, dmio_completed;
module_param(requests, ulong, 0444);
MODULE_PARM_DESC(requests, "result: dm-io calls made (prefill included)");
module_param(sync_requests, ulong, 0444);
MODULE_PARM_DESC(sync_requests, "result: of which synchronous");
module_param(async_requests, ulong, 0444);
MODULE_PARM_DESC(async_requests, "result: of which asynchronous");
module_param(reads, ulong, 0444);
MODULE_PARM_DESC(reads, "result: READ requests");
module_param(writes, ulong, 0444);
MODULE_PARM_DESC(writes, "result: WRITE requests");
module_param(regions, ulong, 0444);
MODULE_PARM_DESC(regions, "result: regions in all requests");
module_param(bytes, ulong, 0444);
MODULE_PARM_DESC(bytes, "result: bytes moved (all regions)");
module_param(errors, ulong, 0444);
MODULE_PARM_DESC(errors,
		 "result: requests that returned an error or error bits");
module_param(mismatches, ulong, 0444);
MODULE_PARM_DESC(mismatches,
		 "result: sectors read that were not what was written");
module_param(lost, ulong, 0444);
MODULE_PARM_DESC(lost,
		 "result: async requests never called back (or threads stuck)");
module_param(duplicates, ulong, 0444);
MODULE_PARM_DESC(duplicates, "result: callbacks beyond the first of a request");
module_param(kind_pl, ulong, 0444);
MODULE_PARM_DESC(kind_pl, "result: page-list requests");
module_param(kind_bvec, ulong, 0444);
MODULE_PARM_DESC(kind_bvec, "result: bio_vec requests");
module_param(kind_vm, ulong, 0444);
MODULE_PARM_DESC(kind_vm, "result: vmalloc requests");
module_param(dmio_started, ulong, 0444);
MODULE_PARM_DESC(dmio_started,
		 "result: requests dm-io counted as started meanwhile");
module_param(dmio_completed, ulong, 0444);
MODULE_PARM_DESC(dmio_completed,
		 "result: requests dm-io counted as completed meanwhile");

struct dmio_stress_dev {
	struct dmio_bdev_ref ref;
	sector_t slice; /* sectors per thread */
	unsigned int align; /* logical block size in sectors */
};

static struct dmio_stress_dev dev[DMIO_STRESS_MAX_DEVS];
static unsigned int nr_devs;
static bool dev_align_one; /* some device has 512-byte blocks */
static atomic64_t next_wid = ATOMIC64_INIT(0);

/* A run of buffer memory: directly addressable, a multiple of 512 bytes. */
struct dmio_stress_seg {
	u8 *addr;
	unsigned int len;
};

/* One request of a batch and its own part of the thread's arena. */
struct dmio_stress_req {
	struct dmio_stress_thread *t;
	bool write, async;
	unsigned int nr;
	struct io_region where[DMIO_STRESS_MAX_REGIONS];
	unsigned int devno[DMIO_STRESS_MAX_REGIONS];
	sector_t count;
	u64 wid;
	/* the buffer */
	struct dmio_mem mem;
	unsigned int first_page, nr_pages; /* of the thread's pages */
	unsigned int nr_segs;
	struct dmio_stress_seg *segs;
	/* completion */
	struct completion done;
	atomic_t calls;
	unsigned long error;
	int ret;
};

struct dmio_stress_stats {
	ulong requests, sync_requests, async_requests, reads, writes;
	ulong regions, bytes, errors, mismatches, lost, duplicates;
	ulong kind[DMIO_NR_KINDS];
};

struct dmio_stress_thread {
	unsigned int id;
	struct rnd_state rnd;
	struct task_struct *task;
	struct completion exited;
	unsigned long deadline; /* end of the random phase */
	bool leak; /* I/O may still use the memory */
	u64 *shadow[DMIO_STRESS_MAX_DEVS]; /* (wid << 32) | sector in buffer */
	struct page **pages;
	struct page_list *pl;
	struct bio_vec *bvec;
	u8 *vm;
	struct dmio_stress_seg *segs;
	struct dmio_stress_req req[DMIO_STRESS_BATCH];
	struct dmio_stress_stats st;
};

static struct dmio_stress_thread *thread[DMIO_STRESS_MAX_THREADS];

static u32 dmio_stress_rand(struct dmio_stress_thread *t, u32 n)
{
	return prandom_u32_state(&t->rnd) % n;
}

/* The 64-bit word @w of sector @boff of the buffer of write @wid. */
static u64 dmio_stress_word(u64 wid, u64 boff, unsigned int w)
{
	u64 x = wid * 0x9e3779b97f4a7c15ULL ^
		(boff * 64 + w + 1) * 0xc2b2ae3d27d4eb4fULL;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 32);
}

static void dmio_stress_fill(u64 *p, u64 wid, u64 boff)
{
	unsigned int w;

	for (w = 0; w < SECTOR_SIZE / sizeof(u64); w++)
		p[w] = dmio_stress_word(wid, boff, w);
}

static bool dmio_stress_match(const u64 *p, u64 wid, u64 boff)
{
	unsigned int w;

	for (w = 0; w < SECTOR_SIZE / sizeof(u64); w++)
		if (p[w] != dmio_stress_word(wid, boff, w))
			return false;
	return true;
}

/* Walks the request's buffer one 512-byte sector at a time, in order. */
struct dmio_stress_iter {
	const struct dmio_stress_req *q;
	unsigned int seg;
	unsigned int off;
};

static u64 *dmio_stress_next(struct dmio_stress_iter *it)
{
	const struct dmio_stress_seg *seg;
	u64 *p;

	if (it->seg == it->q->nr_segs)
		return NULL;
	seg = &it->q->segs[it->seg];
	p = (u64 *)(seg->addr + it->off);
	it->off += SECTOR_SIZE;
	if (it->off == seg->len) {
		it->seg++;
		it->off = 0;
	}
	return p;
}

/*
 * Lays out the request's buffer of @q->count sectors in its part of the
 * arena (@part of @parts), as a page list, a bio_vec array or a vmalloc'd
 * range, and describes it in @q->segs.
 */
static void dmio_stress_layout(struct dmio_stress_thread *t,
			       struct dmio_stress_req *q, unsigned int part,
			       unsigned int parts, unsigned int align)
{
	unsigned int pages = DMIO_STRESS_PAGES / parts;
	unsigned int len = q->count << SECTOR_SHIFT, done = 0, i;
	bool small = align == 1;

	q->first_page = part * pages;
	q->segs = t->segs + q->first_page;
	q->nr_segs = 0;
	switch (q->mem.kind) {
	case DMIO_PL:
		q->mem.pl = &t->pl[q->first_page];
		q->mem.offset =
			small ? dmio_stress_rand(t, PAGE_SIZE / SECTOR_SIZE) *
					SECTOR_SIZE :
				0;
		q->nr_pages = DIV_ROUND_UP(q->mem.offset + len, PAGE_SIZE);
		for (i = 0; i < q->nr_pages; i++) {
			struct page_list *pl = &t->pl[q->first_page + i];
			unsigned int off = i ? 0 : q->mem.offset;
			unsigned int n = min_t(unsigned int, len - done,
					       PAGE_SIZE - off);

			pl->page = t->pages[q->first_page + i];
			pl->next = i + 1 < q->nr_pages ? pl + 1 : NULL;
			q->segs[q->nr_segs].addr = page_address(pl->page) + off;
			q->segs[q->nr_segs++].len = n;
			done += n;
		}
		break;
	case DMIO_BVEC:
		q->mem.bvec = &t->bvec[q->first_page];
		for (i = 0; done < len; i++) {
			struct bio_vec *bv = &q->mem.bvec[i];
			unsigned int off = 0, n = PAGE_SIZE;
			/* random pieces while there is room for the rest */
			bool room = pages - i > (len - done) / PAGE_SIZE + 2;

			if (small && room) {
				off = dmio_stress_rand(t, PAGE_SIZE /
								  SECTOR_SIZE) *
				      SECTOR_SIZE;
				n = (1 +
				     dmio_stress_rand(t, (PAGE_SIZE - off) /
								 SECTOR_SIZE)) *
				    SECTOR_SIZE;
			}
			n = min(n, len - done);
			bv->bv_page = t->pages[q->first_page + i];
			bv->bv_len = n;
			bv->bv_offset = off;
			q->segs[q->nr_segs].addr =
				page_address(bv->bv_page) + off;
			q->segs[q->nr_segs++].len = n;
			done += n;
		}
		q->nr_pages = i;
		break;
	default:
		q->mem.vm = t->vm +
			    rounddown(part * (DMIO_STRESS_ARENA * 2 / parts),
				      PAGE_SIZE);
		if (small)
			q->mem.vm +=
				dmio_stress_rand(t, PAGE_SIZE / SECTOR_SIZE) *
				SECTOR_SIZE;
		q->segs[0].addr = q->mem.vm;
		q->segs[0].len = len;
		q->nr_segs = 1;
		break;
	}
}

static bool dmio_stress_overlaps(struct dmio_stress_thread *t,
				 unsigned int nreq, struct dmio_stress_req *q,
				 unsigned int nr, unsigned int d, sector_t s,
				 sector_t n)
{
	unsigned int i, j;

	for (i = 0; i <= nreq; i++) {
		struct dmio_stress_req *o = &t->req[i];
		unsigned int m = o == q ? nr : o->nr;

		for (j = 0; j < m; j++)
			if (o->devno[j] == d && o->where[j].sector < s + n &&
			    s < o->where[j].sector + o->where[j].count)
				return true;
	}
	return false;
}

/*
 * Picks request @i of the batch: op, mode, kind, size and regions that
 * overlap nothing else in the batch.  Returns false when none fit.
 */
static bool dmio_stress_pick(struct dmio_stress_thread *t, unsigned int i,
			     unsigned int parts)
{
	struct dmio_stress_req *q = &t->req[i];
	unsigned int want, align = 1, k, tries, d;
	sector_t max, s;

	q->write = dmio_stress_rand(t, 100) < 55;
	q->async = dmio_stress_rand(t, 2);
	q->mem.kind = dmio_stress_rand(t, DMIO_NR_KINDS);
	/* a log-uniform size: as many small requests as big ones */
	/*
	 * Half the requests may use every device (sizes and offsets in
	 * multiples of the largest logical block), half only the 512-byte
	 * devices (any sector count, unaligned buffers).
	 */
	for (k = 0; k < nr_devs; k++)
		align = max(align, dev[k].align);
	if (dmio_stress_rand(t, 2) && dev_align_one)
		align = 1;
	max = rounddown(DMIO_STRESS_MAX_SECTORS / parts, align);
	/* a log-uniform size: as many small requests as big ones */
	q->count = 1 + dmio_stress_rand(t, 1U << dmio_stress_rand(t, 14));
	q->count = min(round_up(q->count, align), max);
	want = q->write ? 1 + dmio_stress_rand(t, DMIO_STRESS_MAX_REGIONS) : 1;
	want = min_t(unsigned int, want,
		     max_t(sector_t, 1, DMIO_STRESS_MAX_TOTAL / q->count));

	q->nr = 0;
	for (k = 0; k < want; k++) {
		for (tries = 0; tries < 8; tries++) {
			d = dmio_stress_rand(t, nr_devs);
			if (dev[d].slice < q->count || dev[d].align > align)
				continue;
			s = t->id * dev[d].slice +
			    dmio_stress_rand(t,
					     (dev[d].slice - q->count) / align +
						     1) *
				    align;
			if (!dmio_stress_overlaps(t, i, q, q->nr, d, s,
						  q->count))
				break;
		}
		if (tries == 8)
			break;
		q->devno[q->nr] = d;
		q->where[q->nr].bdev = dev[d].ref.bdev;
		q->where[q->nr].sector = s;
		q->where[q->nr].count = q->count;
		q->nr++;
	}
	if (!q->nr)
		return false;
	dmio_stress_layout(t, q, i, parts, align);
	return true;
}

static void dmio_stress_notify(unsigned long error, void *context)
{
	struct dmio_stress_req *q = context;

	q->error = error;
	if (atomic_inc_return(&q->calls) == 1)
		complete(&q->done);
}

static void dmio_stress_submit(struct dmio_stress_thread *t,
			       struct dmio_stress_req *q)
{
	blk_opf_t op = q->write ? REQ_OP_WRITE : REQ_OP_READ;
	struct dmio_stress_iter it = { .q = q };
	unsigned int i;
	u64 *p;

	if (q->write)
		q->wid = atomic64_inc_return(&next_wid);
	for (i = 0; (p = dmio_stress_next(&it)); i++) {
		if (q->write)
			dmio_stress_fill(p, q->wid, i);
		else
			memset(p, 0x5a, SECTOR_SIZE);
	}
	init_completion(&q->done);
	atomic_set(&q->calls, 0);
	q->error = 0;
	q->ret = dmio_mem_io(&q->mem, q->async, q->nr, q->where, op, &q->error,
			     dmio_stress_notify, q);
	if (!q->async || q->ret) {
		atomic_set(&q->calls, 1);
		complete(&q->done);
	}
}

/* Checks a finished READ against the shadow; updates it after a WRITE. */
static void dmio_stress_account(struct dmio_stress_thread *t,
				struct dmio_stress_req *q)
{
	struct dmio_stress_stats *st = &t->st;
	struct dmio_stress_iter it = { .q = q };
	unsigned int i, k;
	u64 *p, *sh;

	st->requests++;
	if (q->async)
		st->async_requests++;
	else
		st->sync_requests++;
	st->kind[q->mem.kind]++;
	st->regions += q->nr;
	st->bytes += (ulong)q->nr * q->count << SECTOR_SHIFT;
	if (atomic_read(&q->calls) > 1)
		st->duplicates += atomic_read(&q->calls) - 1;
	if (q->ret || q->error) {
		st->errors++;
		pr_warn_ratelimited("dm-io-stress: %s of %u regions x %llu sectors: returned %d, bits %#lx\n",
				    q->write ? "write" : "read", q->nr,
				    (unsigned long long)q->count, q->ret,
				    q->error);
	}
	if (q->write) {
		st->writes++;
		for (k = 0; k < q->nr; k++) {
			sh = t->shadow[q->devno[k]] +
			     (q->where[k].sector -
			      t->id * dev[q->devno[k]].slice);
			for (i = 0; i < q->count; i++)
				/* a failed region's contents are unknown */
				sh[i] = q->ret || (q->error & BIT(k)) ?
						0 :
						q->wid << 32 | i;
		}
		return;
	}
	st->reads++;
	if (q->ret || q->error)
		return;
	sh = t->shadow[q->devno[0]] +
	     (q->where[0].sector - t->id * dev[q->devno[0]].slice);
	for (i = 0; (p = dmio_stress_next(&it)); i++) {
		if (!sh[i] || dmio_stress_match(p, sh[i] >> 32, (u32)sh[i]))
			continue;
		if (!st->mismatches)
			pr_err("dm-io-stress: thread %u: %s %s read of %pg sector %llu: buffer sector %u is not write %llu's sector %u\n",
			       t->id, q->async ? "async" : "sync",
			       q->mem.kind == DMIO_PL	? "page-list" :
			       q->mem.kind == DMIO_BVEC ? "bvec" :
							  "vm",
			       q->where[0].bdev,
			       (unsigned long long)q->where[0].sector + i, i,
			       sh[i] >> 32, (u32)sh[i]);
		st->mismatches++;
	}
}

/* Waits for the batch; false when a callback is lost. */
static bool dmio_stress_finish(struct dmio_stress_thread *t, unsigned int n)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&t->req[i].done,
						 DMIO_STRESS_WAIT)) {
			pr_err("dm-io-stress: thread %u: no callback after %d s\n",
			       t->id, DMIO_STRESS_WAIT / HZ);
			t->st.lost++;
			ok = false;
			continue;
		}
		dmio_stress_account(t, &t->req[i]);
	}
	return ok;
}

/* Writes the thread's slice of every device whole, 4 MiB at a time. */
static bool dmio_stress_prefill(struct dmio_stress_thread *t)
{
	struct dmio_stress_req *q = &t->req[0];
	unsigned int d;
	sector_t s;

	for (d = 0; d < nr_devs; d++) {
		for (s = 0; s < dev[d].slice; s += q->count) {
			q->write = true;
			q->async = false;
			q->mem.kind = DMIO_PL;
			q->count = min_t(sector_t, DMIO_STRESS_MAX_SECTORS / 2,
					 dev[d].slice - s);
			q->nr = 1;
			q->devno[0] = d;
			q->where[0].bdev = dev[d].ref.bdev;
			q->where[0].sector = t->id * dev[d].slice + s;
			q->where[0].count = q->count;
			dmio_stress_layout(t, q, 0, 1, dev[d].align);
			dmio_stress_submit(t, q);
			if (!dmio_stress_finish(t, 1))
				return false;
		}
	}
	return true;
}

static int dmio_stress_thread_fn(void *data)
{
	struct dmio_stress_thread *t = data;
	unsigned int n, parts, i;

	if (!dmio_stress_prefill(t)) {
		t->leak = true;
		goto out;
	}
	t->deadline = jiffies + seconds * HZ;
	while (time_before(jiffies, t->deadline)) {
		parts = 1 + dmio_stress_rand(t, DMIO_STRESS_BATCH);
		for (n = 0; n < parts; n++)
			if (!dmio_stress_pick(t, n, parts))
				break;
		for (i = 0; i < n; i++)
			dmio_stress_submit(t, &t->req[i]);
		if (!dmio_stress_finish(t, n)) {
			t->leak = true;
			break;
		}
		cond_resched();
	}
out:
	complete(&t->exited);
	return 0;
}

static void dmio_stress_free_thread(struct dmio_stress_thread *t)
{
	unsigned int i;

	if (!t || t->leak)
		return;
	for (i = 0; i < nr_devs; i++)
		vfree(t->shadow[i]);
	if (t->pages)
		for (i = 0; i < DMIO_STRESS_PAGES; i++)
			if (t->pages[i])
				__free_page(t->pages[i]);
	kvfree(t->pages);
	kvfree(t->pl);
	kvfree(t->bvec);
	kvfree(t->segs);
	vfree(t->vm);
	kfree(t);
}

static struct dmio_stress_thread *dmio_stress_new_thread(unsigned int id)
{
	struct dmio_stress_thread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned int i;

	if (!t)
		return NULL;
	t->id = id;
	prandom_seed_state(&t->rnd, seed + id);
	init_completion(&t->exited);
	t->pages = kvcalloc(DMIO_STRESS_PAGES, sizeof(*t->pages), GFP_KERNEL);
	t->pl = kvcalloc(DMIO_STRESS_PAGES, sizeof(*t->pl), GFP_KERNEL);
	t->bvec = kvcalloc(DMIO_STRESS_PAGES, sizeof(*t->bvec), GFP_KERNEL);
	t->segs = kvcalloc(DMIO_STRESS_PAGES, sizeof(*t->segs), GFP_KERNEL);
	t->vm = vmalloc(2 * DMIO_STRESS_ARENA + PAGE_SIZE);
	if (!t->pages || !t->pl || !t->bvec || !t->segs || !t->vm)
		goto fail;
	for (i = 0; i < DMIO_STRESS_PAGES; i++) {
		t->pages[i] = alloc_page(GFP_KERNEL);
		if (!t->pages[i])
			goto fail;
	}
	for (i = 0; i < nr_devs; i++) {
		t->shadow[i] = vzalloc(array_size(dev[i].slice, sizeof(u64)));
		if (!t->shadow[i])
			goto fail;
	}
	return t;
fail:
	dmio_stress_free_thread(t);
	return NULL;
}

static int dmio_stress_holder;

static void dmio_stress_close_devs(void)
{
	while (nr_devs)
		dmio_bdev_close(&dev[--nr_devs].ref);
}

static int dmio_stress_open_devs(void)
{
	char *list = devs, *path;
	sector_t area = (sector_t)area_mb << (20 - SECTOR_SHIFT);
	int r;

	while ((path = strsep(&list, ",")) != NULL) {
		struct dmio_stress_dev *d = &dev[nr_devs];
		sector_t size;

		if (!*path)
			continue;
		if (nr_devs == DMIO_STRESS_MAX_DEVS) {
			pr_err("dm-io-stress: more than %d devices\n",
			       DMIO_STRESS_MAX_DEVS);
			return -EINVAL;
		}
		r = dmio_bdev_open(path, &dmio_stress_holder, &d->ref);
		if (r) {
			pr_err("dm-io-stress: cannot open %s: %d\n", path, r);
			return r;
		}
		nr_devs++;
		d->align = bdev_logical_block_size(d->ref.bdev) >> SECTOR_SHIFT;
		dev_align_one |= d->align == 1;
		size = min(bdev_nr_sectors(d->ref.bdev), area);
		d->slice = rounddown(div_u64(size, threads), 8);
		if (d->slice < 8) {
			pr_err("dm-io-stress: %s is too small\n", path);
			return -EINVAL;
		}
	}
	if (!nr_devs) {
		pr_err("dm-io-stress: no devices (devs=/dev/a,/dev/b)\n");
		return -EINVAL;
	}
	return 0;
}

static void dmio_stress_sum(void)
{
	unsigned int i;

	for (i = 0; i < threads; i++) {
		struct dmio_stress_stats *st;

		if (!thread[i])
			continue;
		st = &thread[i]->st;
		requests += st->requests;
		sync_requests += st->sync_requests;
		async_requests += st->async_requests;
		reads += st->reads;
		writes += st->writes;
		regions += st->regions;
		bytes += st->bytes;
		errors += st->errors;
		mismatches += st->mismatches;
		lost += st->lost;
		duplicates += st->duplicates;
		kind_pl += st->kind[DMIO_PL];
		kind_bvec += st->kind[DMIO_BVEC];
		kind_vm += st->kind[DMIO_VM];
	}
}

static int __init dmio_stress_init(void)
{
	bool pin = false;
	unsigned int i;
	u64 s0, c0;
	int r;

	if (!threads || threads > DMIO_STRESS_MAX_THREADS || !seconds ||
	    seconds > 3600 || !area_mb) {
		pr_err("dm-io-stress: bad threads=%u seconds=%u area_mb=%u\n",
		       threads, seconds, area_mb);
		return -EINVAL;
	}
	/* on until the module goes (dmio_stress_exit(), or a failed init) */
	dmio_counters_enable();
	s0 = dmio_requests_started();
	c0 = dmio_requests_completed();
	if (!seed)
		seed = get_random_u32() | 1;
	r = dmio_stress_open_devs();
	if (r)
		goto out_close;
	for (i = 0; i < threads; i++) {
		thread[i] = dmio_stress_new_thread(i);
		if (!thread[i]) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	pr_info("dm-io-stress: %u threads, %u devices, %u s, seed %lu\n",
		threads, nr_devs, seconds, seed);
	for (i = 0; i < threads; i++) {
		struct task_struct *task;

		task = kthread_run(dmio_stress_thread_fn, thread[i],
				   "dmio_stress/%u", i);
		if (IS_ERR(task)) {
			complete(&thread[i]->exited);
			thread[i]->st.lost++;
		}
	}
	for (i = 0; i < threads; i++) {
		/* prefill, random phase, and a lost request's wait at most */
		if (!wait_for_completion_timeout(&thread[i]->exited,
						 (seconds + 300) * HZ)) {
			pr_err("dm-io-stress: thread %u is stuck\n", i);
			thread[i]->st.lost++;
			thread[i]->leak = true;
		}
		pin |= thread[i]->leak;
	}
	dmio_stress_sum();
	dmio_started = dmio_requests_started() - s0;
	dmio_completed = dmio_requests_completed() - c0;
	pr_info("dm-io-stress: %lu requests (%lu sync, %lu async; %lu reads, %lu writes; %lu regions, %lu MiB), %lu errors, %lu mismatched sectors, %lu lost, %lu duplicate callbacks\n",
		requests, sync_requests, async_requests, reads, writes, regions,
		bytes >> 20, errors, mismatches, lost, duplicates);
	if (pin) {
		/* I/O may still arrive in this module's memory and code */
		__module_get(THIS_MODULE);
		pr_err("dm-io-stress: lost requests: the module stays loaded\n");
		return 0;
	}
	r = 0;
out_free:
	for (i = 0; i < threads; i++) {
		dmio_stress_free_thread(thread[i]);
		thread[i] = NULL;
	}
out_close:
	if (!pin)
		dmio_stress_close_devs();
	if (r)
		dmio_counters_disable();
	return r;
}

static void __exit dmio_stress_exit(void)
{
	dmio_counters_disable();
}

module_init(dmio_stress_init);
module_exit(dmio_stress_exit);

MODULE_DESCRIPTION("dm-io stress test: random requests, every byte checked");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMIO_NS_INTERNAL);
