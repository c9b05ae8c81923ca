// SPDX-License-Identifier: GPL-2.0
/*
 * Errors: bit k of the result is set exactly when region k failed, for
 * every k up to DM_IO_MAX_REGIONS - 1, sync and async, and a failed READ
 * never hands back stale data (the failed part reads as zeros).
 *
 * /dev/mapper/dmio_err fails every bio; /dev/mapper/dmio_mixed fails only
 * sectors [4096, 4104) and maps the rest to the same sectors of /dev/ram3;
 * the recorder fails exactly the bios a case chooses.
 */

#include <linux/kernel.h>
#include <linux/module.h>

#include "dm-io-test.h"

/*
 * DM_IO_MAX_REGIONS regions of 8 sectors on ram0..ram3, except those in
 * @fail, which are on dmio_err.
 */
static void dmio_err_regions(struct io_region *where, unsigned int nr,
			     struct block_device **ram,
			     struct block_device *err, unsigned long fail)
{
	unsigned int k;

	for (k = 0; k < nr; k++) {
		if (fail & BIT(k))
			dmio_region(&where[k], err, 8 * k, 8);
		else
			dmio_region(&where[k], ram[k % DMIO_NR_RAM],
				    24576 + 16 * (k / DMIO_NR_RAM), 8);
	}
}

/*
 * One WRITE of @nr regions where those in @fail are on dmio_err, with each
 * kind of buffer, sync, sync without error_bits, and async: the result is
 * exactly @fail and every other region has the data.
 */
static void dmio_err_expect_bits(struct kunit *test, unsigned int nr,
				 unsigned long fail)
{
	struct io_region *where = dmio_regions(test, nr);
	struct block_device *err = dmio_open(test, DMIO_DEV_ERR);
	struct block_device *ram[DMIO_NR_RAM];
	struct dmio_buf *b = NULL;
	unsigned int v, k;
	char what[40];

	dmio_open_rams(test, ram);
	dmio_err_regions(where, nr, ram, err, fail);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		u32 seed = dmio_seed();
		unsigned long bits;
		int r;

		if (!async)
			b = dmio_buf_new(test, kind, 4096, 0);
		snprintf(what, sizeof(what), "%s %s fail %#lx",
			 dmio_kind_name[kind], dmio_mode(async), fail);
		dmio_buf_fill(b, seed);
		r = dmio_run(test, async, b, nr, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, fail ? -EIO : 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, fail, "%s", what);
		if (bits != fail)
			return;
		for (k = 0; k < nr; k++)
			if (!(fail & BIT(k)) &&
			    !dmio_dev_check(test, where[k].bdev,
					    where[k].sector, 8, seed, 0, what))
				return;

		/* error_bits may be NULL */
		if (!async)
			KUNIT_EXPECT_EQ_MSG(test,
					    dmio_call_sync(b, nr, where,
							   REQ_OP_WRITE, NULL),
					    fail ? -EIO : 0, "%s NULL bits",
					    dmio_kind_name[kind]);
	}
}

static const unsigned int dmio_err_bit_params[] = { 0, 1, 31, 32, 63 };

static void dmio_err_bit_desc(const unsigned int *k, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "region %u fails", *k);
}

KUNIT_ARRAY_PARAM(dmio_err_bit, dmio_err_bit_params, dmio_err_bit_desc);

/*
 * DM_IO_MAX_REGIONS regions, only region k on dmio_err: the result is
 * exactly BIT(k) (no truncation through int, no wrong region index).
 */
static void dmio_err_one_region(struct kunit *test)
{
	unsigned int k = *(const unsigned int *)test->param_value;

	if (k >= DM_IO_MAX_REGIONS)
		kunit_skip(test, "BITS_PER_LONG is %d", BITS_PER_LONG);
	dmio_err_expect_bits(test, DM_IO_MAX_REGIONS, 1UL << k);
}

