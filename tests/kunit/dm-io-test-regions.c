// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-region WRITEs: one buffer to 1..DM_IO_MAX_REGIONS regions on the
 * four RAM disks.  Every region gets the same bytes; a region shorter than
 * the longest gets the prefix of the buffer, and the sectors after its end
 * stay as they were.
 */

#include <linux/kernel.h>
#include <linux/module.h>

#include "dm-io-test.h"

/*
 * Region @k of a spread over ram0..ram3 at different offsets: regions on
 * the same disk are @stride sectors apart, shifted by 0, 8 or 16 sectors.
 */
static void dmio_spread(struct io_region *r, struct block_device **ram,
			unsigned int k, sector_t base, sector_t stride,
			sector_t count)
{
	dmio_region(r, ram[k % DMIO_NR_RAM],
		    base + stride * (k / DMIO_NR_RAM) + 8 * (k % 3), count);
}

/*
 * WRITE to n = 1..64 regions, cycling through the buffer kinds and sync/
 * async: every region holds the new data afterwards.
 */
static void dmio_regions_1_to_max(struct kunit *test)
{
	struct block_device *ram[DMIO_NR_RAM];
	struct io_region *where = dmio_regions(test, DM_IO_MAX_REGIONS);
	struct dmio_buf *buf[DMIO_NR_KINDS];
	unsigned int n, k;
	enum dmio_kind kind;
	char what[32];

	dmio_open_rams(test, ram);
	for (kind = 0; kind < DMIO_NR_KINDS; kind++)
		buf[kind] = dmio_buf_new(test, kind, 8192, 0);

	for (n = 1; n <= DM_IO_MAX_REGIONS; n++) {
		bool async = (n / DMIO_NR_KINDS) & 1;
		u32 seed = dmio_seed();
		unsigned long bits;
		int r;

		kind = n % DMIO_NR_KINDS;
		for (k = 0; k < n; k++)
			dmio_spread(&where[k], ram, k, 16384, 32, 16);
		dmio_buf_fill(buf[kind], seed);
		r = dmio_run(test, async, buf[kind], n, where, REQ_OP_WRITE,
			     &bits);
		KUNIT_ASSERT_EQ_MSG(test, r, 0, "%u regions %s %s", n,
				    dmio_kind_name[kind], dmio_mode(async));
		for (k = 0; k < n; k++) {
			snprintf(what, sizeof(what), "n %u region %u", n, k);
			if (!dmio_dev_check(test, where[k].bdev,
					    where[k].sector, 16, seed, 0, what))
				return;
		}
	}
}

/*
 * Regions of different lengths (one of them 0) take the prefix of the
 * buffer; the sectors after each region's end are untouched.
 */
static void dmio_regions_prefix(struct kunit *test)
{
	static const sector_t counts[] = { 64, 8, 0, 16, 40, 64, 1, 24, 63 };
	const unsigned int nr = ARRAY_SIZE(counts);
	struct io_region *where = dmio_regions(test, nr);
	struct block_device *ram[DMIO_NR_RAM];
	unsigned int v, k;
	char what[32];

	dmio_open_rams(test, ram);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		u32 old = dmio_seed(), seed = dmio_seed();
		struct dmio_buf *b;
		unsigned long bits;
		int r;

		b = dmio_buf_new(test, kind, 64 * 512,
				 kind == DMIO_VM ? 0 : 512);
		for (k = 0; k < nr; k++) {
			dmio_spread(&where[k], ram, k, 20480 + 2048 * v, 128,
				    counts[k]);
			/* 72 sectors of old data from the region's start */
			r = dmio_dev_pattern(where[k].bdev, where[k].sector, 72,
					     old, 0);
			KUNIT_ASSERT_EQ(test, r, 0);
		}
		dmio_buf_fill(b, seed);
		r = dmio_run(test, async, b, nr, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s %s", dmio_kind_name[kind],
				    dmio_mode(async));
		for (k = 0; k < nr; k++) {
			struct block_device *bdev = where[k].bdev;
			sector_t sector = where[k].sector;
			sector_t count = where[k].count;

			snprintf(what, sizeof(what), "%s %s region %u",
				 dmio_kind_name[kind], dmio_mode(async), k);
			if (!dmio_dev_check(test, bdev, sector, count, seed, 0,
					    what) ||
			    !dmio_dev_check(test, bdev, sector + count,
					    72 - count, old,
					    count << SECTOR_SHIFT, what))
				return;
		}
	}
}

