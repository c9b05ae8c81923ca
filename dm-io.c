// SPDX-License-Identifier: GPL-2.0
/*
 * The exported dm-io API and the kernel side of its engine.
 *
 * The entry points check the op and flags, describe the call as a struct
 * dmio_job and hand it to the C++ engine (engine/), which checks regions and
 * buffer, splits the regions into bios and counts their completions.  This
 * file also provides the kernel services the engine calls through
 * dm-io-boundary.h: device limits, vmalloc pages, bio building and
 * submission, and the bio completion handler.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/ioprio.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>

#include "dm-io.h"
#include "dm-io-boundary.h"
#include "dm-io-compat.h"
#include "dm-io-glue.h"
#include "dm-io-internal.h"
#include "dm_io_trace.h"

/*
 * The engine sees the kernel's structures through mirrors: keep them equal.
 * Offset and size in two macros: each names a field once (checkpatch).
 */
#define DMIO_SAME_OFFSET(a, fa, b, fb) \
	static_assert(offsetof(a, fa) == offsetof(b, fb))
#define DMIO_SAME_SIZE(a, fa, b, fb) \
	static_assert(sizeof_field(a, fa) == sizeof_field(b, fb))

static_assert(sizeof(struct dmio_page_list) == sizeof(struct page_list));
DMIO_SAME_OFFSET(struct dmio_page_list, next, struct page_list, next);
DMIO_SAME_SIZE(struct dmio_page_list, next, struct page_list, next);
DMIO_SAME_OFFSET(struct dmio_page_list, page, struct page_list, page);
DMIO_SAME_SIZE(struct dmio_page_list, page, struct page_list, page);
static_assert(sizeof(struct dmio_bvec) == sizeof(struct bio_vec));
DMIO_SAME_OFFSET(struct dmio_bvec, page, struct bio_vec, bv_page);
DMIO_SAME_SIZE(struct dmio_bvec, page, struct bio_vec, bv_page);
DMIO_SAME_OFFSET(struct dmio_bvec, len, struct bio_vec, bv_len);
DMIO_SAME_SIZE(struct dmio_bvec, len, struct bio_vec, bv_len);
DMIO_SAME_OFFSET(struct dmio_bvec, offset, struct bio_vec, bv_offset);
DMIO_SAME_SIZE(struct dmio_bvec, offset, struct bio_vec, bv_offset);
static_assert(sizeof(struct dmio_region) == sizeof(struct io_region));
DMIO_SAME_OFFSET(struct dmio_region, bdev, struct io_region, bdev);
DMIO_SAME_SIZE(struct dmio_region, bdev, struct io_region, bdev);
DMIO_SAME_OFFSET(struct dmio_region, sector, struct io_region, sector);
DMIO_SAME_SIZE(struct dmio_region, sector, struct io_region, sector);
DMIO_SAME_OFFSET(struct dmio_region, count, struct io_region, count);
DMIO_SAME_SIZE(struct dmio_region, count, struct io_region, count);
static_assert(__same_type(dmio_notify_fn, dm_io_notify_fn));
static_assert(__same_type(dmio_ext_notify_fn, dm_io_ext_notify_fn));
static_assert(sizeof(unsigned int) == sizeof(blk_opf_t));
static_assert(sizeof(unsigned long long) == sizeof(u64));
static_assert(sizeof(unsigned long) == sizeof(void *));
static_assert(DMIO_PAGE_SHIFT == PAGE_SHIFT && DMIO_PAGE_SIZE == PAGE_SIZE);
static_assert(IS_ENABLED(CONFIG_ZONE_DEVICE) == DMIO_ZONE_DEVICE);
static_assert(DMIO_SECTOR_SHIFT == SECTOR_SHIFT);
static_assert(DMIO_BIO_MAX_VECS == BIO_MAX_VECS);
static_assert(DMIO_MAX_BIO_BYTES == SZ_1G);
static_assert(DMIO_MAX_REGIONS == DM_IO_MAX_REGIONS);
static_assert(DMIO_EINVAL == EINVAL && DMIO_ENOMEM == ENOMEM);
static_assert(__alignof__(struct dmio_bio) >= DMIO_REQUEST_ALIGN);

