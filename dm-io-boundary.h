/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to dm-io.ko, not part of the API: the boundary between the C
 * glue and the C++ engine.
 *
 * Everything the two halves of dm-io.ko share is declared here, and nothing
 * else: the mirrored layouts of the kernel structures the engine reads, the
 * description of one I/O call (struct dmio_job), the engine's entry points
 * (implemented in the engine/ sources) and the kernel services it uses (implemented
 * in dm-io.c and dm-io-mempool.c).
 *
 * This header must compile as kernel C and as freestanding C++ without any
 * kernel or libc header, so it uses only the language's own types (on every
 * Linux ABI: unsigned int is 32 bits, unsigned long long 64, unsigned long
 * holds a pointer).  Every mirrored layout and constant is checked against
 * the kernel's own with static_assert in dm-io.c.
 */
#ifndef DMIO_BOUNDARY_H
#define DMIO_BOUNDARY_H

/*
 * Kernel constants the engine needs (checked in dm-io.c).  The page size
 * is the kernel's: DMIO_PAGE_SHIFT (and DMIO_ZONE_DEVICE) come from its
 * .config, through scripts/dmio-compat.mk on the compiler's command line.
 */
#ifndef DMIO_PAGE_SHIFT
#error "DMIO_PAGE_SHIFT is not set: build with scripts/dmio-compat.mk's $(dmio-compat-flags)"
#endif
#define DMIO_PAGE_SIZE (1u << (DMIO_PAGE_SHIFT))
/* 1 if pages may be ZONE_DEVICE pages (CONFIG_ZONE_DEVICE), else 0. */
#ifndef DMIO_ZONE_DEVICE
#error "DMIO_ZONE_DEVICE is not set: build with scripts/dmio-compat.mk's $(dmio-compat-flags)"
#endif
#define DMIO_SECTOR_SHIFT 9
#define DMIO_BIO_MAX_VECS 256u
/* Largest bio dm-io builds (bi_size is 32 bits; a multiple of any block). */
#define DMIO_MAX_BIO_BYTES 0x40000000u /* 1 GiB */
#define DMIO_MAX_REGIONS (8u * (unsigned int)sizeof(unsigned long))
#define DMIO_EINVAL 22
#define DMIO_ENOMEM 12

/* Bytes the C side reserves for one request object of the engine. */
#define DMIO_REQUEST_BYTES 96
#define DMIO_REQUEST_ALIGN 8

