// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: each case below must return -EINVAL from the sync and the
 * async call of every buffer kind it applies to, issue no I/O (dm-io's bio
 * and request counters do not move), never call the callback and never
 * WARN.  Cases that a buggy implementation could crash on come last in the
 * module.
 */

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "dm-io-test.h"

struct dmio_bad_call {
	struct block_device *ram[DMIO_NR_RAM];
	struct block_device *nb4k;
	struct io_region *regions; /* DM_IO_MAX_REGIONS + 1 of them */
	/* the call */
	unsigned int nr;
	struct io_region *where;
	blk_opf_t rw;
	struct dmio_buf *buf;
	bool null_fn;
};

struct dmio_bad {
	const char *name;
	unsigned int kinds; /* BIT(kind) for each kind it applies to */
	void (*setup)(struct kunit *test, struct dmio_bad_call *c,
		      enum dmio_kind kind);
};

#define DMIO_ALL_KINDS (BIT(DMIO_PL) | BIT(DMIO_BVEC) | BIT(DMIO_VM))

static void dmio_bad_zero_regions(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	c->nr = 0;
}

static void dmio_bad_too_many(struct kunit *test, struct dmio_bad_call *c,
			      enum dmio_kind kind)
{
	unsigned int k;

	c->nr = DM_IO_MAX_REGIONS + 1;
	for (k = 0; k < c->nr; k++)
		dmio_region(&c->where[k], c->ram[k % DMIO_NR_RAM],
			    8 * (k / DMIO_NR_RAM), 8);
}

static void dmio_bad_read_two(struct kunit *test, struct dmio_bad_call *c,
			      enum dmio_kind kind)
{
	c->rw = REQ_OP_READ;
	c->nr = 2;
	dmio_region(&c->where[1], c->ram[1], 0, 8);
}

static void dmio_bad_null_where(struct kunit *test, struct dmio_bad_call *c,
				enum dmio_kind kind)
{
	c->where = NULL;
}

static void dmio_bad_null_bdev(struct kunit *test, struct dmio_bad_call *c,
			       enum dmio_kind kind)
{
	c->where[0].bdev = NULL;
}

/* a later region is bad: nothing may have been sent to region 0 */
static void dmio_bad_null_bdev_later(struct kunit *test,
				     struct dmio_bad_call *c,
				     enum dmio_kind kind)
{
	c->nr = 3;
	dmio_region(&c->where[1], c->ram[1], 0, 8);
	dmio_region(&c->where[2], NULL, 0, 8);
}

/*
 * sector + count wraps around, or the region's bytes do not fit in 64 bits:
 * wrong whatever the device's size (a region merely past the end of its
 * device fails alone, see dm-io-test-fail-alone.c)
 */
static void dmio_bad_count_wraps(struct kunit *test, struct dmio_bad_call *c,
				 enum dmio_kind kind)
{
	dmio_region(&c->where[0], c->ram[0], 8, (sector_t)-8);
}

static void dmio_bad_beyond_63_bits(struct kunit *test, struct dmio_bad_call *c,
				    enum dmio_kind kind)
{
	c->nr = 2;
	dmio_region(&c->where[1], c->ram[1], (~0ULL >> (SECTOR_SHIFT + 1)) - 7,
		    16);
}

/*
 * Almost 2^64 bytes from sector 0: the buffer's page count must not wrap
 * (it did: a page list at offset 512 then passed as long enough).
 */
static void dmio_bad_huge_region(struct kunit *test, struct dmio_bad_call *c,
				 enum dmio_kind kind)
{
	dmio_region(&c->where[0], c->ram[0], 0,
		    (~0ULL >> SECTOR_SHIFT) & ~7ULL);
}

static void dmio_bad_discard(struct kunit *test, struct dmio_bad_call *c,
			     enum dmio_kind kind)
{
	c->rw = REQ_OP_DISCARD;
}

static void dmio_bad_write_zeroes(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	c->rw = REQ_OP_WRITE_ZEROES;
}

static void dmio_bad_read_fua(struct kunit *test, struct dmio_bad_call *c,
			      enum dmio_kind kind)
{
	c->rw = REQ_OP_READ | REQ_FUA;
}

static void dmio_bad_read_preflush(struct kunit *test, struct dmio_bad_call *c,
				   enum dmio_kind kind)
{
	c->rw = REQ_OP_READ | REQ_PREFLUSH;
}

static void dmio_bad_unknown_flag(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	c->rw = REQ_OP_WRITE | REQ_NOWAIT;
}

static void dmio_bad_4k_sector(struct kunit *test, struct dmio_bad_call *c,
			       enum dmio_kind kind)
{
	dmio_region(&c->where[0], c->nb4k, 4, 8);
}

