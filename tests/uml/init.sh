#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - PID 1 of the test guest (started by scripts/check.sh through
# scripts/run-uml.sh: User-Mode Linux, root file system = the host's / over
# hostfs; or through scripts/run-qemu.sh: Debian's kernel under QEMU, where
# tests/qemu/init.sh loads the modules UML has built in, mounts the tree and
# the result directory over 9p and then execs this script).
#
# Kernel command line (unknown NAME=value parameters arrive as environment):
#   DMIO_OUT=<dir>     host directory for the results (required)
#   DMIO_MODDIR=<dir>  where dm-io.ko, tests/kunit/dm-io-test.ko and
#                      targets/dm-iomirror.ko are
#   DMIO_SELFTEST_TIMEOUT=<s>  per-selftest timeout (else tests/selftests/settings, else 120)
#   DMIO_PLATFORM=uml|qemu  (default uml; tests/qemu/init.sh sets qemu): on
#                      qemu a kernel without fault injection or KUnit
#                      (Debian's) skips those parts instead of failing them
#   brd.rd_nr=4 brd.rd_size=32768  the RAM disks of tests/uml/devices.md
#
# Sequence:
#  1. mounts (proc, sysfs, devtmpfs, tmpfs /run, debugfs, configfs, tmpfs
#     /run/dmio-scratch as scratch: $TMPDIR, $DMIO_SCRATCH);
#  2. the devices of tests/uml/devices.md, each verified (block device, size,
#     logical block size) -- a missing one is a failed check, never skipped;
#  3. failslab, fail_page_alloc, fail_make_request and fail_io_timeout
#     armed but inert (task-filter, per-disk flags) as
#     devices.md says;
#  4. KUNIT-BEGIN, "KTAP version 1", "1..<suites>" (all three through
#     /dev/kmsg, so they are ordered with the kernel's KTAP output), insmod
#     dm-io.ko and dm-io-test.ko, KUNIT-END; the per-suite debugfs results
#     are copied to $DMIO_OUT/kunit/;
#  5. every executable tests/selftests/*.sh (contract: tests/selftests/lib.sh),
#     output to $DMIO_OUT/selftests/<name>.tap, exit code to <name>.rc;
#  6. rmmod dm_io_test; insmod targets/dm-iomirror.ko, check that dm_io
#     cannot be unloaded while it is loaded, rmmod dm_iomirror; rmmod dm_io
#     (a failing rmmod is a failed check); remove the devices;
#  7. on a kernel with kmemleak (the debug kernel): wait 6 s (kmemleak never
#     reports objects younger than 5 s), scan twice, save the report to
#     $DMIO_OUT/kmemleak.txt (the host judges it); lockdep's debug_locks;
#  8. dmesg, $DMIO_OUT/summary (key=value, "status=complete" last),
#     poweroff -f.
# The guest's own checks are TAP in $DMIO_OUT/guest.tap.  Never `reboot`:
# UML re-executes itself on reboot.

HERE=$(cd "$(dirname "$0")" && pwd)
GUEST=INIT
OUT=${DMIO_OUT:-}
. "$HERE/../guest-lib.sh"
guest_pid1

PLATFORM=${DMIO_PLATFORM:-uml}
ROOT=$(cd "$HERE/../.." && pwd)
MODDIR=${DMIO_MODDIR:-$ROOT}
SCRATCH=/run/dmio-scratch	# not /tmp: the checkout may live under the host's /tmp
LIB_KO=$MODDIR/dm-io.ko
TEST_KO=$MODDIR/tests/kunit/dm-io-test.ko
MIRROR_KO=$MODDIR/targets/dm-iomirror.ko

# uptime: whole seconds since boot
uptime_s() { read -r _up _ < /proc/uptime; echo "${_up%.*}"; }

kmsg() { echo "$*" > /dev/kmsg; }

