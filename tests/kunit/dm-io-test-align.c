// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer side of the contract: memory need only be aligned to the DMA
 * alignment of the regions' devices (512 bytes here), while every bio dm-io
 * builds is whole logical blocks; a vmalloc range must be mapped page by
 * page; pages are merged only where bio_add_page() would merge them.
 *
 * The recorder is created with 4 KiB logical blocks for this suite: data
 * cases run on it and on the brd disks, and bio shapes are read from its
 * log.  Not on dmio_nb4k: 6.1's memory-backed null_blk copies a segment in
 * whole blocks from the sector it starts at (copy_to_nullb()), so a
 * segment that starts inside a 4 KiB block is copied past the end of
 * null_blk's page (seen as data lost there and in a brd disk) and the
 * block is not marked written.
 *
 * The KMSAN and ZONE_DEVICE merge rules cannot be tested on UML (neither
 * exists there).
 */

#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "dm-io-test.h"

#define DMIO_4K_SECTORS (SZ_4K >> SECTOR_SHIFT)
/* Where the data cases write on the recorder and the brd disks. */
#define DMIO_ALIGN_SECTOR 64

/*
 * A bio_vec array: entry 0 is @len0 bytes at @off0, then @nr entries of
 * @len bytes at offset 0, each entry in its own allocation of 2^@order
 * pages.  With @order 1 no entry is physically followed by the next one's
 * page (the second page of each allocation lies between), so dm-io cannot
 * merge them.
 */
static struct dmio_buf *dmio_bvec_buf(struct kunit *test, unsigned int order,
				      unsigned int off0, unsigned int len0,
				      unsigned int nr, unsigned int len)
{
	struct dmio_buf *buf = dmio_alloc(test, sizeof(*buf));
	unsigned int size = PAGE_SIZE << order;
	unsigned int i;

	buf->mem.kind = DMIO_BVEC;
	buf->len = len0 + (size_t)nr * len;
	dmio_buf_arrays(test, buf, nr + 1, nr + 1);
	buf->bvec_mem = dmio_alloc(test, (nr + 2) * sizeof(*buf->bvec_mem));
	for (i = 0; i <= nr; i++) {
		unsigned int off = i ? 0 : off0;
		unsigned int l = i ? len : len0;
		u8 *va = dmio_buf_page(test, buf, order);

		buf->bvec_mem[i].bv_page = virt_to_page(va);
		buf->bvec_mem[i].bv_offset = off;
		buf->bvec_mem[i].bv_len = l;
		buf->segs[buf->nr_segs++] = (struct dmio_seg){ va + off, l };
		if (off)
			buf->guards[buf->nr_guards++] =
				(struct dmio_seg){ va, off };
		if (off + l < size)
			buf->guards[buf->nr_guards++] =
				(struct dmio_seg){ va + off + l,
						   size - off - l };
	}
	buf->mem.bvec = buf->bvec_mem;
	return buf;
}

/* A WRITE of @buf to @where, sync then async: -EINVAL, no bio, no call. */
static void dmio_expect_refused(struct kunit *test, const struct dmio_buf *buf,
				unsigned int nr, const struct io_region *where,
				const char *what)
{
	struct dmio_async *a = dmio_async_new(test);
	u64 bios = dmio_bios_submitted();
	u64 started = dmio_requests_started();
	unsigned long bits;
	int r;

	r = dmio_call_sync(buf, nr, where, REQ_OP_WRITE, &bits);
	KUNIT_EXPECT_EQ_MSG(test, r, -EINVAL, "%s: sync", what);
	r = dmio_call_async(buf, nr, where, REQ_OP_WRITE, dmio_notify, a);
	KUNIT_EXPECT_EQ_MSG(test, r, -EINVAL, "%s: async", what);
	if (!r)
		dmio_async_wait(test, a); /* wrongly accepted: let it end */
	KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted() - bios, 0ULL,
			    "%s: bios sent", what);
	KUNIT_EXPECT_EQ_MSG(test, dmio_requests_started() - started, 0ULL,
			    "%s: requests started", what);
}