/* Several failing regions at once give exactly their bits. */
static void dmio_err_several_regions(struct kunit *test)
{
	dmio_err_expect_bits(test, DM_IO_MAX_REGIONS,
			     BIT(0) | BIT(2) | BIT(DM_IO_MAX_REGIONS / 2 - 1) |
				     BIT(DM_IO_MAX_REGIONS / 2) |
				     BIT(DM_IO_MAX_REGIONS - 2) |
				     BIT(DM_IO_MAX_REGIONS - 1));
	dmio_err_expect_bits(test, DM_IO_MAX_REGIONS,
			     BIT(DM_IO_MAX_REGIONS - 24));
	dmio_err_expect_bits(test, 3, BIT(2));
	dmio_err_expect_bits(test, 5, 0);
}

/* Every region failing sets every bit. */
static void dmio_err_all_regions(struct kunit *test)
{
	dmio_err_expect_bits(test, DM_IO_MAX_REGIONS, ~0UL);
	dmio_err_expect_bits(test, 1, BIT(0));
}

/*
 * A READ of dmio_err into a buffer full of DMIO_GUARD: -EIO, bit 0, and
 * the whole region reads as zeros (bytes outside it untouched).
 */
static void dmio_err_read_zero_fill(struct kunit *test)
{
	struct block_device *err = dmio_open(test, DMIO_DEV_ERR);
	const size_t len = 24 * 512;
	struct io_region where;
	unsigned int v;
	char what[24];

	dmio_region(&where, err, 800, 24);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		struct dmio_buf *b = dmio_buf_new(test, kind, len + 4096, 512);
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "%s %s", dmio_kind_name[kind],
			 dmio_mode(async));
		dmio_buf_memset(b, DMIO_GUARD);
		r = dmio_run(test, async, b, 1, &where, REQ_OP_READ, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, -EIO, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, 1UL, "%s", what);
		dmio_buf_check_byte(test, b, 0, 0, len, what);
		dmio_buf_check_byte(test, b, DMIO_GUARD, len, 4096, what);
		dmio_buf_check_guards(test, b, what);
	}
}

/*
 * Checks that each sector of @b (read from device sector @lo on) holds
 * either the data of pattern @seed at offset sector * 512, or zeros, and
 * that the sectors in [@bad_lo, @bad_hi) are zeros.
 */
static void dmio_expect_data_or_zero(struct kunit *test,
				     const struct dmio_buf *b, sector_t lo,
				     u32 seed, sector_t bad_lo, sector_t bad_hi,
				     const char *what)
{
	struct dmio_cursor c;
	sector_t s;
	u8 *p;

	dmio_cursor_init(&c, b);
	for (s = lo; (p = dmio_cursor_next(&c)); s++) {
		bool zero = !memchr_inv(p, 0, SECTOR_SIZE);
		bool bad = s >= bad_lo && s < bad_hi;

		if (zero || (!bad && dmio_pattern_cmp(p, SECTOR_SIZE, seed,
						      s << SECTOR_SHIFT) ==
					     SECTOR_SIZE))
			continue;
		KUNIT_FAIL(test, "%s: sector %llu is %s", what, (u64)s,
			   bad ? "not zero" : "neither data nor zero");
		return;
	}
}

/*
 * A READ of dmio_mixed across its bad sectors: bit 0 set; every sector of
 * the buffer holds either the data of ram3 or zeros (never stale bytes),
 * and the bad sectors read as zeros.
 */
static void dmio_err_read_mixed(struct kunit *test)
{
	const sector_t lo = DMIO_MIXED_BAD_LO - 24, count = 48;
	struct block_device *mixed = dmio_open(test, DMIO_DEV_MIXED);
	struct block_device *ram3 = dmio_open(test, DMIO_DEV_RAM3);
	struct io_region where;
	unsigned int v;
	char what[24];

	dmio_region(&where, mixed, lo, count);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		u32 seed = dmio_seed();
		struct dmio_buf *b;
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "%s %s", dmio_kind_name[kind],
			 dmio_mode(async));
		b = dmio_buf_new(test, kind, count * 512,
				 kind == DMIO_VM ? 0 : 512);
		/* ram3 sector s holds pattern @seed at offset s * 512 */
		r = dmio_dev_pattern(ram3, lo - 8, count + 16, seed,
				     (lo - 8) << SECTOR_SHIFT);
		KUNIT_ASSERT_EQ(test, r, 0);
		dmio_buf_memset(b, DMIO_GUARD);
		r = dmio_run(test, async, b, 1, &where, REQ_OP_READ, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, -EIO, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, 1UL, "%s", what);
		dmio_expect_data_or_zero(test, b, lo, seed, DMIO_MIXED_BAD_LO,
					 DMIO_MIXED_BAD_HI, what);
		dmio_buf_check_guards(test, b, what);
	}
}

