// SPDX-License-Identifier: GPL-2.0
/*
 * The recorder: a small memory-backed, bio-based disk owned by the test
 * module.  Like every bio-based driver it first cuts a bio to its queue's
 * limits (bio_split_to_limits(): dm-io, like the kernel's dm_io(), leaves
 * that to the block layer), then logs each piece's op and flags, sector,
 * size and number of bio_vecs, and completes it with success or an error
 * chosen by the case (BLK_STS_IOERR, or another status for a second range
 * of sectors), either at once, from a tasklet (so in soft interrupt
 * context, as blk-mq completes a request on another CPU's softirq), or when
 * the case releases it (held bios are released newest first).
 *
 * Discard and write zeroes zero the range they cover; the recorder
 * supports them only while a case sets limits for them
 * (dmio_queue_set_op_limits()), otherwise the block layer refuses them.
 *
 * Write cache and FUA are enabled so that REQ_PREFLUSH and REQ_FUA reach
 * the driver instead of being stripped by submit_bio_noacct().
 *
 * One recorder exists at a time: a suite creates it in suite_init and
 * deletes it in suite_exit; each case starts from a clean state.
 */

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dm-io-test.h"

static struct dmio_rec *dmio_rec_dev;

static void dmio_rec_submit_bio(struct bio *bio)
{
	struct dmio_rec *rec = bio->bi_bdev->bd_disk->private_data;
	blk_opf_t nomerge = bio->bi_opf & REQ_NOMERGE;
	struct dmio_rec_bio r = {};
	struct bvec_iter iter;
	struct bio_vec bv;
	blk_status_t status = BLK_STS_IOERR;
	unsigned long flags;
	enum req_op op;
	sector_t end;
	u8 *dev;
	bool hold, soft;

	/* The rest, if any, comes back through submit_bio_noacct(). */
	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	/* a split piece is marked REQ_NOMERGE: log dm-io's flags */
	r.opf = (bio->bi_opf & ~REQ_NOMERGE) | nomerge;
	r.sector = bio->bi_iter.bi_sector;
	r.size = bio->bi_iter.bi_size;
	r.ioprio = bio->bi_ioprio;
	r.max_vecs = bio->bi_max_vecs;
	op = bio_op(bio);
	end = r.sector + (r.size >> SECTOR_SHIFT);

	if (bio_has_data(bio))
		bio_for_each_bvec(bv, bio, iter)
			r.segs++;

	spin_lock_irqsave(&rec->lock, flags);
	r.failed = rec->fail_all ||
		   (r.size && r.sector < rec->fail_hi && end > rec->fail_lo);
	if (!r.failed && r.size && r.sector < rec->status_hi &&
	    end > rec->status_lo) {
		r.failed = true;
		status = rec->status;
	}
	spin_unlock_irqrestore(&rec->lock, flags);

	/* Data moves now; a failed READ leaves junk (DMIO_GUARD) behind. */
	dev = rec->store + (r.sector << SECTOR_SHIFT);
	if (!bio_has_data(bio)) {
		/* discard or write zeroes (an empty flush has no size) */
		if (!r.failed)
			memset(dev, 0, r.size);
	} else {
		bio_for_each_segment(bv, bio, iter) {
			u8 *p = bvec_kmap_local(&bv);

			if (op == REQ_OP_WRITE && !r.failed)
				memcpy(dev, p, bv.bv_len);
			else if (op == REQ_OP_READ && r.failed)
				memset(p, DMIO_GUARD, bv.bv_len);
			else if (op == REQ_OP_READ)
				memcpy(p, dev, bv.bv_len);
			kunmap_local(p);
			dev += bv.bv_len;
		}
	}

	/* Only an error is set: a piece's error reaches the bio it came from. */
	if (op != REQ_OP_READ && op != REQ_OP_WRITE && op != REQ_OP_DISCARD &&
	    op != REQ_OP_WRITE_ZEROES)
		bio->bi_status = BLK_STS_NOTSUPP;
	else if (r.failed)
		bio->bi_status = status;

	spin_lock_irqsave(&rec->lock, flags);
	if (rec->nr < DMIO_REC_LOG)
		rec->log[rec->nr] = r;
	rec->nr++;
	hold = rec->hold;
	soft = !hold && rec->soft;
	if (hold) {
		bio_list_add_head(&rec->held, bio);
		rec->nr_held++;
	} else if (soft) {
		bio_list_add(&rec->soft_done, bio);
	}
	spin_unlock_irqrestore(&rec->lock, flags);

	if (soft)
		tasklet_schedule(&rec->tasklet);
	else if (!hold)
		bio_endio(bio);
}

