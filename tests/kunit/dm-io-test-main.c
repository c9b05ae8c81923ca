// SPDX-License-Identifier: GPL-2.0
/*
 * dm-io-test.ko: KUnit tests of the dm-io API (dm-io.h).
 *
 * This file has the module boilerplate and the helpers the suites share:
 * a data pattern, test buffers of the three kinds (page list, bio_vec array,
 * vmalloc), opening the test devices, raw I/O that checks what really
 * reached a device, and wrappers that call dm-io synchronously or
 * asynchronously with the same checks.
 *
 * The suites run when the module is inserted, after dm-io.ko, on the
 * devices of tests/uml/devices.md.
 */

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dm-io-test.h"

const char *const dmio_kind_name[DMIO_NR_KINDS] = {
	[DMIO_PL] = "pl",
	[DMIO_BVEC] = "bvec",
	[DMIO_VM] = "vm",
};

/*
 * Set once a completion was lost: dm-io may still write into test memory,
 * so from then on test buffers are leaked instead of freed.
 */
bool dmio_test_unsafe;

/* ---- data pattern ---- */

static inline u32 dmio_pattern_word(u32 seed, u64 word)
{
	u64 x = word ^ ((u64)seed << 40) ^ seed;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	/* bytes 0x01..0x7f: never zero, never DMIO_GUARD */
	return ((u32)x & 0x7f7f7f7f) | 0x01010101;
}

/* Fills @p with the bytes at stream offsets [@off, @off + @len) of @seed. */
void dmio_pattern(u8 *p, size_t len, u32 seed, u64 off)
{
	size_t i;

	for (i = 0; i < len; i += 4) {
		u32 w = dmio_pattern_word(seed, (off + i) >> 2);

		memcpy(p + i, &w, sizeof(w));
	}
}

/* A new seed for each data set, so stale data never looks right. */
u32 dmio_seed(void)
{
	static atomic_t seed = ATOMIC_INIT(0x5eed);

	return atomic_inc_return(&seed);
}

/* Returns the index of the first byte of @p that differs, or @len. */
size_t dmio_pattern_cmp(const u8 *p, size_t len, u32 seed, u64 off)
{
	size_t i, j;

	for (i = 0; i < len; i += 4) {
		u32 w = dmio_pattern_word(seed, (off + i) >> 2);
		const u8 *b = (const u8 *)&w;

		if (!memcmp(p + i, b, sizeof(w)))
			continue;
		for (j = 0; j < sizeof(w) && p[i + j] == b[j]; j++)
			;
		return i + j;
	}
	return len;
}

/* ---- test-managed memory ---- */

/* A kunit resource's init: @context is the resource. */
int dmio_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void dmio_res_kvfree(struct kunit_resource *res)
{
	if (!READ_ONCE(dmio_test_unsafe))
		kvfree(res->data);
}

/* Zeroed memory freed at the end of the case (asserts on failure). */
void *dmio_alloc(struct kunit *test, size_t size)
{
	void *p = kvzalloc(max_t(size_t, size, 1), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (!kunit_alloc_resource(test, dmio_res_init, dmio_res_kvfree,
				  GFP_KERNEL, p)) {
		kvfree(p);
		KUNIT_FAIL_AND_ABORT(test, "no memory");
	}
	return p;
}

struct io_region *dmio_regions(struct kunit *test, unsigned int nr)
{
	return dmio_alloc(test, nr * sizeof(struct io_region));
}

/* ---- buffers ---- */

static void dmio_res_pages(struct kunit_resource *res)
{
	struct dmio_buf *buf = res->data;
	unsigned int i;

	if (READ_ONCE(dmio_test_unsafe))
		return;
	for (i = 0; i < buf->nr_pages; i++)
		__free_pages(buf->pages[i], buf->orders[i]);
	vfree(buf->vmem);
}

/* Room for @pages page allocations and @segs data segments in @buf. */
void dmio_buf_arrays(struct kunit *test, struct dmio_buf *buf,
		     unsigned int pages, unsigned int segs)
{
	buf->pages = dmio_alloc(test, pages * sizeof(*buf->pages));
	buf->orders = dmio_alloc(test, pages);
	buf->segs = dmio_alloc(test, segs * sizeof(*buf->segs));
	buf->guards = dmio_alloc(test, 2 * segs * sizeof(*buf->guards));
	KUNIT_ASSERT_TRUE(test, kunit_alloc_resource(test, dmio_res_init,
						     dmio_res_pages, GFP_KERNEL,
						     buf));
}

/* A new 2^@order-page allocation of @buf (freed with it). */
u8 *dmio_buf_page(struct kunit *test, struct dmio_buf *buf, unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);

	KUNIT_ASSERT_NOT_NULL(test, page);
	buf->pages[buf->nr_pages] = page;
	buf->orders[buf->nr_pages++] = order;
	return page_address(page);
}

