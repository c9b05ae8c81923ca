#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-stacked.sh - stacked dm-io users keep making progress when every
# allocation of the writers fails (issue #13):
#  - shape 1: iomirror over two iomirrors over brd (ram0+ram1, ram2+ram3);
#    shape 2: three levels, a mirror of two mirrors of two mirrors of brd
#    (8 leaves at other offsets of the same RAM disks);
#  - every mirror made with dm-iomirror's reserve_pages=0 (the smallest
#    reserve dm-io gives; $DMIO_STACKED_RESERVE pages if set);
#  - 64 writers of 8 KiB O_DIRECT writes for 8 s each (iomirror-stacked.py),
#    with /proc/thread-self/make-it-fail = 1: failslab (armed by tests/uml/init.sh
#    with task-filter=Y, ignore-gfp-wait=N, probability 100) fails every
#    slab allocation of theirs, dm-io's request cache and bio slab
#    included, so every level lives on its reserves; a watchdog;
#  - every writer finishes on its own, no write fails, data verified
#    through the top device and every leaf identical to it, no hung task,
#    no lockdep or other kernel report.
#
# The RAM disks are written beforehand (brd then allocates no pages under
# the writers), fail_page_alloc is off while the writers run (only slab
# allocations fail: the writers' page faults must not), and restored.
#
# Needs root, python3, CONFIG_FAULT_INJECTION, /dev/ram0..3 (32 MiB each,
# tests/uml/devices.md), dmsetup, DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

FI=/sys/kernel/debug
[ -e /proc/self/make-it-fail ] || { tap_header; tap_skip_all "no /proc/self/make-it-fail (CONFIG_FAULT_INJECTION)"; }
PY=$(command -v python3)
[ -n "$PY" ] || { tap_header; tap_skip_all "python3 not found"; }
for a in task-filter=Y ignore-gfp-wait=N probability=100 interval=1; do
	v=$(cat "$FI/failslab/${a%%=*}" 2>/dev/null)
	[ "$v" = "${a#*=}" ] || { tap_header; tap_skip_all "failslab ${a%%=*} is '$v', not ${a#*=} (tests/uml/init.sh arms it)"; }
done
for i in 0 1 2 3; do
	[ "$(blockdev --getsz /dev/ram$i 2>/dev/null)" = 65536 ] ||
		{ tap_header; tap_skip_all "no 32 MiB /dev/ram$i (brd.rd_nr=4 brd.rd_size=32768)"; }
done
HELPER=$(pwd)/iomirror-stacked.py
iom_init stacked 8

tap_plan 12

WRITERS=64
SECONDS_RUN=8
GRACE=15
LEN=8192		# 4 MiB per mirror

# failslab's times (init.sh sets -1 after KUnit) and fail_page_alloc's
# probability, as found, are restored on exit.
SAVED_TIMES=$(cat $FI/failslab/times)
SAVED_PAGE=$(cat $FI/fail_page_alloc/probability)
restore_fi() {
	echo "$SAVED_TIMES" > $FI/failslab/times
	echo "$SAVED_PAGE" > $FI/fail_page_alloc/probability
}
stacked_cleanup() {
	restore_fi
	iom_cleanup
}
trap stacked_cleanup EXIT

RESERVE=${DMIO_STACKED_RESERVE:-0}
PARAM=/sys/module/dm_iomirror/parameters/reserve_pages
echo "$RESERVE" > $PARAM || tap_bail "cannot set $PARAM"
tap_diag "every mirror reserves $RESERVE pages (dm-iomirror reserve_pages)"

# brd allocates a page on the first write of each: write the whole range
# used (12 MiB of each disk) now, not under failslab.
for i in 0 1 2 3; do
	dd if=/dev/zero of=/dev/ram$i bs=1M count=12 oflag=direct 2>/dev/null ||
		tap_bail "cannot write /dev/ram$i"
done

M=/dev/mapper
ok=0
iom_dm iomt_k1a "0 $LEN iomirror 2 /dev/ram0 0 /dev/ram1 0" &&
	iom_dm iomt_k1b "0 $LEN iomirror 2 /dev/ram2 0 /dev/ram3 0" &&
	iom_dm iomt_k1 "0 $LEN iomirror 2 $M/iomt_k1a 0 $M/iomt_k1b 0" || ok=1
S1_LEAVES="/dev/ram0:0 /dev/ram1:0 /dev/ram2:0 /dev/ram3:0"
tap_check "shape 1: iomirror over two iomirrors over brd" $ok