/* Soft interrupt context: completes the bios queued for the tasklet. */
static void dmio_rec_tasklet(struct tasklet_struct *t)
{
	struct dmio_rec *rec = from_tasklet(rec, t, tasklet);
	struct bio_list done;
	struct bio *bio;

	spin_lock_irq(&rec->lock);
	done = rec->soft_done;
	bio_list_init(&rec->soft_done);
	spin_unlock_irq(&rec->lock);
	while ((bio = bio_list_pop(&done)))
		bio_endio(bio);
}

static const struct block_device_operations dmio_rec_fops = {
	.owner = THIS_MODULE,
	.submit_bio = dmio_rec_submit_bio,
};

int dmio_rec_limits(struct dmio_rec *rec, unsigned int max_sectors,
		    unsigned short max_segments)
{
	return dmio_disk_set_limits(rec->disk, max_sectors, max_segments);
}

/* Fails every bio (@all), or the data bios touching sectors [@lo, @hi). */
void dmio_rec_fail(struct dmio_rec *rec, bool all, sector_t lo, sector_t hi)
{
	spin_lock_irq(&rec->lock);
	rec->fail_all = all;
	rec->fail_lo = lo;
	rec->fail_hi = hi;
	spin_unlock_irq(&rec->lock);
}

/*
 * Data bios touching sectors [@lo, @hi) that dmio_rec_fail() does not fail
 * end with @status (not BLK_STS_OK), or, for lo == hi, none does.
 */
void dmio_rec_fail_status(struct dmio_rec *rec, sector_t lo, sector_t hi,
			  blk_status_t status)
{
	spin_lock_irq(&rec->lock);
	rec->status_lo = lo;
	rec->status_hi = hi;
	rec->status = status;
	spin_unlock_irq(&rec->lock);
}

/* Keeps the bios that arrive from now on, or completes them at once. */
void dmio_rec_hold(struct dmio_rec *rec, bool hold)
{
	spin_lock_irq(&rec->lock);
	rec->hold = hold;
	spin_unlock_irq(&rec->lock);
}

/* Completes the bios that arrive from now on from a tasklet, or at once. */
void dmio_rec_softirq(struct dmio_rec *rec, bool soft)
{
	spin_lock_irq(&rec->lock);
	rec->soft = soft;
	spin_unlock_irq(&rec->lock);
}

/* Completes up to @max held bios, newest first; returns how many. */
unsigned int dmio_rec_release(struct dmio_rec *rec, unsigned int max)
{
	unsigned int n = 0;

	while (n < max) {
		struct bio *bio;

		spin_lock_irq(&rec->lock);
		bio = bio_list_pop(&rec->held);
		if (bio)
			rec->nr_held--;
		spin_unlock_irq(&rec->lock);
		if (!bio)
			break;
		bio_endio(bio);
		n++;
	}
	return n;
}

