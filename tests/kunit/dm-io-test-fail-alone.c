// SPDX-License-Identifier: GPL-2.0
/*
 * A failed region fails alone.  A region that lies (partly) past the end
 * of its device gets its error bit and no bio, and the call's other
 * regions are done as usual: sync calls return -EIO with exactly that bit,
 * async calls return 0 and call back once with exactly that bit, for every
 * buffer kind, on the one-bio fast path too.  A READ of such a region
 * hands back zeros, never stale bytes.  A region with count 0 is not
 * checked against its device's size or block size (a flush does not use
 * its sector).  And a region's bits are exclusive: one whose bios ended
 * with "not supported" and with an I/O error reports only the error;
 * dm_io_submit() counts BLK_STS_INVAL as "not supported".
 *
 * The regions past the end are on /dev/ram0 (DMIO_RAM_SECTORS sectors),
 * whose last sectors hold DMIO_FA_TAIL so that a bio sent there shows.
 */

#include <linux/kernel.h>
#include <linux/module.h>

#include "dm-io-test.h"

#define DMIO_FA_TAIL 0x33
/* What the recorder's store holds where nothing was discarded or zeroed. */
#define DMIO_FA_FILL 0x5A
#define DMIO_FA_DISCARD_MAX 8
#define DMIO_FA_WZ_MAX 16

/* 16-sector regions partly past the end, at the end, and far beyond it. */
static const sector_t dmio_fa_past[] = {
	DMIO_RAM_SECTORS - 8,
	DMIO_RAM_SECTORS,
	1ULL << 40,
};

/* Opens the RAM disks and marks the last 8 sectors of ram0. */
static void dmio_fa_rams(struct kunit *test, struct block_device **ram)
{
	dmio_open_rams(test, ram);
	KUNIT_ASSERT_EQ(test,
			dmio_dev_memset(ram[0], DMIO_RAM_SECTORS - 8, 8,
					DMIO_FA_TAIL),
			0);
}

/* No bio reached the last sectors of ram0. */
static bool dmio_fa_tail_intact(struct kunit *test, struct block_device *ram0,
				const char *what)
{
	return dmio_dev_check_byte(test, ram0, DMIO_RAM_SECTORS - 8, 8,
				   DMIO_FA_TAIL, what);
}

/*
 * One region past the end of ram0 (each of dmio_fa_past), every buffer
 * kind, sync and async: WRITE and READ end with -EIO and exactly bit 0,
 * dm-io sends no bio, and the READ leaves the region's bytes of the buffer
 * zeroed and every other byte untouched.
 */
static void dmio_fa_one_region(struct kunit *test)
{
	const size_t len = 16 * SECTOR_SIZE;
	struct block_device *ram[DMIO_NR_RAM];
	struct io_region where;
	unsigned int i, v;
	char what[48];

	dmio_fa_rams(test, ram);
	for (i = 0; i < ARRAY_SIZE(dmio_fa_past); i++) {
		dmio_region(&where, ram[0], dmio_fa_past[i], 16);
		for (v = 0; v < DMIO_NR_VARIANTS; v++) {
			enum dmio_kind kind = dmio_variant_kind(v);
			bool async = dmio_variant_async(v);
			struct dmio_buf *b;
			unsigned long bits;
			u64 bios;
			int r;

			snprintf(what, sizeof(what), "%s %s sector %llu",
				 dmio_kind_name[kind], dmio_mode(async),
				 (u64)where.sector);
			b = dmio_buf_new(test, kind, len + 4096,
					 kind == DMIO_VM ? 0 : 512);

			dmio_buf_fill(b, dmio_seed());
			bios = dmio_bios_submitted();
			r = dmio_run(test, async, b, 1, &where, REQ_OP_WRITE,
				     &bits);
			KUNIT_EXPECT_EQ_MSG(test, r, -EIO, "%s write", what);
			KUNIT_EXPECT_EQ_MSG(test, bits, 1UL, "%s write", what);
			KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted(), bios,
					    "%s write: bios", what);

			dmio_buf_memset(b, DMIO_GUARD);
			bios = dmio_bios_submitted();
			r = dmio_run(test, async, b, 1, &where, REQ_OP_READ,
				     &bits);
			KUNIT_EXPECT_EQ_MSG(test, r, -EIO, "%s read", what);
			KUNIT_EXPECT_EQ_MSG(test, bits, 1UL, "%s read", what);
			KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted(), bios,
					    "%s read: bios", what);
			dmio_buf_check_byte(test, b, 0, 0, len, what);
			dmio_buf_check_byte(test, b, DMIO_GUARD, len, 4096,
					    what);
			dmio_buf_check_guards(test, b, what);
		}
	}
	dmio_fa_tail_intact(test, ram[0], "ram0's last sectors");
}