# Guest checks, TAP in $OUT/guest.tap (plan at the end).
G_N=0
G_FAIL=0
gok() {
	G_N=$((G_N + 1))
	echo "ok $G_N $*" >> "$OUT/guest.tap"
	log "ok $G_N $*"
}
gnok() {
	G_N=$((G_N + 1))
	G_FAIL=$((G_FAIL + 1))
	echo "not ok $G_N $*" >> "$OUT/guest.tap"
	log "not ok $G_N $*"
}
# gskip DESC REASON
gskip() {
	G_N=$((G_N + 1))
	echo "ok $G_N $1 # SKIP $2" >> "$OUT/guest.tap"
	log "ok $G_N $1 # SKIP $2"
}

# --- 1. mounts -------------------------------------------------------------
guest_mount
# (only inside the guest's /run tmpfs: never create it on the host's /run)
mountpoint -q /run && mkdir -p "$SCRATCH" &&
	mount -t tmpfs -o size=128m,mode=1777 tmpfs "$SCRATCH"
export TMPDIR=$SCRATCH DMIO_SCRATCH=$SCRATCH DMIO_MODDIR="$MODDIR"

guest_results
: > "$OUT/guest.tap"
mkdir -p "$OUT/kunit" "$OUT/selftests"
summary platform "$PLATFORM"

missing=
for m in /proc /sys /dev /run /sys/kernel/debug /sys/kernel/config "$SCRATCH"; do
	mountpoint -q "$m" || missing="$missing $m"
done
if [ -z "$missing" ]; then
	gok "mounts: proc sysfs devtmpfs /run debugfs configfs scratch"
else
	gnok "mounts: not mounted:$missing"
fi

# --- 2. devices (tests/uml/devices.md) ---------------------------------------
# check_dev PATH SECTORS LOGICAL_BLOCK_SIZE DESCRIPTION
check_dev() {
	if [ ! -b "$1" ]; then
		gnok "device $1 ($4): missing"
		return
	fi
	sz=$(blockdev --getsz "$1" 2>/dev/null)
	ss=$(blockdev --getss "$1" 2>/dev/null)
	if [ "$sz" = "$2" ] && [ "$ss" = "$3" ]; then
		gok "device $1 ($4): $sz sectors, block size $ss"
	else
		gnok "device $1 ($4): $sz sectors (want $2), block size $ss (want $3)"
	fi
}

for i in 0 1 2 3; do
	check_dev /dev/ram$i 65536 512 "brd"
done

dmsetup create dmio_err --table "0 65536 error" || log "dmsetup create dmio_err failed"
check_dev /dev/mapper/dmio_err 65536 512 "dm error"

printf '%s\n' "0 4096 linear /dev/ram3 0" "4096 8 error" "4104 61432 linear /dev/ram3 4104" |
	dmsetup create dmio_mixed || log "dmsetup create dmio_mixed failed"
types=$(dmsetup table dmio_mixed 2>/dev/null | awk '{ printf "%s%s:%s", sep, $1, $3; sep = " " }')
if [ "$types" = "0:linear 4096:error 4104:linear" ]; then
	check_dev /dev/mapper/dmio_mixed 65536 512 "linear ram3 + error [4096,4104)"
else
	gnok "device /dev/mapper/dmio_mixed: table is '$types'"
fi

# nullb NAME ATTR=VALUE...: a null_blk device through configfs (/dev/NAME)
nullb() {
	d=/sys/kernel/config/nullb/$1
	shift
	mkdir "$d" || return 1
	for kv in "$@"; do
		if ! echo "${kv#*=}" > "$d/${kv%%=*}"; then
			log "null_blk $d: cannot set $kv"
			return 1
		fi
	done
	echo 1 > "$d/power"
}
nullb dmio_nbsmall size=64 memory_backed=1 blocksize=512 irqmode=2 completion_nsec=20000 max_sectors=8 ||
	log "null_blk dmio_nbsmall: setup failed"
check_dev /dev/dmio_nbsmall 131072 512 "null_blk irqmode=2 max_sectors=8"
nullb dmio_nb4k size=64 memory_backed=1 blocksize=4096 irqmode=1 ||
	log "null_blk dmio_nb4k: setup failed"