/* Waits (bounded) until at least @nr bios are held. */
bool dmio_rec_wait_held(struct dmio_rec *rec, unsigned int nr)
{
	unsigned long end = jiffies + DMIO_TIMEOUT;

	while (READ_ONCE(rec->nr_held) < nr) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/* Forgets the bios logged so far. */
void dmio_rec_clear(struct dmio_rec *rec)
{
	spin_lock_irq(&rec->lock);
	rec->nr = 0;
	spin_unlock_irq(&rec->lock);
}

unsigned int dmio_rec_nr(struct dmio_rec *rec)
{
	unsigned int nr;

	spin_lock_irq(&rec->lock);
	nr = rec->nr;
	spin_unlock_irq(&rec->lock);
	return nr;
}

static void dmio_rec_free(struct dmio_rec *rec)
{
	kvfree(rec->log);
	vfree(rec->store);
	kfree(rec);
}

/* The recorder, with logical blocks of @lbs bytes, for a suite. */
static int dmio_rec_create(struct kunit_suite *suite, unsigned int lbs)
{
	const struct dmio_disk_limits lim = {
		.logical_block_size = lbs,
		.max_hw_sectors = DMIO_PAGE_SECTORS,
		.max_segments = BLK_MAX_SEGMENTS,
		.write_cache_fua = true,
	};
	struct gendisk *disk;
	struct dmio_rec *rec;
	int r = -ENOMEM;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock_init(&rec->lock);
	bio_list_init(&rec->held);
	bio_list_init(&rec->soft_done);
	tasklet_setup(&rec->tasklet, dmio_rec_tasklet);
	rec->store = vzalloc(DMIO_REC_SECTORS << SECTOR_SHIFT);
	rec->log = kvcalloc(DMIO_REC_LOG, sizeof(*rec->log), GFP_KERNEL);
	if (!rec->store || !rec->log)
		goto out_free;

	disk = dmio_alloc_disk(&lim);
	if (IS_ERR(disk)) {
		r = PTR_ERR(disk);
		goto out_free;
	}
	disk->fops = &dmio_rec_fops;
	disk->private_data = rec;
	disk->flags |= GENHD_FL_NO_PART;
	strscpy(disk->disk_name, "dmio_rec", DISK_NAME_LEN);
	set_capacity(disk, DMIO_REC_SECTORS);
	rec->disk = disk;
	r = add_disk(disk);
	if (r) {
		put_disk(disk);
		goto out_free;
	}
	rec->bdev = disk->part0;
	dmio_rec_dev = rec;
	return dmio_counting_suite_init(suite);

out_free:
	dmio_rec_free(rec);
	return r;
}

int dmio_rec_suite_init(struct kunit_suite *suite)
{
	return dmio_rec_create(suite, SECTOR_SIZE);
}

/* The recorder with 4 KiB logical blocks. */
int dmio_rec4k_suite_init(struct kunit_suite *suite)
{
	return dmio_rec_create(suite, SZ_4K);
}

void dmio_rec_suite_exit(struct kunit_suite *suite)
{
	struct dmio_rec *rec = dmio_rec_dev;

	dmio_counting_suite_exit(suite);
	if (!rec)
		return;
	dmio_rec_hold(rec, false);
	dmio_rec_release(rec, UINT_MAX);
	dmio_rec_softirq(rec, false);
	tasklet_kill(&rec->tasklet); /* waits for a queued run */
	del_gendisk(rec->disk);
	put_disk(rec->disk);
	dmio_rec_dev = NULL;
	/* after a lost completion dm-io may still hold pointers into it */
	if (!READ_ONCE(dmio_test_unsafe))
		dmio_rec_free(rec);
}

int dmio_rec_test_init(struct kunit *test)
{
	struct dmio_rec *rec = dmio_rec_dev;

	if (!rec)
		return -ENODEV;
	dmio_rec_clear(rec);
	dmio_rec_hold(rec, false);
	dmio_rec_softirq(rec, false);
	dmio_rec_fail(rec, false, 0, 0);
	dmio_rec_fail_status(rec, 0, 0, BLK_STS_IOERR);
	test->priv = rec;
	return dmio_rec_limits(rec, DMIO_PAGE_SECTORS, BLK_MAX_SEGMENTS);
}

/* Completes whatever a failed case left held. */
void dmio_rec_test_exit(struct kunit *test)
{
	struct dmio_rec *rec = test->priv;

	if (!rec)
		return;
	dmio_rec_hold(rec, false);
	dmio_rec_release(rec, UINT_MAX);
}

static int dmio_rec_region_of(struct dmio_rec *rec, unsigned int nr,
			      const struct io_region *where,
			      const struct dmio_rec_bio *b)
{
	sector_t end = b->sector + (b->size >> SECTOR_SHIFT);
	unsigned int k;

	for (k = 0; k < nr; k++) {
		if (where[k].bdev == rec->bdev &&
		    b->sector >= where[k].sector &&
		    end <= where[k].sector + where[k].count)
			return k;
	}
	return -1;
}

/**
 * dmio_rec_check_cover() - the data bios logged cover the regions exactly
 * @test: the case
 * @rec: the recorder
 * @nr: number of regions
 * @where: the regions (those not on the recorder are ignored)
 * @bios: if not NULL, receives the number of data bios of each region
 * @what: names the step in failure messages
 *
 * Every bio with data lies inside one region, is a whole number of
 * sectors, respects the queue's max_sectors (the recorder cuts what dm-io
 * sends with bio_split_to_limits(); it counts bio_vecs, not the segments
 * the split counts, so max_segments is the block layer's to keep), and no
 * two overlap; every sector of every region is covered.
 *
 * Return: true if the bios pass these checks.
 */
bool dmio_rec_check_cover(struct kunit *test, struct dmio_rec *rec,
			  unsigned int nr, const struct io_region *where,
			  unsigned int *bios, const char *what)
{
	struct request_queue *q = rec->disk->queue;
	unsigned int max_bytes = queue_max_sectors(q) << SECTOR_SHIFT;
	unsigned int i, n = dmio_rec_nr(rec);
	unsigned long *map;
	unsigned int k;

	if (n > DMIO_REC_LOG) {
		KUNIT_FAIL(test, "%s: %u bios, log holds %u", what, n,
			   DMIO_REC_LOG);
		return false;
	}
	map = dmio_alloc(test, BITS_TO_LONGS(DMIO_REC_SECTORS) * sizeof(long));
	for (k = 0; bios && k < nr; k++)
		bios[k] = 0;

	for (i = 0; i < n; i++) {
		const struct dmio_rec_bio *b = &rec->log[i];
		sector_t end = b->sector + (b->size >> SECTOR_SHIFT);
		int region;

		if (!b->size)
			continue;
		region = dmio_rec_region_of(rec, nr, where, b);
		if (region < 0 || b->size % SECTOR_SIZE) {
			KUNIT_FAIL(test, "%s: bio %llu+%u outside regions",
				   what, (u64)b->sector, b->size);
			return false;
		}
		if (b->size > max_bytes) {
			KUNIT_FAIL(test, "%s: bio of %u B > %u B", what,
				   b->size, max_bytes);
			return false;
		}
		if (find_next_bit(map, end, b->sector) < end) {
			KUNIT_FAIL(test, "%s: bios overlap at %llu", what,
				   (u64)b->sector);
			return false;
		}
		bitmap_set(map, b->sector, b->size >> SECTOR_SHIFT);
		if (bios)
			bios[region]++;
	}

	for (k = 0; k < nr; k++) {
		unsigned long lo = where[k].sector;
		unsigned long hi = lo + where[k].count;

		if (where[k].bdev != rec->bdev || !where[k].count)
			continue;
		if (find_next_zero_bit(map, hi, lo) < hi) {
			KUNIT_FAIL(test, "%s: region %u not covered", what, k);
			return false;
		}
	}
	return true;
}

/*
 * Every logged bio has op @op, all flags of @want and none of @forbid.
 */
bool dmio_rec_check_flags(struct kunit *test, struct dmio_rec *rec,
			  enum req_op op, blk_opf_t want, blk_opf_t forbid,
			  const char *what)
{
	unsigned int i, n = min_t(unsigned int, dmio_rec_nr(rec), DMIO_REC_LOG);

	for (i = 0; i < n; i++) {
		blk_opf_t opf = rec->log[i].opf;

		if ((opf & REQ_OP_MASK) != op || (opf & want) != want ||
		    (opf & forbid)) {
			KUNIT_FAIL(test, "%s: bio %u has opf %#x", what, i,
				   (__force u32)opf);
			return false;
		}
	}
	return true;
}
