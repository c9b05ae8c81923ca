/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-io: synchronous and asynchronous block I/O for device-mapper targets.
 *
 * The classic dm-io interface (Documentation/dm-io.rst): read one region,
 * or write one buffer to one or more regions, from a page list, a bio_vec
 * array or a vmalloc'd buffer; the result is a bitset with one bit per region.
 *
 * A target may include this together with the kernel's own dm-io header:
 * struct page_list is the kernel's definition, reused.  The classic callback
 * has a type of its own, dm_io_notify_fn: the kernel's io_notify_fn has the
 * same two arguments up to 7.2 but three (error, unsup, context) from 7.3 on.
 */
#ifndef DMIO_DM_IO_H
#define DMIO_DM_IO_H

#include <linux/blk_types.h>
#include <linux/dm-io.h> /* struct page_list */
#include <linux/types.h>

/*
 * Alignment.  A region's @sector and @count are whole logical blocks of its
 * device, and so is every bio dm-io builds.  The buffer's memory (a page
 * list's offset, every bio_vec's bv_offset and bv_len, a vmalloc address)
 * need only be aligned to the DMA alignment of the regions' devices
 * (bdev_dma_alignment() + 1: 512 bytes on nearly every device), as O_DIRECT
 * needs since Linux 6.0, and to 1/BIO_MAX_VECS of their logical block size;
 * with several regions, to the largest of these.
 */

/**
 * struct io_region - a range of sectors on one block device
 * @bdev: the device; must not be NULL.
 * @sector: first sector, in 512-byte units.
 * @count: number of 512-byte sectors; a region with count 0 is skipped
 *	(unless the request carries REQ_PREFLUSH, see dm_io_sync()).
 *
 * Unless @count is 0 (then @sector is not used), @sector and @count must be
 * multiples of the device's logical block size.  A region that lies, even
 * partly, past the end of its device fails alone: it gets its error bit and
 * no bio, and the request's other regions are done as usual.
 */
struct io_region {
	struct block_device *bdev;
	sector_t sector;
	sector_t count;
};

/* Most regions one request can name: one bit each in the result. */
#define DM_IO_MAX_REGIONS BITS_PER_LONG

/**
 * typedef dm_io_notify_fn - completion of a classic asynchronous call
 * @error_bits: bit k is set exactly when region k saw an error.
 * @context: the context given to dm_io_async(), dm_io_async_bvec() or
 *	dm_io_async_vm().
 */
typedef void (*dm_io_notify_fn)(unsigned long error_bits, void *context);

