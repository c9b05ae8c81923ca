// SPDX-License-Identifier: GPL-2.0
/*
 * A device-mapper mirror built on dm-io: every write goes to all healthy
 * legs in one multi-region dm_io_submit() call, reads come from one
 * healthy leg and are retried on another when they fail.  Each mirror (each
 * table instance) is a dm-io user with a reserve of its own, so mirrors
 * stacked on mirrors keep making progress under memory pressure.  A leg that fails
 * is marked dead; "dmsetup message <dev> 0 recover <leg>" copies the data
 * back onto it from a healthy leg and marks it alive again.
 *
 * Table: <start> <len> iomirror <nr_legs> <dev> <offset> [<dev> <offset>]...
 */

#include <linux/bio.h>
#include <linux/device-mapper.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "dm-io.h"
#include "dm-io-compat.h"

#define DM_MSG_PREFIX "iomirror"

#define IOM_MAX_LEGS 32
/* Recovery copies this many sectors at a time (1 MiB). */
#define IOM_RECOVER_SECTORS 2048
/*
 * Pages of I/O a mirror may have in flight: the size of its dm-io reserve,
 * made with the mirror (a module parameter: a table loaded later gets the
 * new value).
 */
static unsigned int reserve_pages = 256;
static atomic_t iom_instances = ATOMIC_INIT(0);
module_param(reserve_pages, uint, 0644);
MODULE_PARM_DESC(reserve_pages,
		 "Pages of I/O each mirror may have in flight (its dm-io reserve; default 256)");
/* bio_vec arrays kept in reserve for bios that start inside a bvec. */
#define IOM_BVEC_RESERVE 16

/* Flags dm-io accepts that a mirror passes on from the bios it maps. */
#define IOM_READ_FLAGS                                                   \
	(REQ_FAILFAST_MASK | REQ_SYNC | REQ_META | REQ_PRIO | REQ_IDLE | \
	 REQ_RAHEAD | REQ_BACKGROUND)
#define IOM_WRITE_FLAGS                                                  \
	(REQ_FAILFAST_MASK | REQ_SYNC | REQ_META | REQ_PRIO | REQ_IDLE | \
	 REQ_BACKGROUND | REQ_FUA | REQ_PREFLUSH)

struct iom_leg {
	struct dm_dev *dev;
	sector_t offset;
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t errors;
};

struct iom {
	struct dm_target *ti;
	unsigned int nr_legs;
	unsigned long dead; /* bit per leg */
	unsigned long recovering; /* bit per leg: written, never read */
	atomic_t next_read;
	struct workqueue_struct *wq;
	mempool_t bvec_pool;
	struct dm_io_user *user; /* this mirror's dm-io reserve */

	/*
	 * While recovery copies a chunk, new writes wait on @deferred and the
	 * copy waits until @writes_in_flight drops to zero, so a write can
	 * never land between the copy's read and its write.
	 */
	spinlock_t lock;
	bool copying; /* under @lock */
	bool recover_failed;
	struct bio_list deferred; /* under @lock */
	atomic_t writes_in_flight;
	wait_queue_head_t writes_done;
	struct mutex recover_mutex; /* one iom_recover() at a time */

	struct iom_leg legs[];
};

/* Per-bio data. */
struct iom_io {
	struct iom *m;
	struct bio *bio;
	struct bio_vec *bvec; /* what dm-io reads and fills */
	sector_t sector; /* first sector, relative to the target */
	bool bvec_copied; /* @bvec is from m->bvec_pool */
	unsigned int leg; /* READ: the leg being read */
	unsigned long tried; /* READ: legs tried so far */
	unsigned long legs; /* WRITE: region k is the k-th set bit */
	struct work_struct work;
	/* WRITE: the regions handed to dm-io, one per leg (not on the stack) */
	struct io_region where[];
};

static unsigned long iom_all_legs(struct iom *m)
{
	return GENMASK(m->nr_legs - 1, 0);
}