check_dev /dev/dmio_nb4k 131072 4096 "null_blk 4k irqmode=1"
nullb dmio_nbdisc size=16 memory_backed=1 blocksize=512 discard=1 ||
	log "null_blk dmio_nbdisc: setup failed"
check_dev /dev/dmio_nbdisc 32768 512 "null_blk discard=1"
nullb dmio_nbfault size=16 memory_backed=1 blocksize=512 irqmode=1 ||
	log "null_blk dmio_nbfault: setup failed"
check_dev /dev/dmio_nbfault 32768 512 "null_blk for injected timeouts"

# --- 3. fault injection: armed, inert unless current->make_it_fail --------
# arm DIR ATTR=VALUE...: set in this order, then read every value back.
# task-filter=Y must come before probability=100, or everything fails.
arm() {
	d=/sys/kernel/debug/$1
	shift
	bad=
	for kv in "$@"; do
		echo "${kv#*=}" > "$d/${kv%%=*}" 2>/dev/null
	done
	for kv in "$@"; do
		got=$(cat "$d/${kv%%=*}" 2>/dev/null)
		[ "$got" = "${kv#*=}" ] || bad="$bad ${kv%%=*}=$got"
	done
	echo "$bad"
}
# fail_make_request and fail_io_timeout act only on the disks whose
# make-it-fail / io-timeout-fail the dm_io_faults suite sets.  "times" counts
# down from FI_TIMES with every fault, so the faults of the KUnit phase are
# counted below (step 4).
FI_TIMES=100000000
FI_ATTRS="failslab fail_page_alloc fail_make_request fail_io_timeout"
if [ "$PLATFORM" != uml ] && [ ! -d /sys/kernel/debug/failslab ]; then
	# Debian's kernel: no CONFIG_FAULT_INJECTION.
	FI=no
	for f in $FI_ATTRS; do
		gskip "$f armed" "no fault injection in this kernel"
	done
else
	FI=yes
	bad=$(arm failslab task-filter=Y ignore-gfp-wait=N verbose=0 interval=1 times=$FI_TIMES probability=100)
	if [ -z "$bad" ]; then gok "failslab armed (task-filter)"; else gnok "failslab: wrong settings:$bad"; fi
	bad=$(arm fail_page_alloc task-filter=Y ignore-gfp-wait=N min-order=0 verbose=0 interval=1 times=$FI_TIMES probability=100)
	if [ -z "$bad" ]; then gok "fail_page_alloc armed (task-filter)"; else gnok "fail_page_alloc: wrong settings:$bad"; fi
	bad=$(arm fail_make_request verbose=0 interval=1 times=$FI_TIMES probability=100)
	if [ -z "$bad" ]; then gok "fail_make_request armed (disks with make-it-fail only)"; else gnok "fail_make_request: wrong settings:$bad"; fi
	bad=$(arm fail_io_timeout verbose=0 interval=1 times=$FI_TIMES probability=25)
	if [ -z "$bad" ]; then gok "fail_io_timeout armed (25%, queues with io-timeout-fail only)"; else gnok "fail_io_timeout: wrong settings:$bad"; fi
	if [ "$(cat /proc/self/make-it-fail 2>/dev/null)" != 0 ]; then
		gnok "init's make-it-fail is not 0"
	fi
fi

# --- 4. KUnit --------------------------------------------------------------
# suites KO: number of suites registered by kunit_test_suites() in KO (the
# .kunit_test_suites section is an array of 8-byte pointers)
suites() {
	hex=$(objdump -h "$1" 2>/dev/null | awk '$2 == ".kunit_test_suites" { print $3; exit }')
	echo $(( 0x${hex:-0} / 8 ))
}
n_lib=0
n_test=0
[ -f "$LIB_KO" ] && n_lib=$(suites "$LIB_KO")
[ -f "$TEST_KO" ] && n_test=$(suites "$TEST_KO")
nsuites=$((n_lib + n_test))
summary kunit_suites_expected "$nsuites"
log "KUnit: $n_lib suite(s) in dm-io.ko, $n_test in dm-io-test.ko"