/*
 * vmalloc buffer, region 0 shorter than region 1: both get their share of
 * the buffer (the cache maintenance must cover the longest region), and a
 * READ of the long region through _vm returns it.
 */
static void dmio_regions_vm_first_shorter(struct kunit *test)
{
	struct io_region *where = dmio_regions(test, 2);
	unsigned int async;

	where[0].bdev = dmio_open(test, DMIO_DEV_RAM0);
	where[1].bdev = dmio_open(test, DMIO_DEV_RAM1);
	for (async = 0; async < 2; async++) {
		struct dmio_buf *w = dmio_buf_new(test, DMIO_VM, 64 << 10, 512);
		struct dmio_buf *r = dmio_buf_new(test, DMIO_VM, 64 << 10, 0);
		u32 seed = dmio_seed();
		unsigned long bits;
		int ret;

		where[0].sector = 40960 + 256 * async;
		where[0].count = 8;
		where[1].sector = 40960 + 256 * async;
		where[1].count = 128;
		dmio_buf_fill(w, seed);
		ret = dmio_run(test, async, w, 2, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ(test, ret, 0);
		dmio_dev_check(test, where[0].bdev, where[0].sector, 8, seed, 0,
			       "short region");
		dmio_dev_check(test, where[1].bdev, where[1].sector, 128, seed,
			       0, "long region");

		dmio_buf_memset(r, DMIO_GUARD);
		ret = dmio_run(test, async, r, 1, &where[1], REQ_OP_READ,
			       &bits);
		KUNIT_EXPECT_EQ(test, ret, 0);
		dmio_buf_check(test, r, seed, r->len, "read back");
		dmio_buf_check_guards(test, r, "read back");
	}
}

/* Several regions on the same device, some adjacent, all get the data. */
static void dmio_regions_same_device(struct kunit *test)
{
	static const sector_t sectors[] = { 0, 16, 32, 100, 1000, 65520 };
	struct block_device *ram2 = dmio_open(test, DMIO_DEV_RAM2);
	const unsigned int nr = ARRAY_SIZE(sectors);
	struct io_region *where = dmio_regions(test, nr);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_BVEC, 16 * 512, 512);
	u32 seed = dmio_seed();
	unsigned long bits;
	unsigned int k;
	int r;

	for (k = 0; k < nr; k++)
		dmio_region(&where[k], ram2, sectors[k], 16);
	dmio_buf_fill(b, seed);
	r = dmio_run(test, true, b, nr, where, REQ_OP_WRITE, &bits);
	KUNIT_EXPECT_EQ(test, r, 0);
	for (k = 0; k < nr; k++)
		if (!dmio_dev_check(test, ram2, sectors[k], 16, seed, 0,
				    "ram2"))
			break;
}

static struct kunit_case dmio_regions_cases[] = {
	KUNIT_CASE(dmio_regions_1_to_max),
	KUNIT_CASE(dmio_regions_prefix),
	KUNIT_CASE(dmio_regions_vm_first_shorter),
	KUNIT_CASE(dmio_regions_same_device),
	{}
};

struct kunit_suite dmio_regions_suite = {
	.name = "dm_io_regions",
	.suite_init = dmio_counting_suite_init,
	.suite_exit = dmio_counting_suite_exit,
	.test_cases = dmio_regions_cases,
};
