#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-faults.sh - dm-iomirror with failing legs:
#  - a leg whose writes fail (dm-flakey error_writes under leg 1): writes
#    still succeed, status shows the leg D with errors counted, no more
#    reads go to it, the other legs hold the data;
#  - a leg that fails everything (dm-error) before anything was written: a
#    read routed to it is retried on the other leg and returns the right
#    data, the leg is marked D;
#  - a leg with bad blocks on read (dm-dust addbadblock + enable): reads
#    return the right data from the other leg, the leg is marked D, the
#    kernel log names it;
#  - a leg that dies while fio writes (its table switched to "error"): fio
#    verifies; then the last leg dies too: fio fails with an I/O error;
#  - a leg whose device shrinks under the mirror: reads and writes past its
#    new end fail over to the other leg;
#  - all legs failing: writes, reads and fsync return an I/O error, nothing
#    hangs (every command under timeout), the device can be removed.
#
# Needs root, dmsetup, losetup, fio (some cases), dm-error and dm-linear;
# the dm-flakey and dm-dust cases are skipped without those targets (Debian's
# kernel has no dm-dust).  DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

iom_init faults 160

tap_plan 24

IOM_LEN=32768		# 16 MiB
A=$(iom_loop a 16) && B=$(iom_loop b 16) && C=$(iom_loop c 16) && D=$(iom_loop d 16) ||
	tap_bail "cannot set up loop devices"
targets=" $(dmsetup targets 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ') "
# have TARGET: the kernel has that dm target (Debian's has no dust)
have() { case $targets in *" $1 "*) return 0 ;; esac; return 1; }
have error && have linear || tap_bail "no dm error or linear target (have:$targets)"
iom_pattern pat4 4
PAT4=$(md5sum < pat4 | cut -d' ' -f1)

# expect_io_error DESC CMD...: CMD fails with an I/O error within its
# timeout (exit 124 = hung)
expect_io_error() {
	_desc=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	if [ $_rc = 124 ] || [ $_rc = 137 ]; then
		tap_fail "$_desc: timed out (hung)"
	elif [ $_rc = 0 ]; then
		tap_fail "$_desc: succeeded"
	elif printf '%s\n' "$_out" | grep -q 'Input/output error'; then
		tap_ok "$_desc: I/O error"
	else
		printf '%s\n' "$_out" | sed 's/^/# /'
		tap_fail "$_desc: failed (exit $_rc) without an I/O error"
	fi
}

# --- writes fail on leg 1 (dm-flakey error_writes) ------------------------
# up 0 s, down 3600 s: down from the start; while down, error_writes fails
# every write and lets reads through.
if ! have flakey; then
	for i in 1 2 3 4 5 6; do
		tap_skip "flakey leg 1" "no dm-flakey in this kernel"
	done
elif iom_dm iomt_flakey "0 $IOM_LEN flakey $B 0 0 3600 1 error_writes" &&
   iom_dm iomt_w "0 $IOM_LEN iomirror 3 $A 0 /dev/mapper/iomt_flakey 0 $C 0"; then
	mark=$(klog_mark)
	if out=$(iom_fill /dev/mapper/iomt_w 2048 8192 pat4); then
		tap_ok "flakey leg 1: 4 MiB O_DIRECT write succeeds"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		tap_fail "flakey leg 1: 4 MiB O_DIRECT write succeeds"
	fi
	st=$(iom_status iomt_w)
	if [ "$(iom_health iomt_w)" = ADA ] && [ "$(iom_legstat iomt_w 1 3)" -gt 0 ] &&
	   [ "$(iom_legstat iomt_w 0 3)" = 0 ] && [ "$(iom_legstat iomt_w 2 3)" = 0 ]; then
		tap_ok "flakey leg 1: status '$st' (leg 1 dead, its errors counted)"
	else
		tap_fail "flakey leg 1: status '$st', want ADA with errors on leg 1 only"
	fi
	if klog_since "$mark" | grep -q "iomirror: $(iom_devno iomt_w): leg 1 ($(iom_devno iomt_flakey)) failed, marked dead"; then
		tap_ok "flakey leg 1: the kernel log names the dead leg"
	else
		klog_since "$mark" | sed 's/^/#   /'
		tap_fail "flakey leg 1: the kernel log names the dead leg"
	fi
	r1=$(iom_legstat iomt_w 1 1)
	got=$(iom_sum /dev/mapper/iomt_w 2048 8192)
	# 4 KiB reads: many bios, round robin over the healthy legs
	got4k=$(dd if=/dev/mapper/iomt_w iflag=direct,skip_bytes bs=4k skip=1M count=1024 2>/dev/null |
		md5sum | cut -d' ' -f1)
	if [ "$got" = "$PAT4" ] && [ "$got4k" = "$PAT4" ] && [ "$(iom_legstat iomt_w 1 1)" = "$r1" ]; then
		tap_ok "flakey leg 1: reads return the data, none goes to the dead leg"
	else
		tap_fail "flakey leg 1: reads return the data ($got / $got4k), none to leg 1 (status $(iom_status iomt_w))"
	fi
	if [ "$(iom_sum "$A" 2048 8192)" = "$PAT4" ] && [ "$(iom_sum "$C" 2048 8192)" = "$PAT4" ] &&
	   [ "$(iom_sum "$B" 2048 8192)" != "$PAT4" ]; then
		tap_ok "flakey leg 1: legs 0 and 2 hold the data, leg 1 does not"
	else
		tap_fail "flakey leg 1: legs 0 and 2 hold the data, leg 1 does not"
	fi
	if command -v fio >/dev/null; then
		if iom_fio iomt_w --rw=randwrite --bsrange=4k-64k --size=8M --do_verify=1 &&
		   [ "$(iom_health iomt_w)" = ADA ]; then
			tap_ok "flakey leg 1: fio random writes on the degraded mirror verify, status ADA"
		else
			tap_fail "flakey leg 1: fio on the degraded mirror (status $(iom_status iomt_w))"
		fi
	else
		tap_skip "flakey leg 1: fio on the degraded mirror" "no fio"
	fi
