#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-data.sh - dm-iomirror keeps every leg byte-identical:
#  - fio random writes of 4-64 KiB (libaio, O_DIRECT, crc32c verify) over a
#    3-leg mirror whose legs start at different offsets, a second fio pass
#    that only reads and verifies, reads spread over every leg, then an
#    O_DIRECT comparison of the mirror and each leg;
#  - buffered writes with fsync (empty flushes through the target), O_DSYNC
#    (FUA) writes and 512-byte O_DIRECT writes and reads;
#  - a table of two iomirror targets whose boundary is not page aligned (dm
#    splits bios there, the second part starts inside a bio_vec, and the
#    second target starts at a non-zero sector of the table);
#  - a mirror of 4 KiB-logical-block legs, also written from memory that is
#    only 512-byte aligned (each 4 KiB block in two bio_vecs);
#  - discard is not supported and does not mark legs dead.
#
# Needs root, dmsetup, losetup, fio, DMIO_MODDIR with dm-io.ko and
# targets/dm-iomirror.ko.  Module state: see iomirror-lib.sh.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

command -v fio >/dev/null || { tap_header; tap_skip_all "fio not found"; }
iom_init data 200

tap_plan 21

IOM_LEN=65536		# 32 MiB
A=$(iom_loop a 34) && B=$(iom_loop b 34) && C=$(iom_loop c 34) ||
	tap_bail "cannot set up loop devices"
FIO_RW="--rw=randwrite --bsrange=4k-64k --size=32M"

# --- fio over a 3-leg mirror ------------------------------------------------
if iom_dm iomt_d "0 $IOM_LEN iomirror 3 $A 0 $B 2048 $C 4096"; then
	tap_ok "3-leg mirror, leg offsets 0, 2048, 4096"
else
	tap_bail "cannot create the 3-leg mirror"
fi

t0=$(date +%s)
# shellcheck disable=SC2086
if iom_fio iomt_d $FIO_RW --do_verify=1; then
	tap_ok "fio: 32 MiB random writes 4-64 KiB, read back and verified (crc32c) in $(($(date +%s) - t0)) s"
else
	tap_fail "fio: random writes verified (crc32c)"
fi
t0=$(date +%s)
# shellcheck disable=SC2086
if iom_fio iomt_d $FIO_RW --verify_only; then
	tap_ok "fio --verify_only: every block verified again in $(($(date +%s) - t0)) s"
else
	tap_fail "fio --verify_only: every block verified again"
fi

st=$(iom_status iomt_d)
tap_diag "status: $st"
ok=1
for leg in 0 1 2; do
	[ "$(iom_legstat iomt_d $leg 1)" -gt 0 ] || ok=0
	[ "$(iom_legstat iomt_d $leg 3)" = 0 ] || ok=0
done
w0=$(iom_legstat iomt_d 0 2)
if [ "$(iom_health iomt_d)" = AAA ] && [ $ok = 1 ] && [ "$w0" -gt 0 ] &&
   [ "$(iom_legstat iomt_d 1 2)" = "$w0" ] && [ "$(iom_legstat iomt_d 2 2)" = "$w0" ]; then
	tap_ok "status: AAA, no errors, every leg read, every leg took each write ($w0)"
else
	tap_fail "status: AAA, no errors, reads on every leg, equal write counts: '$st'"
fi

ref=$(iom_sum /dev/mapper/iomt_d)
if iom_same_legs iomt_d "$ref" "$A:0" "$B:2048" "$C:4096"; then
	tap_ok "O_DIRECT comparison: the mirror and its 3 legs are identical"
else
	tap_fail "O_DIRECT comparison: the mirror and its 3 legs are identical"
fi

# --- flushes, FUA, small I/O ------------------------------------------------------
iom_pattern pat8 8
iom_pattern pat1 1
if out=$(dd if=pat8 of=/dev/mapper/iomt_d bs=1M seek=3 conv=fsync 2>&1); then
	tap_ok "buffered 8 MiB write + fsync (flush through the mirror) succeeds"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	tap_fail "buffered 8 MiB write + fsync (flush through the mirror) succeeds"
fi
blockdev --flushbufs /dev/mapper/iomt_d
want=$(md5sum < pat8 | cut -d' ' -f1)
ok=1
for l in "$A:0" "$B:2048" "$C:4096"; do
	[ "$(iom_sum "${l%:*}" $((${l#*:} + 6144)) 16384)" = "$want" ] || { ok=0; tap_diag "${l%:*} differs"; }
