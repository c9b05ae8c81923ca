/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to dm-io's test modules (tests/kunit, tests/stress), not part of
 * the API: a buffer of each kind dm-io takes, and the one call for it.
 */
#ifndef DM_IO_TEST_MEM_H
#define DM_IO_TEST_MEM_H

#include "dm-io.h"

enum dmio_kind {
	DMIO_PL,
	DMIO_BVEC,
	DMIO_VM,
	DMIO_NR_KINDS,
};

/* A buffer as the classic calls take it: @kind says which fields count. */
struct dmio_mem {
	enum dmio_kind kind;
	struct page_list *pl;
	unsigned int offset; /* into @pl's first page */
	struct bio_vec *bvec;
	void *vm;
};

/*
 * dm_io_async*() for @m's kind with @fn and @context when @async, else
 * dm_io_sync*() with @error_bits.
 */
static inline int dmio_mem_io(const struct dmio_mem *m, bool async,
			      unsigned int nr, const struct io_region *where,
			      blk_opf_t rw, unsigned long *error_bits,
			      dm_io_notify_fn fn, void *context)
{
	switch (m->kind) {
	case DMIO_PL:
		return async ? dm_io_async(nr, where, rw, m->pl, m->offset, fn,
					   context) :
			       dm_io_sync(nr, where, rw, m->pl, m->offset,
					  error_bits);
	case DMIO_BVEC:
		return async ? dm_io_async_bvec(nr, where, rw, m->bvec, fn,
						context) :
			       dm_io_sync_bvec(nr, where, rw, m->bvec,
					       error_bits);
	default:
		return async ? dm_io_async_vm(nr, where, rw, m->vm, fn,
					      context) :
			       dm_io_sync_vm(nr, where, rw, m->vm, error_bits);
	}
}

/* Points a dm_io_submit() request at @m, as the classic call would. */
static inline void dmio_mem_ext(struct dm_io_ext_request *req,
				const struct dmio_mem *m)
{
	static const enum dm_io_ext_mem type[DMIO_NR_KINDS] = {
		[DMIO_PL] = DM_IO_EXT_MEM_PAGE_LIST,
		[DMIO_BVEC] = DM_IO_EXT_MEM_BVEC,
		[DMIO_VM] = DM_IO_EXT_MEM_VM,
	};

	req->mem_type = type[m->kind];
	req->mem.pl = m->pl;
	req->mem.offset = m->offset;
	req->mem.bvec = m->bvec;
	req->mem.vm = m->vm;
}

#endif