else
	for i in 1 2 3 4 5 6; do
		tap_fail "flakey leg 1: cannot create the devices"
	done
fi
iom_dm_remove iomt_w
iom_dm_remove iomt_flakey

# --- a leg that fails everything, first I/O a read ------------------------------
# Leg 0 (a fresh sparse file) reads zeros; the dm-error leg fails.
# Round robin sends some of the first reads to leg 1.
if iom_dm iomt_err "0 $IOM_LEN error" &&
   iom_dm iomt_e "0 $IOM_LEN iomirror 2 $D 0 /dev/mapper/iomt_err 0"; then
	zero=$(dd if=/dev/zero bs=4k count=1 2>/dev/null | md5sum | cut -d' ' -f1)
	ok=1
	for i in 1 2 3 4; do
		got=$(dd if=/dev/mapper/iomt_e iflag=direct bs=4k skip=$i count=1 2>/dev/null | md5sum | cut -d' ' -f1)
		[ "$got" = "$zero" ] || ok=0
	done
	st=$(iom_status iomt_e)
	if [ $ok = 1 ] && [ "$(iom_health iomt_e)" = AD ] && [ "$(iom_legstat iomt_e 1 3)" -gt 0 ]; then
		tap_ok "dm-error leg 1: reads succeed with the right data, leg 1 marked dead ('$st')"
	else
		tap_fail "dm-error leg 1: reads right ($ok), status '$st' (want AD, errors on leg 1)"
	fi
	if out=$(iom_fill /dev/mapper/iomt_e 0 8192 pat4) && [ "$(iom_sum "$D" 0 8192)" = "$PAT4" ]; then
		tap_ok "dm-error leg 1: writes go to leg 0"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		tap_fail "dm-error leg 1: writes go to leg 0"
	fi
else
	tap_fail "dm-error leg 1: cannot create the devices"
	tap_fail "dm-error leg 1: cannot create the devices"
fi
iom_dm_remove iomt_e

# --- bad blocks on read (dm-dust) ----------------------------------------------
# dust block size 512: block N = sector N.  Writes to a bad block would clear
# it, so the data goes in first.
if ! have dust; then
	for i in 1 2 3 4; do
		tap_skip "dm-dust leg 1" "no dm-dust in this kernel"
	done
