// SPDX-License-Identifier: GPL-2.0
/*
 * Round trips: every buffer kind, sync and async, on RAM disks, the 4 KiB
 * null_blk device and the recorder; regions from 512 bytes to 24 MiB, split
 * into as many bios as the device's limits need.
 *
 * Every WRITE is checked on the device with raw reads (not through dm-io),
 * every READ lands in a buffer prefilled with DMIO_GUARD, and the bytes
 * around the data must stay untouched.
 */

#include <linux/kernel.h>
#include <linux/module.h>

#include "dm-io-test.h"

/*
 * Round trip of @count sectors at @sector of @bdev for buffers of @kind
 * whose data starts at @offset, sync and async (at @sector + 64).
 */
static void dmio_rw_both(struct kunit *test, struct block_device *bdev,
			 sector_t sector, sector_t count, enum dmio_kind kind,
			 unsigned int offset)
{
	size_t len = count << SECTOR_SHIFT;
	struct io_region where;
	unsigned int async;
	char what[32];

	for (async = 0; async < 2; async++) {
		struct dmio_buf *w = dmio_buf_new(test, kind, len, offset);
		struct dmio_buf *r = dmio_buf_new(test, kind, len, offset);

		snprintf(what, sizeof(what), "%s off %u %s",
			 dmio_kind_name[kind], offset, dmio_mode(async));
		dmio_region(&where, bdev, sector + 64 * async, count);
		dmio_round_trip(test, async, w, r, &where, what);
	}
}

/* Page lists with the data at offset 0, 512 and PAGE_SIZE - 512. */
static void dmio_rw_page_list(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);

	/* 12 KiB: up to four pages with the offset */
	dmio_rw_both(test, ram0, 2048, 24, DMIO_PL, 0);
	dmio_rw_both(test, ram0, 2048 + 128, 24, DMIO_PL, 512);
	dmio_rw_both(test, ram0, 2048 + 256, 24, DMIO_PL, PAGE_SIZE - 512);
}

/*
 * bio_vec arrays: a short first entry (at 0 or 512), a two-page entry, and
 * a last entry longer than needed (19 KiB of data).
 */
static void dmio_rw_bvec(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);

	dmio_rw_both(test, ram0, 4096, 38, DMIO_BVEC, 0);
	dmio_rw_both(test, ram0, 4096 + 128, 38, DMIO_BVEC, 512);
}

/* vmalloc buffers starting at a page boundary and 512 bytes into a page. */
static void dmio_rw_vm(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);

	dmio_rw_both(test, ram0, 6144, 40, DMIO_VM, 0);
	dmio_rw_both(test, ram0, 6144 + 128, 40, DMIO_VM, 512);
}

/*
 * A READ into a buffer longer than the region fills only the region's
 * bytes; a WRITE from it sends only the region's bytes.
 */
static void dmio_rw_buffer_longer(struct kunit *test)
{
	struct block_device *ram1 = dmio_open(test, DMIO_DEV_RAM1);
	struct io_region where;
	enum dmio_kind kind;
	char what[32];

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *w = dmio_buf_new(test, kind, 32768, 512);
		struct dmio_buf *r = dmio_buf_new(test, kind, 32768, 512);
		sector_t end;

		snprintf(what, sizeof(what), "%s longer", dmio_kind_name[kind]);
		dmio_region(&where, ram1, 1024 + 128 * kind, 24);
		/* the sectors after the region must stay as they are */
		end = where.sector + where.count;
		KUNIT_ASSERT_EQ(test, dmio_dev_memset(ram1, end, 8, 0x11), 0);
		dmio_round_trip(test, kind == DMIO_BVEC, w, r, &where, what);
		dmio_dev_check_byte(test, ram1, end, 8, 0x11, what);
	}
}

/*
 * A circular page list (kcopyd's zero page list is one) ends by count:
 * one page, linked to itself, written to 63 sectors, starting 512 bytes
 * into it the first time round.
 */
static void dmio_rw_circular_page_list(struct kunit *test)
{
	struct block_device *ram1 = dmio_open(test, DMIO_DEV_RAM1);
	struct dmio_buf *buf = dmio_buf_new(test, DMIO_PL, PAGE_SIZE, 0);
	u32 seed = dmio_seed();
	struct io_region where;
	unsigned long bits;
	sector_t s;
	int r;

	buf->mem.pl->next = buf->mem.pl;
	dmio_buf_fill(buf, seed);
	buf->mem.offset = 512;
	dmio_region(&where, ram1, 8192, DMIO_PAGE_SECTORS * 8 - 1);
	KUNIT_ASSERT_EQ(test, dmio_dev_memset(ram1, 8192, 64, 0), 0);

	r = dmio_run(test, false, buf, 1, &where, REQ_OP_WRITE, &bits);
	KUNIT_ASSERT_EQ(test, r, 0);
	dmio_dev_check(test, ram1, 8192, DMIO_PAGE_SECTORS - 1, seed, 512,
		       "first page");
	for (s = DMIO_PAGE_SECTORS - 1; s < where.count; s += DMIO_PAGE_SECTORS)
		if (!dmio_dev_check(test, ram1, 8192 + s, DMIO_PAGE_SECTORS,
				    seed, 0, "later pages"))
			break;
	/* the sector after the region was not written */
	dmio_dev_check_byte(test, ram1, 8192 + where.count, 1, 0, "after");
}

