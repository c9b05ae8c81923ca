// SPDX-License-Identifier: GPL-2.0
//
// cursor.h - the three buffer kinds of dm-io behind one compile-time shape.
//
// A cursor walks a caller's buffer one contiguous segment at a time.  The
// dispatcher is a template over the cursor type, so each buffer kind gets
// its own straight-line code and no function-pointer table.  Every cursor
// provides:
//
//   const char *check(bytes, align)  why the buffer cannot hold @bytes with
//                                     every segment's memory aligned to
//                                     @align (a power of two), or nullptr
//                                     if it can, as far as that is known
//                                     without a walk of every page (walks
//                                     a copy; VmCursor keeps the first page
//                                     in its VmPages);
//   const char *check_mapped(bytes)  the same for what only a walk of every
//                                     page finds (a page list that ends
//                                     early, a hole in a vmalloc range;
//                                     VmCursor keeps up to 15 more pages):
//                                     for requests of several bios, before
//                                     the first; a one-bio request finds it
//                                     as it fills the bio, and refuses the
//                                     call with kMissing;
//   BioShape shape(max_bytes, max_segs, block)  how many bytes and
//                                     segments the next bio takes, within
//                                     both limits; cut by @max_segs, it
//                                     ends on a multiple of @block;
//   Segment peek()                    the current segment (no page: a
//                                     vmalloc page that went away);
//   Segment peek_unchecked()          the same on a walk that
//                                     check_mapped() has not made (no
//                                     page: the buffer has none there);
//   void advance(bytes)               consume @bytes of it (<= peek().len).
//
// Cursors are small values: copying one rewinds the walk to that point,
// which is how every region of a multi-region WRITE gets the same bytes
// (VmCursor's copies share the pages it looked up).
#pragma once

#include "dm-io-boundary.h"
#include "kcxx.h"

namespace dmio {

struct Segment {
	void *page; // nullptr: a page list's end, an unmapped vmalloc page
	unsigned int offset; // bytes from @page, less than a page
	unsigned int len; // may span contiguous pages (bvec)
};

struct BioShape {
	unsigned int bytes;
	unsigned int segments;
};

constexpr unsigned int kPageMask = DMIO_PAGE_SIZE - 1;

// A bio cut by the segment limit after @bytes ends on a logical block of
// every region (@block: the largest, a power of two).
constexpr unsigned int cut_at_block(unsigned int bytes, unsigned int block)
{
	return bytes & ~(block - 1);
}

// Shape of the next bio for a buffer made of whole pages after a first page
// that starts @offset bytes in (page list and vmalloc buffers).
constexpr BioShape paged_shape(unsigned int offset,
			       unsigned long long max_bytes,
			       unsigned int max_segs, unsigned int block)
{
	unsigned long long pages = (offset + max_bytes + kPageMask) >>
				   DMIO_PAGE_SHIFT;

	if (pages <= max_segs)
		return { static_cast<unsigned int>(max_bytes),
			 static_cast<unsigned int>(pages) };
	return { cut_at_block(max_segs * DMIO_PAGE_SIZE - offset, block),
		 max_segs };
}

static_assert(paged_shape(0, DMIO_PAGE_SIZE, 256, 512).segments == 1,
	      "one page");
static_assert(paged_shape(512, DMIO_PAGE_SIZE, 256, 512).segments == 2,
	      "offset spills");
static_assert(paged_shape(512, 256ull * DMIO_PAGE_SIZE, 256, 512).bytes ==
		      256 * DMIO_PAGE_SIZE - 512,
	      "segment limit cuts at a page end");
static_assert(paged_shape(512, 256ull * DMIO_PAGE_SIZE, 256, 4096).bytes ==
		      256 * DMIO_PAGE_SIZE - 4096,
	      "or before it, at a logical block");

// struct page_list: one page per node, an offset into the first page only.
// The list may be circular (kcopyd's zero page list is): it is walked by
// byte count, never past its end (peek() gives no page there).
class PageListCursor {
public:
	PageListCursor(const dmio_page_list *pl, unsigned int offset)
		: node_(pl), offset_(offset)
	{
	}