/**
 * dm_io_get() - reserve resources for I/O a caller expects to have in flight
 * @num_pages: how many pages of data the caller may have in flight at once.
 *
 * Grows the request reserve so that @num_pages pages of in-flight I/O can
 * always make progress under memory pressure.  Reservations of several users
 * add up; each dm_io_get() is undone by a dm_io_put() of the same number,
 * typically from a target's constructor and destructor.  Safe to call
 * concurrently.  Without any dm_io_get() the calls still work: they share a
 * small base reserve that the module keeps from load to unload, so requests
 * may wait for each other's completion.
 *
 * The classic calls of every user draw from this one shared reserve, as the
 * kernel's dm-io did before 2.6.22 gave each user a client of its own.  So
 * classic users must not be stacked under memory pressure: a classic user
 * whose bios reach another classic user (a mirror of mirrors, a mirrored
 * log) holds a request object while the lower one asks the same reserve
 * for another, and when every object is held above, nothing moves.  A
 * target that may be stacked uses a reserve of its own: dm_io_user_create()
 * and dm_io_submit().
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
 *	regions' DMA alignment (see "Alignment" above) and less than
 *	PAGE_SIZE.  Later pages start at 0.
 * @error_bits: if not NULL, receives the result bitset: bit k is set exactly
 *	when region k saw an error.
 *
 * A WRITE sends the same bytes to every region; a region shorter than the
 * longest takes the prefix of the buffer.  Regions with count 0 are skipped,
 * except that a WRITE with REQ_PREFLUSH sends an empty flush to the device of
 * every region whose count is 0 (its sector does not matter).  Each region
 * is split into bios of up to BIO_MAX_VECS segments, which the block layer
 * cuts to its device's limits; a bio cut at that limit ends on a multiple of
 * the largest logical block size of the regions, so every bio is whole
 * logical blocks.  Each bio is submitted as soon as it is built, with no
 * plug of dm-io's own (as the kernel's dm_io()): a caller that wants the
 * bios of its calls batched wraps them in blk_start_plug() and
 * blk_finish_plug().  If a READ fails, the part of the buffer that the
 * failed bios covered is zero-filled, never left stale.
 *
 * A region that lies, even partly, past the end of its device gets its error
 * bit and no bio (none of it is read or written), as the kernel's dm_io()
 * reports a bio that the block layer fails there; a READ of it zero-fills
 * the region's part of the buffer.  The other regions are done as usual.
 *
 * Bad input returns -EINVAL with no I/O issued: @num_regions of 0 or above
 * %DM_IO_MAX_REGIONS, READ with more than one region, an unknown op or flag,
 * a NULL @where, bdev or buffer, a region (with a count) not aligned to its
 * device's logical block size or ending beyond 2^63 bytes (sector + count
 * above 2^54 - 1, which no device reaches), buffer memory not aligned to the
 * regions' DMA alignment (a misaligned @offset), or a buffer shorter than
 * the longest region (past the end of its device or not).
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
 * When the call returns 0, @fn is called exactly once, after the last bio
 * of every region has completed, in whatever context completes that bio:
 *
 * - hard interrupt context (a driver's interrupt handler, an hrtimer:
 *   NVMe, virtio-blk, null_blk irqmode=2);
 * - soft interrupt context (blk-mq's completion softirq, a tasklet);
 * - process context: a driver's thread or work item, or the calling task
 *   before this call returns.  The latter happens on devices that complete
 *   bios inside submit_bio() (brd, zram, pmem, null_blk irqmode=0), for a
 *   bio the block layer fails at submission, and when no region has
 *   anything to do (every count is 0 without REQ_PREFLUSH, or every region
 *   lies past its device's end).  A request of one bio then calls back
 *   from inside submit_bio(), where the bios of any submit_bio() are only
 *   queued (current->bio_list) until the outermost one returns.
 *
 * In interrupt context too @fn may run before this call returns, when the
 * last bio completes while the call is still at work.
 *
 * So @fn must not sleep, nor call what may: not dm_io_get() or
 * dm_io_put(), not a synchronous call (which would wait for bios that
 * cannot be issued), not another asynchronous call (which may wait for
 * reserve memory).  It must not take a lock that the caller holds across
 * the call, and a lock it shares with process context must be taken with
 * interrupts disabled there (spin_lock_irqsave()).  It may free @context
 * and the buffer (dm-io touches neither once it calls back: the request's
 * memory is given back before @fn runs), complete a completion, end a bio,
 * or queue work that does the rest in process context, as dm-raid1 does.
 * When the call returns an error, @fn is never called and no I/O was
 * issued.
 *
 * Context: process context, may sleep (waits for reserve memory); not
 * from a callback.
 * Return: 0, or -EINVAL on bad input (see dm_io_sync(); a NULL @fn too).
 */
int dm_io_async(unsigned int num_regions, const struct io_region *where,
		blk_opf_t rw, struct page_list *pl, unsigned int offset,
		dm_io_notify_fn fn, void *context);

/**
 * dm_io_sync_bvec() - synchronous I/O on a bio_vec array
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_sync().
 * @rw: as for dm_io_sync().
 * @bvec: the buffer: entries are used in order until the longest region is
 *	covered (the last one used may be longer than needed).  Each entry's
 *	bv_offset and bv_len must be multiples of the regions' DMA alignment
 *	(see "Alignment" above), not of the logical block size: only the
 *	regions are whole blocks.  An entry may span several physically
 *	contiguous pages; where dm-io does not merge pages (Xen, KMSAN, a
 *	memory map that is not linear) it is split into one vector per page.
 *	An entry with a NULL page or a zero length before the region is
 *	covered ends the array early and the call fails with -EINVAL.
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
 * @fn: as for dm_io_async(): called exactly once, in hard or soft
 *	interrupt context or in process context, possibly before this call
 *	returns; it must not sleep (see dm_io_async()).
 * @context: passed to @fn.
 *
 * Context: process context, may sleep; not from a callback.
 * Return: as for dm_io_async().
 */
int dm_io_async_bvec(unsigned int num_regions, const struct io_region *where,
		     blk_opf_t rw, const struct bio_vec *bvec,
		     dm_io_notify_fn fn, void *context);