/* Flags a caller may add to REQ_OP_READ or REQ_OP_WRITE. */
#define DMIO_FLAGS                                                          \
	(REQ_FAILFAST_MASK | REQ_SYNC | REQ_META | REQ_PRIO | REQ_NOMERGE | \
	 REQ_IDLE | REQ_FUA | REQ_PREFLUSH | REQ_RAHEAD | REQ_BACKGROUND)
#define DMIO_WRITE_FLAGS (REQ_FUA | REQ_PREFLUSH)
/* Flags a caller may add to REQ_OP_DISCARD and REQ_OP_WRITE_ZEROES. */
#define DMIO_PAYLOADLESS_FLAGS \
	(REQ_FAILFAST_MASK | REQ_SYNC | REQ_IDLE | REQ_NOMERGE | REQ_BACKGROUND)

/* A local the code fills completely: not worth -ftrivial-auto-var-init. */
#define DMIO_NO_AUTOINIT __attribute__((__uninitialized__))

unsigned long dmio_page_stride __read_mostly;
#ifdef ARCH_IMPLEMENTS_FLUSH_KERNEL_VMAP_RANGE
const unsigned int dmio_vmap_flush = 1;
#else
const unsigned int dmio_vmap_flush; /* flush_kernel_vmap_range() is a no-op */
#endif
DEFINE_PER_CPU(struct dmio_counters, dmio_counters);
DEFINE_STATIC_KEY_FALSE(dmio_counting);

/* Whether a request of no user calls dmio_request_start(): tracing is on. */
static inline unsigned int dmio_tracing(void)
{
	return trace_dm_io_submit_enabled();
}

/* ---- Services for the engine (dm-io-boundary.h) ---- */

void dmio_warn_invalid(const char *what, unsigned int region)
{
	pr_warn_ratelimited("dm-io: invalid request: %s (region %u)\n", what,
			    region);
}

static int dmio_invalid(const char *what)
{
	pr_warn_ratelimited("dm-io: invalid request: %s\n", what);
	return -EINVAL;
}

static __always_inline void dmio_bdev_read(struct block_device *bdev,
					   struct dmio_bdev_info *info)
{
	struct queue_limits *lim = &bdev_get_queue(bdev)->limits;

	info->nr_sectors = bdev_nr_sectors(bdev);
	/* bdev_logical_block_size(), bdev_dma_alignment() + 1, inlined */
	info->logical_block_size = lim->logical_block_size;
	info->dma_alignment = lim->dma_alignment + 1;
}

void dmio_bdev_query(void *bdev, struct dmio_bdev_info *info)
{
	dmio_bdev_read(bdev, info);
}

void dmio_bdev_query_op(void *bdev, enum dmio_op op,
			struct dmio_op_limits *limits)
{
	struct block_device *b = bdev;
	unsigned int block = bdev_logical_block_size(b) >> SECTOR_SHIFT;
	unsigned int max, gran = 1;

	if (op == DMIO_OP_DISCARD) {
		/* bi_size is 32 bits, and a discard ends on the granularity */
		gran = max(bdev_discard_granularity(b) >> SECTOR_SHIFT, 1U);
		max = min(bdev_max_discard_sectors(b),
			  rounddown(UINT_MAX, gran << SECTOR_SHIFT) >>
				  SECTOR_SHIFT);
		if (max >= gran)
			max = rounddown(max, gran);
	} else {
		max = min(bdev_write_zeroes_sectors(b),
			  UINT_MAX >> SECTOR_SHIFT);
	}
	/* whole logical blocks; a limit below one block cannot be used */
	limits->max_sectors = round_down(max, block);
	limits->granularity = gran;
	limits->start_sect = bdev_is_partition(b) ? b->bd_start_sect : 0;
}

