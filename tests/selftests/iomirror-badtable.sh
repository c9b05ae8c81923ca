#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-badtable.sh - every bad dm-iomirror table is refused, with the
# constructor's reason in the kernel log (the ti->error text) and nothing
# left behind (no dm device or node, no holder on the legs, the module
# reference count back to its value): leg count 0, 33, missing, not a
# number, negative, not matching the arguments; unknown device, not a block
# device; offset not a number; offset 1 or 7 on a 4 KiB-logical-block leg
# (losetup --sector-size 4096); leg smaller than the target, offset + length
# or offset past the leg's end; a target length that is not whole 4 KiB
# blocks (refused by dm core).  An aligned offset on the 4 KiB leg works.
#
# Needs root, dmsetup, losetup (--sector-size), DMIO_MODDIR with dm-io.ko
# and targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

iom_init badtable 64

tap_plan 19

LEG_MB=8
LEG_SECTORS=$((LEG_MB * 2048))
IOM_LEN=8192
A=$(iom_loop a $LEG_MB) && B=$(iom_loop b $LEG_MB) && C=$(iom_loop c $LEG_MB) &&
	B4K=$(iom_loop b4k $LEG_MB 4096) || tap_bail "cannot set up loop devices"
ss=$(blockdev --getss "$B4K")
[ "$ss" = 4096 ] || tap_bail "losetup --sector-size 4096: $B4K has logical block size $ss"

refcnt() { cat /sys/module/dm_iomirror/refcnt 2>/dev/null; }
# holders DEV...: the dm devices holding any of DEV
holders() {
	for _h in "$@"; do
		ls "/sys/block/${_h#/dev/}/holders" 2>/dev/null
	done | tr '\n' ' '
}

base=$(refcnt)

# --- bad tables ----------------------------------------------------------------
# bad DESC EXPECTED-KLOG-TEXT TABLE: refused, reason in the log, nothing left
bad() {
	_desc=$1
	_why=$2
	_mark=$(klog_mark)
	if dmsetup create iomt_bad --table "$3" >/dev/null 2>&1; then
		IOM_DMS="iomt_bad $IOM_DMS"
		tap_fail "refused: $_desc (the table was accepted)"
		iom_dm_remove iomt_bad
		return
	fi
	_log=$(klog_since "$_mark")
	_left=
	[ -e /dev/mapper/iomt_bad ] && _left="$_left node"
	dmsetup info iomt_bad >/dev/null 2>&1 && _left="$_left device"
	[ "$(refcnt)" = "$base" ] || _left="$_left refcnt=$(refcnt)"
	_h=$(holders $A $B $C $B4K)
	[ -z "$_h" ] || _left="$_left holders:$_h"
	if [ -n "$_left" ]; then
		printf '%s\n' "$_log" | sed 's/^/#   /'
		tap_fail "refused: $_desc, but left behind:$_left"
		dmsetup remove iomt_bad >/dev/null 2>&1
	elif ! printf '%s\n' "$_log" | grep -qF "iomirror: $_why"; then
		printf '%s\n' "$_log" | sed 's/^/#   /'
		tap_fail "refused: $_desc, but the kernel log does not say '$_why'"
	else
		tap_ok "refused: $_desc ($(printf '%s\n' "$_log" | grep -F "iomirror: $_why" | head -1 | sed 's/.*iomirror: //'))"
	fi
}

NLEGS="Invalid number of legs (1 to 32)"
NARGS="Wrong number of arguments: need <dev> <offset> per leg"
bad "0 legs" "$NLEGS" "0 $IOM_LEN iomirror 0"
bad "33 legs" "$NLEGS" "0 $IOM_LEN iomirror 33$(i=0; while [ $i -lt 33 ]; do printf ' %s 0' "$A"; i=$((i + 1)); done)"
bad "no arguments" "$NLEGS" "0 $IOM_LEN iomirror"
bad "leg count not a number" "$NLEGS" "0 $IOM_LEN iomirror two $A 0 $B 0"
bad "negative leg count" "$NLEGS" "0 $IOM_LEN iomirror -1 $A 0"
bad "2 legs but one given" "$NARGS" "0 $IOM_LEN iomirror 2 $A 0"
bad "1 leg but two given" "$NARGS" "0 $IOM_LEN iomirror 1 $A 0 $B 0"
bad "offset missing" "$NARGS" "0 $IOM_LEN iomirror 2 $A 0 $B"
bad "unknown device path" "Leg device lookup failed" "0 $IOM_LEN iomirror 2 $A 0 /dev/iomt-no-such-device 0"
bad "not a block device" "Leg device lookup failed" "0 $IOM_LEN iomirror 2 $A 0 /dev/null 0"
bad "offset not a number" "Invalid leg offset" "0 $IOM_LEN iomirror 2 $A 0 $B 1x"
bad "offset 1 on a 4 KiB-sector leg" "Leg offset not aligned to the leg's logical block size" \
	"0 $IOM_LEN iomirror 2 $A 0 $B4K 1"
bad "offset 7 on a 4 KiB-sector leg" "Leg offset not aligned to the leg's logical block size" \
	"0 $IOM_LEN iomirror 2 $B4K 7 $A 0"
bad "leg smaller than the target" "Leg smaller than the target" \
	"0 $((LEG_SECTORS + 8)) iomirror 2 $A 0 $B 0"
bad "offset + target length past the leg's end" "Leg smaller than the target" \
	"0 $LEG_SECTORS iomirror 3 $A 0 $B 0 $C 8"
bad "offset past the leg's end" "Leg smaller than the target" \
	"0 8 iomirror 2 $A 0 $B $((LEG_SECTORS + 8))"

# A target length that is not whole 4 KiB blocks over a 4 KiB leg: dm core
# refuses it (its own message); nothing may be left behind either.
mark=$(klog_mark)
if dmsetup create iomt_bad --table "0 7 iomirror 1 $B4K 0" >/dev/null 2>&1; then
	IOM_DMS="iomt_bad $IOM_DMS"
	tap_fail "refused: 7-sector target on a 4 KiB-sector leg (accepted)"
	iom_dm_remove iomt_bad
elif iom_exists iomt_bad || [ "$(refcnt)" != "$base" ] || [ -n "$(holders $B4K)" ]; then
	tap_fail "refused: 7-sector target on a 4 KiB-sector leg, but left behind (refcnt $(refcnt), holders $(holders $B4K))"
else
	tap_ok "refused: 7-sector target on a 4 KiB-sector leg ($(klog_since "$mark" | grep -m1 'device-mapper' | sed 's/.*device-mapper: //'))"
fi

# Aligned offsets on the 4 KiB leg are fine.
if iom_dm iomt_4k "0 $IOM_LEN iomirror 2 $B4K 8 $A 16" &&
   [ "$(blockdev --getss /dev/mapper/iomt_4k)" = 4096 ]; then
	tap_ok "offset 8 on a 4 KiB-sector leg is accepted (mirror block size 4096)"
else
	tap_fail "offset 8 on a 4 KiB-sector leg is accepted (mirror block size 4096)"
fi
iom_dm_remove iomt_4k


iom_finish
