#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-init.sh - PID 1 of the UML guest for "make demo" (scripts/demo.sh).
#
# Narrates a short session with the iomirror target over loop devices: each
# step prints the command it runs and what came back, then says whether it
# did what it claimed.  The narration goes to the console and to
# $DMIO_OUT/demo.txt; the verdict to $DMIO_OUT/verdict ("pass" or "fail N").
#
# Kernel command line: DMIO_OUT=<dir> DMIO_MODDIR=<dir with dm-io.ko and
# targets/dm-iomirror.ko>.

GUEST=DEMO
OUT=${DMIO_OUT:?}
. "$(dirname "$0")/../guest-lib.sh"
guest_pid1

MODDIR=${DMIO_MODDIR:?}
S=/run/demo
MB=64			# size of each leg
SECTORS=$((MB * 2048))
FAILS=0

say() { echo "DEMO: $*" | tee -a "$OUT/demo.txt"; }

# run CMD...: show the command and its output.
run() {
	say "\$ $*"
	"$@" > "$S/out" 2>&1
	rc=$?
	sed 's/^/DEMO:   /' "$S/out" | tee -a "$OUT/demo.txt"
	return $rc
}

expect() {
	if [ "$1" = 0 ]; then
		say "  -> ok: $2"
	else
		say "  -> FAILED: $2"
		FAILS=$((FAILS + 1))
	fi
}

# leg_sum DEV: sha256 of the first 16 MiB of a leg, read with O_DIRECT (a
# buffered read could return page-cache data older than the mirror's write).
leg_sum() {
	dd if="$1" bs=1M count=16 iflag=direct 2>/dev/null | sha256sum | cut -c1-16
}

# legs_hold SUM WHAT: each leg's sum shown and compared with SUM.
legs_hold() {
	for leg in $L0 /dev/mapper/demo_leg1; do
		sum=$(leg_sum $leg)
		say "\$ dd if=$leg bs=1M count=16 iflag=direct | sha256sum  ->  $sum..."
		[ "$sum" = "$1" ]; expect $? "$leg holds $2"
	done
}

guest_mount
mkdir -p $S
: > "$OUT/demo.txt"
echo 4 > /proc/sys/kernel/printk	# dm's own messages stay visible

say "1. Load dm-io and the iomirror target built on it"
run insmod "$MODDIR/dm-io.ko"; expect $? "dm-io.ko loaded"
run insmod "$MODDIR/targets/dm-iomirror.ko"; expect $? "dm-iomirror.ko loaded"

say "2. Two ${MB} MiB legs on loop devices; leg 1 sits under a dm-linear device so it can be made to fail"
truncate -s ${MB}M $S/leg0.img $S/leg1.img
L0=$(losetup -f --show $S/leg0.img)
L1=$(losetup -f --show $S/leg1.img)
run dmsetup create demo_leg1 --table "0 $SECTORS linear $L1 0"
expect $? "leg 1 is /dev/mapper/demo_leg1 over $L1"
run dmsetup create demo --table "0 $SECTORS iomirror 2 $L0 0 /dev/mapper/demo_leg1 0"
[ $? = 0 ] && [ -b /dev/mapper/demo ]; expect $? "mirror /dev/mapper/demo created"
run dmsetup status demo
grep -q ' AA ' $S/out; expect $? "both legs alive (AA)"

say "3. Write a known 16 MiB file through the mirror"
dd if=/dev/urandom of=$S/data1 bs=1M count=16 2>/dev/null
SUM1=$(sha256sum < $S/data1 | cut -c1-16)
run dd if=$S/data1 of=/dev/mapper/demo bs=1M oflag=direct
expect $? "write through the mirror (data sha256 $SUM1...)"

say "4. Both legs hold it"
legs_hold "$SUM1" "the file"

say "5. Leg 1 starts failing every write (dm-error under it), while data keeps being written"
run dmsetup suspend demo_leg1
run dmsetup load demo_leg1 --table "0 $SECTORS error"
run dmsetup resume demo_leg1
dd if=/dev/urandom of=$S/data2 bs=1M count=16 2>/dev/null
SUM2=$(sha256sum < $S/data2 | cut -c1-16)
run dd if=$S/data2 of=/dev/mapper/demo bs=1M oflag=direct
expect $? "the write still succeeded (data sha256 $SUM2...)"
run dmsetup status demo
grep -q ' AD ' $S/out; expect $? "leg 1 is marked dead (AD)"
say "\$ dmesg | grep iomirror"
dmesg | grep 'iomirror:' | tail -n 2 | sed 's/^\[[ 0-9.]*\] //; s/^/DEMO:   /' | tee -a "$OUT/demo.txt"
sum=$(dd if=/dev/mapper/demo bs=1M count=16 iflag=direct 2>/dev/null | sha256sum | cut -c1-16)
say "\$ dd if=/dev/mapper/demo bs=1M count=16 iflag=direct | sha256sum  ->  $sum..."
[ "$sum" = "$SUM2" ]; expect $? "reads return the new data from leg 0"

say "6. Leg 1's device comes back; recover it from leg 0"
run dmsetup suspend demo_leg1
run dmsetup load demo_leg1 --table "0 $SECTORS linear $L1 0"
run dmsetup resume demo_leg1
run dmsetup message demo 0 recover 1
expect $? "recover 1"
run dmsetup status demo
grep -q ' AA ' $S/out; expect $? "both legs alive again (AA)"

say "7. Verify every leg"
legs_hold "$SUM2" "the latest data"
blockdev --flushbufs $L0 /dev/mapper/demo_leg1	# no stale page cache
run cmp $L0 /dev/mapper/demo_leg1
expect $? "the legs are identical over all ${MB} MiB"

say "8. Remove everything"
run dmsetup remove demo; expect $? "mirror removed"
run dmsetup remove demo_leg1
losetup -d "$L0" "$L1"
run rmmod dm_iomirror; expect $? "dm-iomirror unloaded"
run rmmod dm_io; expect $? "dm-io unloaded"

if [ $FAILS = 0 ]; then
	echo pass > "$OUT/verdict"
else
	echo "fail $FAILS" > "$OUT/verdict"
fi
halt_now