/*
 * Every bio the recorder logged is whole 4 KiB blocks at a 4 KiB block;
 * returns how many data bios there were (0 after a failure).
 */
static unsigned int dmio_rec_whole_blocks(struct kunit *test,
					  struct dmio_rec *rec,
					  const char *what)
{
	unsigned int i, n = min_t(unsigned int, dmio_rec_nr(rec), DMIO_REC_LOG);
	unsigned int bios = 0;

	for (i = 0; i < n; i++) {
		const struct dmio_rec_bio *b = &rec->log[i];

		if (!b->size)
			continue;
		if (b->size % SZ_4K || b->sector % DMIO_4K_SECTORS) {
			KUNIT_FAIL(test, "%s: bio %u is %u B at sector %llu",
				   what, i, b->size, (u64)b->sector);
			return 0;
		}
		bios++;
	}
	return bios;
}

/* The recorder holds pattern @seed in [@sector, + @len bytes). */
static bool dmio_rec_holds(struct kunit *test, struct dmio_rec *rec,
			   sector_t sector, size_t len, u32 seed,
			   const char *what)
{
	size_t bad = dmio_pattern_cmp(rec->store + (sector << SECTOR_SHIFT),
				      len, seed, 0);

	if (bad < len)
		KUNIT_FAIL(test, "%s: recorder byte %zu wrong", what, bad);
	return bad == len;
}

/*
 * A 4 KiB write from {P0, 512, 3584}, {P1, 0, 512} (what O_DIRECT from a
 * 512-aligned buffer gives a 4Kn device), and 8 KiB from eight 1 KiB
 * entries, write and read back exactly those bytes on the 4 KiB recorder.
 */
static void dmio_align_bvec_sub_block(struct kunit *test)
{
	struct block_device *rec4k = ((struct dmio_rec *)test->priv)->bdev;
	struct io_region where;
	struct dmio_buf *buf;
	unsigned int async;

	for (async = 0; async < 2; async++) {
		buf = dmio_bvec_buf(test, 0, 512, 3584, 1, 512);
		dmio_region(&where, rec4k, DMIO_ALIGN_SECTOR, DMIO_4K_SECTORS);
		KUNIT_EXPECT_TRUE(test,
				  dmio_round_trip(test, async, buf, buf, &where,
						  "{512, 3584}, {0, 512}"));
		buf = dmio_bvec_buf(test, 0, 1024, 1024, 7, 1024);
		dmio_region(&where, rec4k, DMIO_ALIGN_SECTOR,
			    2 * DMIO_4K_SECTORS);
		KUNIT_EXPECT_TRUE(test,
				  dmio_round_trip(test, async, buf, buf, &where,
						  "8 x 1 KiB entries"));
	}
}

/*
 * Each buffer kind from 512 bytes into a page (the page list's offset, the
 * first bio_vec's offset, a vmalloc address + 512), sync and async, on the
 * 4 KiB recorder: 16 KiB, and 1 MiB + 8 KiB (more than one bio), exactly
 * those bytes written and read back.
 */
static void dmio_align_offset_512(struct kunit *test)
{
	struct block_device *rec4k = ((struct dmio_rec *)test->priv)->bdev;
	static const size_t lens[] = { SZ_16K, SZ_1M + SZ_8K };
	struct io_region where;
	unsigned int v, i;
	char what[48];

	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);

		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			struct dmio_buf *buf =
				dmio_buf_new(test, kind, lens[i], 512);

			snprintf(what, sizeof(what), "%s %s %zu B at 512",
				 dmio_kind_name[kind], dmio_mode(async),
				 lens[i]);
			dmio_region(&where, rec4k, DMIO_ALIGN_SECTOR,
				    lens[i] >> SECTOR_SHIFT);
			KUNIT_EXPECT_TRUE(test,
					  dmio_round_trip(test, async, buf, buf,
							  &where, what));
		}
	}
}

/*
 * One buffer at offset 512 written to the 4 KiB recorder and a 512-byte
 * brd disk in one call: both get the data.
 */
