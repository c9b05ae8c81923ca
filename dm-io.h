/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-io: synchronous and asynchronous block I/O for device-mapper targets.
 *
 * The classic dm-io interface (Documentation/dm-io.rst): read one region,
 * or write one buffer to one or more regions, from a page list, a bio_vec
 * array or a vmalloc'd buffer; the result is a bitset with one bit per region.
 *
 * A target may include this together with the kernel's own dm-io header:
 * struct page_list and io_notify_fn are the kernel's definitions, reused.
 */
#ifndef DMIO_DM_IO_H
#define DMIO_DM_IO_H

#include <linux/blk_types.h>
#include <linux/dm-io.h> /* struct page_list, io_notify_fn */
#include <linux/types.h>

/**
 * struct io_region - a range of sectors on one block device
 * @bdev: the device; must not be NULL.
 * @sector: first sector, in 512-byte units.
 * @count: number of 512-byte sectors; a region with count 0 is skipped
 *	(unless the request carries REQ_PREFLUSH, see dm_io_sync()).
 *
 * @sector and @count must be multiples of the device's logical block size
 * and the region must lie inside the device.
 */
struct io_region {
	struct block_device *bdev;
	sector_t sector;
	sector_t count;
};

/* Most regions one request can name: one bit each in the result. */
#define DM_IO_MAX_REGIONS BITS_PER_LONG

/**
 * dm_io_get() - reserve resources for I/O a caller expects to have in flight
 * @num_pages: how many pages of data the caller may have in flight at once.
 *
 * Grows the request reserve so that @num_pages pages of in-flight I/O can
 * always make progress under memory pressure.  Reservations of several users
 * add up; each dm_io_get() is undone by a dm_io_put() of the same number,
 * typically from a target's constructor and destructor.  Safe to call
 * concurrently.  Without any dm_io_get() the calls still work: they share a
 * small base reserve that the module keeps from load to unload, so progress
 * is guaranteed but requests may wait for each other's completion.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM if the reserve could not grow (nothing changed).
 */
int dm_io_get(unsigned int num_pages);

/**
 * dm_io_put() - give back a reservation made with dm_io_get()
 * @num_pages: the number given to dm_io_get().
 *
 * Shrinks the reserve again.  Putting more than was got warns (ratelimited)
 * and clamps at zero.  Requests still in flight are not affected.
 *
 * Context: process context, may sleep.
 */
void dm_io_put(unsigned int num_pages);

/**
 * dm_io_sync() - synchronous I/O on a page list
 * @num_regions: 1 for READ; 1 to %DM_IO_MAX_REGIONS for WRITE.
 * @where: the regions, each on its own (or the same) device.
 * @rw: REQ_OP_READ or REQ_OP_WRITE (READ/WRITE), optionally ORed with
 *	REQ_SYNC, REQ_META, REQ_PRIO, REQ_IDLE, REQ_NOMERGE, REQ_BACKGROUND,
 *	REQ_RAHEAD, REQ_FAILFAST_* and, for WRITE only, REQ_FUA and
 *	REQ_PREFLUSH.  The flags are set on every bio of every region.
 * @pl: the buffer: a list of pages linked by ->next (it may be circular).
 * @offset: byte offset of the data in the first page; a multiple of the
 *	logical block size and less than PAGE_SIZE.  Later pages start at 0.
 * @error_bits: if not NULL, receives the result bitset: bit k is set exactly
 *	when region k saw an error.
 *
 * A WRITE sends the same bytes to every region; a region shorter than the
 * longest takes the prefix of the buffer.  Regions with count 0 are skipped,
 * except that a WRITE with REQ_PREFLUSH sends an empty flush to the device of
 * every region whose count is 0.  Each region is split into as many bios as
 * its device's limits need.  If a READ fails, the part of the buffer that
 * the failed bios covered is zero-filled, never left stale.
 *
 * Bad input returns -EINVAL with no I/O issued: @num_regions of 0 or above
 * %DM_IO_MAX_REGIONS, READ with more than one region, an unknown op or flag,
 * a NULL @where, bdev or buffer, a region not aligned to its device's logical
 * block size or past its end, a misaligned @offset, or a buffer shorter than
 * the longest region.
 *
 * Context: process context; sleeps uninterruptibly until every bio is done.
 * Return: 0 on success, -EIO if any region failed, -EINVAL on bad input.
 */
