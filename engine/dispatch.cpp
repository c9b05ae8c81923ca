// SPDX-License-Identifier: GPL-2.0
//
// dispatch.cpp - check a dm-io call, then split its regions into bios.
//
// Two passes.  The first reads every region's device limits and checks the
// regions and the buffer, so that bad input is refused before any I/O is
// issued.  The second builds and submits the bios of each region in turn,
// from a fresh copy of the buffer cursor, so every region of a WRITE gets
// the same bytes (a shorter region takes the prefix).  Each bio is submitted
// as soon as it is built, before the next is allocated: that is what lets a
// small bioset reserve guarantee progress under memory pressure.
//
// Discard and write zeroes carry no data: each region is cut by its device's
// limits for the op (as blkdev_issue_discard() cuts it), and a region whose
// device does not support the op gets its bit in the unsupported set
// without any bio.

#include "cursor.h"
#include "dm-io-boundary.h"
#include "kcxx.h"
#include "request.h"

namespace dmio {
namespace {

constexpr unsigned int kSectorSize = 1u << DMIO_SECTOR_SHIFT;

// What pass one learnt about the call as a whole.
struct JobFacts {
	unsigned long long longest_bytes; // the buffer must hold this much
	unsigned long long total_bytes; // all regions together
	unsigned int block; // largest logical block size of the regions
	dmio_bdev_info first; // limits of region 0's device
};

int invalid(const char *why, unsigned int region)
{
	dmio_warn_invalid(why, region);
	return -DMIO_EINVAL;
}

int check_regions(const dmio_job &job, JobFacts *facts)
{
	facts->longest_bytes = 0;
	facts->total_bytes = 0;
	facts->block = kSectorSize;

	for (unsigned int i = 0; i < job.nr_regions; i++) {
		const dmio_region &r = job.regions[i];
		// Filled by the query: no auto-zeroing on the hot path.
		[[gnu::uninitialized]] dmio_bdev_info other;
		dmio_bdev_info &info = i ? other : facts->first;

		if (!r.bdev)
			return invalid("region has no block device", i);
		dmio_bdev_query(r.bdev, &info);
		if (r.sector > info.nr_sectors ||
		    r.count > info.nr_sectors - r.sector)
			return invalid("region past the end of the device", i);

		// Logical block sizes are powers of two (blk_queue_logical_block_size).
		unsigned long long block_mask =
			(info.logical_block_size >> DMIO_SECTOR_SHIFT) - 1;
		if ((r.sector | r.count) & block_mask)
			return invalid(
				"region not aligned to the logical block size",
				i);

		if (!r.count)
			continue;
		facts->longest_bytes = kcxx::max(facts->longest_bytes,
						 r.count << DMIO_SECTOR_SHIFT);
		facts->total_bytes += r.count << DMIO_SECTOR_SHIFT;
		facts->block = kcxx::max(facts->block, info.logical_block_size);
	}
	return 0;
}

// How one region's device cuts it into bios.
struct BioLimits {
	unsigned int max_bytes; // whole logical blocks
	unsigned int max_segs;