static void dmio_align_two_devices(struct kunit *test)
{
	struct block_device *rec4k = ((struct dmio_rec *)test->priv)->bdev;
	struct block_device *ram1 = dmio_open(test, DMIO_DEV_RAM1);
	struct io_region *where = dmio_regions(test, 2);
	sector_t count = (SZ_1M + SZ_8K) >> SECTOR_SHIFT;
	enum dmio_kind kind;
	unsigned long bits;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *buf =
			dmio_buf_new(test, kind, SZ_1M + SZ_8K, 512);
		const char *what = dmio_kind_name[kind];
		u32 seed = dmio_seed();

		dmio_region(&where[0], rec4k, DMIO_ALIGN_SECTOR, count);
		dmio_region(&where[1], ram1, DMIO_ALIGN_SECTOR + 1, count);
		dmio_buf_fill(buf, seed);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_run(test, kind & 1, buf, 2, where,
					     REQ_OP_WRITE, &bits),
				    0, "%s", what);
		KUNIT_EXPECT_TRUE(test,
				  dmio_dev_check(test, rec4k, where[0].sector,
						 count, seed, 0, what));
		KUNIT_EXPECT_TRUE(test,
				  dmio_dev_check(test, ram1, where[1].sector,
						 count, seed, 0, what));
	}
}

/*
 * Memory aligned to less than dm-io asks (dmio_mem_align(): the DMA
 * alignment, 512 on most devices and 2 on 7.3's null_blk, and 1/256 of the
 * logical block) is refused on the 4 KiB device and on a 512-byte one:
 * -EINVAL, no I/O.
 */
static void dmio_align_misaligned(struct kunit *test)
{
	struct block_device *dev[2] = { dmio_open(test, DMIO_DEV_NB4K),
					dmio_open(test, DMIO_DEV_RAM0) };
	struct io_region where;
	enum dmio_kind kind;
	char what[40];
	int d;

	for (d = 0; d < 2; d++) {
		unsigned int off = dmio_mem_align(dev[d]) / 2;

		for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
			struct dmio_buf *buf =
				dmio_buf_new(test, kind, SZ_16K, off);

			dmio_buf_fill(buf, dmio_seed());
			dmio_region(&where, dev[d], DMIO_ALIGN_SECTOR,
				    SZ_16K >> SECTOR_SHIFT);
			snprintf(what, sizeof(what), "%s at %u, %s",
				 dmio_kind_name[kind], off,
				 d ? "ram0" : "nb4k");
			dmio_expect_refused(test, buf, 1, &where, what);
		}
	}
}

/* One WRITE of @buf to the recorder's sectors [0, @count): whole blocks. */
static void dmio_align_check_cut(struct kunit *test, struct dmio_buf *buf,
				 sector_t count, const char *what)
{
	struct dmio_rec *rec = test->priv;
	u32 seed = dmio_seed();
	struct io_region where;
	unsigned long bits;

	dmio_rec_clear(rec);
	dmio_buf_fill(buf, seed);
	dmio_region(&where, rec->bdev, 0, count);
	KUNIT_ASSERT_EQ_MSG(test,
			    dmio_run(test, false, buf, 1, &where, REQ_OP_WRITE,
				     &bits),
			    0, "%s", what);
	KUNIT_EXPECT_TRUE(test, dmio_rec_check_cover(test, rec, 1, &where, NULL,
						     what));
	/* cut at least once (BIO_MAX_VECS), always at a logical block */
	KUNIT_EXPECT_GE_MSG(test, dmio_rec_whole_blocks(test, rec, what), 2U,
			    "%s: bios", what);
	KUNIT_EXPECT_TRUE(test,
			  dmio_rec_holds(test, rec, 0, count << SECTOR_SHIFT,
					 seed, what));
}

/*
 * 1 MiB from a page list at offset 512 and from a vmalloc address + 512
 * spans 257 pages: the bio cut at BIO_MAX_VECS segments must end on a
 * 4 KiB block, not 512 bytes short of a page.  Likewise a bio_vec array
 * of one 512-byte entry and then 4 KiB entries that cannot merge.  The
 * recorder takes the bios unsplit (limits above dm-io's bios).
 */
