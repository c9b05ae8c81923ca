#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-recover.sh - "dmsetup message <dev> 0 recover <leg>":
#  - a leg that failed stays dead when its device comes back, and is stale;
#  - recover while idle: status all A, kernel log, every leg identical;
#  - recover while fio writes (the copy held on leg 1's suspended device
#    while fio's writes queue up behind it, then released): status shows R
#    during the copy, all A afterwards, fio verifies, every leg identical
#    (O_DIRECT);
#  - recover onto a leg whose device still fails: the message fails with an
#    I/O error, the leg stays dead, the mirror keeps working.
#
# Leg 1 is a dm device over its loop device whose table is switched between
# linear and error, and which is suspended to hold the copy.
#
# Needs root, dmsetup, losetup, fio, dm-error, DMIO_MODDIR with
# dm-io.ko and targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

command -v fio >/dev/null || { tap_header; tap_skip_all "fio not found"; }
iom_init recover 120

tap_plan 16

IOM_LEN=32768		# 16 MiB
A=$(iom_loop a 16) && B=$(iom_loop b 16) && C=$(iom_loop c 16) ||
	tap_bail "cannot set up loop devices"
LINEAR="0 $IOM_LEN linear $B 0"
ERROR="0 $IOM_LEN error"
LEGS="$A:0 /dev/mapper/iomt_w1:0 $C:0"

iom_dm iomt_w1 "$LINEAR" &&
	iom_dm iomt_rec "0 $IOM_LEN iomirror 3 $A 0 /dev/mapper/iomt_w1 0 $C 0" ||
	tap_bail "cannot create the mirror"
iom_pattern pat16 16
iom_pattern pat1 1
iom_fill /dev/mapper/iomt_rec 0 $IOM_LEN pat16 >/dev/null || tap_bail "cannot fill the mirror"

# kill_leg1 SECTOR: leg 1's device fails, a 1 MiB write at SECTOR marks it
# dead; then the device comes back holding stale data
kill_leg1() {
	iom_swap iomt_w1 "$ERROR" &&
		iom_fill /dev/mapper/iomt_rec "$1" 2048 pat1 >/dev/null &&
		[ "$(iom_health iomt_rec)" = ADA ] &&
		iom_swap iomt_w1 "$LINEAR"
}

# --- leg 1 fails, comes back stale --------------------------------------------------
if kill_leg1 4096; then
	tap_ok "leg 1 failed a write: status ADA, the write succeeded"
else
	tap_fail "leg 1 failed a write: status ADA, the write succeeded ($(iom_status iomt_rec))"
fi
ref=$(iom_sum /dev/mapper/iomt_rec)
if [ "$(iom_health iomt_rec)" = ADA ] &&
   [ "$(iom_sum /dev/mapper/iomt_w1)" != "$ref" ] && [ "$(iom_sum "$A")" = "$ref" ]; then
	tap_ok "leg 1's device is back: the leg stays dead and is stale"
else
	tap_fail "leg 1's device is back: the leg stays dead and is stale ($(iom_status iomt_rec))"
fi

# --- recover while idle ---------------------------------------------------------------
mark=$(klog_mark)
t0=$(date +%s)
if tap_run dmsetup message iomt_rec 0 recover 1 && [ "$(iom_health iomt_rec)" = AAA ] &&
   klog_since "$mark" | grep -q "iomirror: $(iom_devno iomt_rec): leg 1 ($(iom_devno iomt_w1)) recovered"; then
	tap_ok "recover 1 (idle) in $(($(date +%s) - t0)) s: status AAA, kernel log says recovered"
else
	klog_since "$mark" | sed 's/^/#   /'
	tap_fail "recover 1 (idle): status AAA, kernel log says recovered ($(iom_status iomt_rec))"
fi
if iom_same_legs iomt_rec "$ref" $LEGS; then
	tap_ok "after recover: every leg identical to the mirror (O_DIRECT)"
else
	tap_fail "after recover: every leg identical to the mirror (O_DIRECT)"
fi

# --- recover while fio writes ----------------------------------------------------------
# Every state checked here is held, not raced: leg 1's device is suspended
# before the recover starts, so the copy of the first chunk waits in it with
# leg 1 marked recovering (status ARA), and every write fio issues meanwhile
# waits behind the copy (in flight on the mirror).  Resuming leg 1's device
# lets the copy run on with fio's writes interleaved.
if kill_leg1 8192 && iom_quiet dmsetup suspend iomt_w1; then
	tap_ok "leg 1 failed again; its device is back, suspended"
