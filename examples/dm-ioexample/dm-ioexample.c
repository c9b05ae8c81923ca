// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ioexample: the smallest device-mapper target built on dm-io, built
 * against dm-io's consumer kit (Kbuild, dkms.conf).
 *
 *   <start> <len> ioexample <dev> <offset>
 *
 * maps its sectors onto <dev> from <offset> on, as dm-linear does.  Its
 * constructor holds a dm-io reserve of one page until the destructor
 * (dm_io_get(), dm_io_put()) and checks that the device answers by reading
 * the first logical block of the mapping through dm_io_sync_vm().
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dm-io.h"

#define DM_MSG_PREFIX "ioexample"

struct ioexample {
	struct dm_dev *dev;
	sector_t start;
};

/* Read the mapping's first logical block: 0 or a negative errno. */
static int ioexample_probe(struct ioexample *ie)
{
	struct block_device *bdev = ie->dev->bdev;
	unsigned int lbs = bdev_logical_block_size(bdev);
	struct io_region where = {
		.bdev = bdev,
		.sector = ie->start,
		.count = lbs >> SECTOR_SHIFT,
	};
	void *buf;
	int r;

	buf = vmalloc(lbs); /* page-aligned: any DMA alignment */
	if (!buf)
		return -ENOMEM;
	r = dm_io_sync_vm(1, &where, REQ_OP_READ, buf, NULL);
	vfree(buf);
	return r;
}

static int ioexample_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct ioexample *ie;
	unsigned long long start;
	unsigned int lbs;
	char dummy;
	int r;

	if (argc != 2) {
		ti->error = "Invalid argument count (<dev> <offset>)";
		return -EINVAL;
	}
	if (sscanf(argv[1], "%llu%c", &start, &dummy) != 1 ||
	    start != (sector_t)start) {
		ti->error = "Invalid device offset";
		return -EINVAL;
	}
	ie = kzalloc(sizeof(*ie), GFP_KERNEL);
	if (!ie) {
		ti->error = "Cannot allocate context";
		return -ENOMEM;
	}
	ie->start = start;
	r = dm_get_device(ti, argv[0], dm_table_get_mode(ti->table), &ie->dev);
	if (r) {
		ti->error = "Device lookup failed";
		goto bad_dev;
	}
	lbs = bdev_logical_block_size(ie->dev->bdev);
	if (ie->start & ((lbs >> SECTOR_SHIFT) - 1)) {
		ti->error =
			"Offset is not a multiple of the logical block size";
		r = -EINVAL;
		goto bad_io;
	}
	r = dm_io_get(1);
	if (r) {
		ti->error = "Cannot reserve dm-io memory";
		goto bad_io;
	}
	r = ioexample_probe(ie);
	if (r) {
		ti->error = "Cannot read the device through dm-io";
		goto bad_probe;
	}
	ti->num_flush_bios = 1;
	ti->private = ie;
	return 0;

bad_probe:
	dm_io_put(1);
bad_io:
	dm_put_device(ti, ie->dev);
bad_dev:
	kfree(ie);
	return r;
}

static void ioexample_dtr(struct dm_target *ti)
{
	struct ioexample *ie = ti->private;

	dm_io_put(1);
	dm_put_device(ti, ie->dev);
	kfree(ie);
}

static int ioexample_map(struct dm_target *ti, struct bio *bio)
{
	struct ioexample *ie = ti->private;

	bio_set_dev(bio, ie->dev->bdev);
	if (bio_sectors(bio))
		bio->bi_iter.bi_sector =
			ie->start +
			dm_target_offset(ti, bio->bi_iter.bi_sector);
	return DM_MAPIO_REMAPPED;
}

static void ioexample_status(struct dm_target *ti, status_type_t type,
			     unsigned int status_flags, char *result,
			     unsigned int maxlen)
{
	struct ioexample *ie = ti->private;
	unsigned int sz = 0;

	switch (type) {
	case STATUSTYPE_INFO:
		result[0] = '\0';
		break;
	case STATUSTYPE_TABLE:
		DMEMIT("%s %llu", ie->dev->name, (unsigned long long)ie->start);
		break;
	default:
		result[0] = '\0';
		break;
	}
}

static int ioexample_iterate_devices(struct dm_target *ti,
				     iterate_devices_callout_fn fn, void *data)
{
	struct ioexample *ie = ti->private;

	return fn(ti, ie->dev, ie->start, ti->len, data);
}

static struct target_type ioexample_target = {
	.name = "ioexample",
	.version = { 1, 0, 0 },
	.module = THIS_MODULE,
	.ctr = ioexample_ctr,
	.dtr = ioexample_dtr,
	.map = ioexample_map,
	.status = ioexample_status,
	.iterate_devices = ioexample_iterate_devices,
};

static int __init ioexample_init(void)
{
	return dm_register_target(&ioexample_target);
}

static void __exit ioexample_exit(void)
{
	dm_unregister_target(&ioexample_target);
}

module_init(ioexample_init);
module_exit(ioexample_exit);

MODULE_DESCRIPTION(DM_NAME " example target built on dm-io");
MODULE_AUTHOR("The dm-io developers");
MODULE_LICENSE("GPL");