static void dmio_align_cut(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	sector_t count = SZ_1M >> SECTOR_SHIFT;

	KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, 2 * count, BIO_MAX_VECS), 0);
	dmio_align_check_cut(test, dmio_buf_new(test, DMIO_PL, SZ_1M, 512),
			     count, "page list at 512");
	dmio_align_check_cut(test, dmio_buf_new(test, DMIO_VM, SZ_1M, 512),
			     count, "vmalloc + 512");
	dmio_align_check_cut(test,
			     dmio_bvec_buf(test, 1, 0, 512, SZ_1M / SZ_4K,
					   SZ_4K),
			     count, "bvec 512 + 4 KiB entries");
}

/* A dm-io buffer of kind _vm at @addr (for the calls only). */
static struct dmio_buf *dmio_vm_at(struct kunit *test, void *addr)
{
	struct dmio_buf *buf = dmio_alloc(test, sizeof(*buf));

	buf->mem.kind = DMIO_VM;
	buf->mem.vm = addr;
	return buf;
}

/*
 * A range of @pages pages from @addr whose pages are not all mapped, as
 * one region (one bio) and as two (several bios): refused before any I/O.
 */
static void dmio_vm_refused(struct kunit *test, void *addr, unsigned int pages,
			    const char *what)
{
	struct io_region *where = dmio_regions(test, 2);
	struct block_device *ram[DMIO_NR_RAM];
	struct dmio_buf *buf = dmio_vm_at(test, addr);
	char w[64];

	dmio_open_rams(test, ram);
	dmio_region(&where[0], ram[0], 0, pages * DMIO_PAGE_SECTORS);
	dmio_region(&where[1], ram[1], 0, pages * DMIO_PAGE_SECTORS);
	snprintf(w, sizeof(w), "%s, one region", what);
	dmio_expect_refused(test, buf, 1, where, w);
	snprintf(w, sizeof(w), "%s, two regions", what);
	dmio_expect_refused(test, buf, 2, where, w);
}

#define DMIO_NR_AREAS 16

/*
 * Two vmap() areas of one page, one right after the other's guard page: a
 * range from the first across the guard into the second is refused (both
 * its ends are mapped); so is a range starting before an area.  The
 * allocator places consecutive areas next to each other; if none of
 * DMIO_NR_AREAS are, the case is skipped.
 */
static void dmio_align_vm_guard(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *area[DMIO_NR_AREAS] = {};
	int i, j, a = -1, b = -1;

	KUNIT_ASSERT_NOT_NULL(test, page);
	for (i = 0; i < DMIO_NR_AREAS; i++)
		area[i] = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	for (i = 0; i < DMIO_NR_AREAS && a < 0; i++)
		for (j = 0; j < DMIO_NR_AREAS && area[i]; j++)
			if (area[j] == area[i] + 2 * PAGE_SIZE) {
				a = i;
				b = j;
				break;
			}
	if (a >= 0) {
		/* controls: each area alone is fine */
		struct io_region where;
		unsigned long bits;

		dmio_region(&where, dmio_open(test, DMIO_DEV_RAM0), 0,
			    DMIO_PAGE_SECTORS);
		KUNIT_EXPECT_EQ(test,
				dmio_run(test, false, dmio_vm_at(test, area[a]),
					 1, &where, REQ_OP_WRITE, &bits),
				0);
		KUNIT_EXPECT_EQ(test,
				dmio_run(test, true, dmio_vm_at(test, area[b]),
					 1, &where, REQ_OP_WRITE, &bits),
				0);
		dmio_vm_refused(test, area[a], 3, "across a guard page");
		dmio_vm_refused(test, area[a] + 512, 2,
				"from 512 into an area across its guard");
		dmio_vm_refused(test, area[b] - PAGE_SIZE, 2,
				"starting before an area");
	}
	for (i = 0; i < DMIO_NR_AREAS; i++)
		if (area[i])
			vunmap(area[i]);
	__free_page(page);
	if (a < 0)
		kunit_skip(test, "no two of %d vmap() areas are adjacent",
			   DMIO_NR_AREAS);
}