else
	tap_fail "leg 1 failed again; its device is back, suspended ($(iom_status iomt_rec))"
fi
dmsetup message iomt_rec 0 recover 1 > "$IOM_WORK/recover.out" 2>&1 &
iom_bg $!
rec_pid=$!
if iom_wait 60 iom_health_is iomt_rec ARA; then
	tap_ok "the copy waits on leg 1's suspended device: status ARA"
else
	tap_fail "the copy waits on leg 1's suspended device: status ARA ($(iom_status iomt_rec))"
fi
# fio: 16 MiB of random writes, then verify
iom_fio iomt_rec --rw=randwrite --bsrange=4k-64k --size=16M --do_verify=1 &
iom_bg $!
fio_pid=$!
if iom_wait 60 iom_writes_held iomt_rec; then
	tap_ok "fio's writes wait behind the copy (in flight on the mirror)"
else
	tap_fail "fio's writes wait behind the copy (in flight: $(cat "/sys/dev/block/$(iom_devno iomt_rec)/inflight"))"
fi
t0=$(date +%s)
iom_quiet dmsetup resume iomt_w1 || tap_diag "cannot resume iomt_w1"
wait $rec_pid
rc=$?
t1=$(date +%s)
sed 's/^/# recover: /' "$IOM_WORK/recover.out"
if [ $rc = 0 ]; then
	tap_ok "recover 1 while fio writes: succeeded $((t1 - t0)) s after leg 1's device resumed"
else
	tap_fail "recover 1 while fio writes: exit $rc"
fi
if wait $fio_pid; then
	tap_ok "fio (random writes during the recovery) verifies"
else
	tap_fail "fio (random writes during the recovery) verifies"
fi
st=$(iom_status iomt_rec)
if [ "$(iom_health iomt_rec)" = AAA ]; then
	tap_ok "after recover under load: status '$st'"
else
	tap_fail "after recover under load: status '$st', want AAA"
fi
ref=$(iom_sum /dev/mapper/iomt_rec)
if iom_same_legs iomt_rec "$ref" $LEGS; then
	tap_ok "after recover under load: every leg identical to the mirror (O_DIRECT)"
else
	tap_fail "after recover under load: every leg identical to the mirror (O_DIRECT)"
fi
if iom_fio iomt_rec --rw=randwrite --bsrange=4k-64k --size=16M --verify_only; then
	tap_ok "fio --verify_only after the recovery (reads from all legs) verifies"
else
	tap_fail "fio --verify_only after the recovery (reads from all legs) verifies"
fi

# --- recover onto a leg that still fails -----------------------------------------------
iom_swap iomt_w1 "$ERROR" && iom_fill /dev/mapper/iomt_rec 0 2048 pat1 >/dev/null
if [ "$(iom_health iomt_rec)" = ADA ]; then
	tap_ok "leg 1 failed a third time (its device stays broken)"
else
	tap_fail "leg 1 failed a third time ($(iom_status iomt_rec))"
fi
out=$(timeout 60 dmsetup message iomt_rec 0 recover 1 2>&1)
rc=$?
if [ $rc != 0 ] && [ $rc != 124 ] && printf '%s\n' "$out" | grep -q 'Input/output error' &&
   [ "$(iom_health iomt_rec)" = ADA ]; then
	tap_ok "recover onto the broken leg fails with an I/O error, the leg stays dead"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	tap_fail "recover onto the broken leg fails with an I/O error (exit $rc), the leg stays dead ($(iom_status iomt_rec))"
fi
if iom_fill /dev/mapper/iomt_rec 2048 2048 pat1 >/dev/null &&
   [ "$(iom_sum /dev/mapper/iomt_rec 2048 2048)" = "$(md5sum < pat1 | cut -d' ' -f1)" ] &&
   [ "$(iom_health iomt_rec)" = ADA ]; then
	tap_ok "the mirror keeps working on legs 0 and 2"
else
	tap_fail "the mirror keeps working on legs 0 and 2 ($(iom_status iomt_rec))"
fi

iom_dm_remove iomt_rec
iom_dm_remove iomt_w1
iom_finish
