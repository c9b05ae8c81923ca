#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-suspend.sh - dm-iomirror under suspend, resume, reload, remove:
#  - fio random writes with crc32c verify in the background while the
#    mirror is suspended and resumed 5 times (dmsetup info must say
#    SUSPENDED in between), and while its table is reloaded with the same
#    legs (a new target instance under load);
#  - "dmsetup remove" while the device is open (fio, and a shell fd) fails
#    (busy) and leaves the device working;
#  - after fio: it verified, status all A, legs identical, remove works;
#  - suspend with a failed leg, then resume: the read retry queue is
#    flushed and the mirror keeps working; remove of a suspended, unused
#    mirror works.
#
# Needs root, dmsetup, losetup, fio, DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

command -v fio >/dev/null || { tap_header; tap_skip_all "fio not found"; }
iom_init suspend 120

tap_plan 12

IOM_LEN=32768		# 16 MiB
A=$(iom_loop a 16) && B=$(iom_loop b 16) && C=$(iom_loop c 16) ||
	tap_bail "cannot set up loop devices"
TABLE="0 $IOM_LEN iomirror 3 $A 0 $B 0 $C 0"
iom_dm iomt_s "$TABLE" || tap_bail "cannot create the mirror"
iom_pattern pat1 1

suspended() { dmsetup info iomt_s 2>/dev/null | grep -q '^State: *SUSPENDED'; }
# opened NAME: somebody has /dev/mapper/NAME open
opened() { [ "$(dmsetup info -c --noheadings -o open "$1" 2>/dev/null | tr -d ' ')" -gt 0 ]; }

# fio: 16 MiB at 1.5 MiB/s, then verify.  It starts while the mirror is
# suspended, so its first writes wait for the first resume whatever the
# machine's speed; whether it still writes during the later cycles depends
# on the machine, so that is reported, not required.
ok=1
{ timeout 30 dmsetup suspend iomt_s && suspended; } || { ok=0; tap_diag "suspend before fio failed"; }
iom_fio iomt_s --rw=randwrite --bsrange=4k-64k --size=16M --rate=1536k --do_verify=1 &
iom_bg $!
fio_pid=$!
iom_wait 60 opened iomt_s || { ok=0; tap_diag "fio did not open the suspended mirror"; }

i=0
while [ $i -lt 5 ]; do
	if ! timeout 30 dmsetup resume iomt_s || suspended; then
		ok=0
		tap_diag "resume $i failed"
	fi
	sleep 0.2
	if ! timeout 30 dmsetup suspend iomt_s || ! suspended; then
		ok=0
		tap_diag "suspend $i failed"
	fi
	sleep 0.2
	i=$((i + 1))
done
if ! timeout 30 dmsetup resume iomt_s || suspended; then
	ok=0
	tap_diag "last resume failed"
fi
running=no
kill -0 $fio_pid 2>/dev/null && running=yes
if [ $ok = 1 ]; then
	tap_ok "5 x suspend + resume under fio writes (fio still running after them: $running)"
else
	tap_fail "5 x suspend + resume under fio writes (fio still running after them: $running)"
fi

if timeout 30 dmsetup load iomt_s --table "$TABLE" && timeout 30 dmsetup resume iomt_s &&
   ! suspended && [ "$(iom_health iomt_s)" = AAA ]; then
	tap_ok "table reloaded under fio writes (suspend, swap, resume)"
else
	tap_fail "table reloaded under fio writes ($(iom_status iomt_s))"
fi

# fio closes and reopens the device between its write and verify phases:
# hold it open here too, so that the remove must fail whenever it comes.
exec 9< /dev/mapper/iomt_s
open=$(dmsetup info -c --noheadings -o open iomt_s 2>/dev/null | tr -d ' ')
running=no
kill -0 $fio_pid 2>/dev/null && running=yes
if timeout 30 dmsetup remove iomt_s >/dev/null 2>&1; then
	iom_dm_forget iomt_s
	tap_fail "remove while open (open count $open, fio running: $running) fails: it was removed"
elif iom_exists iomt_s && [ -b /dev/mapper/iomt_s ] && ! suspended &&
     dd if=/dev/mapper/iomt_s of=/dev/null iflag=direct bs=4k count=16 2>/dev/null; then
	tap_ok "remove while open (open count $open, fio running: $running) fails, the device stays and works"
else
	tap_fail "remove while open fails, the device stays and works (it is in a bad state)"
fi
exec 9<&-

if wait $fio_pid; then
	tap_ok "fio (writes across suspends, a reload and a refused remove) verifies"
else
	tap_fail "fio (writes across suspends, a reload and a refused remove) verifies"