/*
 * vm_map_ram() blocks have no guard page: three adjacent one-page blocks,
 * the middle one unmapped again, leave a hole inside a range whose ends
 * are mapped.  Refused.
 */
static void dmio_align_vm_hole(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *va[3] = {};
	int try, i;
	bool found = false;

	KUNIT_ASSERT_NOT_NULL(test, page);
	for (try = 0; try < 8 && !found; try++) {
		for (i = 0; i < 3; i++)
			va[i] = vm_map_ram(&page, 1, NUMA_NO_NODE);
		found = va[0] && va[1] == va[0] + PAGE_SIZE &&
			va[2] == va[1] + PAGE_SIZE;
		for (i = 0; i < 3 && !found; i++)
			if (va[i])
				vm_unmap_ram(va[i], 1);
	}
	if (found) {
		vm_unmap_ram(va[1], 1);
		dmio_vm_refused(test, va[0], 3, "a hole between two blocks");
		vm_unmap_ram(va[0], 1);
		vm_unmap_ram(va[2], 1);
	}
	__free_page(page);
	if (!found)
		kunit_skip(test, "no three adjacent vm_map_ram() blocks");
}

/*
 * A WRITE of @buf to @where on a cleared recorder, with dm-io merging pages
 * as it does on this kernel (@merge) or merging none (dmio_page_stride 0).
 * *@merged: whether this write merged pages (@merge, on a kernel where
 * dm-io merges them).
 */
static int dmio_write_merging(struct kunit *test, const struct dmio_buf *buf,
			      const struct io_region *where, bool merge,
			      bool *merged)
{
	unsigned long stride = dmio_set_page_stride(0);
	unsigned long bits;
	int r;

	dmio_rec_clear(test->priv);
	dmio_set_page_stride(merge ? stride : 0);
	r = dmio_run(test, false, buf, 1, where, REQ_OP_WRITE, &bits);
	dmio_set_page_stride(stride);
	*merged = merge && stride;
	return r;
}

/*
 * Where dm-io does not merge pages (dmio_page_stride 0: Xen, a memory map
 * that is not linear, KMSAN), a bio_vec entry that spans two pages is
 * split into one vector per page; 130 such entries (260 pages) need two
 * bios.  With merging, the entry is one vector.
 */
static void dmio_align_merge_split(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct dmio_buf *buf = dmio_bvec_buf(test, 1, 0, SZ_8K, 129, SZ_8K);
	sector_t count = (130 * SZ_8K) >> SECTOR_SHIFT;
	unsigned int i, n, pages = 0, bios = 0;
	struct io_region where;
	u32 seed = dmio_seed();
	bool merged;
	int r;

	KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, 2 * count, BIO_MAX_VECS), 0);
	dmio_buf_fill(buf, seed);
	dmio_region(&where, rec->bdev, 0, DMIO_PAGE_SECTORS * 2);

	/* one entry of two pages: one vector, or two without merging */
	for (i = 0; i < 2; i++) {
		r = dmio_write_merging(test, buf, &where, !i, &merged);
		KUNIT_EXPECT_EQ(test, r, 0);
		KUNIT_ASSERT_EQ(test, dmio_rec_nr(rec), 1U);
		KUNIT_EXPECT_EQ_MSG(test, rec->log[0].segs, merged ? 1U : 2U,
				    "merging %d", merged);
	}

	dmio_region(&where, rec->bdev, 0, count);
	r = dmio_write_merging(test, buf, &where, false, &merged);
	KUNIT_ASSERT_EQ(test, r, 0);
	n = min_t(unsigned int, dmio_rec_nr(rec), DMIO_REC_LOG);
	for (i = 0; i < n; i++) {
		const struct dmio_rec_bio *b = &rec->log[i];

		KUNIT_EXPECT_EQ_MSG(test, b->segs, b->size / PAGE_SIZE,
				    "bio %u: one vector per page", i);
		pages += b->segs;
		bios++;
	}
	KUNIT_EXPECT_EQ(test, pages, 260U);
	KUNIT_EXPECT_EQ(test, bios, 2U);
	KUNIT_EXPECT_TRUE(test, dmio_rec_check_cover(test, rec, 1, &where, NULL,
						     "260 pages"));
	KUNIT_EXPECT_TRUE(test,
			  dmio_rec_holds(test, rec, 0, count << SECTOR_SHIFT,
					 seed, "260 pages"));
}