	static constexpr const char *kMissing =
		"page list shorter than the region";

	const char *check(unsigned long long, unsigned int align) const
	{
		if (offset_ >= DMIO_PAGE_SIZE || (offset_ & (align - 1)))
			return "page list offset not aligned to the DMA alignment";
		return nullptr;
	}

	const char *check_mapped(unsigned long long bytes) const
	{
		unsigned long long pages = (offset_ + bytes + kPageMask) >>
					   DMIO_PAGE_SHIFT;
		const dmio_page_list *pl = node_;

		for (; pages; pages--, pl = pl->next)
			if (!pl || !pl->page)
				return kMissing;
		return nullptr;
	}

	BioShape shape(unsigned long long max_bytes, unsigned int max_segs,
		       unsigned int block) const
	{
		return paged_shape(offset_, max_bytes, max_segs, block);
	}

	Segment peek() const
	{
		return { node_->page, offset_, DMIO_PAGE_SIZE - offset_ };
	}

	Segment peek_unchecked() const
	{
		return { node_ ? node_->page : nullptr, offset_,
			 DMIO_PAGE_SIZE - offset_ };
	}

	void advance(unsigned int bytes)
	{
		offset_ += bytes;
		if (offset_ == DMIO_PAGE_SIZE) {
			node_ = node_->next;
			offset_ = 0;
		}
	}

private:
	const dmio_page_list *node_;
	unsigned int offset_;
};

// An array of struct bio_vec, used in order; an entry may span several
// physically contiguous pages, and is split into one segment per page where
// pages are not merged (@kSplit: dmio_page_stride is 0; a parameter of the
// type, so the usual cursor carries no test of it in its loops).  The array
// has no length: a NULL page or a zero length before the data is covered
// marks an array that is too short.
template <bool kSplit>
class BvecCursor {
public:
	// check() finds it: a bio never meets it.
	static constexpr const char *kMissing =
		"bio_vec array shorter than the region";

	explicit BvecCursor(const dmio_bvec *bv) : bv_(bv), done_(0) {}

	const char *check(unsigned long long bytes, unsigned int align) const
	{
		unsigned long long held = 0;

		for (const dmio_bvec *bv = bv_; held < bytes; bv++) {
			if (!bv->page || !bv->len)
				return kMissing;
			if ((bv->len | bv->offset) & (align - 1))
				return "bio_vec not aligned to the DMA alignment";
			held += bv->len;
		}
		return nullptr;
	}

	const char *check_mapped(unsigned long long) const
	{
		return nullptr;
	}

	BioShape shape(unsigned long long max_bytes, unsigned int max_segs,
		       unsigned int block) const
	{
		BioShape s = { 0, 0 };
		unsigned long long bytes = 0; // may pass @max_bytes
		unsigned int done = done_;

		for (const dmio_bvec *bv = bv_;
		     bytes < max_bytes && s.segments < max_segs;
		     bv++, done = 0) {
			unsigned int len = bv->len - done;
			unsigned int segs = 1;

			if (kSplit) {
				// one segment per page of what the bio takes,
				// up to the limit
				unsigned int in = (bv->offset + done) &
						  kPageMask;
				unsigned int room = max_segs - s.segments;

				if (len > max_bytes - bytes)
					len = static_cast<unsigned int>(
						max_bytes - bytes);
				unsigned long long pages =
					(in + 0ULL + len + kPageMask) >>
					DMIO_PAGE_SHIFT;

				if (pages > room) {
					segs = room;
					len = room * DMIO_PAGE_SIZE - in;
				} else {
					segs = static_cast<unsigned int>(pages);
				}
			}
			bytes += len;
			s.segments += segs;
		}
		s.bytes =
			static_cast<unsigned int>(kcxx::min(bytes, max_bytes));
		if (s.bytes < max_bytes)
			s.bytes = cut_at_block(s.bytes, block);
		return s;
	}