static void dmio_seg_add(struct dmio_seg *seg, unsigned int *nr, u8 *addr,
			 size_t len)
{
	if (!len)
		return;
	seg[*nr].addr = addr;
	seg[*nr].len = len;
	(*nr)++;
}

/* Pages linked by ->next; the data starts at @offset in the first page. */
static void dmio_buf_pl(struct kunit *test, struct dmio_buf *buf,
			unsigned int offset)
{
	unsigned int n =
		max_t(size_t, 1, DIV_ROUND_UP(offset + buf->len, PAGE_SIZE));
	size_t left = buf->len;
	unsigned int i;

	dmio_buf_arrays(test, buf, n, n);
	buf->pl_mem = dmio_alloc(test, n * sizeof(*buf->pl_mem));
	for (i = 0; i < n; i++) {
		u8 *va = dmio_buf_page(test, buf, 0);
		unsigned int start = i ? 0 : offset;
		size_t len = min_t(size_t, left, PAGE_SIZE - start);

		buf->pl_mem[i].page = buf->pages[i];
		buf->pl_mem[i].next = i + 1 < n ? &buf->pl_mem[i + 1] : NULL;
		dmio_seg_add(buf->guards, &buf->nr_guards, va, start);
		dmio_seg_add(buf->segs, &buf->nr_segs, va + start, len);
		dmio_seg_add(buf->guards, &buf->nr_guards, va + start + len,
			     PAGE_SIZE - start - len);
		left -= len;
	}
	buf->mem.pl = buf->pl_mem;
	buf->mem.offset = offset;
}

/*
 * bio_vecs: a short first entry at @offset (two sectors when @offset is not
 * 0), then a two-page entry, then single pages; the last entry used is a
 * whole page even when less of it is needed, and a zeroed entry follows.
 */
static void dmio_buf_bvec(struct kunit *test, struct dmio_buf *buf,
			  unsigned int offset)
{
	unsigned int max = 3 + DIV_ROUND_UP(buf->len, PAGE_SIZE);
	size_t left = buf->len;
	unsigned int n = 0;

	dmio_buf_arrays(test, buf, max, max);
	buf->bvec_mem = dmio_alloc(test, (max + 1) * sizeof(*buf->bvec_mem));
	do {
		unsigned int order = n == 1 ? 1 : 0;
		unsigned int size = PAGE_SIZE << order;
		unsigned int start = n ? 0 : offset;
		unsigned int len = size - start;
		u8 *va = dmio_buf_page(test, buf, order);
		size_t used;

		if (!n && offset)
			len = min_t(unsigned int, len, 2 * SECTOR_SIZE);
		used = min_t(size_t, left, len);
		buf->bvec_mem[n].bv_page = buf->pages[n];
		buf->bvec_mem[n].bv_offset = start;
		buf->bvec_mem[n].bv_len = len;
		dmio_seg_add(buf->guards, &buf->nr_guards, va, start);
		dmio_seg_add(buf->segs, &buf->nr_segs, va + start, used);
		dmio_seg_add(buf->guards, &buf->nr_guards, va + start + used,
			     size - start - used);
		left -= used;
		n++;
	} while (left);
	buf->mem.bvec = buf->bvec_mem;
}

/* One vmalloc area; the data starts @offset bytes into it. */
static void dmio_buf_vm(struct kunit *test, struct dmio_buf *buf,
			unsigned int offset)
{
	size_t size = max_t(size_t, PAGE_ALIGN(offset + buf->len), PAGE_SIZE);
	u8 *va;

	dmio_buf_arrays(test, buf, 1, 1);
	buf->vmem = vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, buf->vmem);
	va = buf->vmem;
	dmio_seg_add(buf->guards, &buf->nr_guards, va, offset);
	dmio_seg_add(buf->segs, &buf->nr_segs, va + offset, buf->len);
	dmio_seg_add(buf->guards, &buf->nr_guards, va + offset + buf->len,
		     size - offset - buf->len);
	buf->mem.vm = va + offset;
}