/**
 * dm_io_sync_vm() - synchronous I/O on a vmalloc'd buffer
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_sync().
 * @rw: as for dm_io_sync().
 * @data: start of the buffer: a vmalloc(), vmap() or vm_map_ram() address
 *	aligned to the regions' DMA alignment (see "Alignment" above), with
 *	the whole longest region inside one area.  A range with an unmapped
 *	page (one that starts before its area, crosses a guard page or ends
 *	past its area) is refused with -EINVAL before any I/O; one that runs
 *	into an adjacent area without a guard page (vm_map_ram() blocks)
 *	cannot be told apart and is the caller's bug.
 * @error_bits: as for dm_io_sync().
 *
 * The CPU cache is flushed for the buffer before the I/O and invalidated
 * after a READ, before the call returns.
 *
 * Context: process context; sleeps uninterruptibly until every bio is done.
 * Return: as for dm_io_sync(); -EINVAL also for a non-vmalloc @data or a
 * range that is not mapped page by page.
 */
int dm_io_sync_vm(unsigned int num_regions, const struct io_region *where,
		  blk_opf_t rw, void *data, unsigned long *error_bits);

/**
 * dm_io_async_vm() - asynchronous I/O on a vmalloc'd buffer
 * @num_regions: as for dm_io_sync().
 * @where: as for dm_io_async().
 * @rw: as for dm_io_sync().
 * @data: as for dm_io_sync_vm().
 * @fn: as for dm_io_async(): called exactly once, in hard or soft
 *	interrupt context or in process context, possibly before this call
 *	returns; it must not sleep (see dm_io_async()).  After a READ the
 *	cache is invalidated before @fn runs.
 * @context: passed to @fn.
 *
 * Context: process context, may sleep; not from a callback.
 * Return: as for dm_io_async().
 */
int dm_io_async_vm(unsigned int num_regions, const struct io_region *where,
		   blk_opf_t rw, void *data, dm_io_notify_fn fn, void *context);

/* ---- The extended interface: users, discard, write zeroes, ioprio ---- */

struct dm_io_user;
struct dm_io_stats;

/**
 * typedef dm_io_ext_notify_fn - completion of a dm_io_submit() request
 * @error_bits: bit k is set exactly when region k saw an I/O error.
 * @unsup_bits: bit k is set exactly when region k's device does not support
 *	the op (no bio was sent to it, or the device answered "not supported")
 *	and no bio of region k saw an I/O error.  A region never has both bits:
 *	an error wins.
 * @context: &dm_io_ext_request.context.
 *
 * Called exactly once per asynchronous request, in the contexts and under
 * the rules of dm_io_async()'s callback: hard or soft interrupt context or
 * process context, possibly before dm_io_submit() returns; it must not
 * sleep nor call dm-io (other than dm_io_user_stats()); it may free
 * @context and the buffer.
 */
typedef void (*dm_io_ext_notify_fn)(unsigned long error_bits,
				    unsigned long unsup_bits, void *context);

/**
 * enum dm_io_ext_mem - the kind of buffer of a &struct dm_io_ext_request
 * @DM_IO_EXT_MEM_NONE: no buffer: discard, write zeroes, or a flush whose
 *	regions all have count 0.
 * @DM_IO_EXT_MEM_PAGE_LIST: &dm_io_ext_request.mem.pl and .offset, as for
 *	dm_io_sync().
 * @DM_IO_EXT_MEM_BVEC: &dm_io_ext_request.mem.bvec, as for dm_io_sync_bvec().
 * @DM_IO_EXT_MEM_VM: &dm_io_ext_request.mem.vm, as for dm_io_sync_vm().
 */
enum dm_io_ext_mem {
	DM_IO_EXT_MEM_NONE,
	DM_IO_EXT_MEM_PAGE_LIST,
	DM_IO_EXT_MEM_BVEC,
	DM_IO_EXT_MEM_VM,
};