/*
 * /dev/dmio_nb4k has 4096-byte logical blocks: aligned regions and
 * buffers work for every kind.
 */
static void dmio_rw_4k_device(struct kunit *test)
{
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	enum dmio_kind kind;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++)
		dmio_rw_both(test, nb4k, 1024 + 128 * kind, 40, kind, 0);
}

/* A region that ends exactly at the end of its device is fine. */
static void dmio_rw_device_end(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	sector_t ram0_end = bdev_nr_sectors(ram0);
	sector_t nb4k_end = bdev_nr_sectors(nb4k);
	struct io_region where;
	enum dmio_kind kind;
	char what[32];

	KUNIT_ASSERT_EQ(test, ram0_end, (sector_t)DMIO_RAM_SECTORS);
	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 8192, 0);
		const char *name = dmio_kind_name[kind];

		snprintf(what, sizeof(what), "ram0 end %s", name);
		dmio_region(&where, ram0, ram0_end - 16, 16);
		dmio_round_trip(test, kind == DMIO_VM, b, b, &where, what);

		snprintf(what, sizeof(what), "nb4k end %s", name);
		dmio_region(&where, nb4k, nb4k_end - 16, 16);
		dmio_round_trip(test, kind != DMIO_VM, b, b, &where, what);
	}
}

/* Every flag the API allows is accepted and the data still arrives. */
static void dmio_rw_allowed_flags(struct kunit *test)
{
	static const blk_opf_t flags[] = {
		REQ_OP_WRITE | REQ_SYNC,
		REQ_OP_WRITE | REQ_META | REQ_PRIO,
		REQ_OP_WRITE | REQ_IDLE | REQ_NOMERGE | REQ_BACKGROUND,
		REQ_OP_WRITE | REQ_FAILFAST_DEV | REQ_FAILFAST_TRANSPORT |
			REQ_FAILFAST_DRIVER,
		REQ_OP_WRITE | REQ_FUA,
		REQ_OP_WRITE | REQ_PREFLUSH,
		REQ_OP_WRITE | REQ_SYNC | REQ_FUA | REQ_PREFLUSH,
		REQ_OP_READ | REQ_SYNC | REQ_META | REQ_PRIO,
		REQ_OP_READ | REQ_RAHEAD | REQ_FAILFAST_DEV,
	};
	struct block_device *ram2 = dmio_open(test, DMIO_DEV_RAM2);
	struct dmio_buf *buf = dmio_buf_new(test, DMIO_PL, 4096, 0);
	struct io_region where;
	unsigned long bits;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		u32 seed = dmio_seed();
		bool write = (flags[i] & REQ_OP_MASK) == REQ_OP_WRITE;
		int r;

		dmio_region(&where, ram2, 512 + 8 * i, 8);
		if (write) {
			dmio_buf_fill(buf, seed);
		} else {
			r = dmio_dev_pattern(ram2, where.sector, 8, seed, 0);
			KUNIT_ASSERT_EQ(test, r, 0);
			dmio_buf_memset(buf, DMIO_GUARD);
		}
		r = dmio_run(test, i & 1, buf, 1, &where, flags[i], &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "flags %#x",
				    (__force u32)flags[i]);
		if (write)
			dmio_dev_check(test, ram2, where.sector, 8, seed, 0,
				       "written");
		else
			dmio_buf_check(test, buf, seed, 4096, "read");
	}
}

static struct kunit_case dmio_rw_cases[] = {
	KUNIT_CASE(dmio_rw_page_list),
	KUNIT_CASE(dmio_rw_bvec),
	KUNIT_CASE(dmio_rw_vm),
	KUNIT_CASE(dmio_rw_buffer_longer),
	KUNIT_CASE(dmio_rw_circular_page_list),
	KUNIT_CASE(dmio_rw_4k_device),
	KUNIT_CASE(dmio_rw_device_end),
	KUNIT_CASE(dmio_rw_allowed_flags),
	{}
};

struct kunit_suite dmio_rw_suite = {
	.name = "dm_io_rw",
	.suite_init = dmio_counting_suite_init,
	.suite_exit = dmio_counting_suite_exit,
	.test_cases = dmio_rw_cases,
};