static void dmio_bad_4k_count(struct kunit *test, struct dmio_bad_call *c,
			      enum dmio_kind kind)
{
	dmio_region(&c->where[0], c->nb4k, 8, 4);
}

/*
 * Memory at half the device's memory alignment (dmio_mem_align(): 256 bytes
 * where the DMA alignment is 512; 8 on 7.3's null_blk, whose DMA alignment
 * is 2 bytes, since a 4 KiB block then asks for 16).
 */
static void dmio_bad_4k_buffer(struct kunit *test, struct dmio_bad_call *c,
			       enum dmio_kind kind)
{
	unsigned int off = dmio_mem_align(c->nb4k) / 2;

	dmio_region(&c->where[0], c->nb4k, 8, 8);
	if (kind == DMIO_PL) {
		c->buf->mem.offset = off;
	} else if (kind == DMIO_BVEC) {
		c->buf->mem.bvec[0].bv_offset = off;
		c->buf->mem.bvec[0].bv_len -= off;
	} else {
		c->buf->mem.vm += off;
	}
}

static void dmio_bad_null_buffer(struct kunit *test, struct dmio_bad_call *c,
				 enum dmio_kind kind)
{
	c->buf->mem.pl = NULL;
	c->buf->mem.bvec = NULL;
	c->buf->mem.vm = NULL;
}

static void dmio_bad_pl_offset_100(struct kunit *test, struct dmio_bad_call *c,
				   enum dmio_kind kind)
{
	c->buf->mem.offset = 100;
}

static void dmio_bad_pl_offset_page(struct kunit *test, struct dmio_bad_call *c,
				    enum dmio_kind kind)
{
	c->buf->mem.offset = PAGE_SIZE;
}

/* two pages for a three-page region: ->next is NULL too early */
static void dmio_bad_pl_short(struct kunit *test, struct dmio_bad_call *c,
			      enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_PL, 2 * PAGE_SIZE, 0);
	c->where[0].count = 3 * DMIO_PAGE_SECTORS;
}

/*
 * The same to two regions: a request of several bios, whose list is walked
 * before the first (a one-bio request finds the end as it fills the bio).
 */
static void dmio_bad_pl_short_two(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	dmio_bad_pl_short(test, c, kind);
	c->nr = 2;
	dmio_region(&c->where[1], c->ram[1], 0, 3 * DMIO_PAGE_SECTORS);
}

/* two pages, but from offset 512 they hold 512 bytes less than two pages */
static void dmio_bad_pl_short_offset(struct kunit *test,
				     struct dmio_bad_call *c,
				     enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_PL, 2 * PAGE_SIZE - 512, 512);
	c->where[0].count = 2 * DMIO_PAGE_SECTORS;
}

/* entry 1 has a NULL page before the region is covered */
static void dmio_bad_bvec_null_page(struct kunit *test, struct dmio_bad_call *c,
				    enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_BVEC, 3 * PAGE_SIZE, 0);
	c->buf->mem.bvec[1].bv_page = NULL;
	c->where[0].count = 2 * DMIO_PAGE_SECTORS;
}

/* entry 1 has length 0 before the region is covered */
static void dmio_bad_bvec_zero_len(struct kunit *test, struct dmio_bad_call *c,
				   enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_BVEC, 3 * PAGE_SIZE, 0);
	c->buf->mem.bvec[1].bv_len = 0;
	c->where[0].count = 2 * DMIO_PAGE_SECTORS;
}

/* one entry, then the zeroed terminator: shorter than the region */
static void dmio_bad_bvec_short(struct kunit *test, struct dmio_bad_call *c,
				enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_BVEC, PAGE_SIZE, 0);
	c->where[0].count = DMIO_PAGE_SECTORS + 1;
}

static void dmio_bad_vm_unaligned(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	c->buf->mem.vm += 100;
}

static void dmio_bad_vm_kmalloc(struct kunit *test, struct dmio_bad_call *c,
				enum dmio_kind kind)
{
	c->buf->mem.vm = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->buf->mem.vm);
}

/* the region runs past the end of a one-page vmalloc area */
static void dmio_bad_vm_past_area(struct kunit *test, struct dmio_bad_call *c,
				  enum dmio_kind kind)
{
	c->buf = dmio_buf_new(test, DMIO_VM, PAGE_SIZE, 0);
	c->where[0].count = 2 * DMIO_PAGE_SECTORS;
}

static void dmio_bad_null_fn(struct kunit *test, struct dmio_bad_call *c,
			     enum dmio_kind kind)
{
	c->null_fn = true;
}