/**
 * struct dm_io_ext_request - what dm_io_submit() does
 * @opf: REQ_OP_READ or REQ_OP_WRITE with the flags dm_io_sync() allows;
 *	REQ_OP_DISCARD; or REQ_OP_WRITE_ZEROES, optionally with REQ_NOUNMAP.
 *	Discard and write zeroes also allow REQ_SYNC, REQ_IDLE, REQ_NOMERGE,
 *	REQ_BACKGROUND and REQ_FAILFAST_*.
 * @ioprio: I/O priority set on every bio (IOPRIO_PRIO_VALUE()); 0 leaves
 *	the bios' default.
 * @mem_type: the kind of buffer; %DM_IO_EXT_MEM_NONE for discard and write
 *	zeroes.
 * @mem: the buffer, as for the classic calls.
 * @mem.pl: page list (%DM_IO_EXT_MEM_PAGE_LIST).
 * @mem.offset: byte offset in the first page of @mem.pl.
 * @mem.bvec: bio_vec array (%DM_IO_EXT_MEM_BVEC).
 * @mem.vm: vmalloc'd buffer (%DM_IO_EXT_MEM_VM).
 * @notify: called once on completion (asynchronous request), or NULL for a
 *	synchronous request.
 * @context: passed to @notify.
 * @user: the user (dm_io_user_create()) whose reserve the request draws
 *	from and to which it is accounted, or NULL: the shared reserve of the
 *	classic calls, no accounting.
 * @stats: @user by its earlier name (dm_io_stats_create()): the same field.
 *
 * Read only during dm_io_submit(): it may live on the caller's stack.
 */
struct dm_io_ext_request {
	blk_opf_t opf;
	unsigned short ioprio;
	enum dm_io_ext_mem mem_type;
	struct {
		struct page_list *pl;
		unsigned int offset;
		const struct bio_vec *bvec;
		void *vm;
	} mem;
	dm_io_ext_notify_fn notify;
	void *context;
	union {
		struct dm_io_user *user;
		struct dm_io_stats *stats;
	};
};

/**
 * dm_io_submit() - I/O, discard or write zeroes with the extended interface
 * @num_regions: 1 for READ; 1 to %DM_IO_MAX_REGIONS otherwise.
 * @where: the regions; read only during the call.
 * @req: the op, buffer, priority, completion and statistics.
 * @error_bits: synchronous requests only: if not NULL, receives the error
 *	bitset.
 * @unsup_bits: synchronous requests only: if not NULL, receives the
 *	unsupported bitset.
 *
 * READ and WRITE behave as the classic calls.  A WRITE with REQ_PREFLUSH
 * whose regions all have count 0 (and %DM_IO_EXT_MEM_NONE) flushes every
 * region's device with one empty flush bio per region; a failed flush sets
 * that region's error bit.
 *
 * Discard and write zeroes send no data.  Each region is split into bios by
 * its device's limits, read once per region: bdev_max_discard_sectors() and
 * the discard granularity (every bio but the first starts on a multiple of
 * it, as blkdev_issue_discard() does) for discard,
 * bdev_write_zeroes_sectors() for write zeroes.  A region whose device does
 * not support the op gets its bit in the unsupported set and no bio; a bio
 * the device fails with BLK_STS_NOTSUPP or BLK_STS_INVAL (as Linux 7.3's
 * dm_io() counts them) does the same, unless another bio of the region saw
 * an I/O error: then the region has only its error bit.  Unsupported is not
 * an error: the error bitset has I/O errors only (a region past the end of
 * its device counts as one, whatever the op).  The classic calls report
 * every status, BLK_STS_NOTSUPP and BLK_STS_INVAL too, as an error bit.
 *
 * When @req->notify is set the request is asynchronous: a return of 0 means
 * @req->notify is called exactly once, with the same contexts and rules as
 * for dm_io_async(); an error return means it is never called and no I/O
 * was issued.
 *
 * A request with &dm_io_ext_request.user allocates only from that user's
 * reserve: it never waits for memory that another user's requests hold.
 *
 * Bad input returns -EINVAL with no I/O issued and one ratelimited warning:
 * everything dm_io_sync() refuses, a user being destroyed, a NULL @req, an op other than the four,
 * a flag the op does not take, a buffer given for discard or write zeroes
 * (or missing for a READ or WRITE with data), and an I/O priority class
 * above IOPRIO_CLASS_IDLE.  Discard and write-zeroes regions are checked as
 * data regions are: a region past the end of its device fails alone.
 *
 * Context: process context, may sleep, not from a callback; a synchronous
 * request sleeps uninterruptibly until every bio is done.
 * Return: 0 on success (asynchronous: the request was started); -EIO if
 * any region failed; else -EOPNOTSUPP if any region was unsupported;
 * -EINVAL on bad input.
 */
int dm_io_submit(unsigned int num_regions, const struct io_region *where,
		 const struct dm_io_ext_request *req, unsigned long *error_bits,
		 unsigned long *unsup_bits);

