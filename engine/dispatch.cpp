// SPDX-License-Identifier: GPL-2.0
//
// dispatch.cpp - check a dm-io call, then split its regions into bios.
//
// Two passes.  The first reads every region's device size and block size
// and checks the regions and the buffer, so that bad input is refused
// before any I/O is issued.  The second builds and submits the bios of each
// region in turn, from a fresh copy of the buffer cursor, so every region of
// a WRITE gets the same bytes (a shorter region takes the prefix).  Each bio
// is submitted as soon as it is built, before the next is allocated: that is
// what lets a small bioset reserve guarantee progress under memory pressure.
// There is no plug, as in the kernel's own dm_io(): a caller that wants its
// bios batched plugs around its calls (dm-kcopyd does).
//
// Memory need only be aligned to the regions' DMA alignment, not to their
// logical blocks, so a bio cut at BIO_MAX_VECS segments is cut back to a
// multiple of the largest logical block of the regions: every bio is whole
// logical blocks on every region's device.
//
// A bio holds up to BIO_MAX_VECS segments (DMIO_MAX_BIO_BYTES at most),
// whatever the device's max_sectors and max_segments: as for the kernel's
// own dm_io(), the block layer cuts it to the device's limits (blk-mq in
// submit_bio(), a bio-based driver with bio_split_to_limits()), once, with
// clones that share this bio's vector table.  The engine writes the vector
// table itself: no call per segment.
//
// Discard and write zeroes carry no data: each region is cut by its device's
// limits for the op (as blkdev_issue_discard() cuts it), and a region whose
// device does not support the op gets its bit in the unsupported set
// without any bio.
//
// A region that lies (partly) past the end of its device fails alone: pass
// one gives it its error bit, pass two sends it no bio (the block layer
// would fail the bio, as it does the kernel's dm_io()'s), and the call's
// other regions are done as usual.  Such a call takes the pooled path,
// whose count the failed region never enters.

#include "cursor.h"
#include "dm-io-boundary.h"
#include "kcxx.h"
#include "request.h"