#ifdef __cplusplus
extern "C" {
#endif

/* Mirror of struct page_list (<linux/dm-io.h>). */
struct dmio_page_list {
	struct dmio_page_list *next;
	void *page;
};

/* Mirror of struct bio_vec (<linux/bvec.h>). */
struct dmio_bvec {
	void *page;
	unsigned int len;
	unsigned int offset;
};

/* Mirror of struct io_region (dm-io.h). */
struct dmio_region {
	void *bdev;
	unsigned long long sector;
	unsigned long long count;
};

/* What the engine needs to know about a device, read once per region. */
struct dmio_bdev_info {
	unsigned long long nr_sectors; /* capacity, 512-byte sectors */
	unsigned int logical_block_size; /* bytes */
	unsigned int dma_alignment; /* bytes: bdev_dma_alignment() + 1 */
};

enum dmio_buffer_kind {
	DMIO_BUFFER_PAGE_LIST,
	DMIO_BUFFER_BVEC,
	DMIO_BUFFER_VM,
};

typedef void (*dmio_notify_fn)(unsigned long error_bits, void *context);
/* The extended API's notify: unsupported regions reported on their own. */
typedef void (*dmio_ext_notify_fn)(unsigned long error_bits,
				   unsigned long unsup_bits, void *context);

/* What a request does to its regions. */
enum dmio_op {
	DMIO_OP_RW, /* REQ_OP_READ or REQ_OP_WRITE, with a buffer */
	DMIO_OP_DISCARD, /* REQ_OP_DISCARD, no buffer */
	DMIO_OP_WRITE_ZEROES, /* REQ_OP_WRITE_ZEROES, no buffer */
};

/* How a device cuts a payload-less op, read once per region. */
struct dmio_op_limits {
	unsigned int max_sectors; /* most per bio; 0: op not supported */
	/* sectors, >= 1: bios after the first start on a multiple of it */
	unsigned int granularity;
	unsigned long long start_sect; /* partition start, for alignment */
};

/* How a bio ended, for dmio_engine_bio_done(). */
enum dmio_bio_status {
	DMIO_BIO_OK,
	DMIO_BIO_FAILED,
	DMIO_BIO_UNSUPPORTED, /* BLK_STS_NOTSUPP, BLK_STS_INVAL */
};

/* One dm_io_*() call, after the op and flags were checked by the glue. */
struct dmio_job {
	const struct dmio_region *regions;
	/* regions[0].bdev's, read by the glue (if it is not NULL) */
	struct dmio_bdev_info first;
	unsigned int nr_regions;
	unsigned int opf; /* blk_opf_t, passed to every bio */
	unsigned int is_write; /* the op is REQ_OP_WRITE */
	unsigned int is_preflush; /* REQ_PREFLUSH is set */
	enum dmio_buffer_kind kind;
	unsigned int offset; /* page list only: offset in 1st page */
	const void *buffer; /* page list, bio_vec array or vm addr */
	dmio_notify_fn notify; /* unless ext_notify is set */
	void *context;
	/* Set by the extended API (dm_io_submit()); zero for the classic calls. */
	enum dmio_op op;
	unsigned int ioprio; /* for every bio, if not 0 */
	void *user; /* struct dm_io_user: its reserve and statistics, or NULL */
	/* if set, called instead of notify (dm_io_submit(), every sync call) */
	dmio_ext_notify_fn ext_notify;
	/* call dmio_request_start(): a user to count, or tracing on */
	unsigned int hooks;
};

/* ---- Implemented by the C++ engine, called from C. ---- */

/*
 * Validates @job and, if it is good, issues all its bios (none to a region
 * past the end of its device: that region just gets its error bit).
 * Returns 0 when the request was started (job->notify is then called
 * exactly once, possibly before this returns), or -DMIO_EINVAL with no I/O
 * issued and no call.
 */
int dmio_engine_submit(const struct dmio_job *job);

/* A bio of a request finished with @status (enum dmio_bio_status). */
void dmio_engine_bio_done(void *request, unsigned int region, int status);

/*
 * Pool sizing policy: the request reserve for @pages reserved pages.
 * Returns 0, or -DMIO_ENOMEM if @pages is beyond what the policy allows.
 */
int dmio_policy_reserve(unsigned long long pages, unsigned int *requests);
/*
 * The reserve of a user (dm_io_user_create()) of @pages pages: requests and
 * bios.  Returns 0, or -DMIO_ENOMEM if @pages is beyond the policy.
 */
int dmio_policy_user(unsigned long long pages, unsigned int *requests,
		     unsigned int *bios);

/* ---- Implemented in C, called from the C++ engine. ---- */

/*
 * Bytes between the struct pages of two consecutive page frames where the
 * memory map is linear (FLATMEM, SPARSEMEM_VMEMMAP), so that the engine
 * merges physically contiguous pages into one bio_vec as bio_add_page()
 * does; 0 where it is not, under Xen or KMSAN: no merging, and a bio_vec
 * entry that spans pages is split into one vector per page.  Set at
 * module init.
 */
extern unsigned long dmio_page_stride;
/*
 * Whether @next, the page frame after @page, may share a bio_vec with it
 * as bio_add_page() decides (ZONE_DEVICE pages of different pgmaps may
 * not).  Asked only if DMIO_ZONE_DEVICE is set.
 */
int dmio_pages_mergeable(const void *page, const void *next);
/* Non-zero if vm buffers need dmio_vm_flush() and dmio_vm_invalidate(). */
extern const unsigned int dmio_vmap_flush;

void dmio_bdev_query(void *bdev, struct dmio_bdev_info *info);
/* Limits of @bdev for @op (DMIO_OP_DISCARD or DMIO_OP_WRITE_ZEROES). */
void dmio_bdev_query_op(void *bdev, enum dmio_op op,
			struct dmio_op_limits *limits);
/*
 * The page of @addr if it is mapped vmalloc memory and [@addr, @addr +
 * @bytes) ends in vmalloc space (@bytes >= 1), or NULL.
 */
void *dmio_vm_first_page(const void *addr, unsigned long long bytes);
/*
 * If every page of [@addr, @addr + @bytes) is mapped (@bytes, @nr >= 1):
 * how many of them, from @addr's on, were stored in @pages (at most @nr);
 * else 0.  The engine passes the range after its first page.
 */
unsigned int dmio_vm_mapped(const void *addr, unsigned long long bytes,
			    void **pages, unsigned int nr);
/* The page behind a vmalloc address. */
void *dmio_vm_page(const void *addr);

/*
 * Request objects: DMIO_REQUEST_BYTES from the reserve of @user (a struct
 * dm_io_user), or from the shared reserve if @user is NULL (GFP_NOIO, no
 * fail).
 */
void *dmio_request_alloc(void *user);
/*
 * The end of the request @id, of @user (or NULL), whose bits are final: the
 * tracepoint fires, @user counts it completed, its memory goes back to the
 * reserve it came from (@solo_bio, the bio whose front pad holds it, or
 * else the request object @id), then @ext_notify is called, or if it is
 * NULL @notify with the two sets as one.  For a user, all of it is one RCU
 * read-side section: dm_io_user_destroy() waits until every request is
 * counted completed, then for a grace period.
 */
void dmio_request_end(void *user, void *id, void *solo_bio,
		      unsigned long error_bits, unsigned long unsup_bits,
		      dmio_notify_fn notify, dmio_ext_notify_fn ext_notify,
		      void *context);

/*
 * A bio from the bioset of @user, or the shared one if @user is NULL
 * (GFP_NOIO, never fails), tagged for endio, with room for @nr_vecs
 * vectors: *@vecs receives its vector table, which the engine fills itself
 * (struct dmio_bvec mirrors struct bio_vec).
 */
void *dmio_bio_alloc(void *user, void *bdev, unsigned long long sector,
		     unsigned int nr_vecs, unsigned int opf, void *request,
		     unsigned int region, struct dmio_bvec **vecs);
/*
 * A bio for a request of exactly this one bio: *@request_mem receives
 * DMIO_REQUEST_BYTES in the bio's front pad, which live as long as the bio.
 * When it completes, the bio is handed to dmio_engine_bio_done() still
 * held, and the engine ends the request with dmio_request_end().
 */
void *dmio_bio_alloc_solo(void *user, void *bdev, unsigned long long sector,
			  unsigned int nr_vecs, unsigned int opf,
			  void **request_mem, struct dmio_bvec **vecs);
/* Zeroes @len bytes from @offset of @page (and the pages after it). */
void dmio_zero(void *page, unsigned int offset, unsigned int len);
/* The page @n pages after @page (a bio_vec may span contiguous pages). */
void *dmio_nth_page(void *page, unsigned int n);
/*
 * Submits @bio, whose first @nr_vecs vectors the engine filled; @bytes is
 * their total, or for a payload-less bio (discard, write zeroes) its size.
 */
void dmio_bio_submit(void *bio, unsigned int nr_vecs, unsigned int bytes);
void dmio_bio_set_ioprio(void *bio, unsigned int ioprio);
void dmio_bio_discard(void *bio);

/* Flushes the CPU cache of a vm buffer before I/O. */
void dmio_vm_flush(const void *addr, unsigned long long bytes);
/* Invalidates the CPU cache of a vm buffer after a READ. */
void dmio_vm_invalidate(const void *addr, unsigned long long bytes);

/*
 * For a job with hooks (a user to count it, or tracing on when it was
 * checked): the request @id (valid until it completes) of @bytes in all
 * passed every check and is about to issue its first bio.
 */
void dmio_request_start(const struct dmio_job *job, const void *id,
			unsigned long long bytes);

/* Bad input: one ratelimited warning line. */
void dmio_warn_invalid(const char *what, unsigned int region);

#ifdef __cplusplus
}
#endif

#endif /* DMIO_BOUNDARY_H */