static void iom_fail_leg(struct iom *m, unsigned int leg)
{
	atomic64_inc(&m->legs[leg].errors);
	if (test_bit(leg, &m->recovering))
		WRITE_ONCE(m->recover_failed, true);
	if (!test_and_set_bit(leg, &m->dead))
		DMERR_LIMIT("%s: leg %u (%s) failed, marked dead",
			    dm_table_device_name(m->ti->table), leg,
			    m->legs[leg].dev->name);
}

static void iom_end_io(struct iom_io *io, blk_status_t status)
{
	struct bio *bio = io->bio;

	if (io->bvec_copied)
		mempool_free(io->bvec, &io->m->bvec_pool);
	bio->bi_status = status;
	bio_endio(bio);
}

/*
 * dm-io takes a bio_vec array that starts at a bvec boundary.  A bio whose
 * iterator starts inside a bvec (the tail of a split) gets a copy that does.
 *
 * The copy holds BIO_MAX_VECS entries, but a bio can span more: one built
 * straight on a caller's bio_vec array (bio_iov_bvec_set(), e.g. io_uring
 * with registered buffers) has one entry per page of the whole request.
 * Then the target takes only what the copy holds and dm sends the rest in
 * another bio, cut back to whole logical blocks: entries need not be whole
 * blocks, but dm-io refuses entries shorter than 1/BIO_MAX_VECS of one, so
 * that part is not empty.
 */
static void iom_prepare_bvec(struct iom *m, struct iom_io *io)
{
	struct bio *bio = io->bio;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int i = 0, bytes = 0;

	io->bvec_copied = false;
	if (!bio->bi_iter.bi_size) {
		io->bvec = NULL;
		return;
	}
	if (!dmio_iter_bvec_done(&bio->bi_iter)) {
		io->bvec = bio->bi_io_vec + bio->bi_iter.bi_idx;
		return;
	}
	io->bvec = mempool_alloc(&m->bvec_pool, GFP_NOIO);
	io->bvec_copied = true;
	bio_for_each_bvec(bv, bio, iter) {
		if (i == BIO_MAX_VECS) {
			bytes = round_down(bytes,
					   bdev_logical_block_size(bio->bi_bdev));
			dm_accept_partial_bio(bio, bytes >> SECTOR_SHIFT);
			break;
		}
		io->bvec[i++] = bv;
		bytes += bv.bv_len;
	}
}

/* ---- Reads ---- */

static int iom_pick_read_leg(struct iom *m, unsigned long tried)
{
	unsigned long usable = iom_all_legs(m) & ~READ_ONCE(m->dead) & ~tried;
	unsigned int start, leg;

	if (!usable)
		return -1;
	/* Spread reads over the healthy legs. */
	start = (unsigned int)atomic_inc_return(&m->next_read) % m->nr_legs;
	leg = find_next_bit(&usable, m->nr_legs, start);
	if (leg >= m->nr_legs)
		leg = find_first_bit(&usable, m->nr_legs);
	return leg;
}

static void iom_read_done(unsigned long error, unsigned long unsup,
			  void *context);

/* A dm_io_submit() of this mirror: its own reserve, a bio_vec buffer. */
static int iom_submit(struct iom *m, struct iom_io *io, unsigned int n,
		      struct io_region *where, blk_opf_t opf,
		      dm_io_ext_notify_fn fn)
{
	struct dm_io_ext_request req = {
		.opf = opf,
		.mem_type = io->bvec ? DM_IO_EXT_MEM_BVEC : DM_IO_EXT_MEM_NONE,
		.mem.bvec = io->bvec,
		.notify = fn,
		.context = io,
		.user = m->user,
	};

	return dm_io_submit(n, where, &req, NULL, NULL);
}

