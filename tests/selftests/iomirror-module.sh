#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-module.sh - dm-iomirror.ko and its dependency on dm-io.ko:
#  - with dm_io loaded, dm-iomirror.ko loads, registers the "iomirror"
#    target and holds dm_io (holders/, refcnt);
#  - dm_io cannot be unloaded while dm_iomirror is loaded (and the target
#    keeps working); dm_iomirror cannot be unloaded while a table uses it;
#  - without dm_io, insmod dm-iomirror.ko fails cleanly: "Unknown symbol
#    dm_io_*" in the kernel log, no module, no target, no kernel report;
#  - with dm_io back, a second load/use/unload cycle works.
#
# Needs root, dmsetup, losetup, DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state (lib.sh contract): dm_io_test, if
# loaded on entry, is unloaded here (dm_io cannot go away under it); on exit
# dm_io is loaded, dm_iomirror and dm_io_test are not.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

# iom_init loads dm_iomirror; this script wants to see that itself.
tap_header
[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -f "$IOM_KO" ] || tap_skip_all "no $IOM_KO (make tests; set DMIO_MODDIR)"
[ -f "$IOM_LIB_KO" ] || tap_skip_all "no $IOM_LIB_KO"
for t in dmsetup losetup insmod rmmod dmesg; do
	command -v $t >/dev/null || tap_skip_all "$t not found"
done
export DM_DISABLE_UDEV=1
mod_loaded dm_io || tap_run insmod "$IOM_LIB_KO" || tap_skip_all "cannot load dm_io"
# dm_iomirror must be the only user of dm_io for the checks below.
if mod_loaded dm_io_test; then
	tap_diag "dm_io_test loaded on entry: unloading it"
	tap_run rmmod dm_io_test || tap_skip_all "dm_io_test is loaded and cannot be unloaded"
fi
if mod_loaded dm_iomirror; then
	tap_diag "dm_iomirror loaded on entry: unloading it"
	tap_run rmmod dm_iomirror || tap_skip_all "dm_iomirror is loaded and cannot be unloaded"
fi
iom_stale
IOM_WORK=/run/iomirror-module.$$
mkdir -p "$IOM_WORK" && mount -t tmpfs -o size=16m tmpfs "$IOM_WORK" ||
	tap_skip_all "cannot mount a tmpfs on $IOM_WORK"
trap iom_cleanup EXIT
cd "$IOM_WORK" || tap_bail "cannot cd to $IOM_WORK"

tap_plan 15

A=$(iom_loop a 4) || tap_bail "cannot set up a loop device"
iom_pattern pat1 1
PAT1=$(md5sum < pat1 | cut -d' ' -f1)
refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null; }
has_target() { dmsetup targets 2>/dev/null | grep -q '^iomirror '; }
# use: a 1-leg mirror takes a write and reads it back, then goes away
use() {
	iom_dm iomt_mod "0 2048 iomirror 1 $A 0" &&
		iom_fill /dev/mapper/iomt_mod 0 2048 pat1 >/dev/null &&
		[ "$(iom_sum /dev/mapper/iomt_mod)" = "$PAT1" ] &&
		iom_dm_remove iomt_mod
}

# --- load with dm_io present ---------------------------------------------------
io_ref=$(refcnt dm_io)
mark=$(klog_mark)
if tap_run insmod "$IOM_KO" && mod_loaded dm_iomirror && has_target; then
	tap_ok "insmod dm-iomirror.ko: target $(dmsetup targets | grep '^iomirror ' | tr -s ' ')"
else
	tap_bail "insmod dm-iomirror.ko with dm_io loaded"
fi
holders=$(ls /sys/module/dm_io/holders 2>/dev/null | tr '\n' ' ')
if [ "$holders" = "dm_iomirror " ] && [ "$(refcnt dm_io)" = $((io_ref + 1)) ]; then
	tap_ok "dm_iomirror holds dm_io, its only holder (refcnt $io_ref -> $(refcnt dm_io))"
else
	tap_fail "dm_iomirror holds dm_io (holders: $holders, refcnt $io_ref -> $(refcnt dm_io))"
fi
if use; then
	tap_ok "a 1-leg mirror writes and reads back 1 MiB"
else
	tap_fail "a 1-leg mirror writes and reads back 1 MiB"
fi

# --- no unloading under a user -------------------------------------------------------
if tap_run rmmod dm_io; then
	tap_fail "rmmod dm_io fails while dm_iomirror is loaded (it succeeded)"
	tap_run insmod "$IOM_LIB_KO"
elif mod_loaded dm_io && use; then
	tap_ok "rmmod dm_io fails while dm_iomirror is loaded; the target still works"
else
	tap_fail "rmmod dm_io fails while dm_iomirror is loaded; the target still works"
fi
if iom_dm iomt_mod "0 2048 iomirror 1 $A 0"; then
	if rmmod dm_iomirror 2>/dev/null; then
		tap_fail "rmmod dm_iomirror fails while a table uses it (it succeeded)"
	elif mod_loaded dm_iomirror && [ "$(refcnt dm_iomirror)" = 1 ]; then
		tap_ok "rmmod dm_iomirror fails while a table uses it (refcnt 1)"
	else
		tap_fail "rmmod dm_iomirror fails while a table uses it (refcnt $(refcnt dm_iomirror))"
	fi
	iom_dm_remove iomt_mod
else
	tap_fail "rmmod dm_iomirror while a table uses it: cannot create the table"
fi
if tap_run rmmod dm_iomirror && ! mod_loaded dm_iomirror && ! has_target &&
   [ "$(refcnt dm_io)" = "$io_ref" ]; then
	tap_ok "rmmod dm_iomirror: target gone, dm_io refcnt back to $io_ref"
else
	tap_fail "rmmod dm_iomirror: target gone, dm_io refcnt back to $io_ref (now $(refcnt dm_io))"
fi
tap_klog_clean "$mark" "no kernel report so far"

# --- without dm_io ---------------------------------------------------------------------
tap_rmmod dm_io "rmmod dm_io once nothing uses it"
if mod_loaded dm_io; then
	tap_skip "insmod dm-iomirror.ko without dm_io fails" "dm_io is still loaded"
	tap_skip "no iomirror target without dm_io" "dm_io is still loaded"
	tap_skip "no kernel report from the failed insmod" "dm_io is still loaded"
else
	mark=$(klog_mark)
	tap_insmod_without_dm_io "$mark" "$IOM_KO" dm_iomirror
	if ! has_target && ! dmsetup create iomt_mod --table "0 2048 iomirror 1 $A 0" >/dev/null 2>&1 &&
	   ! iom_exists iomt_mod; then
		tap_ok "no iomirror target without dm_io: a table naming it is refused"
	else
		IOM_DMS="iomt_mod $IOM_DMS"
		tap_fail "no iomirror target without dm_io: a table naming it is refused"
	fi
	tap_klog_clean "$mark" "no kernel report from the failed insmod"
fi

# --- second cycle --------------------------------------------------------------------------
if { mod_loaded dm_io || tap_run insmod "$IOM_LIB_KO"; } && mod_loaded dm_io; then
	tap_ok "insmod dm-io.ko again"
else
	tap_bail "insmod dm-io.ko again"
fi
if tap_run insmod "$IOM_KO" && has_target && use; then
	tap_ok "second insmod dm-iomirror.ko: the target works"
else
	tap_fail "second insmod dm-iomirror.ko: the target works"
fi
tap_rmmod dm_iomirror "second rmmod dm_iomirror"

iom_finish