/*
 * A WRITE of @nr regions of 8 sectors where those in @past lie past the
 * end of ram0 (the others on ram0..ram3, inside), every buffer kind, sync
 * and async: the result is exactly @past, every other region has the
 * data, and no bio reached ram0's end.
 */
static void dmio_fa_write(struct kunit *test, unsigned int nr,
			  unsigned long past)
{
	struct io_region *where = dmio_regions(test, nr);
	struct block_device *ram[DMIO_NR_RAM];
	unsigned int v, k;
	char what[48];

	dmio_fa_rams(test, ram);
	for (k = 0; k < nr; k++) {
		if (past & BIT(k))
			dmio_region(&where[k], ram[0],
				    DMIO_RAM_SECTORS - 4 + 8 * (k & 1), 8);
		else
			dmio_region(&where[k], ram[k % DMIO_NR_RAM],
				    24576 + 16 * (k / DMIO_NR_RAM), 8);
	}
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		struct dmio_buf *b = dmio_buf_new(test, kind, 4096, 0);
		u32 seed = dmio_seed();
		unsigned long bits;
		int r;

		snprintf(what, sizeof(what), "%s %s %u regions, past %#lx",
			 dmio_kind_name[kind], dmio_mode(async), nr, past);
		dmio_buf_fill(b, seed);
		r = dmio_run(test, async, b, nr, where, REQ_OP_WRITE, &bits);
		KUNIT_EXPECT_EQ_MSG(test, r, past ? -EIO : 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, past, "%s", what);
		if (bits != past)
			return;
		for (k = 0; k < nr; k++)
			if (!(past & BIT(k)) &&
			    !dmio_dev_check(test, where[k].bdev,
					    where[k].sector, 8, seed, 0, what))
				return;
		if (!dmio_fa_tail_intact(test, ram[0], what))
			return;
	}
}

/* Region k of 3 past the end: exactly bit k, the other two written. */
static void dmio_fa_write_region_k(struct kunit *test)
{
	dmio_fa_write(test, 3, BIT(0));
	dmio_fa_write(test, 3, BIT(1));
	dmio_fa_write(test, 3, BIT(2));
	dmio_fa_write(test, 3, BIT(0) | BIT(2));
}

/* DM_IO_MAX_REGIONS regions, the last (or the first) past the end. */
static void dmio_fa_write_max_regions(struct kunit *test)
{
	dmio_fa_write(test, DM_IO_MAX_REGIONS, BIT(DM_IO_MAX_REGIONS - 1));
	dmio_fa_write(test, DM_IO_MAX_REGIONS, BIT(0));
}

/*
 * Every region past the end (one region, the fast path's shape, and
 * three): every bit, one callback, no bio.
 */
static void dmio_fa_all_regions(struct kunit *test)
{
	u64 bios = dmio_bios_submitted();

	dmio_fa_write(test, 1, BIT(0));
	dmio_fa_write(test, 3, GENMASK(2, 0));
	KUNIT_EXPECT_EQ(test, dmio_bios_submitted(), bios);
}

/* A dm_io_submit() request of @opf with buffer @buf (or none). */
static void dmio_fa_req(struct dm_io_ext_request *req, blk_opf_t opf,
			const struct dmio_buf *buf)
{
	memset(req, 0, sizeof(*req));
	req->opf = opf;
	if (buf)
		dmio_mem_ext(req, &buf->mem);
}

/*
 * Discard and write zeroes with dm_io_submit(): a region past the end of
 * the recorder and one past the end of a device without the op get their
 * error bits (an error wins over "not supported") and no bio; a region
 * inside the recorder is zeroed, one inside the device without the op gets
 * its unsupported bit.
 */