static void iom_submit_read(struct iom_io *io)
{
	struct iom *m = io->m;
	struct bio *bio = io->bio;
	struct io_region where;
	int leg, r;

	leg = iom_pick_read_leg(m, io->tried);
	if (leg < 0) {
		iom_end_io(io, BLK_STS_IOERR);
		return;
	}
	io->tried |= BIT(leg);
	io->leg = leg;
	atomic64_inc(&m->legs[leg].reads);

	where.bdev = m->legs[leg].dev->bdev;
	where.sector = m->legs[leg].offset + io->sector;
	where.count = bio_sectors(bio);
	r = iom_submit(m, io, 1, &where,
		       REQ_OP_READ | (bio->bi_opf & IOM_READ_FLAGS),
		       iom_read_done);
	if (r) {
		DMERR_LIMIT("read refused by dm-io: %d", r);
		iom_end_io(io, BLK_STS_IOERR);
	}
}

static void iom_retry_read(struct work_struct *work)
{
	iom_submit_read(container_of(work, struct iom_io, work));
}

/* May run in interrupt context: a retry is issued from the workqueue. */
static void iom_read_done(unsigned long error, unsigned long unsup,
			  void *context)
{
	struct iom_io *io = context;

	if (!(error | unsup)) {
		iom_end_io(io, BLK_STS_OK);
		return;
	}
	iom_fail_leg(io->m, io->leg);
	INIT_WORK(&io->work, iom_retry_read);
	queue_work(io->m->wq, &io->work);
}

/* ---- Writes ---- */

static void iom_write_finished(struct iom *m)
{
	if (atomic_dec_and_test(&m->writes_in_flight))
		wake_up(&m->writes_done);
}

static void iom_write_done(unsigned long error, unsigned long unsup,
			   void *context)
{
	struct iom_io *io = context;
	struct iom *m = io->m;
	unsigned long healthy_ok = 0;
	unsigned int leg, k = 0;

	error |= unsup; /* a leg that cannot write has failed */

	for_each_set_bit(leg, &io->legs, m->nr_legs) {
		if (error & BIT(k++))
			iom_fail_leg(m, leg);
		else if (!test_bit(leg, &m->recovering))
			healthy_ok |= BIT(leg);
	}
	iom_write_finished(m);
	/* The write stands if at least one complete leg took it. */
	iom_end_io(io, healthy_ok ? BLK_STS_OK : BLK_STS_IOERR);
}

/* Called with a writes_in_flight reference held. */
static void iom_submit_write(struct iom_io *io)
{
	struct iom *m = io->m;
	struct bio *bio = io->bio;
	struct io_region *where = io->where;
	unsigned long legs;
	unsigned int leg, n = 0;
	int r;

	/*
	 * A leg whose device shrank under the mirror (a table reloaded
	 * smaller, a resized disk) gets its error bit from dm-io, like one
	 * that returned an error.
	 */
	legs = (iom_all_legs(m) & ~READ_ONCE(m->dead)) |
	       READ_ONCE(m->recovering);
	if (!(legs & ~READ_ONCE(m->recovering))) {
		iom_write_finished(m);
		iom_end_io(io, BLK_STS_IOERR);
		return;
	}
	io->legs = legs;
	for_each_set_bit(leg, &legs, m->nr_legs) {
		atomic64_inc(&m->legs[leg].writes);
		where[n].bdev = m->legs[leg].dev->bdev;
		where[n].sector = m->legs[leg].offset + io->sector;
		where[n].count = bio_sectors(bio);
		n++;
	}
	r = iom_submit(m, io, n, where,
		       REQ_OP_WRITE | (bio->bi_opf & IOM_WRITE_FLAGS),
		       iom_write_done);
	if (r) {
		DMERR_LIMIT("write refused by dm-io: %d", r);
		iom_write_finished(m);
		iom_end_io(io, BLK_STS_IOERR);
	}
}