/**
 * dmio_buf_new() - a test buffer of @len data bytes
 * @test: the case
 * @kind: page list, bio_vec array or vmalloc
 * @len: data bytes (a multiple of 512)
 * @offset: page list: offset in the first page; bvec: offset of the first
 *	entry; vm: offset into the vmalloc area
 *
 * Data and guards start out zero; see dmio_buf_fill()/dmio_buf_memset().
 *
 * Return: the buffer, freed when the test case ends.
 */
struct dmio_buf *dmio_buf_new(struct kunit *test, enum dmio_kind kind,
			      size_t len, unsigned int offset)
{
	struct dmio_buf *buf = dmio_alloc(test, sizeof(*buf));

	buf->mem.kind = kind;
	buf->len = len;
	if (kind == DMIO_PL)
		dmio_buf_pl(test, buf, offset);
	else if (kind == DMIO_BVEC)
		dmio_buf_bvec(test, buf, offset);
	else
		dmio_buf_vm(test, buf, offset);
	return buf;
}

static void dmio_buf_guard(struct dmio_buf *buf)
{
	unsigned int i;

	for (i = 0; i < buf->nr_guards; i++)
		memset(buf->guards[i].addr, DMIO_GUARD, buf->guards[i].len);
}

/* Data = pattern @seed from stream offset 0; guards = DMIO_GUARD. */
void dmio_buf_fill(struct dmio_buf *buf, u32 seed)
{
	u64 off = 0;
	unsigned int i;

	for (i = 0; i < buf->nr_segs; i++) {
		dmio_pattern(buf->segs[i].addr, buf->segs[i].len, seed, off);
		off += buf->segs[i].len;
	}
	dmio_buf_guard(buf);
}

/* Data = @byte; guards = DMIO_GUARD. */
void dmio_buf_memset(struct dmio_buf *buf, u8 byte)
{
	unsigned int i;

	for (i = 0; i < buf->nr_segs; i++)
		memset(buf->segs[i].addr, byte, buf->segs[i].len);
	dmio_buf_guard(buf);
}

/* The first @len data bytes hold pattern @seed. */
bool dmio_buf_check(struct kunit *test, const struct dmio_buf *buf, u32 seed,
		    size_t len, const char *what)
{
	u64 off = 0;
	unsigned int i;

	for (i = 0; i < buf->nr_segs && off < len; i++) {
		size_t n = min_t(size_t, buf->segs[i].len, len - off);
		size_t bad = dmio_pattern_cmp(buf->segs[i].addr, n, seed, off);

		if (bad < n) {
			KUNIT_FAIL(test, "%s: data wrong at byte %llu", what,
				   off + bad);
			return false;
		}
		off += n;
	}
	return true;
}

/* Data bytes [@from, @from + @len) are all @byte. */
bool dmio_buf_check_byte(struct kunit *test, const struct dmio_buf *buf,
			 u8 byte, size_t from, size_t len, const char *what)
{
	size_t start = 0, end = from + len; /* start: of segment i */
	unsigned int i;

	for (i = 0; i < buf->nr_segs && start < end;
	     start += buf->segs[i++].len) {
		const struct dmio_seg *seg = &buf->segs[i];
		size_t lo = max(start, from);
		size_t hi = min(start + seg->len, end);
		u8 *bad;

		if (lo >= hi)
			continue;
		bad = memchr_inv(seg->addr + (lo - start), byte, hi - lo);
		if (bad) {
			KUNIT_FAIL(test, "%s: byte %zu is %#x, not %#x", what,
				   start + (bad - seg->addr), *bad, byte);
			return false;
		}
	}
	return true;
}

/* No byte outside the data was touched. */
bool dmio_buf_check_guards(struct kunit *test, const struct dmio_buf *buf,
			   const char *what)
{
	unsigned int i;

	for (i = 0; i < buf->nr_guards; i++) {
		if (memchr_inv(buf->guards[i].addr, DMIO_GUARD,
			       buf->guards[i].len)) {
			KUNIT_FAIL(test, "%s: wrote outside the buffer", what);
			return false;
		}
	}
	return true;
}

void dmio_cursor_init(struct dmio_cursor *c, const struct dmio_buf *buf)
{
	c->buf = buf;
	c->seg = 0;
	c->off = 0;
}

/* The next 512 data bytes (segments are whole sectors), or NULL. */
u8 *dmio_cursor_next(struct dmio_cursor *c)
{
	const struct dmio_buf *buf = c->buf;
	u8 *p;

	if (c->seg >= buf->nr_segs)
		return NULL;
	p = buf->segs[c->seg].addr + c->off;
	c->off += SECTOR_SIZE;
	if (c->off >= buf->segs[c->seg].len) {
		c->seg++;
		c->off = 0;
	}
	return p;
}