static const struct dmio_bad dmio_bad_cases[] = {
	{ "0 regions", DMIO_ALL_KINDS, dmio_bad_zero_regions },
	{ "too many regions", DMIO_ALL_KINDS, dmio_bad_too_many },
	{ "READ of 2 regions", DMIO_ALL_KINDS, dmio_bad_read_two },
	{ "NULL where", DMIO_ALL_KINDS, dmio_bad_null_where },
	{ "NULL bdev", DMIO_ALL_KINDS, dmio_bad_null_bdev },
	{ "NULL bdev in region 2", DMIO_ALL_KINDS, dmio_bad_null_bdev_later },
	{ "sector + count wraps", DMIO_ALL_KINDS, dmio_bad_count_wraps },
	{ "region 1 beyond 2^63 bytes", DMIO_ALL_KINDS,
	  dmio_bad_beyond_63_bits },
	{ "region 0 of almost 2^64 bytes", DMIO_ALL_KINDS,
	  dmio_bad_huge_region },
	{ "REQ_OP_DISCARD", DMIO_ALL_KINDS, dmio_bad_discard },
	{ "REQ_OP_WRITE_ZEROES", DMIO_ALL_KINDS, dmio_bad_write_zeroes },
	{ "READ | REQ_FUA", DMIO_ALL_KINDS, dmio_bad_read_fua },
	{ "READ | REQ_PREFLUSH", DMIO_ALL_KINDS, dmio_bad_read_preflush },
	{ "WRITE | REQ_NOWAIT", DMIO_ALL_KINDS, dmio_bad_unknown_flag },
	{ "4k device, sector 4", DMIO_ALL_KINDS, dmio_bad_4k_sector },
	{ "4k device, count 4", DMIO_ALL_KINDS, dmio_bad_4k_count },
	{ "4k device, buffer misaligned", DMIO_ALL_KINDS, dmio_bad_4k_buffer },
	{ "NULL fn", DMIO_ALL_KINDS, dmio_bad_null_fn },
	{ "NULL buffer", DMIO_ALL_KINDS, dmio_bad_null_buffer },
	{ "page list offset 100", BIT(DMIO_PL), dmio_bad_pl_offset_100 },
	{ "page list offset PAGE_SIZE", BIT(DMIO_PL), dmio_bad_pl_offset_page },
	{ "page list too short", BIT(DMIO_PL), dmio_bad_pl_short },
	{ "page list too short, two regions", BIT(DMIO_PL),
	  dmio_bad_pl_short_two },
	{ "page list short by the offset", BIT(DMIO_PL),
	  dmio_bad_pl_short_offset },
	{ "bvec NULL page early", BIT(DMIO_BVEC), dmio_bad_bvec_null_page },
	{ "bvec zero length early", BIT(DMIO_BVEC), dmio_bad_bvec_zero_len },
	{ "bvec array too short", BIT(DMIO_BVEC), dmio_bad_bvec_short },
	{ "vmalloc address + 100", BIT(DMIO_VM), dmio_bad_vm_unaligned },
	{ "kmalloc address to _vm", BIT(DMIO_VM), dmio_bad_vm_kmalloc },
	{ "past the vmalloc area", BIT(DMIO_VM), dmio_bad_vm_past_area },
};

static void dmio_bad_desc(const struct dmio_bad *bad, char *desc)
{
	strscpy(desc, bad->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dmio_bad, dmio_bad_cases, dmio_bad_desc);

/* One call of @c, sync or async: -EINVAL, no I/O, no callback, no WARN. */
static bool dmio_expect_einval(struct kunit *test, struct dmio_bad_call *c,
			       enum dmio_kind kind, bool async)
{
	const char *what = dmio_kind_name[kind];
	struct dmio_async *a = dmio_async_new(test);
	bool warned = test_taint(TAINT_WARN);
	u64 bios = dmio_bios_submitted();
	u64 started = dmio_requests_started();
	unsigned long bits;
	int r;

	if (async) {
		r = dmio_call_async(c->buf, c->nr, c->where, c->rw,
				    c->null_fn ? NULL : dmio_notify, a);
		/* wrongly accepted: let it finish before anything else */
		if (!r && !c->null_fn)
			dmio_async_wait(test, a);
		/* time for a (wrong) deferred callback */
		usleep_range(2000, 3000);
	} else {
		r = dmio_call_sync(c->buf, c->nr, c->where, c->rw, &bits);
	}
	KUNIT_EXPECT_EQ_MSG(test, r, -EINVAL, "%s %s", what,
			    async ? "async" : "sync");
	KUNIT_EXPECT_EQ_MSG(test, dmio_bios_submitted() - bios, 0ULL,
			    "%s: bios sent", what);
	KUNIT_EXPECT_EQ_MSG(test, dmio_requests_started() - started, 0ULL,
			    "%s: request started", what);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 0, "%s: callback",
			    what);
	if (!warned)
		KUNIT_EXPECT_FALSE_MSG(test, test_taint(TAINT_WARN), "%s: WARN",
				       what);
	return r == -EINVAL && dmio_bios_submitted() == bios &&
	       !atomic_read(&a->calls);
}