done
if [ $ok = 1 ] && [ "$(iom_health iomt_d)" = AAA ]; then
	tap_ok "after fsync every leg holds the buffered data (O_DIRECT read)"
else
	tap_fail "after fsync every leg holds the buffered data (status $(iom_status iomt_d))"
fi

if out=$(dd if=pat1 of=/dev/mapper/iomt_d bs=64k seek=200 oflag=direct,dsync 2>&1) &&
   [ "$(iom_sum /dev/mapper/iomt_d 25600 2048)" = "$(md5sum < pat1 | cut -d' ' -f1)" ]; then
	tap_ok "O_DIRECT|O_DSYNC (FUA) 64 KiB writes succeed and read back"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	tap_fail "O_DIRECT|O_DSYNC (FUA) 64 KiB writes succeed and read back"
fi

# 512-byte O_DIRECT writes at odd sectors, read back in 512-byte reads.
dd if=pat1 of=pat9 bs=512 count=9 2>/dev/null
ok=1
dd if=pat9 of=/dev/mapper/iomt_d bs=512 seek=7777 oflag=direct 2>/dev/null || ok=0
got=$(dd if=/dev/mapper/iomt_d bs=512 skip=7777 count=9 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$(md5sum < pat9 | cut -d' ' -f1)" ] || ok=0
for l in "$A:0" "$B:2048" "$C:4096"; do
	[ "$(dd if="${l%:*}" bs=512 skip=$((${l#*:} + 7777)) count=9 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)" = "$got" ] || ok=0
done
if [ $ok = 1 ]; then
	tap_ok "512-byte O_DIRECT writes at sector 7777 and 512-byte reads: same data on every leg"
else
	tap_fail "512-byte O_DIRECT writes at sector 7777 and 512-byte reads: same data on every leg"
fi

# Discard: not supported by the target.
if command -v blkdiscard >/dev/null; then
	if blkdiscard -o 0 -l 1048576 /dev/mapper/iomt_d >/dev/null 2>&1; then
		tap_fail "discard is refused (blkdiscard succeeded)"
	elif [ "$(iom_health iomt_d)" = AAA ]; then
		tap_ok "discard is refused, no leg marked dead"
	else
		tap_fail "discard is refused, no leg marked dead (status $(iom_status iomt_d))"
	fi
else
	tap_skip "discard is refused" "no blkdiscard"
fi

ref=$(iom_sum /dev/mapper/iomt_d)
if iom_same_legs iomt_d "$ref" "$A:0" "$B:2048" "$C:4096" && [ "$(iom_health iomt_d)" = AAA ]; then
	tap_ok "after all of it the legs are still identical, status AAA"
else
	tap_fail "after all of it the legs are still identical (status $(iom_status iomt_d))"
fi
iom_dm_remove iomt_d || tap_diag "cannot remove iomt_d"

# --- two targets, boundary at sector 1001 ------------------------------------------
# Target 2 maps table sectors [1001, 32768) to the legs' sectors [1001 + 1000,
# ...): together the device is leg[0..1001) + leg[2001..) on both legs, so a
# target that ignored its start in the table would write past the legs' end
# (refused) or to the wrong place (seen by the comparison).
LEN2=$((32768 - 1001))
if iom_dm iomt_two "$(printf '0 1001 iomirror 2 %s 0 %s 0\n1001 %s iomirror 2 %s 2001 %s 2001' \
	"$A" "$B" "$LEN2" "$A" "$B")"; then
	tap_ok "two iomirror targets in one table, boundary at sector 1001"
	# Start from identical legs (they held other data before).
	iom_pattern pat16 16
	iom_quiet iom_fill /dev/mapper/iomt_two 0 32768 pat16 || tap_diag "cannot fill iomt_two"
	t0=$(date +%s)
	if iom_fio iomt_two --rw=randwrite --bsrange=4k-64k --offset=2048 --size=15M --do_verify=1; then
		tap_ok "fio across the boundary (4-64 KiB from byte 2048) verified in $(($(date +%s) - t0)) s"
	else
		tap_fail "fio across the boundary (4-64 KiB from byte 2048) verified"
	fi
	# io_uring with registered buffers: the block layer builds one bio
	# straight on the buffer's bio_vec array (one entry per page, far more
	# than BIO_MAX_VECS for 4 MiB), and dm splits it at sector 1001.
	t0=$(date +%s)
	if iom_fio iomt_two --ioengine=io_uring --fixedbufs=1 --rw=write --bs=4M --size=16M \
		--offset=0 --iodepth=2 --do_verify=1; then
		tap_ok "fio io_uring, registered buffers, 4 MiB writes across the boundary verified in $(($(date +%s) - t0)) s"
	else
		tap_fail "fio io_uring, registered buffers, 4 MiB writes across the boundary verified"
	fi
	dev=$(iom_sum /dev/mapper/iomt_two)
	ok=1
	for l in $A $B; do
		s=$( { dd if="$l" iflag=direct bs=512 count=1001 2>/dev/null
		       dd if="$l" iflag=direct,skip_bytes,count_bytes bs=1M skip=$((2001 * 512)) \
				count=$((LEN2 * 512)) 2>/dev/null; } | md5sum | cut -d' ' -f1)
		[ "$s" = "$dev" ] || { ok=0; tap_diag "$l: $s, device: $dev"; }
	done
	if [ $ok = 1 ]; then
		tap_ok "both legs hold the device's data at the offsets the table gives"
	else
		tap_fail "both legs hold the device's data at the offsets the table gives"
	fi
	st=$(dmsetup status iomt_two | awk '{ printf "%s%s", sep, $5; sep = "," }')
	if [ "$st" = "AA,AA" ]; then
		tap_ok "both targets: status AA"
	else
		dmsetup status iomt_two | sed 's/^/# /'
		tap_fail "both targets: status AA (got $st)"
	fi
	iom_dm_remove iomt_two || tap_diag "cannot remove iomt_two"
else
	tap_fail "two iomirror targets in one table"
	tap_skip "fio across the boundary" "no device"
	tap_skip "fio io_uring across the boundary" "no device"
	tap_skip "legs hold the data" "no device"
	tap_skip "status" "no device"
fi

# --- 4 KiB logical blocks ------------------------------------------------------------
X=$(iom_loop x4k 17 4096) && Y=$(iom_loop y4k 17 4096) || tap_bail "cannot set up 4 KiB loop devices"
IOM_LEN=32768
if iom_dm iomt_4k "0 $IOM_LEN iomirror 2 $X 0 $Y 2048" &&
   [ "$(blockdev --getss /dev/mapper/iomt_4k)" = 4096 ]; then
	tap_ok "mirror of two 4 KiB-sector legs has 4 KiB logical blocks"
	t0=$(date +%s)
	if iom_fio iomt_4k --rw=randwrite --bsrange=4k-64k --size=16M --do_verify=1; then
		tap_ok "fio on the 4 KiB mirror verified in $(($(date +%s) - t0)) s"
	else
		tap_fail "fio on the 4 KiB mirror verified"
	fi
	# O_DIRECT needs only the DMA alignment (512): a 4 KiB block arrives
	# as {page, 512, 3584}, {next page, 0, 512}.
	t0=$(date +%s)
	if iom_fio iomt_4k --rw=randwrite --bs=4k --iomem_align=512 --size=8M --do_verify=1; then
		tap_ok "fio on the 4 KiB mirror from 512-byte aligned memory verified in $(($(date +%s) - t0)) s"
	else
		tap_fail "fio on the 4 KiB mirror from 512-byte aligned memory verified"
	fi
	ref=$(iom_sum /dev/mapper/iomt_4k)
	if iom_same_legs iomt_4k "$ref" "$X:0" "$Y:2048" && [ "$(iom_health iomt_4k)" = AA ]; then
		tap_ok "4 KiB mirror: legs identical, status AA"
	else
		tap_fail "4 KiB mirror: legs identical, status AA ($(iom_status iomt_4k))"
	fi
	iom_dm_remove iomt_4k || tap_diag "cannot remove iomt_4k"
else
	tap_fail "mirror of two 4 KiB-sector legs has 4 KiB logical blocks"
	tap_skip "fio on the 4 KiB mirror" "no device"
	tap_skip "fio on the 4 KiB mirror from 512-byte aligned memory" "no device"
	tap_skip "4 KiB mirror: legs identical" "no device"
fi

iom_finish