/* ---- block devices ---- */

static void dmio_res_bdev(struct kunit_resource *res)
{
	dmio_bdev_close(res->data);
	kfree(res->data);
}

/* Opens @path for the rest of the case (asserts that it exists). */
unsigned int dmio_mem_align(struct block_device *bdev)
{
	return max(bdev_dma_alignment(bdev) + 1,
		   bdev_logical_block_size(bdev) / BIO_MAX_VECS);
}

struct block_device *dmio_open(struct kunit *test, const char *path)
{
	struct dmio_bdev_ref *ref = kzalloc(sizeof(*ref), GFP_KERNEL);
	int r;

	KUNIT_ASSERT_NOT_NULL(test, ref);
	r = dmio_bdev_open(path, NULL, ref);
	if (r)
		kfree(ref);
	KUNIT_ASSERT_EQ_MSG(test, r, 0, "open %s: %d", path, r);
	if (!kunit_alloc_resource(test, dmio_res_init, dmio_res_bdev,
				  GFP_KERNEL, ref)) {
		dmio_bdev_close(ref);
		kfree(ref);
		KUNIT_FAIL_AND_ABORT(test, "no memory");
	}
	return ref->bdev;
}

void dmio_open_rams(struct kunit *test, struct block_device **ram)
{
	static const char *const path[DMIO_NR_RAM] = {
		DMIO_DEV_RAM0,
		DMIO_DEV_RAM1,
		DMIO_DEV_RAM2,
		DMIO_DEV_RAM3,
	};
	unsigned int i;

	for (i = 0; i < DMIO_NR_RAM; i++)
		ram[i] = dmio_open(test, path[i]);
}

/* One bio of one page, not through dm-io. */
static int dmio_raw(struct block_device *bdev, sector_t sector,
		    struct page *page, unsigned int len, blk_opf_t opf)
{
	struct bio *bio = bio_alloc(bdev, 1, opf, GFP_KERNEL);
	int r;

	bio->bi_iter.bi_sector = sector;
	__bio_add_page(bio, page, len, 0);
	r = submit_bio_wait(bio);
	bio_put(bio);
	return r;
}

/*
 * Raw writes of pattern @seed (stream offset @off at @sector) or of @byte
 * (when @seed is 0) to sectors [@sector, @sector + @nr).
 */
static int dmio_dev_write(struct block_device *bdev, sector_t sector,
			  sector_t nr, u32 seed, u64 off, u8 byte)
{
	struct page *page = alloc_page(GFP_KERNEL);
	sector_t done = 0;
	int r = 0;

	if (!page)
		return -ENOMEM;
	if (!seed)
		memset(page_address(page), byte, PAGE_SIZE);
	while (!r && done < nr) {
		unsigned int n = min_t(sector_t, nr - done, DMIO_PAGE_SECTORS);

		if (seed)
			dmio_pattern(page_address(page), n << SECTOR_SHIFT,
				     seed, off + (done << SECTOR_SHIFT));
		r = dmio_raw(bdev, sector + done, page, n << SECTOR_SHIFT,
			     REQ_OP_WRITE);
		done += n;
	}
	__free_page(page);
	return r;
}

int dmio_dev_pattern(struct block_device *bdev, sector_t sector, sector_t nr,
		     u32 seed, u64 off)
{
	return dmio_dev_write(bdev, sector, nr, seed ?: 1, off, 0);
}

int dmio_dev_memset(struct block_device *bdev, sector_t sector, sector_t nr,
		    u8 byte)
{
	return dmio_dev_write(bdev, sector, nr, 0, 0, byte);
}

static bool dmio_dev_verify(struct kunit *test, struct block_device *bdev,
			    sector_t sector, sector_t nr, u32 seed, u64 off,
			    u8 byte, const char *what)
{
	struct page *page = alloc_page(GFP_KERNEL);
	sector_t done = 0;
	bool ok = true;

	KUNIT_ASSERT_NOT_NULL(test, page);
	while (ok && done < nr) {
		unsigned int n = min_t(sector_t, nr - done, DMIO_PAGE_SECTORS);
		unsigned int len = n << SECTOR_SHIFT;
		u8 *p = page_address(page);
		size_t bad;
		int r;

		memset(p, DMIO_GUARD, PAGE_SIZE);
		r = dmio_raw(bdev, sector + done, page, len, REQ_OP_READ);
		if (r) {
			KUNIT_FAIL(test, "%s: raw read: %d", what, r);
			ok = false;
			break;
		}
		if (seed) {
			bad = dmio_pattern_cmp(p, len, seed,
					       off + (done << SECTOR_SHIFT));
		} else {
			u8 *q = memchr_inv(p, byte, len);

			bad = q ? q - p : len;
		}
		if (bad < len) {
			bad >>= SECTOR_SHIFT;
			KUNIT_FAIL(test, "%s: device sector %llu wrong", what,
				   (u64)(sector + done + bad));
			ok = false;
		}
		done += n;
	}
	__free_page(page);
	return ok;
}