/* ---- dm_io_large: region sizes and splitting ---- */

/* 512 B, 4 KiB and 1 MiB round trips on /dev/ram0, every kind and mode. */
static void dmio_large_sizes(struct kunit *test)
{
	static const sector_t counts[] = { 1, 8, 2048 };
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct io_region where;
	unsigned int i, v;
	char what[32];

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		size_t len = counts[i] << SECTOR_SHIFT;

		/* after the 24 MiB of dmio_large_24mib */
		dmio_region(&where, ram0, 57344 + 2560 * i, counts[i]);
		for (v = 0; v < DMIO_NR_VARIANTS; v++) {
			enum dmio_kind kind = dmio_variant_kind(v);
			bool async = dmio_variant_async(v);
			struct dmio_buf *b;

			b = dmio_buf_new(test, kind, len,
					 kind == DMIO_PL ? 512 : 0);
			snprintf(what, sizeof(what), "%zu B %s %s", len,
				 dmio_kind_name[kind], dmio_mode(async));
			if (!dmio_round_trip(test, async, b, b, &where, what))
				return;
		}
	}
}

/* 24 MiB in one region on /dev/ram0, once per kind. */
static void dmio_large_24mib(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	const sector_t count = (24 << 20) >> SECTOR_SHIFT;
	struct io_region where;
	enum dmio_kind kind;
	char what[32];

	dmio_region(&where, ram0, 8192, count);
	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 24 << 20, 0);

		snprintf(what, sizeof(what), "24 MiB %s", dmio_kind_name[kind]);
		if (!dmio_round_trip(test, kind == DMIO_BVEC, b, b, &where,
				     what))
			return;
	}
}

/*
 * /dev/dmio_nbsmall takes at most 8 sectors per bio.  dm-io, like the
 * kernel's dm_io(), hands over bios of up to BIO_MAX_VECS segments and
 * leaves the cutting to the block layer: 1 MiB of whole pages is one bio
 * (dm-io's own bio counter), fewer than the 256 the device limit makes in
 * any case, and it round-trips.
 */
static void dmio_expect_whole_bios(struct kunit *test, enum dmio_kind kind,
				   u64 bios, const char *name)
{
	if (kind == DMIO_BVEC) /* entries of any length, as the buffer has */
		KUNIT_EXPECT_LT_MSG(test, bios, 256ULL, "%s bios", name);
	else /* 256 pages from offset 0 */
		KUNIT_EXPECT_EQ_MSG(test, bios, 1ULL, "%s bios", name);
}

static void dmio_large_nbsmall_split(struct kunit *test)
{
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct io_region where;
	enum dmio_kind kind;
	unsigned long bits;
	u64 bios;
	int r;

	KUNIT_ASSERT_LE(test, queue_max_sectors(bdev_get_queue(nb)), 8U);
	dmio_region(&where, nb, 16384, 2048);
	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 1 << 20, 0);
		const char *name = dmio_kind_name[kind];
		u32 seed = dmio_seed();

		dmio_buf_fill(b, seed);
		bios = dmio_bios_submitted();
		r = dmio_run(test, kind != DMIO_BVEC, b, 1, &where,
			     REQ_OP_WRITE, &bits);
		bios = dmio_bios_submitted() - bios;
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s write", name);
		dmio_expect_whole_bios(test, kind, bios, name);
		if (!dmio_dev_check(test, nb, where.sector, where.count, seed,
				    0, name))
			return;

		dmio_buf_memset(b, DMIO_GUARD);
		bios = dmio_bios_submitted();
		r = dmio_run(test, kind == DMIO_BVEC, b, 1, &where, REQ_OP_READ,
			     &bits);
		bios = dmio_bios_submitted() - bios;
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s read", name);
		dmio_expect_whole_bios(test, kind, bios, name);
		if (!dmio_buf_check(test, b, seed, b->len, name))
			return;
	}
}

static bool dmio_store_check(struct kunit *test, struct dmio_rec *rec,
			     sector_t sector, sector_t count, u32 seed,
			     const char *what)
{
	size_t len = count << SECTOR_SHIFT;
	size_t bad = dmio_pattern_cmp(rec->store + (sector << SECTOR_SHIFT),
				      len, seed, 0);

	if (bad < len)
		KUNIT_FAIL(test, "%s: recorder sector %llu wrong", what,
			   (u64)(sector + (bad >> SECTOR_SHIFT)));
	return bad == len;
}

/*
 * Writes @where from every kind of buffer (and reads it back if it is one
 * region), checks that the recorder's bios cover each of its regions
 * exactly within the queue limits and that every region holds the data.
 * Returns the fewest bios any one pass used for region @k.
 */