/*
 * A bio_vec entry may be longer than the region, up to 4 GiB - 1: dm-io
 * uses only the bytes the region needs.  From offset 512 of an entry of
 * 4 GiB - 512 bytes (offset, length and page mask add up past 32 bits):
 * 8 KiB are one bio of three vectors without merging, and 1040 KiB two
 * bios, one cut at BIO_MAX_VECS and the next starting inside the entry
 * (256 + 6 vectors); with merging, one bio of one vector.  Each bio is
 * allocated for the vectors it holds (a bvec slab of up to four times as
 * many, or 16), not for the entry's million pages.
 */
static void dmio_align_long_entry(struct kunit *test)
{
	static const struct {
		unsigned int order, bytes, bios, segs;
	} c[] = {
		{ 2, SZ_8K, 1, 3 },
		{ 9, 260 * SZ_4K, 2, 262 },
	};
	struct dmio_rec *rec = test->priv;
	struct io_region where;
	unsigned int k, i, n, b, segs;
	bool merged;
	int r;

	for (k = 0; k < ARRAY_SIZE(c); k++) {
		struct dmio_buf *buf =
			dmio_bvec_buf(test, c[k].order, 512, c[k].bytes, 0, 0);
		sector_t count = c[k].bytes >> SECTOR_SHIFT;
		u32 seed = dmio_seed();

		KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, count, BIO_MAX_VECS),
				0);
		buf->bvec_mem[0].bv_len = U32_MAX - 511;
		dmio_buf_fill(buf, seed);
		dmio_region(&where, rec->bdev, 0, count);
		for (i = 0; i < 2; i++) {
			r = dmio_write_merging(test, buf, &where, !i, &merged);
			KUNIT_EXPECT_EQ_MSG(test, r, 0, "%u B, merging %d",
					    c[k].bytes, merged);
			n = dmio_rec_whole_blocks(test, rec, "long entry");
			KUNIT_ASSERT_EQ_MSG(test, n, merged ? 1U : c[k].bios,
					    "%u B, merging %d", c[k].bytes,
					    merged);
			for (b = 0, segs = 0; b < n; b++) {
				const struct dmio_rec_bio *l = &rec->log[b];
				unsigned int fit = max(16U, 4 * l->segs);

				KUNIT_EXPECT_LE_MSG(test, l->max_vecs, fit,
						    "%u B, merging %d, bio %u",
						    c[k].bytes, merged, b);
				segs += l->segs;
			}
			KUNIT_EXPECT_EQ_MSG(test, segs, merged ? 1U : c[k].segs,
					    "%u B, merging %d", c[k].bytes,
					    merged);
			KUNIT_EXPECT_TRUE(test, dmio_rec_holds(test, rec, 0,
							       c[k].bytes, seed,
							       "long entry"));
		}
	}
}

static struct kunit_case dmio_align_cases[] = {
	KUNIT_CASE(dmio_align_bvec_sub_block),
	KUNIT_CASE(dmio_align_offset_512),
	KUNIT_CASE(dmio_align_two_devices),
	KUNIT_CASE(dmio_align_misaligned),
	KUNIT_CASE(dmio_align_cut),
	KUNIT_CASE(dmio_align_vm_guard),
	KUNIT_CASE(dmio_align_vm_hole),
	KUNIT_CASE(dmio_align_merge_split),
	KUNIT_CASE(dmio_align_long_entry),
	{}
};

struct kunit_suite dmio_align_suite = {
	.name = "dm_io_align",
	.suite_init = dmio_rec4k_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_align_cases,
};