log "KUnit phase at uptime $(uptime_s) s"
if [ "$PLATFORM" != uml ] && [ ! -f "$TEST_KO" ]; then
	# Debian's kernel has no CONFIG_KUNIT: no test module was built for it.
	summary kunit none
	insmod "$LIB_KO"
	rc_lib=$?
	rc_test=none
	summary insmod_dm_io "$rc_lib"
	if [ $rc_lib = 0 ]; then gok "insmod dm-io.ko"; else gnok "insmod $LIB_KO (exit $rc_lib)"; fi
	gskip "insmod dm-io-test.ko" "no KUnit in this kernel"
else
	kmsg "KUNIT-BEGIN"
	kmsg "KTAP version 1"
	kmsg "1..$nsuites"
	insmod "$LIB_KO"
	rc_lib=$?
	insmod "$TEST_KO"
	rc_test=$?
	kmsg "KUNIT-END"
	summary insmod_dm_io "$rc_lib"
	summary insmod_dm_io_test "$rc_test"
	if [ $rc_lib = 0 ]; then gok "insmod dm-io.ko"; else gnok "insmod $LIB_KO (exit $rc_lib)"; fi
	if [ $rc_test = 0 ]; then gok "insmod dm-io-test.ko"; else gnok "insmod $TEST_KO (exit $rc_test)"; fi
fi

# The faults the KUnit phase caused: each kind must have happened.
if [ "$FI" = yes ] && [ "$rc_test" = 0 ]; then
	for f in $FI_ATTRS; do
		n=$((FI_TIMES - $(cat /sys/kernel/debug/$f/times)))
		summary "faults_$f" "$n"
		case $f in
		failslab) what="slab allocations failed (dm_io_pool, dm_io_faults)" ;;
		fail_page_alloc) what="page allocations failed" ;;
		fail_make_request) what="bios failed at submission (dm_io_faults)" ;;
		fail_io_timeout) what="requests timed out (dm_io_faults)" ;;
		esac
		if [ "$f" = fail_page_alloc ]; then
			# the reserves may leave nothing to fail: counted, not required
			gok "fault injection during KUnit: $n $what"
		elif [ "$n" -gt 0 ]; then
			gok "fault injection during KUnit: $n $what"
		else
			gnok "fault injection during KUnit: no $what"
		fi
		echo -1 > /sys/kernel/debug/$f/times
	done
fi