/*
 * A WRITE where one region is partly on dmio_mixed's bad sectors: only
 * that region's bit; a region on the good part of the same device and one
 * on ram0 are written.
 */
static void dmio_err_write_partial(struct kunit *test)
{
	struct block_device *mixed = dmio_open(test, DMIO_DEV_MIXED);
	struct block_device *ram3 = dmio_open(test, DMIO_DEV_RAM3);
	struct io_region *where = dmio_regions(test, 3);
	unsigned int async;

	dmio_region(&where[0], dmio_open(test, DMIO_DEV_RAM0), 49152, 200);
	dmio_region(&where[1], mixed, DMIO_MIXED_BAD_LO - 96, 200);
	dmio_region(&where[2], mixed, 100, 200);
	for (async = 0; async < 2; async++) {
		enum dmio_kind kind = async ? DMIO_VM : DMIO_PL;
		struct dmio_buf *b = dmio_buf_new(test, kind, 200 * 512, 0);
		u32 seed = dmio_seed();
		unsigned long bits;
		int r;

		dmio_buf_fill(b, seed);
		r = dmio_run(test, async, b, 3, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ(test, r, -EIO);
		KUNIT_EXPECT_EQ(test, bits, BIT(1));
		dmio_dev_check(test, where[0].bdev, 49152, 200, seed, 0,
			       "ram0");
		dmio_dev_check(test, ram3, 100, 200, seed, 0, "mixed, good");
	}
}

/* error_bits may be NULL, on success and on failure. */
static void dmio_err_null_error_bits(struct kunit *test)
{
	struct block_device *err = dmio_open(test, DMIO_DEV_ERR);
	struct block_device *ram1 = dmio_open(test, DMIO_DEV_RAM1);
	struct io_region where;
	enum dmio_kind kind;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		struct dmio_buf *b = dmio_buf_new(test, kind, 4096, 0);
		u32 seed = dmio_seed();

		dmio_buf_fill(b, seed);
		dmio_region(&where, ram1, 30000 + 8 * kind, 8);
		KUNIT_EXPECT_EQ(test,
				dmio_call_sync(b, 1, &where, REQ_OP_WRITE,
					       NULL),
				0);
		dmio_dev_check(test, ram1, where.sector, 8, seed, 0, "ram1");
		KUNIT_EXPECT_EQ(test,
				dmio_call_sync(b, 1, &where, REQ_OP_READ, NULL),
				0);
		dmio_region(&where, err, 0, 8);
		KUNIT_EXPECT_EQ(test,
				dmio_call_sync(b, 1, &where, REQ_OP_WRITE,
					       NULL),
				-EIO);
		KUNIT_EXPECT_EQ(test,
				dmio_call_sync(b, 1, &where, REQ_OP_READ, NULL),
				-EIO);
	}
}

/*
 * The recorder fails the READ pieces touching sectors [40, 48) of a 128
 * sector region and leaves junk in their pages: the bytes of the failed
 * pieces read as zeros, every other sector is the data or zeros (dm-io
 * zero-fills the whole bio the failed piece was cut from), never junk.
 */