/* Device sectors [@sector, +@nr) hold pattern @seed from stream offset @off. */
bool dmio_dev_check(struct kunit *test, struct block_device *bdev,
		    sector_t sector, sector_t nr, u32 seed, u64 off,
		    const char *what)
{
	return dmio_dev_verify(test, bdev, sector, nr, seed ?: 1, off, 0, what);
}

/* Device sectors [@sector, +@nr) are all @byte. */
bool dmio_dev_check_byte(struct kunit *test, struct block_device *bdev,
			 sector_t sector, sector_t nr, u8 byte,
			 const char *what)
{
	return dmio_dev_verify(test, bdev, sector, nr, 0, 0, byte, what);
}

/* ---- calling dm-io ---- */

/* The test callback: only records and completes (it may run in irq). */
void dmio_notify(unsigned long error, void *context)
{
	struct dmio_async *a = context;

	a->error = error;
	a->in_task = in_task();
	atomic_inc(&a->calls);
	complete(&a->done);
}

struct dmio_async *dmio_async_new(struct kunit *test)
{
	struct dmio_async *a = dmio_alloc(test, sizeof(*a));

	init_completion(&a->done);
	atomic_set(&a->calls, 0);
	return a;
}

/* Bounded wait for the callback; a lost one fails (aborts) the case. */
void dmio_async_wait(struct kunit *test, struct dmio_async *a)
{
	if (wait_for_completion_timeout(&a->done, DMIO_TIMEOUT))
		return;
	WRITE_ONCE(dmio_test_unsafe, true);
	KUNIT_FAIL_AND_ABORT(test, "callback not called within %d s",
			     DMIO_TIMEOUT / HZ);
}

/*
 * Waits (bounded) until every request started since the counters read
 * @s0 (started) and @c0 (completed) has completed.
 */
void dmio_settle(struct kunit *test, u64 s0, u64 c0)
{
	unsigned long end = jiffies + 5 * HZ;

	while (dmio_requests_completed() - c0 < dmio_requests_started() - s0) {
		if (time_after(jiffies, end)) {
			KUNIT_FAIL(test, "requests: %llu started, %llu done",
				   dmio_requests_started() - s0,
				   dmio_requests_completed() - c0);
			return;
		}
		usleep_range(1000, 2000);
	}
}

int dmio_call_sync(const struct dmio_buf *buf, unsigned int nr,
		   const struct io_region *where, blk_opf_t rw,
		   unsigned long *error_bits)
{
	return dmio_mem_io(&buf->mem, false, nr, where, rw, error_bits, NULL,
			   NULL);
}

int dmio_call_async(const struct dmio_buf *buf, unsigned int nr,
		    const struct io_region *where, blk_opf_t rw,
		    dm_io_notify_fn fn, void *context)
{
	return dmio_mem_io(&buf->mem, true, nr, where, rw, NULL, fn, context);
}

/**
 * dmio_run() - one dm-io call, sync or async, with the same result checks
 * @test: the case
 * @async: use dm_io_async*() and wait (bounded) for the callback
 * @buf: the buffer (its kind picks the API)
 * @nr: number of regions
 * @where: the regions
 * @rw: op and flags
 * @bits: receives the result bitset (sync: error_bits; async: the
 *	callback's argument)
 *
 * An async call must call back exactly once, and only when it returned 0.
 * A sync call's return value must agree with its error_bits.
 *
 * Return: the call's return value, or for an async call that returned 0,
 * what the sync call would have returned (-EIO when a bit is set).
 */