static void dmio_fa_payloadless(struct kunit *test)
{
	static const blk_opf_t ops[] = { REQ_OP_DISCARD, REQ_OP_WRITE_ZEROES };
	struct block_device *nb = dmio_open(test, DMIO_DEV_NBSMALL);
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 4);
	sector_t nb_end = bdev_nr_sectors(nb);
	struct dm_io_ext_request req;
	unsigned long err, unsup;
	unsigned int i, async;

	KUNIT_ASSERT_EQ(test,
			dmio_queue_set_op_limits(rec->disk->queue,
						 DMIO_FA_DISCARD_MAX,
						 SECTOR_SIZE, DMIO_FA_WZ_MAX),
			0);
	dmio_region(&where[0], rec->bdev, 64, 40);
	dmio_region(&where[1], rec->bdev, DMIO_REC_SECTORS - 8, 16);
	dmio_region(&where[2], nb, nb_end, 8);
	dmio_region(&where[3], nb, 0, 8);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (async = 0; async < 2; async++) {
			unsigned int n;

			memset(rec->store, DMIO_FA_FILL,
			       DMIO_REC_SECTORS << SECTOR_SHIFT);
			dmio_rec_clear(rec);
			dmio_fa_req(&req, ops[i], NULL);
			KUNIT_EXPECT_EQ(test,
					dmio_ext_run(test, async, 4, where,
						     &req, &err, &unsup),
					-EIO);
			KUNIT_EXPECT_EQ(test, err, BIT(1) | BIT(2));
			KUNIT_EXPECT_EQ(test, unsup, BIT(3));
			/* region 0 only: 40 sectors, at most 16 per bio */
			n = dmio_rec_nr(rec);
			KUNIT_EXPECT_GE(test, n, 3U);
			while (n--)
				KUNIT_EXPECT_LT(test, rec->log[n].sector,
						(sector_t)104);
			if (memchr_inv(rec->store + (64 << SECTOR_SHIFT), 0,
				       40 << SECTOR_SHIFT))
				KUNIT_FAIL(test, "region 0 not zeroed");
			if (memchr_inv(rec->store + (DMIO_REC_SECTORS - 8) *
							    SECTOR_SIZE,
				       DMIO_FA_FILL, 8 * SECTOR_SIZE))
				KUNIT_FAIL(test, "region 1 touched");
		}
	}
}

/*
 * Regions with count 0 are not checked against their device: a flush-only
 * WRITE whose regions have a huge sector, or one not aligned to the 4 KiB
 * device's blocks, flushes (one empty flush bio on the recorder), and a
 * count-0 region beside a real one is skipped.
 */
static void dmio_fa_flush_any_sector(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	struct dmio_rec *rec = test->priv;
	struct io_region *where = dmio_regions(test, 3);
	struct dmio_buf *b = dmio_buf_new(test, DMIO_PL, 4096, 0);
	struct dm_io_ext_request req;
	unsigned long bits, unsup;
	unsigned int async;
	u32 seed = dmio_seed();

	dmio_region(&where[0], rec->bdev, ~(sector_t)0, 0);
	dmio_region(&where[1], nb4k, 1, 0);
	dmio_region(&where[2], ram0, 1ULL << 40, 0);
	for (async = 0; async < 2; async++) {
		const char *what = dmio_mode(async);

		dmio_rec_clear(rec);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_run(test, async, b, 3, where,
					     REQ_OP_WRITE | REQ_PREFLUSH,
					     &bits),
				    0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, bits, 0UL, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_rec_nr(rec), 1U, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, rec->log[0].size, 0U, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, rec->log[0].sector, (sector_t)0, "%s",
				    what);
		dmio_rec_check_flags(test, rec, REQ_OP_WRITE, REQ_PREFLUSH, 0,
				     what);

		dmio_rec_clear(rec);
		dmio_fa_req(&req, REQ_OP_WRITE | REQ_PREFLUSH, NULL);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_run(test, async, 3, where, &req,
						 &bits, &unsup),
				    0, "%s ext", what);
		KUNIT_EXPECT_EQ_MSG(test, bits | unsup, 0UL, "%s ext", what);
		KUNIT_EXPECT_EQ_MSG(test, dmio_rec_nr(rec), 1U, "%s ext", what);
	}

	/* without REQ_PREFLUSH a count-0 region is skipped, wherever it is */
	dmio_region(&where[0], ram0, 4096, 8);
	dmio_buf_fill(b, seed);
	KUNIT_EXPECT_EQ(test,
			dmio_run(test, false, b, 3, where, REQ_OP_WRITE, &bits),
			0);
	KUNIT_EXPECT_EQ(test, bits, 0UL);
	dmio_dev_check(test, ram0, 4096, 8, seed, 0, "region 0");
}

/* A 2 MiB region: dm-io sends it as two bios (BIO_MAX_VECS pages at most). */
#define DMIO_FA_SPLIT_SECTORS 4096

/* A buffer of each kind for a region of DMIO_FA_SPLIT_SECTORS. */
static void dmio_fa_split_bufs(struct kunit *test, struct dmio_buf **b)
{
	enum dmio_kind kind;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		b[kind] = dmio_buf_new(test, kind,
				       DMIO_FA_SPLIT_SECTORS << SECTOR_SHIFT,
				       0);
		dmio_buf_fill(b[kind], dmio_seed());
	}
}

/*
 * The recorder ends the bios touching sector @unsup_at with @status and
 * those touching @err_at with BLK_STS_IOERR: a WRITE of one 2 MiB region
 * from each buffer of @b, sync and async, reports @err and @unsup through
 * dm_io_submit(), and their union through the classic call.
 */
