# SPDX-License-Identifier: GPL-2.0
# guest-lib.sh - sourced by the PID-1 scripts of the test guests
# (tests/uml/init.sh, tests/uml/demo-init.sh, bench/init.sh, and
# tests/qemu/init.sh, which carries a copy in its initramfs): environment,
# mounts, the result directory, power-off.  The caller sets GUEST (its log
# prefix) and OUT (the host's result directory, DMIO_OUT) first.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export DM_DISABLE_UDEV=1	# no udevd: libdevmapper makes /dev/mapper/* itself
export LC_ALL=C
umask 022

log() { echo "$GUEST: $*"; }

# guest_pid1: refuse to run as anything but PID 1.
guest_pid1() {
	[ "$$" = 1 ] && return
	echo "$0: PID 1 of a test guest (it mounts, loads modules and powers off); refusing to run as PID $$" >&2
	exit 2
}

# halt_now: poweroff -f (systemctl on Debian; busybox if that is missing,
# then SysRq "o"): the guest exits with status 0.  Never reboot: UML
# re-executes itself.
halt_now() {
	sync
	poweroff -f
	busybox poweroff -f
	echo o > /proc/sysrq-trigger
	while :; do sleep 60; done	# PID 1 must never exit (panic)
}

# guest_mount_base: proc, sysfs, devtmpfs.
guest_mount_base() {
	mountpoint -q /proc 2>/dev/null || mount -t proc proc /proc
	mountpoint -q /sys || mount -t sysfs sysfs /sys
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
}

# guest_mount: the base, a tmpfs over /run (hides the host's /run, with
# its udev socket, under UML's hostfs root), debugfs and configfs.
guest_mount() {
	guest_mount_base
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t configfs configfs /sys/kernel/config
}

# summary KEY VALUE: a line of $OUT/summary ("status=complete" comes last).
summary() { echo "$1=$2" >> "$OUT/summary"; }

# guest_results: a fresh $OUT/summary saying the run started, on which
# kernel; powers off when there is nowhere to write.
guest_results() {
	if [ -z "$OUT" ] || ! mkdir -p "$OUT" || ! : > "$OUT/summary"; then
		log "DMIO_OUT='$OUT' is not set or not writable: nowhere to put the results"
		halt_now
	fi
	summary status started
	summary kernel "$(uname -r)"
	log "kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
}