static void dmio_err_rec_read_exact(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region where;
	unsigned int v;
	char what[24];

	dmio_region(&where, rec->bdev, 0, 128);
	dmio_rec_fail(rec, false, 40, 48);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		unsigned int i, n, nr_failed = 0;
		struct dmio_buf *b;
		struct dmio_cursor c;
		u32 seed = dmio_seed();
		u8 failed[128] = {};
		unsigned long bits;
		sector_t s;
		u8 *p;
		int r;

		snprintf(what, sizeof(what), "%s %s", dmio_kind_name[kind],
			 dmio_mode(async));
		b = dmio_buf_new(test, kind, 128 * 512,
				 kind == DMIO_VM ? 0 : 512);
		dmio_pattern(rec->store, 128 * 512, seed, 0);
		dmio_rec_clear(rec);
		dmio_buf_memset(b, DMIO_GUARD);
		r = dmio_run(test, async, b, 1, &where, REQ_OP_READ, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, -EIO, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, 1UL, "%s", what);

		/* the sectors of the bios the recorder failed */
		n = min_t(unsigned int, dmio_rec_nr(rec), DMIO_REC_LOG);
		for (i = 0; i < n; i++) {
			const struct dmio_rec_bio *rb = &rec->log[i];
			sector_t end = rb->sector + (rb->size >> SECTOR_SHIFT);

			if (!rb->failed)
				continue;
			nr_failed++;
			for (s = rb->sector; s < end && s < 128; s++)
				failed[s] = 1;
		}
		KUNIT_EXPECT_GE_MSG(test, nr_failed, 1U, "%s", what);
		KUNIT_EXPECT_LT_MSG(test, nr_failed, n, "%s", what);

		dmio_cursor_init(&c, b);
		for (s = 0; (p = dmio_cursor_next(&c)); s++) {
			if (!memchr_inv(p, 0, SECTOR_SIZE) ||
			    (!failed[s] &&
			     dmio_pattern_cmp(p, SECTOR_SIZE, seed,
					      s << SECTOR_SHIFT) ==
				     SECTOR_SIZE))
				continue;
			KUNIT_FAIL(test, "%s: sector %llu: %s", what, (u64)s,
				   failed[s] ? "failed, not zero" : "wrong");
			break;
		}
		dmio_buf_check_guards(test, b, what);
	}
}

/*
 * Three regions on the recorder, a bio in the middle of region 2 fails:
 * the result is exactly BIT(2) and regions 0 and 1 are written.
 */
static void dmio_err_rec_write_bits(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	unsigned int async;

	dmio_region(&where[0], rec->bdev, 0, 64);
	dmio_region(&where[1], rec->bdev, 1024, 64);
	dmio_region(&where[2], rec->bdev, 2048, 64);
	dmio_rec_fail(rec, false, 2048 + 30, 2048 + 31);
	for (async = 0; async < 2; async++) {
		struct dmio_buf *b = dmio_buf_new(test, DMIO_BVEC, 32768, 512);
		u32 seed = dmio_seed();
		unsigned long bits;
		unsigned int k;
		int r;

		dmio_buf_fill(b, seed);
		r = dmio_run(test, async, b, 3, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ(test, r, -EIO);
		KUNIT_EXPECT_EQ(test, bits, BIT(2));
		for (k = 0; k < 2; k++) {
			size_t off = where[k].sector << SECTOR_SHIFT;
			size_t good = dmio_pattern_cmp(rec->store + off, 32768,
						       seed, 0);

			KUNIT_EXPECT_EQ_MSG(test, good, (size_t)32768,
					    "region %u", k);
		}
	}
}

static struct kunit_case dmio_errors_cases[] = {
	KUNIT_CASE_PARAM(dmio_err_one_region, dmio_err_bit_gen_params),
	KUNIT_CASE(dmio_err_several_regions),
	KUNIT_CASE(dmio_err_all_regions),
	KUNIT_CASE(dmio_err_read_zero_fill),
	KUNIT_CASE(dmio_err_read_mixed),
	KUNIT_CASE(dmio_err_write_partial),
	KUNIT_CASE(dmio_err_null_error_bits),
	KUNIT_CASE(dmio_err_rec_read_exact),
	KUNIT_CASE(dmio_err_rec_write_bits),
	{}
};

struct kunit_suite dmio_errors_suite = {
	.name = "dm_io_errors",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_rec_test_exit,
	.test_cases = dmio_errors_cases,
};