ok=0
for i in 0 1; do
	o=$((LEN + LEN * i))
	iom_dm iomt_k2l${i}a "0 $LEN iomirror 2 /dev/ram0 $o /dev/ram1 $o" &&
		iom_dm iomt_k2l${i}b "0 $LEN iomirror 2 /dev/ram2 $o /dev/ram3 $o" &&
		iom_dm iomt_k2m$i "0 $LEN iomirror 2 $M/iomt_k2l${i}a 0 $M/iomt_k2l${i}b 0" || ok=1
done
[ $ok = 0 ] && iom_dm iomt_k2 "0 $LEN iomirror 2 $M/iomt_k2m0 0 $M/iomt_k2m1 0" || ok=1
S2_LEAVES=
for o in $LEN $((2 * LEN)); do
	for i in 0 1 2 3; do
		S2_LEAVES="$S2_LEAVES /dev/ram$i:$o"
	done
done
tap_check "shape 2: three levels, 7 iomirrors over 8 brd ranges" $ok
[ $ok = 0 ] || tap_bail "cannot build the stacks"

# val KEY FILE: the value of a key=value result line
val() { sed -n "s/^$1=//p" "$2" | tail -1; }

# run SHAPE DEV LEAVES...: the writers on /dev/mapper/DEV, then the checks
run() {
	_shape=$1
	_dev=$2
	shift 2
	mark=$(klog_mark)
	echo 0 > $FI/fail_page_alloc/probability
	echo -1 > $FI/failslab/times
	t0=$(date +%s)
	"$PY" "$HELPER" "$M/$_dev" $WRITERS 8192 $SECONDS_RUN $GRACE \
		> "out-$_dev" 2>&1 &
	iom_bg $!
	wait $!
	rc=$?
	t1=$(date +%s)
	restore_fi
	grep '^#' "out-$_dev"
	grep -v '^#' "out-$_dev" | grep -v '=' | sed 's/^/# /'
	if [ $rc != 0 ] || [ -z "$(val verified "out-$_dev")" ]; then
		tap_fail "$_shape: writers ran (iomirror-stacked.py exit $rc)"
	else
		finished=$(val finished "out-$_dev")
		tap_diag "$_shape: $(val writes "out-$_dev") writes of 8 KiB in $((t1 - t0)) s, fewest of one writer $(val min_writes "out-$_dev"), longest stall $(val max_stall_ms "out-$_dev") ms"
		# (how the writes spread over the threads is Python's GIL's
		# business, not dm-io's: a writer may have done none)
		if [ "$finished" = $WRITERS ] && [ "$(val writes "out-$_dev")" -gt 0 ]; then
			tap_ok "$_shape: writes went on and all $WRITERS writers finished on their own under failslab"
		else
			tap_fail "$_shape: writes went on and all $WRITERS writers finished on their own under failslab ($finished finished, $(val hung "out-$_dev") stuck, $(val recovered "out-$_dev") of them finished once failslab let go)"
		fi
	fi
	v=$(val verified "out-$_dev")
	if [ "$(val errors "out-$_dev")" = 0 ] && [ -n "$v" ] && [ "${v%/*}" = "${v#*/}" ] && [ "${v#*/}" -gt 0 ]; then
		tap_ok "$_shape: no write failed, $v blocks read back as written"
	else
		tap_fail "$_shape: no write failed ($(val errors "out-$_dev") failed), blocks read back as written ($v)"
	fi
	ref=$(iom_sum "$M/$_dev")
	IOM_LEN=$LEN
	if iom_same_legs "$_dev" "$ref" "$@"; then
		tap_ok "$_shape: every leaf is identical to the top device"
	else
		tap_fail "$_shape: every leaf is identical to the top device"
	fi
	tap_klog_clean "$mark" "$_shape: no hung task, lockdep or other kernel report" \
		"blocked for more than|INFO: task|possible (circular|recursive) locking|lockdep|page allocation failure|$KLOG_REPORTS"
}

# shellcheck disable=SC2086
run "shape 1" iomt_k1 $S1_LEAVES
# shellcheck disable=SC2086
run "shape 2" iomt_k2 $S2_LEAVES

# Everything goes, top down (iom_finish removes the rest, newest first).
restore_fi
if iom_dm_remove iomt_k1 && iom_dm_remove iomt_k2; then
	tap_ok "the stacks can be removed"
else
	tap_fail "the stacks can be removed"
fi
trap iom_cleanup EXIT
iom_finish
