# SPDX-License-Identifier: GPL-2.0
#
# dmio-compat.mk - what the kernel we build against provides, as DMIO_HAVE_*
# macros for dm-io-compat.h.  Included by every Kbuild file of the project;
# each adds $(dmio-compat-flags) to its ccflags-y.
#
# Why this and not LINUX_VERSION_CODE: the features are looked up in the
# very headers the module is compiled against, so a distribution kernel that
# backports an API (Debian's 6.1.192 dm_io() has 6.9's ioprio argument, see
# bench/Kbuild) gets the right branch, and the C stays free of version
# arithmetic (checkpatch warns on LINUX_VERSION_CODE).  A grep of the header
# text is enough for the few, distinctive symbols below and costs nothing,
# unlike conftest-style compile probes.  $(srctree) is the kernel's source
# tree: Debian's linux-headers-*-common for the distro headers, the source
# tree of an O= build for the UML kernels.

dmio-blkdev-h := $(srctree)/include/linux/blkdev.h
ifeq ($(wildcard $(dmio-blkdev-h)),)
$(error dm-io: $(dmio-blkdev-h) not found: cannot tell which block-layer API the kernel has)
endif

# dmio-have FILE,REGEX,MACRO: -DMACRO when include/FILE matches REGEX.
dmio-have = $(if $(shell grep -qsE '$(2)' $(srctree)/include/$(1) && echo y),-D$(3))

# DMIO_HAVE_BDEV_FILE (6.9+): block devices are opened as files,
# bdev_file_open_by_path() + fput(); before, blkdev_get_by_path() +
# blkdev_put() with FMODE_* (up to 6.4; 6.5-6.8 are not supported).
# DMIO_HAVE_BLK_FEAT (6.11+): queue limits and features (write cache, FUA)
# are set through struct queue_limits, given to blk_alloc_disk() and
# changed with queue_limits_start_update()/queue_limits_commit_update();
# before, by blk_queue_*() calls on the live queue (6.9-6.10 are not
# supported).
# DMIO_HAVE_SAME_PGMAP (6.2+): zone_device_pages_have_same_pgmap(), the
# rule of bio_add_page() for ZONE_DEVICE pages.
dmio-compat-flags := -DDMIO_COMPAT_DETECTED \
	$(call dmio-have,linux/blkdev.h,bdev_file_open_by_path,DMIO_HAVE_BDEV_FILE) \
	$(call dmio-have,linux/blkdev.h,BLK_FEAT_WRITE_CACHE,DMIO_HAVE_BLK_FEAT) \
	$(call dmio-have,linux/mmzone.h,zone_device_pages_have_same_pgmap,DMIO_HAVE_SAME_PGMAP)