void *dmio_vm_first_page(const void *addr, unsigned long long bytes)
{
	unsigned long start = (unsigned long)addr;
	unsigned long last;

	if (!bytes ||
	    check_add_overflow(start, (unsigned long)bytes - 1, &last))
		return NULL;
	if (!is_vmalloc_addr((void *)start))
		return NULL;
	/*
	 * Areas are whole pages: within one page, @start's test is enough.
	 * (x86-64's VMALLOC_END is inclusive and is_vmalloc_addr() refuses the
	 * space's last byte, but no area maps that page: vmalloc_to_page() is
	 * NULL there.)
	 */
	if ((start ^ last) >= PAGE_SIZE && !is_vmalloc_addr((void *)last))
		return NULL;
	return vmalloc_to_page((void *)start);
}

/*
 * An area (vmalloc(), vmap(), vm_map_ram()) is mapped without holes, and
 * all but vm_map_ram() blocks and VM_NO_GUARD areas have an unmapped guard
 * page after them: a range that leaves its area meets an unmapped page,
 * unless it runs into an adjacent area without a guard page, which only
 * find_vm_area() could tell (not exported).  A page-table walk per page.
 */
unsigned int dmio_vm_mapped(const void *addr, unsigned long long bytes,
			    void **pages, unsigned int nr)
{
	unsigned long n = (offset_in_page(addr) + bytes + PAGE_SIZE - 1) >>
			  PAGE_SHIFT;
	const void *p = addr - offset_in_page(addr);
	unsigned long i;

	for (i = 0; i < n; i++, p += PAGE_SIZE) {
		struct page *page = vmalloc_to_page(p);

		if (!page)
			return 0;
		if (i < nr)
			pages[i] = page;
	}
	return min_t(unsigned long, n, nr);
}

void *dmio_vm_page(const void *addr)
{
	return vmalloc_to_page(addr);
}

/* @fn over a vmalloc range, in pieces its int size can hold. */
static void dmio_vm_range(const void *addr, unsigned long long bytes,
			  void (*fn)(void *vaddr, int size))
{
	while (bytes) {
		int chunk = min_t(u64, bytes, SZ_1G);

		fn((void *)addr, chunk);
		addr += chunk;
		bytes -= chunk;
	}
}

void dmio_vm_flush(const void *addr, unsigned long long bytes)
{
	dmio_vm_range(addr, bytes, flush_kernel_vmap_range);
}

void dmio_vm_invalidate(const void *addr, unsigned long long bytes)
{
	dmio_vm_range(addr, bytes, invalidate_kernel_vmap_range);
}

void dmio_zero(void *page, unsigned int offset, unsigned int len)
{
	unsigned int n;

	for (; len; offset += n, len -= n) {
		n = min_t(unsigned int, len,
			  PAGE_SIZE - offset_in_page(offset));
		memzero_page(dmio_bvec_nth_page((struct page *)page,
						offset >> PAGE_SHIFT),
			     offset_in_page(offset), n);
	}
}

void *dmio_nth_page(void *page, unsigned int n)
{
	return dmio_bvec_nth_page((struct page *)page, n);
}

int dmio_pages_mergeable(const void *page, const void *next)
{
	return dmio_same_pgmap(page, next);
}

/*
 * What bio_add_page() would leave, without its per-page calls and merge
 * attempts: the engine wrote the vectors (whole logical blocks, as many as
 * the bio was allocated for).  The block layer cuts the bio to the
 * device's limits (blk-mq in submit_bio(), a bio-based driver with
 * bio_split_to_limits()), as for the kernel's own dm_io().
 */
void dmio_bio_submit(void *bio, unsigned int nr_vecs, unsigned int bytes)
{
	struct bio *b = bio;

	b->bi_vcnt = nr_vecs;
	b->bi_iter.bi_size = bytes;
	dmio_count(bios);
	submit_bio(b);
}

void dmio_bio_set_ioprio(void *bio, unsigned int ioprio)
{
	((struct bio *)bio)->bi_ioprio = ioprio;
}

void dmio_bio_discard(void *bio)
{
	bio_put(bio);
}

/* A READ failed: never hand back stale data, zero what the bio covered. */
static void dmio_zero_fill(struct bio *bio)
{
	struct bvec_iter_all iter;
	struct bio_vec *bv;

	/* All segments: the block layer may have advanced bi_iter already. */
	bio_for_each_segment_all(bv, bio, iter)
		memzero_bvec(bv);
}

