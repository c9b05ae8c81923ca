#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-table.sh - dm-iomirror tables, status and messages:
#  - create and remove mirrors of 1, 2 and 3 legs (loop devices on files in
#    a tmpfs) and of 32 legs (8 loop devices, 4 areas on each): node,
#    "dmsetup table", "dmsetup status" format, the module reference a table
#    holds, a write reaching all 32 legs, reads spread over all of them, no
#    holder left on the legs after remove;
#  - messages: recover of a leg that does not exist, unknown messages (each
#    refused with a reason in the kernel log), and recover of a healthy leg
#    (a no-op).
# Bad tables: iomirror-badtable.sh.
#
# Needs root, dmsetup, losetup, DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

iom_init table 96

tap_plan 26

LEG_MB=8
IOM_LEN=8192
A=$(iom_loop a $LEG_MB) && B=$(iom_loop b $LEG_MB) && C=$(iom_loop c $LEG_MB) ||
	tap_bail "cannot set up loop devices"

refcnt() { cat /sys/module/dm_iomirror/refcnt 2>/dev/null; }
devno() { printf '%d:%d' "0x$(stat -L -c %t "$1")" "0x$(stat -L -c %T "$1")"; }
# holders DEV...: the dm devices holding any of DEV
holders() {
	for _h in "$@"; do
		ls "/sys/block/${_h#/dev/}/holders" 2>/dev/null
	done | tr '\n' ' '
}

# --- create / remove: 1, 2, 3 legs -----------------------------------------
base=$(refcnt)
tap_diag "dm_iomirror refcnt with no table: $base"
legs="$A $B $C"
for n in 1 2 3; do
	name=iomt_n$n
	args=
	want_table="0 $IOM_LEN iomirror $n"
	i=0
	for l in $legs; do
		[ $i -lt $n ] || break
		args="$args $l 0"
		want_table="$want_table $(devno "$l") 0"
		i=$((i + 1))
	done
	if iom_dm $name "0 $IOM_LEN iomirror $n$args"; then
		table=$(dmsetup table $name)
		if [ "$table" = "$want_table" ] && [ "$(blockdev --getsz /dev/mapper/$name)" = $IOM_LEN ]; then
			tap_ok "$n leg(s): created, table '$table'"
		else
			tap_diag "table '$table', want '$want_table'; size $(blockdev --getsz /dev/mapper/$name)"
			tap_fail "$n leg(s): created with the right table and size"
		fi
		st=$(iom_status $name)
		health=$(printf "%${n}s" | tr ' ' A)
		if printf '%s\n' "$st" | grep -Eqx "$n $health( [0-9]+:[0-9]+:0){$n}"; then
			tap_ok "$n leg(s): status '$st'"
		else
			tap_fail "$n leg(s): status '$st' is not '$n $health' + $n x reads:writes:0"
		fi
		if [ "$(refcnt)" = $((base + 1)) ]; then
			tap_ok "$n leg(s): the table holds one module reference"
		else
			tap_fail "$n leg(s): module refcnt $(refcnt), want $((base + 1))"
		fi
	else
		tap_fail "$n leg(s): create"
		tap_skip "$n leg(s): status" "not created"
		tap_skip "$n leg(s): module reference" "not created"
	fi
	if iom_dm_remove $name && [ "$(refcnt)" = "$base" ] && [ -z "$(holders $legs)" ]; then
		tap_ok "$n leg(s): removed, refcnt back to $base, no holders"
	else
		tap_fail "$n leg(s): removed (refcnt $(refcnt), holders: $(holders $legs))"
	fi
done

# --- 32 legs: 8 devices, 4 areas of 1 MiB on each ---------------------------
L32=
LEGS32=
args32=
ok=1
i=0
while [ $i -lt 8 ]; do
	l=$(iom_loop l32_$i 4) || { ok=0; break; }
	L32="$L32 $l"
	for off in 0 2048 4096 6144; do
		LEGS32="$LEGS32 $l:$off"
		args32="$args32 $l $off"
	done
	i=$((i + 1))