static unsigned int dmio_rec_round_trips(struct kunit *test,
					 struct dmio_rec *rec, unsigned int nr,
					 const struct io_region *where,
					 unsigned int k)
{
	unsigned int *bios = dmio_alloc(test, nr * sizeof(*bios));
	unsigned int v, fewest = UINT_MAX, i;
	size_t len = 0;
	char what[32];

	for (i = 0; i < nr; i++)
		len = max_t(size_t, len, where[i].count << SECTOR_SHIFT);

	/* pl at 0, pl at 512, bvec (two-page entry), vm */
	for (v = 0; v < 4; v++) {
		enum dmio_kind kind = v < 2 ? DMIO_PL : v - 1;
		const char *name = dmio_kind_name[kind];
		struct dmio_buf *b;
		u32 seed = dmio_seed();
		unsigned long bits;
		int r;

		b = dmio_buf_new(test, kind, len, v == 1 ? 512 : 0);
		snprintf(what, sizeof(what), "%s %u write", name, v);
		dmio_buf_fill(b, seed);
		dmio_rec_clear(rec);
		r = dmio_run(test, v & 1, b, nr, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		if (!dmio_rec_check_cover(test, rec, nr, where, bios, what))
			return 0;
		fewest = min(fewest, bios[k]);
		for (i = 0; i < nr; i++) {
			const struct io_region *w = &where[i];
			bool ok;

			if (w->bdev == rec->bdev)
				ok = dmio_store_check(test, rec, w->sector,
						      w->count, seed, what);
			else
				ok = dmio_dev_check(test, w->bdev, w->sector,
						    w->count, seed, 0, what);
			if (!ok)
				return 0;
		}

		if (nr > 1)
			continue;
		snprintf(what, sizeof(what), "%s %u read", name, v);
		dmio_buf_memset(b, DMIO_GUARD);
		dmio_rec_clear(rec);
		r = dmio_run(test, !(v & 1), b, 1, where, REQ_OP_READ, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s", what);
		if (!dmio_rec_check_cover(test, rec, nr, where, bios, what) ||
		    !dmio_buf_check(test, b, seed, len, what) ||
		    !dmio_buf_check_guards(test, b, what))
			return 0;
		fewest = min(fewest, bios[k]);
	}
	return fewest;
}

/*
 * Recorder with max_hw_sectors = 8: a 1 MiB region arrives as at least 256
 * bios, none above the limit, covering the region exactly once.
 */
static void dmio_large_rec_max_sectors(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region where;

	KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, 8, BLK_MAX_SEGMENTS), 0);
	dmio_region(&where, rec->bdev, 2048, 2048);
	KUNIT_EXPECT_GE(test, dmio_rec_round_trips(test, rec, 1, &where, 0),
			256U);
}

/*
 * Recorder with max_segments = 4 (and room for 1 MiB per bio): the split
 * gives pieces of at most 4 segments of at most 64 KiB (the default
 * max_segment_size), so 1 MiB arrives as at least 4, and round-trips.
 */
static void dmio_large_rec_max_segments(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region where;

	KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, 2048, 4), 0);
	dmio_region(&where, rec->bdev, 4096, 2048);
	KUNIT_EXPECT_GE(test, dmio_rec_round_trips(test, rec, 1, &where, 0),
			4U);
}

/*
 * Regions of different sizes in one WRITE (three on the recorder, one on
 * ram0) are each split on their own and covered exactly.
 */
static void dmio_large_rec_regions(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct io_region *where = dmio_regions(test, 4);

	KUNIT_ASSERT_EQ(test, dmio_rec_limits(rec, 16, BLK_MAX_SEGMENTS), 0);
	dmio_region(&where[0], rec->bdev, 8192, 8);
	dmio_region(&where[1], ram0, 1024, 1000);
	dmio_region(&where[2], rec->bdev, 10240, 2048);
	dmio_region(&where[3], rec->bdev, 1024, 1000);
	/* 1000 sectors in bios of at most 16: at least 63 */
	KUNIT_EXPECT_GE(test, dmio_rec_round_trips(test, rec, 4, where, 3),
			63U);
}

static struct kunit_case dmio_large_cases[] = {
	KUNIT_CASE(dmio_large_sizes),
	KUNIT_CASE(dmio_large_24mib),
	KUNIT_CASE(dmio_large_nbsmall_split),
	KUNIT_CASE(dmio_large_rec_max_sectors),
	KUNIT_CASE(dmio_large_rec_max_segments),
	KUNIT_CASE(dmio_large_rec_regions),
	{}
};

struct kunit_suite dmio_large_suite = {
	.name = "dm_io_large",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_large_cases,
};