void dmio_endio(struct bio *bio)
{
	struct dmio_bio *db = container_of(bio, struct dmio_bio, bio);
	void *request = db->request;
	u32 region = db->region;
	blk_status_t status = bio->bi_status;
	int result = DMIO_BIO_OK;

	if (unlikely(status != BLK_STS_OK)) {
		result = dmio_status_unsupported(status) ?
				 DMIO_BIO_UNSUPPORTED :
				 DMIO_BIO_FAILED;
		if (bio_op(bio) == REQ_OP_READ)
			dmio_zero_fill(bio);
	}
	if (db->solo) {
		/* The request lives in this bio: dmio_request_end() puts it. */
		dmio_engine_bio_done(request, region, result);
		return;
	}
	bio_put(bio);
	dmio_engine_bio_done(request, region, result);
}

/* Counts a request of @user started (before any of its bios). */
static __always_inline void dmio_user_started(struct dm_io_user *user,
					      u64 bytes)
{
	struct dmio_user_pcpu *c = get_cpu_ptr(user->pcpu);

	local64_inc(&c->requests);
	local64_add(bytes, &c->bytes);
	put_cpu_ptr(user->pcpu);
}

void dmio_request_start(const struct dmio_job *job, const void *id,
			unsigned long long bytes)
{
	if (job->user)
		dmio_user_started(job->user, bytes);
	trace_dm_io_submit(id, job->nr_regions, (__force blk_opf_t)job->opf,
			   job->ioprio, bytes);
}

static __always_inline void dmio_user_completed(struct dm_io_user *user,
						unsigned long error_bits,
						unsigned long unsup_bits)
{
	struct dmio_user_pcpu *c = get_cpu_ptr(user->pcpu);

	if (error_bits)
		local64_inc(&c->errors);
	if (unsup_bits)
		local64_inc(&c->unsupported);
	local64_inc(&c->completed);
	put_cpu_ptr(user->pcpu);
}

/* Frees a request that has ended, then calls its notify function. */
static __always_inline void
dmio_request_finish(void *user, void *id, void *solo_bio,
		    unsigned long error_bits, unsigned long unsup_bits,
		    dmio_notify_fn notify, dmio_ext_notify_fn ext_notify,
		    void *context)
{
	trace_dm_io_complete(id, error_bits, unsup_bits);
	if (solo_bio)
		bio_put(solo_bio); /* the request lives in its front pad */
	else
		mempool_free(id, &dmio_reserve_of(user)->requests);
	dmio_count(requests_completed);
	if (ext_notify)
		ext_notify(error_bits, unsup_bits, context);
	else
		notify(error_bits | unsup_bits, context); /* one error set */
}

void dmio_request_end(void *user, void *id, void *solo_bio,
		      unsigned long error_bits, unsigned long unsup_bits,
		      dmio_notify_fn notify, dmio_ext_notify_fn ext_notify,
		      void *context)
{
	if (!user) {
		dmio_request_finish(NULL, id, solo_bio, error_bits, unsup_bits,
				    notify, ext_notify, context);
		return;
	}
	/* Counted completed inside the section: see dm_io_user_destroy(). */
	rcu_read_lock();
	dmio_user_completed(user, error_bits, unsup_bits);
	dmio_request_finish(user, id, solo_bio, error_bits, unsup_bits, notify,
			    ext_notify, context);
	rcu_read_unlock();
}

/* ---- The API ---- */

/*
 * The call path to the engine is inlined into each API function (a kernel
 * built with -Os, as the UML test kernel is, would not inline it).
 */

/* Checks what the engine does not: region count, op and flags. */
static __always_inline int
dmio_job_init(struct dmio_job *job, unsigned int num_regions,
	      const struct io_region *where, blk_opf_t rw,
	      enum dmio_buffer_kind kind, const void *buffer)
{
	enum req_op op = rw & REQ_OP_MASK;
	blk_opf_t flags = rw & ~REQ_OP_MASK;

