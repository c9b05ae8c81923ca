#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dm-io-stress.sh - several kernel threads issue random dm-io requests for a
# fixed time and check every byte they read (tests/stress/dm-io-stress.c):
# sync and async; page list, bio_vec array and vmalloc buffers; WRITEs of
# 512 B .. 4 MiB to 1..64 regions and READs, at random offsets, on three RAM
# disks (ram3 is under dmio_mixed) and the three null_blk devices of
# tests/uml/devices.md (512-byte and 4 KiB logical blocks, hrtimer and
# softirq completions, 4 KiB max_sectors).  Passes when the run made requests of every
# kind and mode, and had zero mismatched sectors, zero errors, zero lost or
# duplicate callbacks, and dm-io counted every request as started and
# completed.
#
# Environment: DMIO_MODDIR (tests/stress/dm-io-stress.ko built for the
# running kernel), DMIO_STRESS_SECONDS (default 30), DMIO_STRESS_THREADS
# (default 4), DMIO_STRESS_SEED (default: the module picks one and the
# output names it, so a failing run can be repeated).
# Module state (lib.sh): dm_io stays loaded; dm_io_stress is unloaded at
# the end.

cd "$(dirname "$0")" || exit 1
. ./lib.sh

MODDIR=${DMIO_MODDIR:-$(cd ../.. && pwd)}
KO=$MODDIR/tests/stress/dm-io-stress.ko
SECS=${DMIO_STRESS_SECONDS:-30}
THREADS=${DMIO_STRESS_THREADS:-4}

tap_header
[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -f "$KO" ] || tap_skip_all "no $KO (set DMIO_MODDIR)"
[ -d /sys/module/dm_io ] || tap_skip_all "dm_io is not loaded"
for t in insmod rmmod; do
	command -v $t >/dev/null || tap_skip_all "$t not found"
done
devs=
for d in /dev/ram0 /dev/ram1 /dev/ram2 /dev/dmio_nbsmall /dev/dmio_nb4k /dev/dmio_nbfault; do
	[ -b "$d" ] && devs="$devs${devs:+,}$d"
done
[ -n "$devs" ] || tap_skip_all "none of the test devices exist"

tap_plan 9

param() { cat "/sys/module/dm_io_stress/parameters/$1" 2>/dev/null; }

args="devs=$devs threads=$THREADS seconds=$SECS"
[ -z "${DMIO_STRESS_SEED:-}" ] || args="$args seed=$DMIO_STRESS_SEED"
t0=$(date +%s)
# shellcheck disable=SC2086 # $args is a list of NAME=VALUE words
out=$(insmod "$KO" $args 2>&1)
rc=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# insmod: /'
if [ $rc -ne 0 ]; then
	tap_fail "insmod dm-io-stress.ko $args (exit $rc)"
	tap_bail "the stress module did not run"
fi
tap_ok "insmod dm-io-stress.ko $args: ran in $(($(date +%s) - t0)) s, seed $(param seed)"

req=$(param requests)
tap_diag "$req requests: $(param sync_requests) sync, $(param async_requests) async;" \
	"$(param reads) reads, $(param writes) writes; $(param regions) regions," \
	"$(($(param bytes) / 1048576)) MiB; page list $(param kind_pl)," \
	"bio_vec $(param kind_bvec), vmalloc $(param kind_vm)"
[ "${req:-0}" -gt 0 ] && [ "$(param reads)" -gt 0 ] && [ "$(param writes)" -gt 0 ]
tap_check "requests were made: $req ($(param reads) reads, $(param writes) writes)" $?

ok=0
for p in sync_requests async_requests kind_pl kind_bvec kind_vm; do
	[ "$(param $p)" -gt 0 ] || { tap_diag "no $p"; ok=1; }
done
tap_check "sync and async requests with every buffer kind" $ok

for p in "mismatches:mismatched sectors" "errors:failed requests" \
	 "lost:lost completions" "duplicates:duplicate callbacks"; do
	v=$(param "${p%%:*}") what=${p#*:}
	[ "$v" = 0 ]
	tap_check "zero $what (got ${v:-nothing})" $?
done

s=$(param dmio_started)
c=$(param dmio_completed)
[ "$s" = "$req" ] && [ "$c" = "$req" ]
tap_check "dm-io counted the $req requests as started ($s) and completed ($c)" $?

if [ "$(param lost)" = 0 ]; then
	tap_result "rmmod dm_io_stress" rmmod dm_io_stress
else
	tap_fail "rmmod dm_io_stress (not tried: requests were lost, the module pinned itself)"
fi
tap_finish
