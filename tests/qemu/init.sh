#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - /init of the QEMU initramfs (scripts/run-qemu.sh): Debian's
# stock x86-64 kernel, no hostfs, modules from the kernel package.  It
# prepares what the UML kernel has built in, then becomes the shared guest
# script tests/uml/init.sh (DMIO_PLATFORM=qemu), which runs the tests,
# writes the results and powers off.
#
#  * mounts proc, sysfs, devtmpfs; loads virtio + 9p and mounts the 9p
#    shares of run-qemu.sh: "dmio" (the staging tree, read-only) at /dmio and
#    "dmioout" (the host's OUTDIR/guest) at /results;
#  * loads configfs, dm-mod and the dm targets, loop, null_blk (no default
#    device) and brd with the RAM disks of tests/uml/devices.md.
# Kernel command line: DMIO_OUT=/results DMIO_MODDIR=/dmio [DMIO_...=...];
# DMIO_INIT=<path in the staging tree> runs another guest script instead
# (run-qemu.sh -i: the benchmark's bench/init.sh).

GUEST=QINIT
. /guest-lib.sh	# tests/guest-lib.sh, put beside /init by run-qemu.sh
guest_mount_base

# mod NAME [PARAM...]: modprobe, logged
mod() {
	modprobe "$@" || log "modprobe $* failed"
}

for m in virtio_pci 9pnet_virtio 9p; do mod "$m"; done
# The virtio-9p devices appear asynchronously after virtio_pci probes.
i=0
while [ ! -d /sys/bus/virtio/drivers/9pnet_virtio ] || [ -z "$(ls /sys/bus/virtio/drivers/9pnet_virtio 2>/dev/null | grep virtio)" ]; do
	i=$((i + 1))
	[ $i -le 600 ] || break	# 60 s: a loaded TCG guest is slow
	sleep 0.1
done
mkdir -p /dmio /results
mount -t 9p -o trans=virtio,version=9p2000.L,ro dmio /dmio ||
	log "cannot mount the 9p share dmio"
mount -t 9p -o trans=virtio,version=9p2000.L,rw,cache=none dmioout /results ||
	log "cannot mount the 9p share dmioout"

# What UML has built in (tests/uml/uml.config).
for m in configfs dm_mod dm_flakey dm_mirror dm_zero dm_delay loop; do mod "$m"; done
mod null_blk nr_devices=0
mod brd rd_nr=4 rd_size=32768

INIT=${DMIO_MODDIR:-/dmio}/${DMIO_INIT:-tests/uml/init.sh}
if [ ! -f "$INIT" ]; then
	log "no $INIT (is the 9p share dmio mounted?); powering off"
	halt_now
fi
log "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs; handing over to $INIT"
export DMIO_PLATFORM=qemu
exec /bin/sh "$INIT"