	explicit BioLimits(const dmio_bdev_info &info)
		: max_bytes(kcxx::max(info.max_bio_bytes &
					      ~(info.logical_block_size - 1),
				      info.logical_block_size)),
		  max_segs(kcxx::max(1u, kcxx::min(info.max_segments,
						   DMIO_BIO_MAX_VECS)))
	{
	}
};

// Adds the next @bytes of @cursor to @bio; returns how many it took (all of
// them: the bio was allocated with room for its shape).
template <typename Cursor>
unsigned int fill_bio(void *bio, Cursor &cursor, unsigned int bytes)
{
	unsigned int added = 0;

	while (added < bytes) {
		Segment seg = cursor.peek();
		unsigned int len = kcxx::min(seg.len, bytes - added);

		if (dmio_bio_add(bio, seg.page, len, seg.offset) != len)
			break;
		cursor.advance(len);
		added += len;
	}
	return added;
}

template <typename Cursor>
void dispatch_region(Request *rq, const dmio_job &job, unsigned int index,
		     const BioLimits &limits, Cursor cursor)
{
	const dmio_region &r = job.regions[index];

	if (!r.count) {
		// A WRITE with REQ_PREFLUSH flushes the device of an empty
		// region with one empty bio; otherwise the region is skipped.
		if (job.is_write && job.is_preflush) {
			void *bio = dmio_bio_alloc(r.bdev, r.sector, 0, job.opf,
						   rq, index);
			if (job.ioprio)
				dmio_bio_set_ioprio(bio, job.ioprio);
			rq->add_bio();
			dmio_bio_submit(bio);
		}
		return;
	}

	unsigned long long sector = r.sector;
	unsigned long long remaining = r.count << DMIO_SECTOR_SHIFT;

	while (remaining) {
		BioShape shape =
			cursor.shape(kcxx::min<unsigned long long>(
					     remaining, limits.max_bytes),
				     limits.max_segs);
		void *bio = dmio_bio_alloc(r.bdev, sector, shape.segments,
					   job.opf, rq, index);
		if (job.ioprio)
			dmio_bio_set_ioprio(bio, job.ioprio);
		unsigned int added = fill_bio(bio, cursor, shape.bytes);

		if (!added) {
			// Cannot happen (the bio has room for the shape), but
			// never loop: report the region failed instead.
			dmio_bio_discard(bio);
			rq->fail_region(index);
			return;
		}
		rq->add_bio();
		dmio_bio_submit(bio);
		remaining -= added;
		sector += added >> DMIO_SECTOR_SHIFT;
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
		void *bio =
			dmio_bio_alloc(r.bdev, sector, 0, job.opf, rq, index);

		dmio_bio_set_size(
			bio, static_cast<unsigned int>(n << DMIO_SECTOR_SHIFT));
		if (job.ioprio)
			dmio_bio_set_ioprio(bio, job.ioprio);
		rq->add_bio();
		dmio_bio_submit(bio);
		sector += n;
		remaining -= n;
	}
}

// The common case: one region that fits in one bio.  The request lives in
// the bio's front pad, so there is no pool object and no atomic on the way.
template <typename Cursor>
void submit_solo(const dmio_job &job, const BioShape &shape, Cursor cursor,
		 const void *vm_read_addr, unsigned long long vm_read_bytes)
{
	const dmio_region &r = job.regions[0];
	void *mem;
	void *bio = dmio_bio_alloc_solo(r.bdev, r.sector, shape.segments,
					job.opf, &mem);
	Request *rq = new (mem) Request(job, vm_read_addr, vm_read_bytes, bio);

	if (job.ioprio)
		dmio_bio_set_ioprio(bio, job.ioprio);
	if (fill_bio(bio, cursor, shape.bytes) != shape.bytes) {
		// Cannot happen; never submit a short bio.
		if (job.hooks)
			dmio_request_start(&job, rq, shape.bytes);
		rq->bio_done(0, DMIO_BIO_FAILED);
		return;
	}
	if (job.hooks)
		dmio_request_start(&job, rq, shape.bytes);
	dmio_bio_submit(bio);
}

template <typename Cursor>
int submit(const dmio_job &job, const Cursor &start)
{
	[[gnu::uninitialized]] JobFacts facts;
	int r = check_regions(job, &facts);

	if (r)
		return r;
	if (facts.longest_bytes && job.op == DMIO_OP_RW) {
		if (!job.buffer)
			return invalid("no buffer", 0);
		if (const char *why =
			    start.check(facts.longest_bytes, facts.block))
			return invalid(why, 0);
	}

	const void *vm_read_addr = nullptr;
	unsigned long long vm_read_bytes = 0;
	if (job.kind == DMIO_BUFFER_VM && facts.longest_bytes &&
	    job.op == DMIO_OP_RW) {
		dmio_vm_flush(job.buffer, facts.longest_bytes);
		if (!job.is_write) {
			vm_read_addr = job.buffer;
			vm_read_bytes = facts.longest_bytes;
		}
	}

	const BioLimits first(facts.first);
	if (job.nr_regions == 1 && facts.longest_bytes &&
	    job.op == DMIO_OP_RW) {
		BioShape shape = start.shape(
			kcxx::min<unsigned long long>(facts.longest_bytes,
						      first.max_bytes),
			first.max_segs);
		if (shape.bytes == facts.longest_bytes) {
			submit_solo(job, shape, start, vm_read_addr,
				    vm_read_bytes);
			return 0;
		}
	}

	// Several bios: plug, so the device sees them as one batch.
	[[gnu::uninitialized]] alignas(8) unsigned char plug[DMIO_PLUG_BYTES];
	Request *rq = new (dmio_request_alloc())
		Request(job, vm_read_addr, vm_read_bytes);

	if (job.hooks)
		dmio_request_start(&job, rq, facts.total_bytes);
	dmio_plug_start(plug);
	for (unsigned int i = 0; i < job.nr_regions; i++) {
		[[gnu::uninitialized]] dmio_bdev_info info;

		if (job.op != DMIO_OP_RW) {
			dispatch_payloadless(rq, job, i);
			continue;
		}
		if (i)
			dmio_bdev_query(job.regions[i].bdev, &info);
		dispatch_region(rq, job, i, i ? BioLimits(info) : first, start);
	}
	dmio_plug_finish(plug);
	rq->submitted();
	return 0;
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
		return dmio::submit(
			*job, dmio::BvecCursor(static_cast<const dmio_bvec *>(
				      job->buffer)));
	case DMIO_BUFFER_VM:
		return dmio::submit(*job, dmio::VmCursor(job->buffer));
	}
	return dmio::invalid("unknown buffer kind", 0);
}