	if (!num_regions || num_regions > DM_IO_MAX_REGIONS)
		return dmio_invalid("number of regions must be 1 to BITS_PER_LONG");
	if (!where)
		return dmio_invalid("no regions");
	if (op != REQ_OP_READ && op != REQ_OP_WRITE)
		return dmio_invalid("op is neither READ nor WRITE");
	if (flags & ~DMIO_FLAGS)
		return dmio_invalid("unsupported request flags");
	if (op == REQ_OP_READ && num_regions > 1)
		return dmio_invalid("READ from more than one region");
	if (op == REQ_OP_READ && (flags & DMIO_WRITE_FLAGS))
		return dmio_invalid("REQ_FUA or REQ_PREFLUSH on a READ");

	/* Field by field: a compound literal costs a zeroed copy. */
	job->regions = (const struct dmio_region *)where;
	if (where->bdev) /* else the engine refuses the job */
		dmio_bdev_read(where->bdev, &job->first);
	job->nr_regions = num_regions;
	job->opf = (__force u32)rw;
	job->is_write = op == REQ_OP_WRITE;
	job->is_preflush = !!(flags & REQ_PREFLUSH);
	job->kind = kind;
	job->offset = 0;
	job->buffer = buffer;
	job->op = DMIO_OP_RW;
	job->ioprio = 0;
	job->ext_notify = NULL;
	job->user = NULL;
	job->hooks = dmio_tracing();
	return 0;
}

/* Hands a checked job to the engine. */
static __always_inline int dmio_submit(struct dmio_job *job)
{
	int r;

	might_sleep();
	r = dmio_engine_submit(job);
	if (!r)
		dmio_count(requests_started);
	return r;
}

static __always_inline int dmio_async(struct dmio_job *job, dm_io_notify_fn fn,
				      void *context)
{
	if (!fn)
		return dmio_invalid("no notify function");
	job->notify = fn;
	job->context = context;
	return dmio_submit(job);
}

struct dmio_sync_waiter {
	struct completion done;
	unsigned long error_bits;
	unsigned long unsup_bits;
};

static void dmio_sync_notify(unsigned long error_bits, unsigned long unsup_bits,
			     void *context)
{
	struct dmio_sync_waiter *w = context;

	w->error_bits = error_bits;
	w->unsup_bits = unsup_bits;
	complete(&w->done);
}

/* Submits @job and waits until it has ended; *@w has its two sets. */
static int dmio_sync_wait(struct dmio_job *job, struct dmio_sync_waiter *w)
{
	int r;

	init_completion(&w->done);
	w->error_bits = 0;
	w->unsup_bits = 0;

	job->opf |= (__force u32)REQ_SYNC;
	job->notify = NULL;
	job->ext_notify = dmio_sync_notify;
	job->context = w;
	r = dmio_submit(job);
	if (r)
		return r;

	/* Uninterruptible: the bios use the caller's buffer until they end. */
	wait_for_completion_io(&w->done);
	return 0;
}

/* The classic calls have one error set. */
static int dmio_sync(struct dmio_job *job, unsigned long *error_bits)
{
	struct dmio_sync_waiter w DMIO_NO_AUTOINIT;
	unsigned long bits;
	int r;

	r = dmio_sync_wait(job, &w);
	if (r)
		return r;
	bits = w.error_bits | w.unsup_bits;
	if (error_bits)
		*error_bits = bits;
	return bits ? -EIO : 0;
}

/* ---- The extended API ---- */