elif iom_dm iomt_dust "0 $IOM_LEN dust $B 0 512" &&
   iom_dm iomt_r "0 $IOM_LEN iomirror 2 $A 0 /dev/mapper/iomt_dust 0" &&
   iom_fill /dev/mapper/iomt_r 0 8192 pat4 >/dev/null; then
	ok=1
	for blk in 1000 1001 5000; do
		iom_quiet dmsetup message iomt_dust 0 addbadblock $blk || ok=0
	done
	iom_quiet dmsetup message iomt_dust 0 enable || ok=0
	# The dust device itself must now fail a read of block 1000.
	if [ $ok = 1 ] && ! dd if=/dev/mapper/iomt_dust of=/dev/null iflag=direct bs=512 skip=1000 count=1 2>/dev/null &&
	   dd if=/dev/mapper/iomt_dust of=/dev/null iflag=direct bs=512 skip=999 count=1 2>/dev/null; then
		tap_ok "dm-dust: bad blocks 1000, 1001, 5000 enabled (block 1000 fails, 999 reads)"
	else
		tap_fail "dm-dust: bad blocks enabled"
	fi
	want=$(dd if=pat4 bs=512 skip=992 count=16 2>/dev/null | md5sum | cut -d' ' -f1)
	mark=$(klog_mark)
	ok=1
	i=0
	# 8 KiB reads around block 1000: alternate between the legs.
	while [ $i -lt 6 ]; do
		got=$(dd if=/dev/mapper/iomt_r iflag=direct bs=512 skip=992 count=16 2>/dev/null |
			md5sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || ok=0
		i=$((i + 1))
	done
	st=$(iom_status iomt_r)
	if [ $ok = 1 ]; then
		tap_ok "dm-dust leg 1: 6 reads over the bad block return the right data"
	else
		tap_fail "dm-dust leg 1: 6 reads over the bad block return the right data"
	fi
	if [ "$(iom_health iomt_r)" = AD ] && [ "$(iom_legstat iomt_r 1 3)" -gt 0 ] &&
	   klog_since "$mark" | grep -q "iomirror: $(iom_devno iomt_r): leg 1 ($(iom_devno iomt_dust)) failed, marked dead"; then
		tap_ok "dm-dust leg 1: marked dead ('$st'), named in the kernel log"
	else
		klog_since "$mark" | sed 's/^/#   /'
		tap_fail "dm-dust leg 1: marked dead, named in the kernel log (status '$st')"
	fi
	if [ "$(iom_sum /dev/mapper/iomt_r 0 8192)" = "$PAT4" ]; then
		tap_ok "dm-dust leg 1: the whole 4 MiB reads back right (from leg 0)"
	else
		tap_fail "dm-dust leg 1: the whole 4 MiB reads back right (from leg 0)"
	fi
else
	for i in 1 2 3 4; do
		tap_fail "dm-dust leg 1: cannot create the devices"
	done
fi
iom_dm_remove iomt_r
iom_dm_remove iomt_dust

# --- legs dying under fio -------------------------------------------------------------
# Leg wrappers are linear devices.  A leg dies under fio by construction,
# not by racing it: its wrapper is suspended before fio starts, fio's
# writes wait in it (in flight on the mirror), and only then is the
# wrapper's table switched to "error" and resumed.
# kill_wrapper NAME: the suspended wrapper NAME fails from now on
kill_wrapper() {
	iom_quiet dmsetup load "$1" --table "0 $IOM_LEN error" &&
		iom_quiet dmsetup resume "$1"
}
if command -v fio >/dev/null &&
   iom_dm iomt_w0 "0 $IOM_LEN linear $A 0" && iom_dm iomt_w1 "0 $IOM_LEN linear $B 0" &&
   iom_dm iomt_m "0 $IOM_LEN iomirror 2 /dev/mapper/iomt_w0 0 /dev/mapper/iomt_w1 0"; then
	iom_quiet dmsetup suspend iomt_w1 || tap_diag "cannot suspend iomt_w1"
	iom_fio iomt_m --rw=randwrite --bsrange=4k-64k --size=16M --do_verify=1 &
	iom_bg $!
	fio_pid=$!
	held=no
	iom_wait 60 iom_writes_held iomt_m && held=yes
	kill_wrapper iomt_w1 || tap_diag "cannot switch iomt_w1 to error"
	if [ $held = yes ] && wait $fio_pid && [ "$(iom_health iomt_m)" = AD ]; then
		tap_ok "leg 1 dies under fio (writes held in it): fio verifies, status AD"
	else
		tap_fail "leg 1 dies under fio (writes held in it: $held): fio verifies, status AD ($(iom_status iomt_m))"
	fi
	iom_quiet dmsetup suspend iomt_w0 || tap_diag "cannot suspend iomt_w0"
	IOM_FIO_QUIET=1
	iom_fio iomt_m --rw=randwrite --bsrange=4k-64k --size=16M --do_verify=1 &
	iom_bg $!
	fio_pid=$!
	IOM_FIO_QUIET=
	held=no
	iom_wait 60 iom_writes_held iomt_m && held=yes
	kill_wrapper iomt_w0 || tap_diag "cannot switch iomt_w0 to error"
	if wait $fio_pid; then
		tap_fail "leg 0 dies too: fio fails (it passed; writes held in leg 0: $held)"
	elif [ $held = yes ] && grep -q 'Input/output error\|err=.*5' "$IOM_WORK/fio-iomt_m.log" &&
	     [ "$(iom_health iomt_m)" = DD ]; then
		tap_ok "leg 0 dies too: fio fails with an I/O error, status DD, no hang"
	else
		tap_fail "leg 0 dies too (writes held in leg 0: $held): fio fails with an I/O error, status DD (status $(iom_status iomt_m))"
	fi
else
	tap_skip "leg 1 dies under fio" "no fio or cannot create the devices"
	tap_skip "leg 0 dies too" "no fio or cannot create the devices"
fi
iom_dm_remove iomt_m
iom_dm_remove iomt_w0
iom_dm_remove iomt_w1

# --- a leg that shrinks under the mirror ----------------------------------------------
# Leg 1's device (a linear wrapper) loses its upper half: I/O there must
# fail over to leg 0 like any other error, not fail the whole request.
HALF=$((IOM_LEN / 2))
if iom_dm iomt_w0 "0 $IOM_LEN linear $A 0" && iom_dm iomt_w1 "0 $IOM_LEN linear $B 0" &&
   iom_dm iomt_m "0 $IOM_LEN iomirror 2 /dev/mapper/iomt_w0 0 /dev/mapper/iomt_w1 0" &&
   iom_fill /dev/mapper/iomt_m $HALF 8192 pat4 >/dev/null &&
   iom_swap iomt_w1 "0 $HALF linear $B 0"; then
	ok=1
	for i in 1 2 3 4; do
		[ "$(iom_sum /dev/mapper/iomt_m $((HALF + i * 8)) 8)" = \
		  "$(dd if=pat4 bs=4k skip=$i count=1 2>/dev/null | md5sum | cut -d' ' -f1)" ] || ok=0
	done
	if [ $ok = 1 ] && [ "$(iom_health iomt_m)" = AD ]; then
		tap_ok "leg 1 shrank: reads past its new end come from leg 0, leg 1 marked dead"
	else
		tap_fail "leg 1 shrank: reads past its new end come from leg 0 (ok $ok), leg 1 dead ($(iom_status iomt_m))"
	fi
	iom_swap iomt_w1 "0 $HALF linear $B 0"
	if out=$(iom_fill /dev/mapper/iomt_m $HALF 8192 pat4) &&
	   [ "$(iom_sum /dev/mapper/iomt_m $HALF 8192)" = "$PAT4" ] && [ "$(iom_health iomt_m)" = AD ]; then
		tap_ok "leg 1 shrank: writes past its new end succeed on leg 0"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		tap_fail "leg 1 shrank: writes past its new end succeed on leg 0 ($(iom_status iomt_m))"
	fi
else
	tap_fail "leg 1 shrank: cannot set up"
	tap_fail "leg 1 shrank: cannot set up"
fi
iom_dm_remove iomt_m
iom_dm_remove iomt_w0
iom_dm_remove iomt_w1

# --- all legs failing ----------------------------------------------------------------------
# Leg 0 dm-error, leg 1 dm-flakey down without features (fails all I/O;
# dm-error again without dm-flakey).
if have flakey; then
	FL="0 $IOM_LEN flakey $C 0 0 3600"
else
	FL="0 $IOM_LEN error"
fi
if iom_dm iomt_fl "$FL" &&
   iom_dm iomt_f "0 $IOM_LEN iomirror 2 /dev/mapper/iomt_err 0 /dev/mapper/iomt_fl 0"; then
	expect_io_error "all legs failing: O_DIRECT read" \
		timeout 30 dd if=/dev/mapper/iomt_f of=/dev/null iflag=direct bs=4k count=1
	st=$(iom_status iomt_f)
	if [ "$(iom_health iomt_f)" = DD ]; then
		tap_ok "all legs failing: the failed read marked both legs dead ('$st')"
	else
		tap_fail "all legs failing: both legs dead after the read (status '$st')"
	fi
	expect_io_error "all legs failing: O_DIRECT write" \
		timeout 30 dd if=pat4 of=/dev/mapper/iomt_f oflag=direct bs=64k count=4
	expect_io_error "all legs failing: buffered write + fsync" \
		timeout 30 dd if=pat4 of=/dev/mapper/iomt_f bs=64k count=4 conv=fsync
	expect_io_error "all legs failing: O_DIRECT read again (legs dead)" \
		timeout 30 dd if=/dev/mapper/iomt_f of=/dev/null iflag=direct bs=64k count=4
	expect_io_error "all legs failing: recover 0 (no source)" \
		timeout 30 dmsetup message iomt_f 0 recover 0
	if timeout 30 dmsetup remove iomt_f >/dev/null 2>&1; then
		iom_dm_forget iomt_f
		tap_ok "all legs failing: dmsetup remove works (nothing stuck)"
	else
		tap_fail "all legs failing: dmsetup remove works (nothing stuck)"
	fi
else
	for i in 1 2 3 4 5 6 7; do
		tap_fail "all legs failing: cannot create the devices"
	done
fi
iom_dm_remove iomt_fl
iom_dm_remove iomt_err

iom_finish