	Segment peek() const
	{
		unsigned int offset = bv_->offset + done_;
		unsigned int len = bv_->len - done_;
		void *page = bv_->page;

		// An entry may span contiguous pages: name the one the
		// segment starts in, as bio_add_page()'s callers do.
		if (offset >= DMIO_PAGE_SIZE) {
			page = dmio_nth_page(page, offset >> DMIO_PAGE_SHIFT);
			offset &= kPageMask;
		}
		if (kSplit)
			len = kcxx::min(len, DMIO_PAGE_SIZE - offset);
		return { page, offset, len };
	}

	Segment peek_unchecked() const
	{
		return peek();
	}

	void advance(unsigned int bytes)
	{
		done_ += bytes;
		if (done_ == bv_->len) {
			bv_++;
			done_ = 0;
		}
	}

private:
	const dmio_bvec *bv_;
	unsigned int done_; // bytes of *bv_ already consumed
};

// The first pages of a vmalloc range, looked up once by check() and
// check_mapped() for every walk that follows: each region of a multi-region
// WRITE reads the same pages (a 64 KiB buffer at 4 KiB pages; the pages
// after these are looked up per walk).  Lives in dmio_engine_submit()'s
// frame, for one call.
struct VmPages {
	static constexpr unsigned int kKept = 16;
	void *page[kKept]; // page[i]: the i-th page from the range's first
	unsigned int nr; // how many of page[] are valid
};

// A vmalloc'd (or vmap'd) buffer: virtually contiguous, one page at a time.
// Copies share @pages.
class VmCursor {
public:
	// A vmalloc range with an unmapped page: it is not all one area.
	static constexpr const char *kMissing =
		"vmalloc range not mapped page by page (not inside one area)";

	VmCursor(const void *addr, VmPages *pages)
		: addr_(reinterpret_cast<unsigned long>(addr)),
		  start_vpn_(addr_ >> DMIO_PAGE_SHIFT), pages_(pages)
	{
		pages_->nr = 0;
	}

	const char *check(unsigned long long bytes, unsigned int align)
	{
		if (addr_ & (align - 1))
			return "vmalloc address not aligned to the DMA alignment";
		pages_->page[0] = dmio_vm_first_page(
			reinterpret_cast<const void *>(addr_), bytes);
		if (!pages_->page[0])
			return "buffer is not vmalloc memory holding the region";
		pages_->nr = 1;
		return nullptr;
	}

	// From the second page on: check() looked up the first.
	const char *check_mapped(unsigned long long bytes)
	{
		unsigned long next = (addr_ | kPageMask) + 1;
		unsigned long long skip = next - addr_;

		if (bytes <= skip)
			return nullptr;
		unsigned int kept = dmio_vm_mapped(
			reinterpret_cast<const void *>(next), bytes - skip,
			pages_->page + 1, VmPages::kKept - 1);

		if (!kept)
			return kMissing;
		if (pages_->nr) // check() kept page[0]
			pages_->nr += kept;
		return nullptr;
	}

	BioShape shape(unsigned long long max_bytes, unsigned int max_segs,
		       unsigned int block) const
	{
		return paged_shape(addr_ & kPageMask, max_bytes, max_segs,
				   block);
	}

	Segment peek() const
	{
		unsigned long i = (addr_ >> DMIO_PAGE_SHIFT) - start_vpn_;
		void *page =
			i < pages_->nr ?
				pages_->page[i] :
				dmio_vm_page(
					reinterpret_cast<const void *>(addr_));
		unsigned int offset = addr_ & kPageMask;

		return { page, offset, DMIO_PAGE_SIZE - offset };
	}

	Segment peek_unchecked() const
	{
		return peek();
	}

	void advance(unsigned int bytes)
	{
		addr_ += bytes;
	}

private:
	unsigned long addr_;
	unsigned long start_vpn_; // virtual page number of the first byte
	VmPages *pages_;
};

} // namespace dmio