/* Checks what the engine does not, for dm_io_submit(). */
static int dmio_ext_job_init(struct dmio_job *job, unsigned int num_regions,
			     const struct io_region *where,
			     const struct dm_io_ext_request *req)
{
	blk_opf_t flags, allowed;
	enum req_op op;
	int r;

	if (!req)
		return dmio_invalid("no request");
	op = req->opf & REQ_OP_MASK;
	flags = req->opf & ~REQ_OP_MASK;
	if (IOPRIO_PRIO_CLASS(req->ioprio) > IOPRIO_CLASS_IDLE)
		return dmio_invalid("bad I/O priority class");

	if (op == REQ_OP_READ || op == REQ_OP_WRITE) {
		enum dmio_buffer_kind kind = DMIO_BUFFER_PAGE_LIST;
		const void *buffer = NULL;
		unsigned int offset = 0;

		switch (req->mem_type) {
		case DM_IO_EXT_MEM_NONE:
			break;
		case DM_IO_EXT_MEM_PAGE_LIST:
			buffer = req->mem.pl;
			offset = req->mem.offset;
			break;
		case DM_IO_EXT_MEM_BVEC:
			kind = DMIO_BUFFER_BVEC;
			buffer = req->mem.bvec;
			break;
		case DM_IO_EXT_MEM_VM:
			kind = DMIO_BUFFER_VM;
			buffer = req->mem.vm;
			break;
		default:
			return dmio_invalid("unknown buffer kind");
		}
		r = dmio_job_init(job, num_regions, where, req->opf, kind,
				  buffer);
		if (r)
			return r;
		job->offset = offset;
	} else {
		if (op == REQ_OP_DISCARD)
			allowed = DMIO_PAYLOADLESS_FLAGS;
		else if (op == REQ_OP_WRITE_ZEROES)
			allowed = DMIO_PAYLOADLESS_FLAGS | REQ_NOUNMAP;
		else
			return dmio_invalid("op is not READ, WRITE, DISCARD or WRITE_ZEROES");
		if (flags & ~allowed)
			return dmio_invalid("unsupported flags for discard or write zeroes");
		if (req->mem_type != DM_IO_EXT_MEM_NONE)
			return dmio_invalid("a buffer for discard or write zeroes");
		r = dmio_job_init(job, num_regions, where, REQ_OP_WRITE,
				  DMIO_BUFFER_PAGE_LIST, NULL);
		if (r)
			return r;
		job->opf = (__force u32)req->opf;
		job->is_write = 0;
		job->is_preflush = 0;
		job->op = op == REQ_OP_DISCARD ? DMIO_OP_DISCARD :
						 DMIO_OP_WRITE_ZEROES;
	}
	/* A submit racing with dm_io_user_destroy() is the caller's bug. */
	if (req->user && READ_ONCE(req->user->dying))
		return dmio_invalid("user is being destroyed");
	job->notify = NULL; /* dm_io_submit() sets ext_notify */
	job->ioprio = req->ioprio;
	job->user = req->user;
	/* dmio_request_start() counts the user's requests */
	job->hooks |= !!req->user;
	return 0;
}

/* dm_io_submit() without a notify function. */
static int dmio_ext_sync(struct dmio_job *job, unsigned long *error_bits,
			 unsigned long *unsup_bits)
{
	struct dmio_sync_waiter w DMIO_NO_AUTOINIT;
	int r;

	r = dmio_sync_wait(job, &w);
	if (r)
		return r;
	if (error_bits)
		*error_bits = w.error_bits;
	if (unsup_bits)
		*unsup_bits = w.unsup_bits;
	if (w.error_bits)
		return -EIO;
	return w.unsup_bits ? -EOPNOTSUPP : 0;
}

int dm_io_submit(unsigned int num_regions, const struct io_region *where,
		 const struct dm_io_ext_request *req, unsigned long *error_bits,
		 unsigned long *unsup_bits)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_ext_job_init(&job, num_regions, where, req);
	if (r)
		return r;
	if (!req->notify)
		return dmio_ext_sync(&job, error_bits, unsup_bits);
	job.ext_notify = req->notify;
	job.context = req->context;
	return dmio_submit(&job);
}
EXPORT_SYMBOL_GPL(dm_io_submit);

int dm_io_sync(unsigned int num_regions, const struct io_region *where,
	       blk_opf_t rw, struct page_list *pl, unsigned int offset,
	       unsigned long *error_bits)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_PAGE_LIST,
			  pl);
	if (r)
		return r;
	job.offset = offset;
	return dmio_sync(&job, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync);

int dm_io_async(unsigned int num_regions, const struct io_region *where,
		blk_opf_t rw, struct page_list *pl, unsigned int offset,
		dm_io_notify_fn fn, void *context)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_PAGE_LIST,
			  pl);
	if (r)
		return r;
	job.offset = offset;
	return dmio_async(&job, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async);