static void dmio_fa_statuses(struct kunit *test, struct dmio_buf **b,
			     sector_t unsup_at, blk_status_t status,
			     sector_t err_at, unsigned long err,
			     unsigned long unsup)
{
	struct dmio_rec *rec = test->priv;
	struct dm_io_ext_request req;
	struct io_region where;
	unsigned int v;
	char what[48];

	dmio_region(&where, rec->bdev, 0, DMIO_FA_SPLIT_SECTORS);
	dmio_rec_fail(rec, false, err_at, err_at + 1);
	dmio_rec_fail_status(rec, unsup_at, unsup_at + 1, status);
	for (v = 0; v < DMIO_NR_VARIANTS; v++) {
		enum dmio_kind kind = dmio_variant_kind(v);
		bool async = dmio_variant_async(v);
		unsigned long e, u, bits;
		int want = err ? -EIO : unsup ? -EOPNOTSUPP : 0;

		snprintf(what, sizeof(what), "%s %s err@%llu unsup@%llu",
			 dmio_kind_name[kind], dmio_mode(async), (u64)err_at,
			 (u64)unsup_at);
		dmio_fa_req(&req, REQ_OP_WRITE, b[kind]);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_ext_run(test, async, 1, &where, &req,
						 &e, &u),
				    want, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, e, err, "%s: error bits", what);
		KUNIT_EXPECT_EQ_MSG(test, u, unsup, "%s: unsupported bits",
				    what);

		/* the classic calls get both as one set */
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_run(test, async, b[kind], 1, &where,
					     REQ_OP_WRITE, &bits),
				    (err | unsup) ? -EIO : 0, "%s classic",
				    what);
		KUNIT_EXPECT_EQ_MSG(test, bits, err | unsup, "%s classic",
				    what);
	}
}

/*
 * A region whose first bio ends with BLK_STS_NOTSUPP and whose second ends
 * with BLK_STS_IOERR (and the other way round) reports only the error; each
 * status alone gives its own bit.
 */
static void dmio_fa_error_wins(struct kunit *test)
{
	const sector_t none = DMIO_REC_SECTORS; /* no bio touches it */
	struct dmio_buf *b[DMIO_NR_KINDS];

	dmio_fa_split_bufs(test, b);
	dmio_fa_statuses(test, b, 100, BLK_STS_NOTSUPP, 3000, BIT(0), 0);
	dmio_fa_statuses(test, b, 3000, BLK_STS_NOTSUPP, 100, BIT(0), 0);
	dmio_fa_statuses(test, b, 100, BLK_STS_NOTSUPP, none, 0, BIT(0));
	dmio_fa_statuses(test, b, none, BLK_STS_NOTSUPP, 3000, BIT(0), 0);
}

/*
 * BLK_STS_INVAL is "not supported" for dm_io_submit(), as for Linux 7.3's
 * dm_io(), and an error for the classic calls; an error still wins.
 */
static void dmio_fa_sts_inval(struct kunit *test)
{
#ifdef DMIO_HAVE_BLK_STS_INVAL
	const sector_t none = DMIO_REC_SECTORS;
	struct dmio_buf *b[DMIO_NR_KINDS];

	dmio_fa_split_bufs(test, b);
	dmio_fa_statuses(test, b, 100, BLK_STS_INVAL, none, 0, BIT(0));
	dmio_fa_statuses(test, b, 3000, BLK_STS_INVAL, 100, BIT(0), 0);
#else
	kunit_skip(test, "this kernel has no BLK_STS_INVAL");
#endif
}

static void dmio_fa_test_exit(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;

	dmio_rec_test_exit(test);
	if (rec)
		dmio_queue_set_op_limits(rec->disk->queue, 0, 0, 0);
}

static struct kunit_case dmio_fail_alone_cases[] = {
	KUNIT_CASE(dmio_fa_one_region),
	KUNIT_CASE(dmio_fa_write_region_k),
	KUNIT_CASE(dmio_fa_write_max_regions),
	KUNIT_CASE(dmio_fa_all_regions),
	KUNIT_CASE(dmio_fa_payloadless),
	KUNIT_CASE(dmio_fa_flush_any_sector),
	KUNIT_CASE(dmio_fa_error_wins),
	KUNIT_CASE(dmio_fa_sts_inval),
	{}
};

struct kunit_suite dmio_fail_alone_suite = {
	.name = "dm_io_fail_alone",
	.suite_init = dmio_rec_suite_init,
	.suite_exit = dmio_rec_suite_exit,
	.init = dmio_rec_test_init,
	.exit = dmio_fa_test_exit,
	.test_cases = dmio_fail_alone_cases,
};