int dm_io_sync(unsigned int num_regions, const struct io_region *where,
	       blk_opf_t rw, struct page_list *pl, unsigned int offset,
	       unsigned long *error_bits);

/**
 * dm_io_async() - asynchronous I/O on a page list
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_sync(); read only during the call, so it may live on
 *	the caller's stack.
 * @rw: as for dm_io_sync().
 * @pl: as for dm_io_sync().
 * @offset: as for dm_io_sync().
 * @fn: called exactly once when every bio has completed, with the result
 *	bitset (bit k set exactly when region k failed) and @context.
 * @context: passed to @fn.
 *
 * When the call returns 0, @fn is called exactly once: normally from the
 * completion of the last bio, which may be hard or soft interrupt context,
 * so @fn must not sleep; or, when no region has anything to do, from this
 * call before it returns.  @fn may free @context, issue more I/O or call
 * dm_io_put().  When the call returns an error, @fn is never called and no
 * I/O was issued.
 *
 * Context: process context, may sleep (waits for reserve memory).
 * Return: 0, or -EINVAL on bad input (see dm_io_sync(); a NULL @fn too).
 */
int dm_io_async(unsigned int num_regions, const struct io_region *where,
		blk_opf_t rw, struct page_list *pl, unsigned int offset,
		io_notify_fn fn, void *context);

/**
 * dm_io_sync_bvec() - synchronous I/O on a bio_vec array
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_sync().
 * @rw: as for dm_io_sync().
 * @bvec: the buffer: entries are used in order until the longest region is
 *	covered (the last one used may be longer than needed).  Each entry's
 *	bv_offset and bv_len must be multiples of the logical block size; an
 *	entry may span several physically contiguous pages.  An entry with a
 *	NULL page or a zero length before the region is covered ends the array
 *	early and the call fails with -EINVAL.
 * @error_bits: as for dm_io_sync().
 *
 * Context: process context; sleeps uninterruptibly until every bio is done.
 * Return: as for dm_io_sync().
 */
int dm_io_sync_bvec(unsigned int num_regions, const struct io_region *where,
		    blk_opf_t rw, const struct bio_vec *bvec,
		    unsigned long *error_bits);

/**
 * dm_io_async_bvec() - asynchronous I/O on a bio_vec array
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_async().
 * @rw: as for dm_io_sync().
 * @bvec: as for dm_io_sync_bvec().
 * @fn: as for dm_io_async().
 * @context: passed to @fn.
 *
 * Context: process context, may sleep.
 * Return: as for dm_io_async().
 */
int dm_io_async_bvec(unsigned int num_regions, const struct io_region *where,
		     blk_opf_t rw, const struct bio_vec *bvec, io_notify_fn fn,
		     void *context);

/**
 * dm_io_sync_vm() - synchronous I/O on a vmalloc'd buffer
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_sync().
 * @rw: as for dm_io_sync().
 * @data: start of the buffer: a vmalloc() (or vmap()) address aligned to the
 *	logical block size, with the whole longest region inside one area.
 * @error_bits: as for dm_io_sync().
 *
 * The CPU cache is flushed for the buffer before the I/O and invalidated
 * after a READ, before the call returns.
 *
 * Context: process context; sleeps uninterruptibly until every bio is done.
 * Return: as for dm_io_sync(); -EINVAL also for a non-vmalloc @data.
 */
int dm_io_sync_vm(unsigned int num_regions, const struct io_region *where,
		  blk_opf_t rw, void *data, unsigned long *error_bits);

/**
 * dm_io_async_vm() - asynchronous I/O on a vmalloc'd buffer
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_async().
 * @rw: as for dm_io_sync().
 * @data: as for dm_io_sync_vm().
 * @fn: as for dm_io_async(); after a READ the cache is invalidated before
 *	@fn runs.
 * @context: passed to @fn.
 *
 * Context: process context, may sleep.
 * Return: as for dm_io_async().
 */
int dm_io_async_vm(unsigned int num_regions, const struct io_region *where,
		   blk_opf_t rw, void *data, io_notify_fn fn, void *context);

#endif /* DMIO_DM_IO_H */