ran=0
for d in /sys/kernel/debug/kunit/*/; do
	[ -f "$d/results" ] || continue
	s=$(basename "$d")
	cat "$d/results" > "$OUT/kunit/$s.ktap"
	ran=$((ran + 1))
done
summary kunit_suites_debugfs "$ran"
if [ "$nsuites" = 0 ] && [ "$ran" -gt 0 ]; then
	# Suites started from module_init, not listed in .kunit_test_suites:
	# the host puts this number into the KTAP plan.
	summary kunit_plan_fixup "$ran"
fi

# --- 5. selftests --------------------------------------------------------
st_timeout=${DMIO_SELFTEST_TIMEOUT:-}
if [ -z "$st_timeout" ] && [ -f "$ROOT/tests/selftests/settings" ]; then
	st_timeout=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$ROOT/tests/selftests/settings" | tail -1)
fi
st_timeout=${st_timeout:-120}
names=
for t in "$ROOT"/tests/selftests/*.sh; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t" .sh)
	names="$names $name"
	log "selftest $name (timeout ${st_timeout}s)"
	t0=$(uptime_s)
	(cd "$ROOT/tests/selftests" && exec timeout -k 10 "$st_timeout" "$t") \
		< /dev/null > "$OUT/selftests/$name.tap" 2>&1
	rc=$?
	echo "$rc" > "$OUT/selftests/$name.rc"
	sed "s/^/# $name: /" "$OUT/selftests/$name.tap"
	log "selftest $name: exit $rc after $(($(uptime_s) - t0)) s"
	if [ "$rc_lib" = 0 ] && [ ! -d /sys/module/dm_io ]; then
		gnok "selftest $name left dm_io unloaded (reloading it)"
		insmod "$LIB_KO"
	fi
done
summary selftests "${names# }"

# --- 6. teardown -----------------------------------------------------------
if [ -d /sys/module/dm_io_test ]; then
	if rmmod dm_io_test; then gok "rmmod dm_io_test"; else gnok "rmmod dm_io_test"; fi
fi
# dm_io stays while a user module is loaded, and goes once the users left.
if [ ! -f "$MIRROR_KO" ]; then
	gnok "dm_io held by dm_iomirror: no $MIRROR_KO"
elif [ ! -d /sys/module/dm_io ]; then
	gnok "dm_io held by dm_iomirror: dm_io is not loaded"
else
	if [ -d /sys/module/dm_iomirror ] || insmod "$MIRROR_KO"; then
		gok "insmod dm-iomirror.ko (a user of dm_io)"
		holders=$(ls /sys/module/dm_io/holders 2>/dev/null | tr '\n' ' ')
		if rmmod dm_io 2>/dev/null; then
			gnok "rmmod dm_io fails while dm_iomirror is loaded (it succeeded; holders: $holders)"
		elif [ -d /sys/module/dm_io ] && [ -e /sys/module/dm_io/holders/dm_iomirror ]; then
			gok "rmmod dm_io fails while dm_iomirror is loaded (refcnt $(cat /sys/module/dm_io/refcnt 2>/dev/null), holders: $holders)"
		else
			gnok "rmmod dm_io fails while dm_iomirror is loaded (holders: $holders)"
		fi
		if rmmod dm_iomirror; then gok "rmmod dm_iomirror"; else gnok "rmmod dm_iomirror"; fi
	else
		gnok "insmod $MIRROR_KO"
	fi
fi
if [ -d /sys/module/dm_io ]; then
	if rmmod dm_io; then gok "rmmod dm_io"; else gnok "rmmod dm_io (refcnt $(cat /sys/module/dm_io/refcnt 2>/dev/null))"; fi
fi
for f in $FI_ATTRS; do
	echo 0 > /sys/kernel/debug/$f/probability 2>/dev/null
done
dmsetup remove dmio_mixed dmio_err || log "dmsetup remove failed"
for n in dmio_nbsmall dmio_nb4k dmio_nbfault dmio_nbdisc; do
	echo 0 > /sys/kernel/config/nullb/$n/power 2>/dev/null
	rmdir /sys/kernel/config/nullb/$n 2>/dev/null
done

# --- 7. leak scan and lockdep state (debug kernel) -------------------------
KML=/sys/kernel/debug/kmemleak
if [ -e "$KML" ]; then
	log "kmemleak: waiting 6 s (objects younger than 5 s are not reported), then scanning twice"
	sleep 6
	if echo scan > "$KML" && echo scan > "$KML" && cat "$KML" > "$OUT/kmemleak.txt"; then
		summary kmemleak scanned
		summary kmemleak_reports "$(grep -c '^unreferenced object' "$OUT/kmemleak.txt")"
		sed 's/^/# kmemleak: /' "$OUT/kmemleak.txt"
	else
		summary kmemleak failed
	fi
fi
if [ -r /proc/lockdep_stats ]; then
	summary lockdep_debug_locks "$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)"
fi

# --- 8. results -------------------------------------------------------------
echo "1..$G_N" >> "$OUT/guest.tap"
dmesg > "$OUT/dmesg.txt" 2>&1
summary guest_checks "$G_N"
summary guest_failed "$G_FAIL"
summary status complete
log "done: $G_N guest checks, $G_FAIL failed, uptime $(uptime_s) s; powering off"
halt_now