namespace dmio {
namespace {

constexpr unsigned int kSectorSize = 1u << DMIO_SECTOR_SHIFT;

// The largest sector a region may end at: 2^63 bytes, so that a region's
// bytes plus a page offset still fit in 64 bits (no block device is that
// large, so a region beyond it is bad input).
constexpr unsigned long long kMaxSector = ~0ULL >> (DMIO_SECTOR_SHIFT + 1);

// What pass one learnt about the call as a whole.
struct JobFacts {
	unsigned long long longest_bytes; // the buffer must hold this much
	unsigned long long total_bytes; // all regions together
	unsigned int block; // largest logical block size of the regions
	unsigned int align; // the buffer's memory must be aligned to this
	unsigned long past_end; // bit k: region k is (partly) past its end
};

int invalid(const char *why, unsigned int region)
{
	dmio_warn_invalid(why, region);
	return -DMIO_EINVAL;
}

// Inlined into each buffer kind's submit(): it runs on every request.
[[gnu::always_inline]] inline int check_regions(const dmio_job &job,
						JobFacts *facts)
{
	facts->longest_bytes = 0;
	facts->total_bytes = 0;
	facts->block = kSectorSize;
	facts->align = 1;
	facts->past_end = 0;

	for (unsigned int i = 0; i < job.nr_regions; i++) {
		const dmio_region &r = job.regions[i];
		// Filled by the query: no auto-zeroing on the hot path.
		[[gnu::uninitialized]] dmio_bdev_info other;

		if (!r.bdev)
			return invalid("region has no block device", i);
		// Skipped, or an empty flush: its sector is not used.
		if (!r.count)
			continue;
		if (r.sector > kMaxSector || r.count > kMaxSector - r.sector)
			return invalid("region ends beyond 2^63 bytes", i);
		if (i)
			dmio_bdev_query(r.bdev, &other);
		const dmio_bdev_info &info = i ? other : job.first;

		// Logical block sizes are powers of two (blk_queue_logical_block_size).
		unsigned long long block_mask =
			(info.logical_block_size >> DMIO_SECTOR_SHIFT) - 1;
		if ((r.sector | r.count) & block_mask)
			return invalid(
				"region not aligned to the logical block size",
				i);
		if (r.sector > info.nr_sectors ||
		    r.count > info.nr_sectors - r.sector)
			facts->past_end |= 1UL << i;

		facts->longest_bytes = kcxx::max(facts->longest_bytes,
						 r.count << DMIO_SECTOR_SHIFT);
		facts->total_bytes += r.count << DMIO_SECTOR_SHIFT;
		facts->block = kcxx::max(facts->block, info.logical_block_size);
		facts->align = kcxx::max(facts->align, info.dma_alignment);
	}
	// Segments of at least 1/BIO_MAX_VECS of a block: a bio cut at
	// BIO_MAX_VECS segments still holds a whole block.
	facts->align =
		kcxx::max(facts->align, facts->block / DMIO_BIO_MAX_VECS);
	return 0;
}

// Whether @seg joins the vector @prev, as bio_add_page() would merge it:
// it starts in physical memory where @prev ends, given @stride
// (dmio_page_stride, not 0: the page frame after a page is @stride bytes
// further on in the memory map; 0 where pages are not merged at all), and
// if it starts a new page, that page may share a vector with @prev's
// (dmio_pages_mergeable(): not ZONE_DEVICE pages of different pgmaps).
inline bool mergeable(const dmio_bvec &prev, const Segment &seg,
		      unsigned long stride)
{
	unsigned int end = prev.offset + prev.len; // < 4 GiB: len <= 1 GiB

	if (seg.offset != (end & kPageMask) ||
	    seg.page != static_cast<char *>(prev.page) +
				(end >> DMIO_PAGE_SHIFT) * stride)
		return false;
	return seg.offset || !DMIO_ZONE_DEVICE ||
	       dmio_pages_mergeable(prev.page, seg.page);
}

// Writes the next @shape.bytes of @cursor into @vecs, which has room for
// @shape.segments vectors, merging physically contiguous segments as
// bio_add_page() does.  Returns how many vectors it wrote, or 0 if the
// buffer has no page where it should (a page list that ends early, an
// unmapped vmalloc page), or the cursor needs more room than the shape.
// @kChecked: check_mapped() has walked the buffer, so a page list cannot
// end early (its cursor need not test for that on every page).
template <bool kChecked, typename Cursor>
[[gnu::always_inline]] inline unsigned int
fill_vecs(dmio_bvec *vecs, Cursor &cursor, const BioShape &shape)
{
	const unsigned long stride = dmio_page_stride;
	unsigned int n = 0;

	for (unsigned int left = shape.bytes; left;) {
		Segment seg = kChecked ? cursor.peek() :
					 cursor.peek_unchecked();
		unsigned int len = kcxx::min(seg.len, left);

		if (!seg.page)
			return 0;
		if (n && stride && mergeable(vecs[n - 1], seg, stride)) {
			vecs[n - 1].len += len;
		} else {
			if (n == shape.segments)
				return 0;
			vecs[n].page = seg.page;
			vecs[n].len = len;
			vecs[n].offset = seg.offset;
			n++;
		}
		cursor.advance(len);
		left -= len;
	}
	return n;
}

// Zeroes the first @bytes of @cursor's buffer: a READ of a region that
// failed without a bio hands back zeros, as one whose bios failed does.
template <typename Cursor>
void zero_buffer(Cursor cursor, unsigned long long bytes)
{
	while (bytes) {
		Segment seg = cursor.peek();
		unsigned int len =
			kcxx::min<unsigned long long>(seg.len, bytes);

		if (seg.page) // else a vmalloc page went away: nothing to zero
			dmio_zero(seg.page, seg.offset, len);
		cursor.advance(len);
		bytes -= len;
	}
}

// The shape of the next bio of @cursor, with @bytes left in its region,
// for regions whose largest logical block is @block.
template <typename Cursor>
BioShape next_shape(const Cursor &cursor, unsigned long long bytes,
		    unsigned int block)
{
	return cursor.shape(kcxx::min<unsigned long long>(bytes,
							  DMIO_MAX_BIO_BYTES),
			    DMIO_BIO_MAX_VECS, block);
}

template <typename Cursor>
void dispatch_region(Request *rq, const dmio_job &job, unsigned int index,
		     Cursor cursor, unsigned int block)
{
	const dmio_region &r = job.regions[index];
	dmio_bvec *vecs;

	if (!r.count) {
		// A WRITE with REQ_PREFLUSH flushes the device of an empty
		// region with one empty bio; otherwise the region is skipped.
		if (job.is_write && job.is_preflush) {
			void *bio = dmio_bio_alloc(job.user, r.bdev, 0, 0,
						   job.opf, rq, index, &vecs);
			if (job.ioprio)
				dmio_bio_set_ioprio(bio, job.ioprio);
			rq->add_bio();
			dmio_bio_submit(bio, 0, 0);
		}
		return;
	}

	unsigned long long sector = r.sector;
	unsigned long long remaining = r.count << DMIO_SECTOR_SHIFT;

	while (remaining) {
		BioShape shape = next_shape(cursor, remaining, block);
		void *bio = dmio_bio_alloc(job.user, r.bdev, sector,
					   shape.segments, job.opf, rq, index,
					   &vecs);
		if (job.ioprio)
			dmio_bio_set_ioprio(bio, job.ioprio);
		unsigned int nr_vecs = fill_vecs<true>(vecs, cursor, shape);

		if (!nr_vecs) {
			// A vmalloc page after those VmPages kept went away:
			// report the region failed rather than submit a bio
			// with a hole.
			dmio_bio_discard(bio);
			rq->fail_region(index);
			return;
		}
		rq->add_bio();
		dmio_bio_submit(bio, nr_vecs, shape.bytes);
		remaining -= shape.bytes;
		sector += shape.bytes >> DMIO_SECTOR_SHIFT;
	}
}

// How many sectors from @sector the next payload-less bio may cover: at
// most the device's limit, and a bio that does not start on the granularity
// ends on it, so the ones after it are aligned (bio_discard_limit()).
constexpr unsigned long long op_chunk(const dmio_op_limits &lim,
				      unsigned long long sector,
				      unsigned long long remaining)
{
	unsigned long long n =
		kcxx::min<unsigned long long>(remaining, lim.max_sectors);
	unsigned long long misalign =
		(sector + lim.start_sect) % lim.granularity;

	return misalign ? kcxx::min(n, lim.granularity - misalign) : n;
}

static_assert(op_chunk({ 8, 4, 0 }, 2, 50) == 2, "up to the granularity");
static_assert(op_chunk({ 8, 4, 0 }, 4, 50) == 8, "then whole limits");
static_assert(op_chunk({ 8, 4, 2 }, 2, 50) == 8, "partition start counts");
static_assert(op_chunk({ 8, 1, 0 }, 3, 5) == 5, "the tail");

// A discard or write zeroes of region @index: bios without data, or none
// at all and the unsupported bit if the device does not support the op.
void dispatch_payloadless(Request *rq, const dmio_job &job, unsigned int index)
{
	const dmio_region &r = job.regions[index];
	[[gnu::uninitialized]] dmio_op_limits lim;

	if (!r.count)
		return;
	dmio_bdev_query_op(r.bdev, job.op, &lim);
	if (!lim.max_sectors) {
		rq->unsupported_region(index);
		return;
	}

	unsigned long long sector = r.sector;
	unsigned long long remaining = r.count;

	while (remaining) {
		unsigned long long n = op_chunk(lim, sector, remaining);
		dmio_bvec *vecs;
		void *bio = dmio_bio_alloc(job.user, r.bdev, sector, 0, job.opf,
					   rq, index, &vecs);

		if (job.ioprio)
			dmio_bio_set_ioprio(bio, job.ioprio);
		rq->add_bio();
		dmio_bio_submit(
			bio, 0,
			static_cast<unsigned int>(n << DMIO_SECTOR_SHIFT));
		sector += n;
		remaining -= n;
	}
}

// Before the bios of a vm buffer are submitted, where the architecture
// needs it: the CPU cache of the buffer is flushed.
inline void flush_vm(const dmio_job &job, unsigned long long bytes)
{
	if (job.kind == DMIO_BUFFER_VM && dmio_vmap_flush && bytes &&
	    job.op == DMIO_OP_RW)
		dmio_vm_flush(job.buffer, bytes);
}

// The common case: one region that fits in one bio.  The request lives in
// the bio's front pad, so there is no pool object and no atomic on the way.
// Filling the bio walks every page of the buffer: a page list that ends
// early or a vmalloc range with a hole is refused here, before the bio is
// submitted (check_mapped() is not needed).
template <typename Cursor>
int submit_solo(const dmio_job &job, const BioShape &shape, Cursor cursor,
		const void *vm_read_addr, unsigned long long vm_read_bytes)
{
	const dmio_region &r = job.regions[0];
	dmio_bvec *vecs;
	void *mem;
	void *bio = dmio_bio_alloc_solo(job.user, r.bdev, r.sector,
					shape.segments, job.opf, &mem, &vecs);
	Request *rq = new (mem) Request(job, vm_read_addr, vm_read_bytes, bio);

	if (job.ioprio)
		dmio_bio_set_ioprio(bio, job.ioprio);
	unsigned int nr_vecs = fill_vecs<false>(vecs, cursor, shape);
	if (!nr_vecs) {
		dmio_bio_discard(bio); // the request in it goes too
		return invalid(Cursor::kMissing, 0);
	}
	flush_vm(job, shape.bytes);
	if (job.hooks)
		dmio_request_start(&job, rq, shape.bytes);
	dmio_bio_submit(bio, nr_vecs, shape.bytes);
	return 0;
}

// @start is checked here, then copied for each region's walk.  Inlined
// into dmio_engine_submit(), one copy per cursor type (the splitting
// bio_vec one into submit_bvec_split()).
template <typename Cursor>
[[gnu::always_inline]] inline int submit(const dmio_job &job, Cursor start)
{
	[[gnu::uninitialized]] JobFacts facts;
	int r = check_regions(job, &facts);

	if (r)
		return r;
	if (facts.longest_bytes && job.op == DMIO_OP_RW) {
		if (!job.buffer)
			return invalid("no buffer", 0);
		if (const char *why =
			    start.check(facts.longest_bytes, facts.align))
			return invalid(why, 0);
	}

	const void *vm_read_addr = nullptr;
	unsigned long long vm_read_bytes = 0;
	if (job.kind == DMIO_BUFFER_VM && dmio_vmap_flush &&
	    facts.longest_bytes && job.op == DMIO_OP_RW && !job.is_write) {
		vm_read_addr = job.buffer;
		vm_read_bytes = facts.longest_bytes;
	}

	if (job.nr_regions == 1 && facts.longest_bytes && !facts.past_end &&
	    job.op == DMIO_OP_RW) {
		BioShape shape =
			next_shape(start, facts.longest_bytes, facts.block);
		if (shape.bytes == facts.longest_bytes)
			return submit_solo(job, shape, start, vm_read_addr,
					   vm_read_bytes);
	}
	if (facts.longest_bytes && job.op == DMIO_OP_RW)
		if (const char *why = start.check_mapped(facts.longest_bytes))
			return invalid(why, 0);
	flush_vm(job, facts.longest_bytes);

	Request *rq = new (dmio_request_alloc(job.user))
		Request(job, vm_read_addr, vm_read_bytes);

	if (job.hooks)
		dmio_request_start(&job, rq, facts.total_bytes);
	if (facts.past_end) {
		rq->fail_regions(facts.past_end);
		// A READ has one region, and the buffer holds all of it.
		if (job.op == DMIO_OP_RW && !job.is_write)
			zero_buffer(start, facts.longest_bytes);
	}
	for (unsigned int i = 0; i < job.nr_regions; i++) {
		if (facts.past_end & (1UL << i))
			continue;
		if (job.op == DMIO_OP_RW)
			dispatch_region(rq, job, i, start, facts.block);
		else
			dispatch_payloadless(rq, job, i);
	}
	rq->submitted();
	return 0;
}

// A bio_vec array where pages are not merged (dmio_page_stride is 0): one
// segment per page.  Rare (KMSAN, Xen, a memory map that is not linear),
// so out of dmio_engine_submit().
[[gnu::noinline]] int submit_bvec_split(const dmio_job &job)
{
	return submit(job, BvecCursor<true>(
				   static_cast<const dmio_bvec *>(job.buffer)));
}

} // namespace
} // namespace dmio

extern "C" int dmio_engine_submit(const dmio_job *job)
{
	switch (job->kind) {
	case DMIO_BUFFER_PAGE_LIST:
		return dmio::submit(*job,
				    dmio::PageListCursor(
					    static_cast<const dmio_page_list *>(
						    job->buffer),
					    job->offset));
	case DMIO_BUFFER_BVEC:
		if (!dmio_page_stride)
			return dmio::submit_bvec_split(*job);
		return dmio::submit(
			*job,
			dmio::BvecCursor<false>(
				static_cast<const dmio_bvec *>(job->buffer)));
	case DMIO_BUFFER_VM: {
		[[gnu::uninitialized]] dmio::VmPages pages;

		return dmio::submit(*job, dmio::VmCursor(job->buffer, &pages));
	}
	}
	return dmio::invalid("unknown buffer kind", 0);
}