/* Defers @io while recovery copies a chunk; else counts it in flight. */
static bool iom_defer_write(struct iom *m, struct iom_io *io)
{
	unsigned long flags;
	bool deferred = false;

	spin_lock_irqsave(&m->lock, flags);
	if (m->copying) {
		bio_list_add(&m->deferred, io->bio);
		deferred = true;
	} else {
		atomic_inc(&m->writes_in_flight);
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return deferred;
}

/* ---- Recovery ---- */

static void iom_copy_begin(struct iom *m)
{
	spin_lock_irq(&m->lock);
	m->copying = true;
	spin_unlock_irq(&m->lock);
	wait_event(m->writes_done, !atomic_read(&m->writes_in_flight));
}

static void iom_copy_end(struct iom *m)
{
	struct bio_list deferred;
	struct bio *bio;

	spin_lock_irq(&m->lock);
	m->copying = false;
	deferred = m->deferred;
	bio_list_init(&m->deferred);
	atomic_add(bio_list_size(&deferred), &m->writes_in_flight);
	spin_unlock_irq(&m->lock);

	while ((bio = bio_list_pop(&deferred)))
		iom_submit_write(dm_per_bio_data(bio, m->ti->per_io_data_size));
}

/* Synchronous I/O of one region from or to @buf, from this mirror's reserve. */
static int iom_sync_vm(struct iom *m, struct io_region *where, blk_opf_t opf,
		       void *buf)
{
	struct dm_io_ext_request req = {
		.opf = opf,
		.mem_type = DM_IO_EXT_MEM_VM,
		.mem.vm = buf,
		.user = m->user,
	};
	int r = dm_io_submit(1, where, &req, NULL, NULL);

	return r == -EOPNOTSUPP ? -EIO : r;
}

/* Copies [@sector, +@count) from a healthy leg to @leg through @buf. */
static int iom_copy_chunk(struct iom *m, unsigned int leg, sector_t sector,
			  sector_t count, void *buf)
{
	struct io_region from, to;
	int src, r;

	for (;;) {
		src = iom_pick_read_leg(m, READ_ONCE(m->recovering));
		if (src < 0)
			return -EIO;
		from.bdev = m->legs[src].dev->bdev;
		from.sector = m->legs[src].offset + sector;
		from.count = count;
		r = iom_sync_vm(m, &from, REQ_OP_READ, buf);
		if (!r)
			break;
		if (r != -EIO)
			return r;
		iom_fail_leg(m, src);
	}

	to.bdev = m->legs[leg].dev->bdev;
	to.sector = m->legs[leg].offset + sector;
	to.count = count;
	return iom_sync_vm(m, &to, REQ_OP_WRITE, buf);
}

static int iom_recover(struct iom *m, unsigned int leg)
{
	sector_t sector, count;
	bool done;
	void *buf;
	int r = 0;

	buf = vmalloc(IOM_RECOVER_SECTORS << SECTOR_SHIFT);
	if (!buf)
		return -ENOMEM;

	mutex_lock(&m->recover_mutex);
	if (!test_bit(leg, &m->dead))
		goto out; /* alive: nothing to do */

	WRITE_ONCE(m->recover_failed, false);
	set_bit(leg, &m->recovering); /* from now on writes include it */
	for (sector = 0;; sector += count) {
		count = min_t(sector_t, IOM_RECOVER_SECTORS,
			      m->ti->len - sector);
		iom_copy_begin(m);
		r = iom_copy_chunk(m, leg, sector, count, buf);
		if (!r && READ_ONCE(m->recover_failed))
			r = -EIO;
		done = r || sector + count >= m->ti->len;
		if (done) {
			/*
			 * Still inside the copy: no write is in flight, so
			 * every write that went to @leg has reported its
			 * error, and the leg comes back before any new
			 * write is issued.
			 */
			if (!r)
				clear_bit(leg, &m->dead);
			clear_bit(leg, &m->recovering);
		}
		iom_copy_end(m);
		if (done)
			break;
		cond_resched();
	}
	if (!r)
		DMINFO("%s: leg %u (%s) recovered",
		       dm_table_device_name(m->ti->table), leg,
		       m->legs[leg].dev->name);
out:
	mutex_unlock(&m->recover_mutex);
	vfree(buf);
	return r;
}

/* ---- Target ---- */

static void iom_free(struct iom *m)
{
	unsigned int i;

	if (m->wq)
		destroy_workqueue(m->wq);
	/* no I/O in flight (nor read retries queued): freed right away */
	dm_io_user_destroy(m->user);
	mempool_exit(&m->bvec_pool);
	for (i = 0; i < m->nr_legs; i++)
		if (m->legs[i].dev)
			dm_put_device(m->ti, m->legs[i].dev);
	kfree(m);
}

static int iom_get_leg(struct dm_target *ti, struct iom_leg *leg, char *path,
		       char *offset)
{
	unsigned long long sectors;
	unsigned int block;
	char dummy;
	int r;

	if (sscanf(offset, "%llu%c", &sectors, &dummy) != 1 ||
	    sectors != (sector_t)sectors) {
		ti->error = "Invalid leg offset";
		return -EINVAL;
	}
	leg->offset = sectors;

	r = dm_get_device(ti, path, dm_table_get_mode(ti->table), &leg->dev);
	if (r) {
		ti->error = "Leg device lookup failed";
		return r;
	}
	block = bdev_logical_block_size(leg->dev->bdev) >> SECTOR_SHIFT;
	if (leg->offset % block) {
		ti->error =
			"Leg offset not aligned to the leg's logical block size";
		return -EINVAL;
	}
	if (leg->offset > bdev_nr_sectors(leg->dev->bdev) ||
	    ti->len > bdev_nr_sectors(leg->dev->bdev) - leg->offset) {
		ti->error = "Leg smaller than the target";
		return -EINVAL;
	}
	return 0;
}

static int iom_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	char name[32];
	unsigned int nr_legs, i;
	struct iom *m;
	int r;

	if (argc < 1 || kstrtouint(argv[0], 10, &nr_legs) || nr_legs < 1 ||
	    nr_legs > IOM_MAX_LEGS) {
		ti->error = "Invalid number of legs (1 to 32)";
		return -EINVAL;
	}
	if (argc != 1 + 2 * nr_legs) {
		ti->error =
			"Wrong number of arguments: need <dev> <offset> per leg";
		return -EINVAL;
	}

	m = kzalloc(struct_size(m, legs, nr_legs), GFP_KERNEL);
	if (!m) {
		ti->error = "Cannot allocate mirror context";
		return -ENOMEM;
	}
	m->ti = ti;
	m->nr_legs = nr_legs;
	spin_lock_init(&m->lock);
	bio_list_init(&m->deferred);
	init_waitqueue_head(&m->writes_done);
	mutex_init(&m->recover_mutex);

	for (i = 0; i < nr_legs; i++) {
		r = iom_get_leg(ti, &m->legs[i], argv[1 + 2 * i],
				argv[2 + 2 * i]);
		if (r)
			goto bad;
	}

	r = mempool_init_kmalloc_pool(&m->bvec_pool, IOM_BVEC_RESERVE,
				      BIO_MAX_VECS * sizeof(struct bio_vec));
	if (r) {
		ti->error = "Cannot allocate bio_vec pool";
		goto bad;
	}
	m->wq = alloc_workqueue("dm-iomirror", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!m->wq) {
		ti->error = "Cannot allocate workqueue";
		r = -ENOMEM;
		goto bad;
	}
	/* "iom-<dev>-<n>": a reloaded table's name differs from the live one's */
	snprintf(name, sizeof(name), "iom-%s-%u",
		 dm_table_device_name(ti->table),
		 (unsigned int)atomic_inc_return(&iom_instances));
	m->user = dm_io_user_create(name, READ_ONCE(reserve_pages));
	if (IS_ERR(m->user)) {
		r = PTR_ERR(m->user);
		m->user = NULL;
		ti->error = "Cannot create the dm-io reserve";
		goto bad;
	}

	ti->num_flush_bios = 1;
	ti->flush_supported = true;
	ti->per_io_data_size =
		struct_size((struct iom_io *)NULL, where, nr_legs);
	ti->private = m;
	return 0;

bad:
	iom_free(m);
	return r;
}

