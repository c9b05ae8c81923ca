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

# DMIO_VERSION: the release, from the VERSION file at the top of the tree,
# the one place it is kept (modinfo's "version" of every module, the DKMS
# version and the Debian package's, debian/rules).  Read before any include
# below changes $(MAKEFILE_LIST).
dmio-version-file := $(dir $(lastword $(MAKEFILE_LIST)))../VERSION
dmio-version := $(strip $(shell cat $(dmio-version-file) 2>/dev/null))
ifeq ($(dmio-version),)
$(error dm-io: cannot read the release from $(dmio-version-file))
endif

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
# DMIO_HAVE_NS_STRINGIFY (up to 6.12): EXPORT_SYMBOL_NS*() and
# MODULE_IMPORT_NS() take a bare name and stringify it; since 6.13 a string.
# DMIO_HAVE_NTH_PAGE (up to 7.2): nth_page(), for the pages of one bio_vec;
# 7.3 dropped it, as those are contiguous in the memory map (page + n).
# DMIO_HAVE_BI_BVEC_DONE (up to 7.2): struct bvec_iter's bi_bvec_done,
# bi_offset since 7.3.
# DMIO_HAVE_INIT_FS_SCOPE (7.3): a kernel thread resolves paths in an empty
# root unless it borrows init's with scoped_with_init_fs().
# DMIO_HAVE_SAME_PGMAP (6.2+): zone_device_pages_have_same_pgmap(), the
# rule of bio_add_page() for ZONE_DEVICE pages.
# DMIO_HAVE_BLK_STS_INVAL: the block layer has BLK_STS_INVAL (invalid size
# or alignment), which Linux 7.3's dm_io() counts as "not supported".
dmio-compat-flags := -DDMIO_COMPAT_DETECTED \
	$(call dmio-have,linux/blkdev.h,bdev_file_open_by_path,DMIO_HAVE_BDEV_FILE) \
	$(call dmio-have,linux/blkdev.h,BLK_FEAT_WRITE_CACHE,DMIO_HAVE_BLK_FEAT) \
	$(call dmio-have,linux/module.h,define MODULE_IMPORT_NS.*__stringify,DMIO_HAVE_NS_STRINGIFY) \
	$(call dmio-have,linux/mm.h,define nth_page\b,DMIO_HAVE_NTH_PAGE) \
	$(call dmio-have,linux/bvec.h,bi_bvec_done;,DMIO_HAVE_BI_BVEC_DONE) \
	$(call dmio-have,linux/fs_struct.h,define scoped_with_init_fs,DMIO_HAVE_INIT_FS_SCOPE) \
	$(call dmio-have,linux/blk_types.h,define BLK_STS_INVAL[[:space:]],DMIO_HAVE_BLK_STS_INVAL) \
	$(call dmio-have,linux/mmzone.h,zone_device_pages_have_same_pgmap,DMIO_HAVE_SAME_PGMAP)

# DMIO_PAGE_SHIFT: the kernel's PAGE_SHIFT, which the C++ engine cannot get
# from <asm/page.h> (dm-io-boundary.h; dm-io.c asserts it is PAGE_SHIFT).
# From the kernel's .config: CONFIG_PAGE_SHIFT (6.9+), else the arm64 and
# powerpc options of older kernels, else 12 on x86 and UML (4 KiB only).
# Unknown (another architecture of an older kernel, or no .config read):
# unset, and dm-io-boundary.h stops the build.
dmio-page-shift := $(or $(CONFIG_PAGE_SHIFT),$(CONFIG_ARM64_PAGE_SHIFT), \
	$(CONFIG_PPC_PAGE_SHIFT),$(if $(filter x86 um,$(SRCARCH)),12))
dmio-compat-flags += $(if $(dmio-page-shift),-DDMIO_PAGE_SHIFT=$(dmio-page-shift))
# DMIO_ZONE_DEVICE: 1 if the kernel has CONFIG_ZONE_DEVICE, else 0.  A
# constant, as IS_ENABLED() is to the kernel's bio_add_page(): where no page
# can be a ZONE_DEVICE page, the engine's merge test has no pgmap check
# (dm-io.c asserts it matches the kernel's .config).
dmio-compat-flags += -DDMIO_ZONE_DEVICE=$(if $(CONFIG_ZONE_DEVICE),1,0)
dmio-compat-flags += -DDMIO_VERSION='"$(dmio-version)"'