done
if [ $ok = 1 ] && iom_dm iomt_n32 "0 2048 iomirror 32$args32"; then
	st=$(iom_status iomt_n32)
	if printf '%s\n' "$st" | grep -Eqx "32 A{32}( [0-9]+:[0-9]+:0){32}" &&
	   [ "$(refcnt)" = $((base + 1)) ]; then
		tap_ok "32 legs (8 devices x 4 areas): created, status 32 x A"
	else
		tap_fail "32 legs: status '$st', refcnt $(refcnt)"
	fi
	iom_pattern pat32 1
	want=$(md5sum < pat32 | cut -d' ' -f1)
	iom_quiet iom_fill /dev/mapper/iomt_n32 0 2048 pat32
	IOM_LEN=2048
	# shellcheck disable=SC2086
	if iom_same_legs iomt_n32 "$want" $LEGS32; then
		tap_ok "32 legs: a 1 MiB O_DIRECT write reached every leg"
	else
		tap_fail "32 legs: a 1 MiB O_DIRECT write reached every leg"
	fi
	IOM_LEN=8192
	# 256 O_DIRECT reads of 4 KiB: round robin over the healthy legs.
	got=$(dd if=/dev/mapper/iomt_n32 iflag=direct bs=4k 2>/dev/null | md5sum | cut -d' ' -f1)
	st=$(iom_status iomt_n32)
	unread=$(printf '%s\n' "$st" | tr ' ' '\n' | tail -n +3 | grep -c '^0:')
	if [ "$got" = "$want" ] && [ "$unread" = 0 ]; then
		tap_ok "32 legs: reads return the data and are spread over every leg"
	else
		tap_diag "status $st"
		tap_fail "32 legs: reads (data ok: $([ "$got" = "$want" ] && echo yes || echo no), legs never read: $unread)"
	fi
	# shellcheck disable=SC2086
	if iom_dm_remove iomt_n32 && [ "$(refcnt)" = "$base" ] && [ -z "$(holders $L32)" ]; then
		tap_ok "32 legs: removed, refcnt back to $base, no holders"
	else
		tap_fail "32 legs: removed (refcnt $(refcnt), holders: $(holders $L32))"
	fi
else
	tap_fail "32 legs: create"
	tap_skip "32 legs: write" "not created"
	tap_skip "32 legs: reads" "not created"
	tap_skip "32 legs: remove" "not created"
fi
for l in $L32; do
	losetup -d "$l" 2>/dev/null
done

# --- messages --------------------------------------------------------------------
if iom_dm iomt_msg "0 $IOM_LEN iomirror 2 $A 0 $B 0"; then
	for m in "recover 2" "recover 32" "recover x" "recover" "recover 0 1" "frobnicate" "resync 1"; do
		mark=$(klog_mark)
		# shellcheck disable=SC2086
		if dmsetup message iomt_msg 0 $m >/dev/null 2>&1; then
			tap_fail "message '$m' is refused (it succeeded)"
		elif ! klog_since "$mark" | grep -qE 'iomirror: (recover: no leg|unrecognised message)'; then
			klog_since "$mark" | sed 's/^/#   /'
			tap_fail "message '$m' is refused, with a reason in the kernel log"
		else
			tap_ok "message '$m' is refused ($(klog_since "$mark" | grep -m1 -oE 'iomirror: .*'))"
		fi
	done
	if dmsetup message iomt_msg 0 recover 1 && [ "$(iom_health iomt_msg)" = AA ]; then
		tap_ok "message 'recover 1' on a healthy leg: no-op, status AA"
	else
		tap_fail "message 'recover 1' on a healthy leg (status $(iom_status iomt_msg))"
	fi
	iom_dm_remove iomt_msg
else
	for m in 1 2 3 4 5 6 7 8; do
		tap_fail "messages: cannot create iomt_msg"
	done
fi

if [ "$(refcnt)" = "$base" ] && [ -z "$(holders $A $B $C)" ]; then
	tap_ok "after all tables: refcnt $base, no holders on the legs"
else
	tap_fail "after all tables: refcnt $(refcnt) (want $base), holders: $(holders $A $B $C)"
fi

iom_finish
