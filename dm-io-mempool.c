// SPDX-License-Identifier: GPL-2.0
/*
 * The memory dm-io's I/O path allocates from.
 *
 * A reserve is a mempool of engine request objects and a bioset.  The
 * classic calls (and requests that name no user) share one, created when
 * the module loads, whose request reserve dm_io_get() and dm_io_put()
 * resize; its bioset has a fixed reserve.  Each user (dm_io_user_create())
 * has a reserve of its own, sized once by the pages it reserves, so a user
 * stacked on another never waits for objects the upper one holds.  All are
 * allocated with GFP_NOIO, so I/O makes progress under memory pressure and
 * never recurses into the file system.  The sizing policy itself is in
 * engine/pool_policy.cpp.
 */

#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "dm-io.h"
#include "dm-io-boundary.h"
#include "dm-io-compat.h"
#include "dm-io-glue.h"
#include "dm-io-internal.h"

/* Bios kept in reserve; enough because each is submitted before the next. */
#define DMIO_BIO_RESERVE 16

static struct kmem_cache *dmio_request_cache;
struct dmio_reserve dmio_shared;

static DEFINE_MUTEX(dmio_reserve_lock);
static u64 dmio_pages_reserved; /* under dmio_reserve_lock */
static unsigned int dmio_requests_reserved;

static int dmio_reserve_setup(struct dmio_reserve *r, unsigned int requests,
			      unsigned int bios)
{
	int ret;

	ret = mempool_init_slab_pool(&r->requests, requests,
				     dmio_request_cache);
	if (ret)
		return ret;
	ret = bioset_init(&r->bios, bios, offsetof(struct dmio_bio, bio),
			  BIOSET_NEED_BVECS | BIOSET_NEED_RESCUER);
	if (ret)
		mempool_exit(&r->requests);
	return ret;
}

/* A user's reserve for @pages pages; 0 or -ENOMEM, nothing left behind. */
int dmio_reserve_init(struct dmio_reserve *r, unsigned int pages)
{
	unsigned int requests, bios;
	int ret;

	ret = dmio_policy_user(pages, &requests, &bios);
	if (ret)
		return ret;
	return dmio_reserve_setup(r, requests, bios);
}

/* Every object of @r must be back: no request of its user in flight. */
void dmio_reserve_exit(struct dmio_reserve *r)
{
	bioset_exit(&r->bios);
	mempool_exit(&r->requests);
}

int dmio_pools_init(void)
{
	unsigned int requests;
	int r;

	r = dmio_policy_reserve(0, &requests);
	if (r)
		return r;

	dmio_request_cache = kmem_cache_create("dm_io_request",
					       DMIO_REQUEST_BYTES,
					       DMIO_REQUEST_ALIGN, 0, NULL);
	if (!dmio_request_cache)
		return -ENOMEM;

	r = dmio_reserve_setup(&dmio_shared, requests, DMIO_BIO_RESERVE);
	if (r) {
		kmem_cache_destroy(dmio_request_cache);
		return r;
	}
	dmio_pages_reserved = 0;
	dmio_requests_reserved = requests;
	return 0;
}

void dmio_pools_exit(void)
{
	if (dmio_pages_reserved)
		pr_warn("dm-io: unloaded with %llu pages still reserved by dm_io_get()\n",
			dmio_pages_reserved);
	dmio_reserve_exit(&dmio_shared);
	kmem_cache_destroy(dmio_request_cache);
}

/* Resizes the request reserve for @pages reserved pages. */
static int dmio_resize_reserve(u64 pages)
{
	unsigned int requests;
	int r;

	lockdep_assert_held(&dmio_reserve_lock);

	r = dmio_policy_reserve(pages, &requests);
	if (r)
		return r;
	if (requests != dmio_requests_reserved) {
		/* On failure the pool is left exactly as it was. */
		r = mempool_resize(&dmio_shared.requests, requests);
		if (r)
			return r;
	}
	dmio_pages_reserved = pages;
	dmio_requests_reserved = requests;
	return 0;
}

int dm_io_get(unsigned int num_pages)
{
	int r;

	might_sleep();
	mutex_lock(&dmio_reserve_lock);
	r = dmio_resize_reserve(dmio_pages_reserved + num_pages);
	mutex_unlock(&dmio_reserve_lock);
	if (r)
		pr_warn_ratelimited("dm-io: cannot reserve %u more pages: %d\n",
				    num_pages, r);
	return r;
}
EXPORT_SYMBOL_GPL(dm_io_get);

void dm_io_put(unsigned int num_pages)
{
	u64 pages;

	might_sleep();
	mutex_lock(&dmio_reserve_lock);
	pages = dmio_pages_reserved;
	if (num_pages > pages) {
		pr_warn_ratelimited("dm-io: %s(%u) with only %llu pages reserved\n",
				    __func__, num_pages, pages);
		num_pages = pages;
	}
	/* Shrinking cannot fail; the policy accepts any smaller size. */
	dmio_resize_reserve(pages - num_pages);
	mutex_unlock(&dmio_reserve_lock);
}
EXPORT_SYMBOL_GPL(dm_io_put);

void *dmio_request_alloc(void *user)
{
	/* GFP_NOIO includes __GFP_DIRECT_RECLAIM: mempool_alloc() waits. */
	return mempool_alloc(&dmio_reserve_of(user)->requests, GFP_NOIO);
}

static __always_inline struct dmio_bio *dmio_bio_new(void *user, void *bdev,
						     unsigned long long sector,
						     unsigned int nr_vecs,
						     unsigned int opf)
{
	struct bio *bio;

	/* Never fails: GFP_NOIO waits for the bioset's reserve. */
	bio = bio_alloc_bioset(bdev, nr_vecs, (__force blk_opf_t)opf, GFP_NOIO,
			       &dmio_reserve_of(user)->bios);
	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = dmio_endio;
	return container_of(bio, struct dmio_bio, bio);
}

void *dmio_bio_alloc(void *user, void *bdev, unsigned long long sector,
		     unsigned int nr_vecs, unsigned int opf, void *request,
		     unsigned int region, struct dmio_bvec **vecs)
{
	struct dmio_bio *db = dmio_bio_new(user, bdev, sector, nr_vecs, opf);

	db->request = request;
	db->region = region;
	db->solo = false;
	*vecs = (struct dmio_bvec *)db->bio.bi_io_vec;
	return &db->bio;
}

void *dmio_bio_alloc_solo(void *user, void *bdev, unsigned long long sector,
			  unsigned int nr_vecs, unsigned int opf,
			  void **request_mem, struct dmio_bvec **vecs)
{
	struct dmio_bio *db = dmio_bio_new(user, bdev, sector, nr_vecs, opf);

	db->request = db->solo_request;
	db->region = 0;
	db->solo = true;
	*request_mem = db->solo_request;
	*vecs = (struct dmio_bvec *)db->bio.bi_io_vec;
	return &db->bio;
}

unsigned int dmio_reserve_requests(void)
{
	unsigned int requests;

	mutex_lock(&dmio_reserve_lock);
	requests = dmio_requests_reserved;
	mutex_unlock(&dmio_reserve_lock);
	return requests;
}
EXPORT_SYMBOL_NS_GPL(dmio_reserve_requests, DMIO_NS_INTERNAL);

unsigned int dmio_reserved_pages(void)
{
	u64 pages;

	mutex_lock(&dmio_reserve_lock);
	pages = dmio_pages_reserved;
	mutex_unlock(&dmio_reserve_lock);
	return pages;
}
EXPORT_SYMBOL_NS_GPL(dmio_reserved_pages, DMIO_NS_INTERNAL);