int dm_io_sync_bvec(unsigned int num_regions, const struct io_region *where,
		    blk_opf_t rw, const struct bio_vec *bvec,
		    unsigned long *error_bits)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_BVEC, bvec);
	if (r)
		return r;
	return dmio_sync(&job, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync_bvec);

int dm_io_async_bvec(unsigned int num_regions, const struct io_region *where,
		     blk_opf_t rw, const struct bio_vec *bvec,
		     dm_io_notify_fn fn, void *context)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_BVEC, bvec);
	if (r)
		return r;
	return dmio_async(&job, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async_bvec);

int dm_io_sync_vm(unsigned int num_regions, const struct io_region *where,
		  blk_opf_t rw, void *data, unsigned long *error_bits)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_VM, data);
	if (r)
		return r;
	return dmio_sync(&job, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync_vm);

int dm_io_async_vm(unsigned int num_regions, const struct io_region *where,
		   blk_opf_t rw, void *data, dm_io_notify_fn fn, void *context)
{
	struct dmio_job job DMIO_NO_AUTOINIT;
	int r;

	r = dmio_job_init(&job, num_regions, where, rw, DMIO_BUFFER_VM, data);
	if (r)
		return r;
	return dmio_async(&job, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async_vm);

/* ---- Counters for the project's tests (dm-io-internal.h) ---- */

#define DMIO_COUNTER_SUM(field)                                   \
	({                                                        \
		u64 sum = 0;                                      \
		int cpu;                                          \
		for_each_possible_cpu(cpu)                        \
			sum += per_cpu(dmio_counters, cpu).field; \
		sum;                                              \
	})

void dmio_counters_enable(void)
{
	static_branch_inc(&dmio_counting);
}
EXPORT_SYMBOL_NS_GPL(dmio_counters_enable, DMIO_NS_INTERNAL);

void dmio_counters_disable(void)
{
	static_branch_dec(&dmio_counting);
}
EXPORT_SYMBOL_NS_GPL(dmio_counters_disable, DMIO_NS_INTERNAL);

u64 dmio_bios_submitted(void)
{
	return DMIO_COUNTER_SUM(bios);
}
EXPORT_SYMBOL_NS_GPL(dmio_bios_submitted, DMIO_NS_INTERNAL);

u64 dmio_requests_started(void)
{
	return DMIO_COUNTER_SUM(requests_started);
}
EXPORT_SYMBOL_NS_GPL(dmio_requests_started, DMIO_NS_INTERNAL);

u64 dmio_requests_completed(void)
{
	return DMIO_COUNTER_SUM(requests_completed);
}
EXPORT_SYMBOL_NS_GPL(dmio_requests_completed, DMIO_NS_INTERNAL);

unsigned long dmio_set_page_stride(unsigned long stride)
{
	return xchg(&dmio_page_stride, stride);
}
EXPORT_SYMBOL_NS_GPL(dmio_set_page_stride, DMIO_NS_INTERNAL);

static int __init dmio_init(void)
{
	int r = dmio_pools_init();

	if (r)
		return r;
	/*
	 * Xen PV guests need xen_biovec_phys_mergeable(), and KMSAN's
	 * metadata of contiguous pages is not contiguous: bio_add_page()
	 * merges no pages there, nor does dm-io.
	 */
	if ((IS_ENABLED(CONFIG_FLATMEM) ||
	     IS_ENABLED(CONFIG_SPARSEMEM_VMEMMAP)) &&
	    !xen_domain() && !IS_ENABLED(CONFIG_KMSAN))
		dmio_page_stride = sizeof(struct page);
	dmio_stats_init();
	return 0;
}

static void __exit dmio_exit(void)
{
	dmio_stats_exit();
	dmio_pools_exit();
}

module_init(dmio_init);
module_exit(dmio_exit);

MODULE_DESCRIPTION("dm-io: synchronous and asynchronous block I/O for device-mapper targets");
MODULE_AUTHOR("The dm-io developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(DMIO_VERSION);