/**
 * struct dm_io_stats_values - a snapshot of a user's statistics
 * @requests: requests started (dm_io_submit() calls that passed the checks,
 *	counted before their first bio).
 * @bytes: bytes those requests covered, every region counted.
 * @errors: completed requests with at least one error bit.
 * @unsupported: completed requests with at least one unsupported bit.
 * @in_flight: requests started and not yet completed.
 * @reserve_pages: pages reserved for the user (dm_io_user_create()).
 */
struct dm_io_stats_values {
	u64 requests;
	u64 bytes;
	u64 errors;
	u64 unsupported;
	u64 in_flight;
	unsigned int reserve_pages;
};

/**
 * dm_io_user_create() - a user of dm-io, with a reserve of its own
 * @name: the user's name: 1 to 31 characters, no '/'; it names the debugfs
 *	directory /sys/kernel/debug/dm-io/@name/ with one file per field of
 *	&struct dm_io_stats_values (requests, bytes, errors, unsupported,
 *	in_flight, reserve_pages).
 * @reserve_pages: how many pages of data the user may have in flight at
 *	once, as for dm_io_get(); may be 0.
 *
 * The kernel's dm_io_client_create() for dm_io_submit(): the user gets a
 * request mempool and a bioset of its own, sized for @reserve_pages (four
 * request objects per page, as dm_io_get() reserves, plus a base of 16;
 * 16 bios plus one per 16 pages), and every dm_io_submit() whose
 * &dm_io_ext_request.user names it allocates only from them.  So a target
 * stacked on another (each with its own user) keeps making progress under
 * memory pressure: its requests never wait for objects the other holds.
 * A target makes one user per instance (table), in its constructor.  The
 * shared reserve of the classic calls (dm_io_get()) is not touched.
 *
 * The user's requests are counted per CPU (a request costs no shared
 * cache line): see dm_io_user_stats().  A name already in use still gives
 * a working user, but without a debugfs directory (and a warning).
 *
 * Context: process context, may sleep.
 * Return: the user, or an ERR_PTR(): -EINVAL for a bad @name, -ENOMEM if
 * the reserve or the handle cannot be allocated (nothing is left behind).
 */
struct dm_io_user *dm_io_user_create(const char *name,
				     unsigned int reserve_pages);

/**
 * dm_io_user_destroy() - remove a user made with dm_io_user_create()
 * @user: the user, or NULL (nothing happens).
 *
 * Requests of @user still in flight are waited for: the call returns once
 * the last one has completed and its notify function has returned, then
 * frees the reserve.  A dm_io_submit() naming @user after this call began
 * fails with -EINVAL; one that races with it is the caller's bug.  The
 * debugfs directory goes first.
 *
 * Context: process context, sleeps until @user's requests are done; never
 * from a notify function of @user's requests (it would wait for itself).
 */
void dm_io_user_destroy(struct dm_io_user *user);

/**
 * dm_io_user_stats() - a snapshot of a user's statistics
 * @user: the user.
 * @values: receives the counters; they are summed over CPUs without a
 *	lock, so a snapshot taken while requests run may be off by those.
 *
 * Context: any.
 */
void dm_io_user_stats(struct dm_io_user *user,
		      struct dm_io_stats_values *values);

/**
 * dm_io_stats_create() - dm_io_user_create() by its earlier name
 * @name: as for dm_io_user_create().
 * @reserve_pages: as for dm_io_user_create().
 *
 * A &struct dm_io_stats is a &struct dm_io_user: &dm_io_ext_request.stats
 * and .user are the same field.
 *
 * Context: process context, may sleep.
 * Return: as for dm_io_user_create().
 */
struct dm_io_stats *dm_io_stats_create(const char *name,
				       unsigned int reserve_pages);

/**
 * dm_io_stats_destroy() - dm_io_user_destroy() by its earlier name
 * @stats: the handle, or NULL (nothing happens).
 *
 * Context: process context, sleeps until the user's requests are done.
 */
void dm_io_stats_destroy(struct dm_io_stats *stats);

/**
 * dm_io_stats_read() - dm_io_user_stats() by its earlier name
 * @stats: the handle.
 * @values: as for dm_io_user_stats().
 *
 * Context: any.
 */
void dm_io_stats_read(struct dm_io_stats *stats,
		      struct dm_io_stats_values *values);

#endif /* DMIO_DM_IO_H */