fi
st=$(iom_status iomt_s)
if [ "$(iom_health iomt_s)" = AAA ] && [ "$(iom_legstat iomt_s 0 3)$(iom_legstat iomt_s 1 3)$(iom_legstat iomt_s 2 3)" = 000 ]; then
	tap_ok "status after the run: '$st'"
else
	tap_fail "status after the run: '$st', want AAA and no errors"
fi
IOM_LEN=32768
ref=$(iom_sum /dev/mapper/iomt_s)
if iom_same_legs iomt_s "$ref" "$A:0" "$B:0" "$C:0"; then
	tap_ok "every leg identical to the mirror (O_DIRECT)"
else
	tap_fail "every leg identical to the mirror (O_DIRECT)"
fi
if iom_dm_remove iomt_s && [ ! -e /dev/mapper/iomt_s ]; then
	tap_ok "remove after fio ended"
else
	tap_fail "remove after fio ended"
fi

# --- suspend with a failing leg -------------------------------------------------
# Leg 1 is dm-error: the first reads fail on it and are retried on leg 0
# from the target's workqueue; suspend must wait for them.
if iom_dm iomt_err "0 $IOM_LEN error" &&
   iom_dm iomt_s "0 $IOM_LEN iomirror 2 $A 0 /dev/mapper/iomt_err 0"; then
	want=$(iom_sum "$A" 0 2048)
	dd if=/dev/mapper/iomt_s iflag=direct bs=4k count=256 2>/dev/null | md5sum > dd.md5 &
	iom_bg $!
	dd_pid=$!
	sleep 0.1
	timeout 30 dmsetup suspend iomt_s
	rc=$?
	suspended || rc="$rc, not suspended"
	timeout 30 dmsetup resume iomt_s || rc="$rc, resume failed"
	wait $dd_pid
	if [ "$rc" = 0 ] && [ "$(cut -d' ' -f1 dd.md5)" = "$want" ] && [ "$(iom_health iomt_s)" = AD ]; then
		tap_ok "suspend + resume while reads are retried off a failing leg: data right, status AD"
	else
		tap_fail "suspend + resume while reads are retried (suspend: $rc, status $(iom_status iomt_s))"
	fi
	if [ "$(iom_sum /dev/mapper/iomt_s 0 2048)" = "$want" ]; then
		tap_ok "after resume: reads work on leg 0"
	else
		tap_fail "after resume: reads work on leg 0"
	fi
	if timeout 30 dmsetup suspend iomt_s && iom_dm_remove iomt_s; then
		tap_ok "remove of a suspended mirror nobody has open"
	else
		tap_fail "remove of a suspended mirror nobody has open"
	fi
else
	tap_fail "suspend with a failing leg: cannot create the devices"
	tap_fail "suspend with a failing leg: cannot create the devices"
	tap_fail "suspend with a failing leg: cannot create the devices"
fi
iom_dm_remove iomt_err

# --- suspend/resume while a leg is recovered ----------------------------------------------
# recover runs synchronously in "dmsetup message"; a suspend meanwhile waits
# for the writes the copy holds back.
if iom_dm iomt_w1 "0 $IOM_LEN error" &&
   iom_dm iomt_s "0 $IOM_LEN iomirror 2 $A 0 /dev/mapper/iomt_w1 0" &&
   iom_fill /dev/mapper/iomt_s 0 2048 pat1 >/dev/null &&
   [ "$(iom_health iomt_s)" = AD ] &&
   iom_swap iomt_w1 "0 $IOM_LEN delay $B 0 0 $B 0 20"; then
	iom_fio iomt_s --rw=randwrite --bsrange=4k-64k --size=8M --rate=2m --do_verify=1 &
	iom_bg $!
	fio_pid=$!
	sleep 0.5
	dmsetup message iomt_s 0 recover 1 >/dev/null 2>&1 &
	iom_bg $!
	rec_pid=$!
	sleep 0.2
	ok=1
	timeout 30 dmsetup suspend iomt_s || ok=0
	timeout 30 dmsetup resume iomt_s || ok=0
	wait $rec_pid || ok=0
	wait $fio_pid || ok=0
	ref=$(iom_sum /dev/mapper/iomt_s)
	if [ $ok = 1 ] && [ "$(iom_health iomt_s)" = AA ] &&
	   iom_same_legs iomt_s "$ref" "$A:0" "/dev/mapper/iomt_w1:0"; then
		tap_ok "suspend + resume during recover under fio: recover, fio ok, status AA, legs identical"
	else
		tap_fail "suspend + resume during recover under fio (status $(iom_status iomt_s))"
	fi
	iom_dm_remove iomt_s
else
	tap_fail "suspend during recover: cannot set up"
fi
iom_dm_remove iomt_w1

iom_finish