static void iom_dtr(struct dm_target *ti)
{
	struct iom *m = ti->private;

	iom_free(m);
}

static int iom_map(struct dm_target *ti, struct bio *bio)
{
	struct iom *m = ti->private;
	struct iom_io *io = dm_per_bio_data(bio, ti->per_io_data_size);

	io->m = m;
	io->bio = bio;
	io->tried = 0;
	/*
	 * bi_sector counts from the start of the table, not of this target.
	 * An empty flush carries no meaningful sector: it goes to sector 0
	 * (plus the leg's offset) of every leg.
	 */
	io->sector = bio_sectors(bio) ?
			     dm_target_offset(ti, bio->bi_iter.bi_sector) :
			     0;
	iom_prepare_bvec(m, io);

	if (bio_op(bio) == REQ_OP_WRITE) {
		if (!iom_defer_write(m, io))
			iom_submit_write(io);
	} else if (bio_op(bio) == REQ_OP_READ) {
		iom_submit_read(io);
	} else {
		iom_end_io(io, BLK_STS_NOTSUPP);
	}
	return DM_MAPIO_SUBMITTED;
}

static void iom_postsuspend(struct dm_target *ti)
{
	struct iom *m = ti->private;

	flush_workqueue(m->wq);
}

static char iom_health(struct iom *m, unsigned int leg)
{
	if (test_bit(leg, &m->recovering))
		return 'R';
	return test_bit(leg, &m->dead) ? 'D' : 'A';
}