int dmio_run(struct kunit *test, bool async, const struct dmio_buf *buf,
	     unsigned int nr, const struct io_region *where, blk_opf_t rw,
	     unsigned long *bits)
{
	u64 s0 = dmio_requests_started();
	u64 c0 = dmio_requests_completed();
	const char *kind = dmio_kind_name[buf->mem.kind];
	struct dmio_async *a;
	int r;

	*bits = ~0UL;
	if (!async) {
		r = dmio_call_sync(buf, nr, where, rw, bits);
		dmio_settle(test, s0, c0);
		if (r == 0)
			KUNIT_EXPECT_EQ_MSG(test, *bits, 0UL,
					    "%s sync: 0 with bits", kind);
		if (r == -EIO)
			KUNIT_EXPECT_NE_MSG(test, *bits, 0UL,
					    "%s sync: -EIO, no bits", kind);
		return r;
	}

	a = dmio_async_new(test);
	r = dmio_call_async(buf, nr, where, rw, dmio_notify, a);
	if (r) {
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 0,
				    "%s async: callback after %d", kind, r);
		return r;
	}
	dmio_async_wait(test, a);
	dmio_settle(test, s0, c0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 1,
			    "%s async: callbacks", kind);
	*bits = a->error;
	return a->error ? -EIO : 0;
}

/**
 * dmio_round_trip() - WRITE then READ one region, checking every step
 * @test: the case
 * @async: use the async calls
 * @wbuf: the buffer written from (filled with a new pattern here)
 * @rbuf: the buffer read into (may be @wbuf)
 * @region: the region; the buffers hold at least region->count sectors
 * @what: names the step in failure messages
 *
 * The device region is zeroed first; after the WRITE raw reads must find
 * the pattern there, and after the READ @rbuf must hold it, with the bytes
 * around the data untouched.
 *
 * Return: true if every step passed its checks.
 */
bool dmio_round_trip(struct kunit *test, bool async, struct dmio_buf *wbuf,
		     struct dmio_buf *rbuf, const struct io_region *region,
		     const char *what)
{
	size_t len = region->count << SECTOR_SHIFT;
	u32 seed = dmio_seed();
	unsigned long bits;
	int r;

	KUNIT_ASSERT_EQ(test,
			dmio_dev_memset(region->bdev, region->sector,
					region->count, 0),
			0);
	dmio_buf_fill(wbuf, seed);
	r = dmio_run(test, async, wbuf, 1, region, REQ_OP_WRITE, &bits);
	KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s: write", what);
	KUNIT_EXPECT_EQ_MSG(test, bits, 0UL, "%s: write bits", what);
	if (r || bits)
		return false;
	if (!dmio_dev_check(test, region->bdev, region->sector, region->count,
			    seed, 0, what) ||
	    !dmio_buf_check(test, wbuf, seed, wbuf->len, what) ||
	    !dmio_buf_check_guards(test, wbuf, what))
		return false;

	dmio_buf_memset(rbuf, DMIO_GUARD);
	r = dmio_run(test, async, rbuf, 1, region, REQ_OP_READ, &bits);
	KUNIT_EXPECT_EQ_MSG(test, r, 0, "%s: read", what);
	KUNIT_EXPECT_EQ_MSG(test, bits, 0UL, "%s: read bits", what);
	if (r || bits)
		return false;
	/* data bytes past the region are not touched either */
	return dmio_buf_check(test, rbuf, seed, len, what) &&
	       dmio_buf_check_byte(test, rbuf, DMIO_GUARD, len, rbuf->len - len,
				   what) &&
	       dmio_buf_check_guards(test, rbuf, what);
}

/**
 * dmio_counting_suite_init() - dm-io's counters count during the suite
 * @suite: the suite
 *
 * The suites read dm-io's counters (dm-io-internal.h), which count only
 * while enabled.  KUnit runs a module's suites before its init (6.1), so
 * each suite turns them on itself.
 *
 * Return: 0.
 */
int dmio_counting_suite_init(struct kunit_suite *suite)
{
	dmio_counters_enable();
	return 0;
}

/**
 * dmio_counting_suite_exit() - the counters stop counting for the suite
 * @suite: the suite
 */
void dmio_counting_suite_exit(struct kunit_suite *suite)
{
	dmio_counters_disable();
}

kunit_test_suites(&dmio_rw_suite, &dmio_large_suite, &dmio_regions_suite,
		  &dmio_errors_suite, &dmio_flags_suite, &dmio_completion_suite,
		  &dmio_pool_suite, &dmio_invalid_suite, &dmio_fault_suite,
		  &dmio_ext_suite, &dmio_fail_alone_suite, &dmio_context_suite,
		  &dmio_align_suite);

MODULE_DESCRIPTION("KUnit tests of the dm-io API");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMIO_NS_INTERNAL);