/* Each bad input, with each buffer kind it applies to, sync and async. */
static void dmio_invalid_input(struct kunit *test)
{
	const struct dmio_bad *bad = test->param_value;
	struct dmio_bad_call *c = dmio_alloc(test, sizeof(*c));
	enum dmio_kind kind;

	dmio_open_rams(test, c->ram);
	c->nb4k = dmio_open(test, DMIO_DEV_NB4K);
	c->regions = dmio_regions(test, DM_IO_MAX_REGIONS + 1);

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		if (!(bad->kinds & BIT(kind)))
			continue;
		/* a valid one-region WRITE, then made bad */
		memset(c->regions, 0,
		       (DM_IO_MAX_REGIONS + 1) * sizeof(*c->regions));
		c->where = c->regions;
		c->nr = 1;
		c->rw = REQ_OP_WRITE;
		c->null_fn = false;
		c->buf = dmio_buf_new(test, kind, 4 * PAGE_SIZE, 0);
		dmio_buf_fill(c->buf, dmio_seed());
		dmio_region(&c->where[0], c->ram[0], 0, 8);
		bad->setup(test, c, kind);

		if (!c->null_fn && !dmio_expect_einval(test, c, kind, false))
			return;
		if (!dmio_expect_einval(test, c, kind, true))
			return;
	}
}

/*
 * The valid counterparts of the bad inputs above succeed, so the cases
 * above fail for the reason they name: a region ending exactly at the end
 * of a device, aligned regions and buffers on the 4 KiB device, a page
 * list that is exactly long enough (also from offset PAGE_SIZE - 512), a
 * bvec array that ends exactly where the region does, and a region that
 * fills its whole vmalloc area.
 */
static void dmio_invalid_controls(struct kunit *test)
{
	struct block_device *ram0 = dmio_open(test, DMIO_DEV_RAM0);
	struct block_device *nb4k = dmio_open(test, DMIO_DEV_NB4K);
	struct io_region where;
	struct dmio_buf *b;
	unsigned long bits;
	enum dmio_kind kind;

	for (kind = 0; kind < DMIO_NR_KINDS; kind++) {
		b = dmio_buf_new(test, kind, 2 * PAGE_SIZE, 0);
		dmio_region(&where, ram0, DMIO_RAM_SECTORS - 16, 16);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_run(test, kind & 1, b, 1, &where,
					     REQ_OP_WRITE, &bits),
				    0, "%s at the end", dmio_kind_name[kind]);
		dmio_region(&where, nb4k, 8, 16);
		KUNIT_EXPECT_EQ_MSG(test,
				    dmio_run(test, !(kind & 1), b, 1, &where,
					     REQ_OP_WRITE, &bits),
				    0, "%s on 4k", dmio_kind_name[kind]);
	}

	b = dmio_buf_new(test, DMIO_PL, 2 * PAGE_SIZE - 512, 512);
	dmio_region(&where, ram0, 0, 2 * DMIO_PAGE_SECTORS - 1);
	KUNIT_EXPECT_EQ(test,
			dmio_run(test, false, b, 1, &where, REQ_OP_WRITE,
				 &bits),
			0);
	b = dmio_buf_new(test, DMIO_PL, PAGE_SIZE + 512, PAGE_SIZE - 512);
	dmio_region(&where, ram0, 0, DMIO_PAGE_SECTORS + 1);
	KUNIT_EXPECT_EQ(test,
			dmio_run(test, true, b, 1, &where, REQ_OP_WRITE, &bits),
			0);
	b = dmio_buf_new(test, DMIO_BVEC, PAGE_SIZE, 0);
	dmio_region(&where, ram0, 0, DMIO_PAGE_SECTORS);
	KUNIT_EXPECT_EQ(test,
			dmio_run(test, false, b, 1, &where, REQ_OP_WRITE,
				 &bits),
			0);
	b = dmio_buf_new(test, DMIO_VM, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test,
			dmio_run(test, true, b, 1, &where, REQ_OP_READ, &bits),
			0);
}

static struct kunit_case dmio_invalid_cases[] = {
	KUNIT_CASE(dmio_invalid_controls),
	KUNIT_CASE_PARAM(dmio_invalid_input, dmio_bad_gen_params),
	{}
};

struct kunit_suite dmio_invalid_suite = {
	.name = "dm_io_invalid",
	.suite_init = dmio_counting_suite_init,
	.suite_exit = dmio_counting_suite_exit,
	.test_cases = dmio_invalid_cases,
};