static void iom_status(struct dm_target *ti, status_type_t type,
		       unsigned int status_flags, char *result,
		       unsigned int maxlen)
{
	struct iom *m = ti->private;
	unsigned int sz = 0, i;

	switch (type) {
	case STATUSTYPE_INFO:
		/* <nr_legs> <health> then <reads>:<writes>:<errors> per leg */
		DMEMIT("%u ", m->nr_legs);
		for (i = 0; i < m->nr_legs; i++)
			DMEMIT("%c", iom_health(m, i));
		for (i = 0; i < m->nr_legs; i++)
			DMEMIT(" %lld:%lld:%lld",
			       (long long)atomic64_read(&m->legs[i].reads),
			       (long long)atomic64_read(&m->legs[i].writes),
			       (long long)atomic64_read(&m->legs[i].errors));
		break;
	case STATUSTYPE_TABLE:
		DMEMIT("%u", m->nr_legs);
		for (i = 0; i < m->nr_legs; i++)
			DMEMIT(" %s %llu", m->legs[i].dev->name,
			       (unsigned long long)m->legs[i].offset);
		break;
	case STATUSTYPE_IMA:
		*result = '\0';
		break;
	}
}

static int iom_message(struct dm_target *ti, unsigned int argc, char **argv,
		       char *result, unsigned int maxlen)
{
	struct iom *m = ti->private;
	unsigned int leg;

	if (argc == 2 && !strcasecmp(argv[0], "recover")) {
		if (kstrtouint(argv[1], 10, &leg) || leg >= m->nr_legs) {
			DMWARN("recover: no leg %s", argv[1]);
			return -EINVAL;
		}
		return iom_recover(m, leg);
	}
	DMWARN("unrecognised message");
	return -EINVAL;
}

static int iom_iterate_devices(struct dm_target *ti,
			       iterate_devices_callout_fn fn, void *data)
{
	struct iom *m = ti->private;
	unsigned int i;
	int r = 0;

	for (i = 0; !r && i < m->nr_legs; i++)
		r = fn(ti, m->legs[i].dev, m->legs[i].offset, ti->len, data);
	return r;
}

static struct target_type iom_target = {
	.name = "iomirror",
	.version = { 1, 0, 0 },
	.module = THIS_MODULE,
	.ctr = iom_ctr,
	.dtr = iom_dtr,
	.map = iom_map,
	.postsuspend = iom_postsuspend,
	.status = iom_status,
	.message = iom_message,
	.iterate_devices = iom_iterate_devices,
};

static int __init iom_init(void)
{
	return dm_register_target(&iom_target);
}

static void __exit iom_exit(void)
{
	dm_unregister_target(&iom_target);
}

module_init(iom_init);
module_exit(iom_exit);

MODULE_DESCRIPTION(DM_NAME " mirror target built on dm-io");
MODULE_AUTHOR("The dm-io developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(DMIO_VERSION);
