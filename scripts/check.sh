#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the whole test suite ("make check"), as root on Debian bookworm.
#
# usage: [KVER=6.1|6.12|7.3|newest] check.sh [--uml] [--debug] [--qemu] [--all] [-n]
#        check.sh --matrix [-n] | --list
#
# It runs legs: each leg is one kind of test (a test kernel, a vehicle) on
# one kernel series, KIND@SERIES.  The legs are the rows of LEG_TABLE below
# (series, kind, whether "make check" runs it, extra builds, what runs);
# each kind is one function, leg_KIND.  "check.sh --list" prints the table.
# The series (scripts/lib.sh): 6.1 and 6.12 from Debian bookworm
# (linux-source-<series>, linux-headers, linux-image); 7.3 from
# trixie-backports (the source fetched into the cache; the x86-64 headers
# and the image used inside a cached trixie chroot, lib.sh x86_chroot:
# they need trixie's gcc-14 and glibc); KVER=newest: the newest
# linux-source-<series> Debian serves in sid or a backports suite.
#
# The kinds:
#   uml    the base leg ("make check-uml"): a UML kernel from
#          tests/uml/uml.config (+ tests/uml/uml-<series>.config, the
#          nearest not above the series: scripts/uml-kernel.sh), KUnit and
#          the kselftests; the modules built with W=1 (no warnings).  Its
#          extra builds (table): x86 = dm-io.ko for Debian's x86-64 headers
#          of the series (no compiler warnings, the 15 API exports), dkms =
#          "dkms build" against them, arm64 = cross builds for arm64 with
#          4 KiB and 64 KiB pages (ARM64_BUILDS, scripts/arm64-kernel.sh: no
#          warnings, no symbol the kernel does not export, such as libgcc
#          helpers), pkg = tests/package/check-package.sh (make deb,
#          lintian, the dm-io-dkms package installed, used by the example
#          consumer and purged in clean bookworm and trixie chroots; under
#          "make check-all" its modules also booted in Debian's kernel).
#   debug  the sanitizer leg ("make check-debug"): a second UML kernel from
#          tests/uml/uml.config + tests/uml/debug.config (KASAN generic +
#          KASAN_VMALLOC, PROVE_LOCKING, kmemleak, DEBUG_OBJECTS, DEBUG_LIST,
#          DEBUG_VM, SLUB_DEBUG, UBSAN; + debug-<series>.config, e.g.
#          DEBUG_ATOMIC_SLEEP on 7.3), the modules rebuilt against it with
#          UBSAN_SANITIZE=y in build/uml-debug/, booted with
#          kasan_multi_shot; after the tests and the rmmods a kmemleak scan.
#          Any kernel report, any unreferenced object is a failure.
#   qemu   the distro leg ("make check-qemu"): Debian's stock SMP kernel
#          of the series (the linux-image matching the x86-64 headers)
#          under qemu-system-x86_64 -smp 2 (TCG), with dm-io.ko and
#          dm-iomirror.ko built against those headers; the same guest
#          script and selftests (no KUnit: that kernel has none).
#
# Which legs: --uml, --debug, --qemu (that kind on the series KVER selects,
# 6.1 by default), --all (the three); else $DMIO_CHECK_LEGS if set (e.g.
# "uml qemu@7.3 debug@6.12": KIND, optionally @SERIES); else --matrix:
# every row ("make check-all"); else with KVER=newest its UML legs (uml,
# debug; a series without a row runs a kind with no extra builds); else
# with KVER given every row of that series; else ("make check", what CI
# runs) the rows marked ci.  Legs of one series run together, in table
# order.  -n (--dry-run): print the legs that would run, and stop.
#
# Results go to build/check/, build/check-debug/, build/check-qemu/ for 6.1
# and to the same names with -<series> appended for the others.
#
# Each UML leg: (1) install what is missing (scripts/ensure-deps.sh), build
# or reuse the cached test kernel (scripts/uml-kernel.sh); (2) build dm-io.ko,
# targets/ and tests/kunit/dm-io-test.ko for it in a staging copy; (3) boot
# it with tests/uml/init.sh as PID 1 (KUnit, then the kselftests in
# tests/selftests/), results in build/check{,-debug}/; (4) parse the KUnit
# KTAP (kunit.py parse), the selftests' TAP and the guest checks, scan the
# console for kernel reports (scripts/kernel-reports.py).  The QEMU leg does
# the same with scripts/qemu-kernel.sh, scripts/run-qemu.sh and
# tests/qemu/init.sh, results in build/check-qemu/.
#
# Prints progress lines and TAP lines for its own host checks; the last line
# is "N passed, N failed[, N skipped]" over all legs run (KUnit cases +
# selftest cases + guest checks + host checks).  Exit status 0 only when
# nothing failed.
#
# Environment: DMIO_CHECK_LEGS (see above), DMIO_UML_TIMEOUT,
# DMIO_UML_DEBUG_TIMEOUT, DMIO_QEMU_TIMEOUT (seconds before a guest is
# killed: 2400, 3000, 2400, room for a loaded host; a deadlock ends a guest sooner, through
# hung_task_panic), DMIO_SELFTEST_TIMEOUT (per selftest inside the guest),
# DMIO_REPORT_ALLOW (extended regex of console lines not to count as kernel
# reports), DMIO_CACHE (see lib.sh).

set -uo pipefail
KVER_GIVEN=${KVER:-}
. "$(dirname "$0")/lib.sh"
cd "$DMIO_ROOT" || exit 1

# LEG_TABLE: the legs, one row each: the kernel series; the kind (the
# function leg_KIND runs it); "ci" when "make check" runs it ("-": only
# "make check-all" and the selections above); the extra builds of the leg,
# comma-separated ("-": none; see the kinds above); the rest of the line
# says what runs (check.sh --list).  "make check" (.ci/run) must stay well
# under 90 minutes from a cold cache on 2 cores: a UML kernel build is 8-10
# minutes there, so it builds four (6.1 base and sanitizer, 6.12 and 7.3
# base) and boots both Debian images that need no compiler of their own
# beyond the host's or the cached trixie chroot's.
# A new kind of leg is one row here and one function leg_KIND below.
LEG_TABLE='
# series kind  ci extras          what runs
6.1      uml   ci x86,dkms,arm64,pkg UML 6.1: KUnit + kselftests; x86-64 6.1 headers build + dkms; arm64 4k/64k cross builds; the Debian package
6.1      qemu  ci -               Debian 6.1 image under QEMU/TCG -smp 2: kselftests
6.1      debug ci -               UML 6.1 sanitizer kernel (KASAN, lockdep, kmemleak, UBSAN): KUnit + kselftests
6.12     uml   ci x86,dkms        UML 6.12: KUnit + kselftests; x86-64 6.12 headers build + dkms
6.12     qemu  -  -               Debian 6.12 image under QEMU/TCG -smp 2: kselftests
6.12     debug -  -               UML 6.12 sanitizer kernel: KUnit + kselftests
7.3      uml   ci x86,dkms        UML 7.3: KUnit + kselftests; x86-64 7.3 headers build + dkms (trixie chroot)
7.3      qemu  ci -               Debian 7.3 image (trixie-backports) under QEMU/TCG -smp 2: kselftests
7.3      debug -  -               UML 7.3 sanitizer kernel (+ DEBUG_ATOMIC_SLEEP): KUnit + kselftests
'
T_SERIES=() T_KIND=() T_CI=() T_EXTRA=() T_WHAT=()
while read -r ts tk tc tx tw; do
	case $ts in "" | "#"*) continue ;; esac
	T_SERIES+=("$ts") T_KIND+=("$tk") T_CI+=("$tc") T_EXTRA+=("$tx") T_WHAT+=("$tw")
done <<<"$LEG_TABLE"

# Nothing from a calling make or the user's shell may leak into the builds.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE \
	KBUILD_OUTPUT KBUILD_EXTRA_SYMBOLS KBUILD_EXTMOD KDIR O M UBSAN_SANITIZE
export LC_ALL=C

# table_legs [ci|SERIES]: the legs (KIND@SERIES) of every row, of the rows
# marked ci, or of the rows of one series.
table_legs() {
	local i
	for i in "${!T_SERIES[@]}"; do
		case ${1:-} in
		"" | "${T_SERIES[$i]}") ;;
		ci) [ "${T_CI[$i]}" = ci ] || continue ;;
		*) continue ;;
		esac
		echo "${T_KIND[$i]}@${T_SERIES[$i]}"
	done
}

LEGS=()
MATRIX=0	# 1: --matrix ("make check-all")
for a in "$@"; do
	case $a in
	--uml) LEGS+=("uml@$DMIO_KVER") ;;
	--debug) LEGS+=("debug@$DMIO_KVER") ;;
	--qemu) LEGS+=("qemu@$DMIO_KVER") ;;
	--all) LEGS+=("uml@$DMIO_KVER" "debug@$DMIO_KVER" "qemu@$DMIO_KVER") ;;
	--matrix) mapfile -t -O "${#LEGS[@]}" LEGS < <(table_legs); MATRIX=1 ;;
	-n | --dry-run) DRY_RUN=1 ;;
	--list)
		printf '%-11s %-3s %-15s %s\n' leg ci extras "what runs"
		for i in "${!T_SERIES[@]}"; do
			printf '%-11s %-3s %-15s %s\n' "${T_KIND[$i]}@${T_SERIES[$i]}" "${T_CI[$i]}" "${T_EXTRA[$i]}" "${T_WHAT[$i]}"
		done
		exit 0 ;;
	-h | --help)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	*) die "unknown option '$a' (usage: $0 [--uml] [--debug] [--qemu] [--all] [--matrix] [--list] [-n])" ;;
	esac
done
if [ ${#LEGS[@]} -eq 0 ]; then
	if [ -n "${DMIO_CHECK_LEGS:-}" ]; then
		read -r -a LEGS <<<"$DMIO_CHECK_LEGS"
	elif [ "$KVER_GIVEN" = newest ]; then
		LEGS=("uml@$DMIO_KVER" "debug@$DMIO_KVER")
	elif [ -n "$KVER_GIVEN" ]; then
		mapfile -t LEGS < <(table_legs "$DMIO_KVER")
	else
		mapfile -t LEGS < <(table_legs ci)
	fi
fi
[ ${#LEGS[@]} -gt 0 ] || die "no legs to run (KVER=$DMIO_KVER has no row in LEG_TABLE)"
# Every leg as KIND@SERIES; the series in the order they first appear; a
# leg without a row (KVER=newest's series, for instance) gets one with no
# extra builds.
KVERS=()
for i in "${!LEGS[@]}"; do
	l=${LEGS[$i]}
	[[ $l == *@* ]] || l+="@$DMIO_KVER"
	LEGS[$i]=$l
	[[ " ${T_KIND[*]} " == *" ${l%@*} "* ]] ||
		die "unknown kind of leg '${l%@*}' in '$l' (LEG_TABLE: $(printf "%s\n" "${T_KIND[@]}" | sort -u | tr "\n" " "))"
	case ${l#*@} in
	"${DMIO_NEWEST:-}") ;;
	*) [[ " ${T_SERIES[*]} " == *" ${l#*@} "* ]] ||
		die "unknown kernel series '${l#*@}' in '$l' ($(printf '%s\n' "${T_SERIES[@]}" | uniq | tr '\n' ' ')or KVER=newest)" ;;
	esac
	[[ " ${KVERS[*]} " == *" ${l#*@} "* ]] || KVERS+=("${l#*@}")
	[[ " $(table_legs | tr '\n' ' ') " == *" $l "* ]] ||
		T_SERIES+=("${l#*@}") T_KIND+=("${l%@*}") T_CI+=(-) T_EXTRA+=(-) T_WHAT+=("(no row)")
done
has_leg() { [[ " ${LEGS[*]} " == *" $1 "* ]]; }
if [ -n "${DRY_RUN:-}" ]; then
	for k in "${KVERS[@]}"; do
		for i in "${!T_SERIES[@]}"; do
			[ "${T_SERIES[$i]}" = "$k" ] && has_leg "${T_KIND[$i]}@$k" || continue
			echo "${T_KIND[$i]}@$k extras=${T_EXTRA[$i]}"
		done
	done
	exit 0
fi

UML_TIMEOUT=${DMIO_UML_TIMEOUT:-2400}
UML_DEBUG_TIMEOUT=${DMIO_UML_DEBUG_TIMEOUT:-3000}
QEMU_TIMEOUT=${DMIO_QEMU_TIMEOUT:-2400}
API_SYMS=(dm_io_get dm_io_put dm_io_sync dm_io_async dm_io_sync_bvec
	  dm_io_async_bvec dm_io_sync_vm dm_io_async_vm
	  dm_io_submit dm_io_user_create dm_io_user_destroy dm_io_user_stats
	  dm_io_stats_create dm_io_stats_destroy dm_io_stats_read)
REPORT_ALLOW=${DMIO_REPORT_ALLOW:-}
# null_blk (built into the UML kernels) requeues 5% of its requests, on
# every null_blk device of the run (tests/uml/devices.md).
NULLB_REQUEUE=(null_blk.requeue=1,5,0,-1)

STAGE_X86=		# build/x86_64[-6.12], set by use_kver
SUF=			# "" or "-6.12", set by use_kver

PASS=0
FAIL=0
SKIP=0
HOST_N=0
FAILED=()
LEG_TAG=		# "debug: ", "qemu: " (none for the base leg)
LEG_SUMMARY=()

host_ok() {
	HOST_N=$((HOST_N + 1))
	PASS=$((PASS + 1))
	echo "ok $HOST_N - $LEG_TAG$*"
}

host_fail() {
	HOST_N=$((HOST_N + 1))
	FAIL=$((FAIL + 1))
	FAILED+=("${LEG_TAG}host: $*")
	echo "not ok $HOST_N - $LEG_TAG$*"
}

host_skip() {
	HOST_N=$((HOST_N + 1))
	SKIP=$((SKIP + 1))
	echo "ok $HOST_N - $LEG_TAG$* # SKIP"
}

finish() {
	local line
	if [ ${#LEG_SUMMARY[@]} -gt 1 ]; then
		printf '%s\n' "${LEG_SUMMARY[@]}"
	fi
	if [ ${#FAILED[@]} -gt 0 ]; then
		echo "failed:"
		printf '  %s\n' "${FAILED[@]}"
	fi
	line="$PASS passed, $FAIL failed"
	[ "$SKIP" -eq 0 ] || line+=", $SKIP skipped"
	echo "$line"
	if [ "$FAIL" -eq 0 ]; then exit 0; fi
	exit 1
}

# show_tail LOG: the end of a log, for a failed step
show_tail() {
	echo "--- last lines of $1:"
	tail -n "${2:-25}" "$1" | sed 's/^/    /'
	echo "---"
}

rel() { echo "${1#"$DMIO_ROOT"/}"; }

case $DMIO_ROOT in
*[[:space:]]*)
	host_fail "the source path '$DMIO_ROOT' contains white space (it goes on the UML kernel command line)"
	finish ;;
esac

# One run at a time per tree: two runs would delete each other's staging
# copies and results under build/ while their guests use them.
mkdir -p "$DMIO_ROOT/build"
hold_lock "$DMIO_ROOT/build/.check.lock" \
	"check: another scripts/check.sh is running in this tree" ||
	{ host_fail "cannot lock $DMIO_ROOT/build/.check.lock"; finish; }

# --- dependencies, per kernel series -------------------------------------------
step "check: started in $DMIO_ROOT, legs: ${LEGS[*]}"

# use_kver SERIES: switch to a kernel series (lib.sh's DMIO_KVER), install
# what it needs, extract its source.  1 when that failed.
use_kver() {
	DMIO_KVER=$1
	export KVER=$1
	SUF=$(kver_suffix)
	STAGE_X86=$DMIO_ROOT/build/x86_64$SUF
	X86_DONE=0 X86_OK=0 X86_ABI=
	step "check: kernel series $DMIO_KVER"
	if ! "$DMIO_ROOT/scripts/ensure-deps.sh"; then
		host_fail "install the build and test dependencies for $DMIO_KVER (KVER=$DMIO_KVER scripts/ensure-deps.sh)"
		return 1
	fi
	KSRC=$(ksrc_dir) || { host_fail "extract the $DMIO_KVER kernel source"; return 1; }
}

# --- static checks (make lint) ---------------------------------------------------
# lint_checks: scripts/lint.sh, one host check per tool (its TAP lines).
lint_checks() {
	local log=$DMIO_ROOT/build/lint.log line n=0
	step "lint: scripts/lint.sh (checkpatch, sparse, kernel-doc, clang-format; log: $(rel "$log"))"
	"$DMIO_ROOT/scripts/lint.sh" >"$log" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*) n=$((n + 1)); host_ok "lint: ${line#* - }" ;;
		"not ok "[0-9]*) n=$((n + 1)); host_fail "lint: ${line#* - } ($(rel "$log"))" ;;
		"    "*) echo "$line" ;;
		esac
	done <"$log"
	[ "$n" -gt 0 ] || { show_tail "$log"; host_fail "lint: scripts/lint.sh reported nothing"; }
}
lint_checks

# --- builds in staging copies -------------------------------------------------
# build NAME DEST LOG TARGET MAKE-ARGS...: stage_sources (lib.sh) + make
# TARGET (run through BUILD_RUN, e.g. x86_run); 0 on success
BUILD_RUN=()
build() {
	local name=$1 dest=$2 log=$3 target=$4 t0 ko
	shift 4
	t0=$(date +%s)
	step "build ($name): make -C $(rel "$dest") $* $target (log: $(rel "$log"))"
	if ! stage_sources "$dest"; then
		echo "cannot copy the sources to $dest" >"$log"
		return 1
	fi
	"${BUILD_RUN[@]}" make -C "$dest" -j"$(nproc)" "$@" "$target" >"$log" 2>&1 || return 1
	for ko in dm-io.ko ${BUILD_TESTS_KO:+tests/kunit/dm-io-test.ko}; do
		if [ ! -f "$dest/$ko" ]; then
			echo "make succeeded but $ko is missing" >>"$log"
			return 1
		fi
	done
	step "build ($name): done in $(($(date +%s) - t0)) s"
}

# x86_build LOGDIR: dm-io.ko for Debian's x86-64 headers of the series
# (once per series), in build/x86_64[-<series>]/: on the host, or for a
# series with an x86_chroot (lib.sh) inside it, made or updated first.
# Sets X86_OK=1 on success, X86_ABI and KDIR_X86 (the path x86_run sees).
X86_DONE=0
X86_OK=0
X86_ABI=
x86_build() {
	local logdir=$1 warnings ksyms s suite rc
	[ "$X86_DONE" = 0 ] || return 0
	X86_DONE=1
	suite=$(x86_chroot)
	if [ -n "$suite" ]; then
		step "x86-64: the $suite chroot with ${X86_CHROOT_PKGS[*]} and linux-headers-$DMIO_KVER.*-amd64 (log: $(rel "$logdir")/chroot.log)"
		if ! x86_chroot_prepare >"$logdir/chroot.log" 2>&1; then
			show_tail "$logdir/chroot.log"
			host_fail "x86-64 build: the $suite chroot with the $DMIO_KVER headers (log: $(rel "$logdir")/chroot.log)"
			return 0
		fi
	fi
	X86_ABI=$(x86_abi)
	KDIR_X86=/usr/src/linux-headers-$X86_ABI-amd64
	if [ -z "$X86_ABI" ] || [ ! -d "$(x86_root)$KDIR_X86" ]; then
		host_fail "x86-64 build: cannot find the headers of $(x86_hdr_meta)${suite:+linux-headers-$DMIO_KVER.*-amd64 in the $suite chroot} (got '${X86_ABI:-nothing}')"
		return 0
	fi
	BUILD_RUN=(x86_run)
	BUILD_TESTS_KO='' build "x86-64${suite:+ in $suite}" "$STAGE_X86" \
		"$logdir/build-x86_64.log" modules KDIR="$KDIR_X86"
	rc=$?
	BUILD_RUN=()
	if [ "$rc" != 0 ]; then
		show_tail "$logdir/build-x86_64.log"
		host_fail "x86-64 build of dm-io.ko against linux-headers-$X86_ABI-amd64 (log: $(rel "$logdir")/build-x86_64.log)"
		return 0
	fi
	X86_OK=1
	host_ok "x86-64 build of dm-io.ko against linux-headers-$X86_ABI-amd64${suite:+ (in the $suite chroot, $(x86_run gcc-14 --version 2>/dev/null | head -1))}"
	warnings=$(grep -in 'warning:' "$logdir/build-x86_64.log" | grep -v 'Skipping BTF generation')
	if [ -z "$warnings" ]; then
		host_ok "x86-64 build without warnings"
	else
		printf '%s\n' "$warnings" | head -20 | sed 's/^/    /'
		host_fail "x86-64 build without warnings ($(printf '%s\n' "$warnings" | wc -l) warning lines, log: $(rel "$logdir")/build-x86_64.log)"
	fi
	ksyms=$(nm "$STAGE_X86/dm-io.ko" 2>/dev/null | awk '{ print $NF }')
	for s in "${API_SYMS[@]}"; do
		# a here-string: "printf | grep -q" fails under pipefail when
		# grep exits before printf has written everything (SIGPIPE)
		if grep -qx "__ksymtab_$s" <<<"$ksyms"; then
			host_ok "x86-64 dm-io.ko exports $s"
		else
			host_fail "x86-64 dm-io.ko exports $s"
		fi
	done
}

# ARM64_BUILDS: the arm64 trees dm-io.ko is cross-built against in a leg
# with the arm64 extra (scripts/arm64-kernel.sh PAGES: linux-source of the
# series, defconfig, modules_prepare, cached): the page sizes the engine
# must work with.
ARM64_BUILDS=(4k 64k)

# arm64_builds LOGDIR: dm-io.ko for each of ARM64_BUILDS, in build/arm64-*/.
# With no vmlinux in those trees modpost cannot resolve any symbol: its
# "undefined!" lines (and its note on the missing Module.symvers) give way
# to a comparison of the module's undefined symbols with what the kernel
# source exports.  The C++ objects are checked as they are built
# (scripts/kbuild-cxx.mk: no libgcc division or atomic helpers).
arm64_builds() {
	local logdir=$1 p B stage log warnings missing
	for p in "${ARM64_BUILDS[@]}"; do
		stage=$DMIO_ROOT/build/arm64-$p
		log=$logdir/build-arm64-$p.log
		if ! B=$("$DMIO_ROOT/scripts/arm64-kernel.sh" "$p"); then
			host_fail "arm64 $p: prepare the kernel tree (scripts/arm64-kernel.sh $p)"
			continue
		fi
		if ! BUILD_TESTS_KO='' build "arm64 $p" "$stage" "$log" modules KDIR="$B" \
			ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- W=1; then
			show_tail "$log"
			host_fail "arm64 build ($p pages) of dm-io.ko with W=1 (log: $(rel "$log"))"
			continue
		fi
		host_ok "arm64 build ($p pages) of dm-io.ko with W=1 against linux-source-$DMIO_KVER defconfig"
		warnings=$(grep -i 'warning:' "$log" |
			grep -vE '^WARNING: (Module\.symvers is missing|modpost: "[A-Za-z0-9_.]+" \[.*\] undefined!$|modpost: suppressed [0-9]+ unresolved symbol warnings)')
		if [ -z "$warnings" ]; then
			host_ok "arm64 build ($p pages) without warnings"
		else
			printf '%s\n' "$warnings" | head -20 | sed 's/^/    /'
			host_fail "arm64 build ($p pages) without warnings ($(printf '%s\n' "$warnings" | wc -l) warning lines, log: $(rel "$log"))"
		fi
		missing=$(nm -u "$stage/dm-io.ko" | awk '{ print $NF }' | sort -u |
			comm -23 - "$B/dmio-exports.txt")
		if [ -z "$missing" ]; then
			host_ok "arm64 ($p pages) dm-io.ko needs only symbols the kernel exports"
		else
			host_fail "arm64 ($p pages) dm-io.ko needs symbols the kernel does not export:" $missing
		fi
	done
}

# dkms_check LOGDIR: "dkms add" + "dkms build" of dkms.conf against the
# series' x86-64 headers (where x86_build built: host or chroot), in a
# private DKMS tree (--dkmstree/--sourcetree: /var/lib/dkms and
# /lib/modules stay untouched); both modules must come out.
dkms_check() {
	local logdir=$1 t=$DMIO_ROOT/build/dkms$SUF ver kr mods
	[ "$X86_OK" = 1 ] || return 0
	kr=$X86_ABI-amd64
	ver=$(cat "$DMIO_ROOT/VERSION")	# dkms.conf has #MODULE_VERSION#, as for dh_dkms
	rm -rf "$t"
	mkdir -p "$t/tree" "$t/src"
	step "dkms: add + build dm-io/$ver for $kr in $(rel "$t") (log: $(rel "$logdir")/dkms.log)"
	if stage_sources "$t/src/dm-io-$ver" &&
		sed -i "s/#MODULE_VERSION#/$ver/" "$t/src/dm-io-$ver/dkms.conf" && {
		x86_run dkms add --dkmstree "$t/tree" --sourcetree "$t/src" -m dm-io -v "$ver" &&
			x86_run dkms build --dkmstree "$t/tree" --sourcetree "$t/src" -m dm-io -v "$ver" -k "$kr"
	} >"$logdir/dkms.log" 2>&1; then
		mods=$(find "$t/tree/dm-io/$ver/$kr" -name 'dm-io*.ko*' -printf '%f ' 2>/dev/null)
	else
		mods=
	fi
	if [[ $mods == *dm-io.ko* && $mods == *dm-iomirror.ko* ]]; then
		host_ok "dkms build of dm-io/$ver against linux-headers-$kr ($mods)"
	else
		show_tail "$logdir/dkms.log"
		cat "$t/tree/dm-io/$ver/build/make.log" >>"$logdir/dkms.log" 2>/dev/null
		host_fail "dkms build of dm-io/$ver against linux-headers-$kr (log: $(rel "$logdir")/dkms.log)"
	fi
}

# package_checks LOGDIR: tests/package/check-package.sh, one host check per
# TAP line: make deb, lintian, the package in clean bookworm and trixie
# chroots (and, in "make check-all", its modules booted in Debian's kernel).
package_checks() {
	local log=$1/package.log line opts=(bookworm trixie)
	[ "$MATRIX" = 0 ] || opts=(--qemu "${opts[@]}")
	step "package: tests/package/check-package.sh ${opts[*]} (log: $(rel "$log"))"
	"$DMIO_ROOT/tests/package/check-package.sh" "${opts[@]}" >"$log" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*"# SKIP"*) line=${line#* - }; host_skip "package: ${line%% # SKIP*}" ;;
		"ok "[0-9]*) host_ok "package: ${line#* - }" ;;
		"not ok "[0-9]*) host_fail "package: ${line#* - } ($(rel "$log"))" ;;
		esac
	done <"$log"
	grep -qE '^[0-9]+ passed, 0 failed$' "$log" || host_fail "package: check-package.sh did not end with 0 failed ($(rel "$log"))"
}

# --- parsing a guest's results --------------------------------------------------
# parse_tap FILE LABEL: count a TAP file into tp/tf/ts/tn/tplan/tskipall;
# failed lines go to FAILED
parse_tap() {
	local line re_skip='#[[:space:]]*[Ss][Kk][Ii][Pp]'
	tp=0 tf=0 ts=0 tn=0 tplan="" tskipall=0
	while IFS= read -r line; do
		case $line in
		"1..0 #"*)
			tplan=0
			[[ $line =~ $re_skip ]] && tskipall=1 ;;
		1..[0-9]*)
			tplan=${line#1..}
			tplan=${tplan%%[!0-9]*} ;;
		"ok "[0-9]*)
			tn=$((tn + 1))
			if [[ $line =~ $re_skip ]]; then ts=$((ts + 1)); else tp=$((tp + 1)); fi ;;
		"not ok "[0-9]*)
			tn=$((tn + 1))
			if [[ $line =~ $re_skip ]]; then
				ts=$((ts + 1))
			else
				tf=$((tf + 1))
				FAILED+=("$LEG_TAG$2: $line")
			fi ;;
		esac
	done <"$1"
}

# analyse OUT PLATFORM EXIT_STATUS TIMEOUT TREE: everything the guest left in
# OUT (console.log, guest/).  PLATFORM is uml or qemu; TREE is the copy of
# the sources whose tests/selftests/ the guest ran.
analyse() {
	local out=$1 platform=$2 rc=$3 timeout=$4 tree=$5 guest=$1/guest
	local reports baseline leaks lbase marker fix plan kunit_rc kcounts kp kf ks kn
	local t name tap ran_list why l n what

	sumval() { sed -n "s/^$1=//p" "$guest/summary" 2>/dev/null | tail -1; }

	# QEMU (panic=-1, -no-reboot) exits 0 on a guest panic too.
	[ "$platform:$rc" != qemu:0 ] || ! grep -q 'Kernel panic - not syncing' "$out/console.log" || rc=panic
	case $platform:$rc in
	*:0) host_ok "guest powered off cleanly" ;;
	qemu:panic) host_fail "guest powered off cleanly (kernel panic)" ;;
	*:124) host_fail "guest powered off cleanly (timed out after $timeout s)" ;;
	uml:134) host_fail "guest powered off cleanly (exit 134: kernel panic)" ;;
	*) host_fail "guest powered off cleanly (exit status $rc)" ;;
	esac

	if [ "$(sumval status)" = complete ]; then
		host_ok "init.sh ran to the end"
	else
		show_tail "$out/console.log" 30
		host_fail "init.sh ran to the end (status: $(sumval status || true))"
	fi

	# Kernel reports in the console (and, on a kmemleak kernel, leaks).
	python3 "$DMIO_ROOT/scripts/kernel-reports.py" --allow "$REPORT_ALLOW" \
		${KMEMLEAK_FILE:+--kmemleak "$KMEMLEAK_FILE"} "$out/console.log" \
		>"$out/kernel-reports.txt" 2>&1 || echo "report 0: kernel-reports.py failed" >>"$out/kernel-reports.txt"
	reports=$(grep '^report ' "$out/kernel-reports.txt")
	baseline=$(grep '^baseline ' "$out/kernel-reports.txt")
	what="BUG/WARNING/Oops/panic/lockdep/KASAN/UBSAN/hung task"
	[ -z "$baseline" ] ||
		what+="; $(printf '%s\n' "$baseline" | wc -l) known kernel report(s) by exact signature: $(printf '%s\n' "$baseline" | awk '{ print $2 }' | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')"
	if [ -z "$reports" ]; then
		host_ok "no kernel reports in the console ($what)"
	else
		echo "kernel reports in $(rel "$out")/console.log:"
		printf '%s\n' "$reports" | sed 's/^report /line /' | head -40 | sed 's/^/    /'
		host_fail "no kernel reports in the console ($(printf '%s\n' "$reports" | wc -l) reports; $(rel "$out")/kernel-reports.txt)"
	fi
	if [ -n "${KMEMLEAK_FILE:-}" ]; then
		if [ "$(sumval kmemleak)" != scanned ] || [ ! -f "$KMEMLEAK_FILE" ]; then
			host_fail "kmemleak scan after rmmod (status '$(sumval kmemleak)')"
		else
			leaks=$(grep '^leak ' "$out/kernel-reports.txt")
			lbase=$(grep -c '^leak-baseline ' "$out/kernel-reports.txt")
			if [ -z "$leaks" ]; then
				host_ok "kmemleak: no unreferenced objects after all modules were unloaded (2 scans, $lbase known kernel leak(s) by exact signature)"
			else
				echo "kmemleak reports ($(rel "$KMEMLEAK_FILE")):"
				printf '%s\n' "$leaks" | head -20 | cut -c1-400 | sed 's/^/    /'
				host_fail "kmemleak: no unreferenced objects after all modules were unloaded ($(printf '%s\n' "$leaks" | wc -l) objects)"
			fi
		fi
		n=$(sumval lockdep_debug_locks)
		if [ "$n" = 1 ]; then
			host_ok "lockdep still active at the end (debug_locks=1: no report switched it off)"
		else
			host_fail "lockdep still active at the end (debug_locks='$n')"
		fi
	fi

	# KUnit: the KUNIT-BEGIN..KUNIT-END slice of the console is one KTAP document.
	if [ "$(sumval kunit)" = none ]; then
		step "KUnit: not in this kernel (skipped)"
	else
		marker='^(\[ *[0-9]+\.[0-9]+\] )?'
		sed -nE "/${marker}KUNIT-BEGIN\$/,/${marker}KUNIT-END\$/p" "$out/console.log" >"$out/kunit.ktap"
		fix=$(sumval kunit_plan_fixup)
		[ -z "$fix" ] || sed -i -E "0,/${marker}1\\.\\.0\$/s//1..$fix/" "$out/kunit.ktap"
		# From 6.6 on the kernel prints a top-level "KTAP version 1" and
		# "1..<suites>" of its own for each module: init.sh's header
		# (lines 2-3, the plan of all modules) stays, those go.
		sed -i -E "4,\${/${marker}KTAP version [0-9]+\$/d; /${marker}1\\.\\.[0-9]+\$/d}" "$out/kunit.ktap"
		plan=$(sumval kunit_suites_expected)
		python3 "$KSRC/tools/testing/kunit/kunit.py" parse --json="$out/kunit.json" \
			"$out/kunit.ktap" >"$out/kunit-parse.txt" 2>&1
		kunit_rc=$?
		kcounts=$(python3 - "$out/kunit.json" 2>/dev/null <<'EOF'
import json, sys
try:
    top = json.load(open(sys.argv[1]))
except Exception:
    print("x")
    sys.exit(0)
res = {"PASS": 0, "FAIL": 0, "SKIP": 0}
bad = []
def walk(g, path):
    for c in g.get("test_cases", []):
        st = c.get("status", "FAIL")
        key = st if st in ("PASS", "SKIP") else "FAIL"
        res[key] += 1
        if key == "FAIL":
            bad.append("kunit: %s %s" % (".".join(path + [c.get("name") or "(missing: crashed or not run)"]), st))
    for sg in g.get("sub_groups", []):
        walk(sg, path + [sg.get("name") or "?"])
walk(top, [])
# suites that reported a result (a missing one has no name)
suites = len([t for t in top.get("sub_groups", []) + top.get("test_cases", []) if t.get("name")])
print(res["PASS"], res["FAIL"], res["SKIP"], suites)
for b in bad:
    print(b)
EOF
)
		read -r kp kf ks kn <<<"$(head -1 <<<"$kcounts")"
		if [ "$kp" = x ] || [ -z "$kp" ]; then
			show_tail "$out/kunit-parse.txt" 15
			host_fail "KUnit: kunit.py parse wrote no results ($(rel "$out")/kunit-parse.txt)"
		else
			PASS=$((PASS + kp))
			FAIL=$((FAIL + kf))
			SKIP=$((SKIP + ks))
			while IFS= read -r l; do
				[ -n "$l" ] && FAILED+=("$LEG_TAG$l")
			done < <(tail -n +2 <<<"$kcounts")
			step "KUnit: $kn of ${plan:-?} planned suites, $((kp + kf + ks)) cases: $kp passed, $kf failed, $ks skipped ($(grep -o 'Testing complete.*' "$out/kunit-parse.txt" | tail -1))"
			if [ $((kp + kf + ks)) -eq 0 ]; then
				host_fail "KUnit: test cases ran (none found; $(rel "$out")/kunit-parse.txt)"
			elif [ $((kp + kf)) -eq 0 ]; then
				host_fail "KUnit: every case was skipped (nothing was tested)"
			elif [ "$kunit_rc" != 0 ] && [ "$kf" = 0 ]; then
				show_tail "$out/kunit-parse.txt" 15
				host_fail "KUnit: kunit.py parse exit $kunit_rc without a failed case"
			fi
		fi
	fi

	# Guest checks (devices, fault injection, module load/unload).
	if [ -f "$guest/guest.tap" ]; then
		parse_tap "$guest/guest.tap" guest
		if [ "$tplan" != "$tn" ]; then
			tf=$((tf + 1))
			FAILED+=("${LEG_TAG}guest: checks incomplete (plan '${tplan}', ran $tn)")
		fi
		PASS=$((PASS + tp))
		FAIL=$((FAIL + tf))
		SKIP=$((SKIP + ts))
		step "guest checks (devices, fault injection, modules): $tp passed, $tf failed, $ts skipped"
	else
		host_fail "guest checks: no $(rel "$guest")/guest.tap"
	fi

	# Selftests: each one that should have run, by the TAP it printed.  A
	# script (a *.sh with a #! line) that is not executable would be skipped
	# silently by init.sh: that is a failure (lib.sh has no #! line).
	for t in "$tree"/tests/selftests/*.sh; do
		if [ -f "$t" ] && [ ! -x "$t" ] && head -c 2 "$t" | grep -q '^#!'; then
			host_fail "selftest $(basename "$t" .sh): not executable (git update-index --chmod=+x tests/selftests/$(basename "$t"))"
		fi
	done
	ran_list=" $(sumval selftests) "
	for t in "$tree"/tests/selftests/*.sh; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=$(basename "$t" .sh)
		tap=$guest/selftests/$name.tap
		if [[ $ran_list != *" $name "* ]] || [ ! -f "$tap" ] || [ ! -f "$guest/selftests/$name.rc" ]; then
			host_fail "selftest $name: no result (did not run)"
			continue
		fi
		rc=$(cat "$guest/selftests/$name.rc")
		parse_tap "$tap" "selftest $name"
		why=
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="timed out (exit $rc)"
		elif [ "$tskipall" = 1 ]; then
			[ "$rc" = 4 ] || [ "$rc" = 0 ] || why="skipped but exit $rc"
			[ "$ts" -gt 0 ] || ts=1
		elif [ -z "$tplan" ]; then
			why="no TAP plan (exit $rc)"
		elif [ "$tplan" != "$tn" ]; then
			why="planned $tplan tests, ran $tn (exit $rc)"
		elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$tf" = 0 ]; then
			why="exit $rc"
		fi
		if [ -n "$why" ]; then
			tf=$((tf + 1))
			FAILED+=("${LEG_TAG}selftest $name: $why")
		fi
		PASS=$((PASS + tp))
		FAIL=$((FAIL + tf))
		SKIP=$((SKIP + ts))
		if [ "$tskipall" = 1 ]; then
			step "selftest $name: skipped: $(sed -n 's/^1\.\.0 # *[Ss][Kk][Ii][Pp] *//p' "$tap" | head -1) (exit $rc)"
		else
			step "selftest $name: $tp passed, $tf failed, $ts skipped (${why:-exit $rc})"
		fi
	done
}

# leg_begin NAME TAG / leg_end: per-leg counts for the summary
leg_begin() {
	LEG_NAME=$1
	LEG_TAG=$2
	LEG_T0=$(date +%s)
	LEG_P0=$PASS LEG_F0=$FAIL LEG_S0=$SKIP
	step "=== leg $LEG_NAME ==="
}
leg_end() {
	LEG_SUMMARY+=("leg $LEG_NAME: $((PASS - LEG_P0)) passed / $((FAIL - LEG_F0)) failed / $((SKIP - LEG_S0)) skipped in $(($(date +%s) - LEG_T0)) s")
	step "${LEG_SUMMARY[-1]}"
	LEG_TAG=
}

# --- the kinds of leg: leg_KIND (a row of LEG_TABLE names KIND) -------------
# Each runs one leg of the series use_kver switched to (DMIO_KVER, SUF,
# STAGE_X86), adds its host checks and its guest's results to the counts,
# and says where its logs are in LEG_LOGS.  LEG_EXTRA holds the row's extra
# builds; has_extra NAME tests one.
has_extra() { [[ ,$LEG_EXTRA, == *,$1,* ]]; }

# leg_uml: the base UML kernel; leg_debug: the sanitizer UML kernel.
leg_uml() { uml_leg base; }
leg_debug() { uml_leg debug; }

# leg_qemu: Debian's image of the series under QEMU (below).

# (The next kind of leg, e.g. a test of the Debian package in a chroot,
# goes here: leg_KIND, and its rows in LEG_TABLE.)

# uml_leg base|debug
uml_leg() {
	local kind=$1 out stage frags=() kparams=() makeextra=() timeout B rc t0 sym bad ko undef lab=UML warnings
	if [ "$kind" = base ]; then
		out=$DMIO_ROOT/build/check$SUF
		stage=$DMIO_ROOT/build/uml$SUF
		frags=("$DMIO_ROOT/tests/uml/uml.config")
		kparams=("${NULLB_REQUEUE[@]}")
		makeextra=(W=1)		# the extra warnings; none may show up
		timeout=$UML_TIMEOUT
	else
		out=$DMIO_ROOT/build/check-debug$SUF
		stage=$DMIO_ROOT/build/uml-debug$SUF
		frags=("$DMIO_ROOT/tests/uml/uml.config" "$DMIO_ROOT/tests/uml/debug.config")
		# UBSAN: UML has no UBSAN_SANITIZE_ALL, so instrument our modules.
		makeextra=(UBSAN_SANITIZE=y)
		kparams=(kasan_multi_shot "${NULLB_REQUEUE[@]}")
		timeout=$UML_DEBUG_TIMEOUT
		lab="UML debug"
	fi
	lab+=" $DMIO_KVER"
	LEG_LOGS=$(rel "$out")/
	rm -rf "$out"
	mkdir -p "$out/guest"

	if ! B=$("$DMIO_ROOT/scripts/uml-kernel.sh" "${frags[@]}") || [ ! -x "$B/linux" ]; then
		host_fail "build the UML test kernel (scripts/uml-kernel.sh $(for f in "${frags[@]}"; do rel "$f"; done | tr '\n' ' '))"
		return
	fi
	# uml-kernel.sh checked the CONFIG_X=y lines; the "is not set" ones here.
	bad=$(for f in "${frags[@]}"; do sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$f"; done |
		while IFS= read -r sym; do
			grep -q "^$sym=" "$B/.config" && echo "$sym"
		done)
	if [ -z "$bad" ]; then
		host_ok "$lab kernel config: every symbol of $(for f in "${frags[@]}"; do rel "$f"; done | tr '\n' ' ')as asked ($(cat "${frags[@]}" | grep -cE '^CONFIG_[A-Z0-9_]+=') set, $(cat "${frags[@]}" | grep -c 'is not set') unset)"
	else
		host_fail "$lab kernel config: set although the fragments unset them: $bad"
	fi

	BUILD_TESTS_KO=1
	if build "$lab" "$stage" "$out/build-uml.log" tests KDIR="$B" ARCH=um "${makeextra[@]}"; then
		host_ok "UML build of dm-io.ko and tests/kunit/dm-io-test.ko"
	else
		show_tail "$out/build-uml.log"
		host_fail "UML build of dm-io.ko and tests/kunit/dm-io-test.ko (log: $(rel "$out")/build-uml.log)"
		return
	fi
	if [ "$kind" = debug ]; then
		bad=
		# here-strings: "nm | grep -q" fails under pipefail when grep
		# exits before nm has written everything (SIGPIPE)
		for ko in dm-io.ko targets/dm-iomirror.ko tests/kunit/dm-io-test.ko tests/stress/dm-io-stress.ko; do
			undef=$(nm -u "$stage/$ko" 2>/dev/null)
			grep -q ' __asan_' <<<"$undef" || bad+=" $ko(KASAN)"
			grep -q ' __ubsan_handle_' <<<"$undef" || bad+=" $ko(UBSAN)"
		done
		undef=$(nm -u "$stage/engine/dispatch.o" 2>/dev/null)
		grep -q ' __asan_' <<<"$undef" || bad+=" engine/dispatch.o(KASAN)"
		if [ -z "$bad" ]; then
			host_ok "debug build: dm-io.ko (C and C++ engine), dm-iomirror.ko, dm-io-test.ko, dm-io-stress.ko instrumented by KASAN and UBSAN"
		else
			host_fail "debug build: not instrumented:$bad"
		fi
	else
		warnings=$(grep -in 'warning:' "$out/build-uml.log")
		if [ -z "$warnings" ]; then
			host_ok "UML build with W=1 without warnings"
		else
			printf '%s\n' "$warnings" | head -20 | sed 's/^/    /'
			host_fail "UML build with W=1 without warnings ($(printf '%s\n' "$warnings" | wc -l) warning lines, log: $(rel "$out")/build-uml.log)"
		fi
		if ! has_extra x86; then
			:
		elif x86_available; then
			x86_build "$out"
			! has_extra dkms || dkms_check "$out"
		else
			host_skip "x86-64 build and dkms: no x86-64 headers of $DMIO_KVER (lib.sh x86_hdr_meta, x86_chroot)"
		fi
		! has_extra arm64 || arm64_builds "$out"
		! has_extra pkg || package_checks "$out"
	fi

	step "$lab: booting $B/linux (timeout $timeout s), console: $(rel "$out")/console.log"
	t0=$(date +%s)
	# The guest runs the staging copy's tests/uml/init.sh and selftests (the
	# same snapshot as the modules, whatever happens to the tree meanwhile).
	"$DMIO_ROOT/scripts/run-uml.sh" -k "$B" -m "$stage" -t "$timeout" \
		-i "$stage/tests/uml/init.sh" "$out" "${kparams[@]}"
	rc=$?
	step "$lab: exited with status $rc after $(($(date +%s) - t0)) s"
	if [ ! -f "$out/console.log" ]; then
		host_fail "boot UML (scripts/run-uml.sh exit $rc)"
		return
	fi
	KMEMLEAK_FILE=
	[ "$kind" = base ] || KMEMLEAK_FILE=$out/guest/kmemleak.txt
	analyse "$out" uml "$rc" "$timeout" "$stage"
	KMEMLEAK_FILE=
}

# --- QEMU leg -----------------------------------------------------------------
leg_qemu() {
	local out=$DMIO_ROOT/build/check-qemu$SUF img kver vermagic rc t0
	LEG_LOGS=$(rel "$out")/
	rm -rf "$out"
	mkdir -p "$out/guest"
	# The modules first: for a series built in a chroot, that also
	# installs the headers whose image qemu-kernel.sh fetches.
	x86_build "$out"
	[ "$X86_OK" = 1 ] || return
	if ! img=$("$DMIO_ROOT/scripts/qemu-kernel.sh"); then
		host_fail "get QEMU and Debian's kernel image (scripts/qemu-kernel.sh)"
		return
	fi
	kver=$(cat "$img/kver")
	if [ "$kver" = "$X86_ABI-amd64" ]; then
		host_ok "kernel image $kver matches linux-headers-$X86_ABI-amd64"
	else
		host_fail "kernel image $kver matches linux-headers-$X86_ABI-amd64"
		return
	fi
	step "build (x86-64): make -C $(rel "$STAGE_X86") targets stress (log: $(rel "$out")/build-x86_64-targets.log)"
	if x86_run make -C "$STAGE_X86" -j"$(nproc)" KDIR="$KDIR_X86" targets stress \
		>"$out/build-x86_64-targets.log" 2>&1 && [ -f "$STAGE_X86/targets/dm-iomirror.ko" ] &&
		[ -f "$STAGE_X86/tests/stress/dm-io-stress.ko" ]; then
		host_ok "x86-64 build of targets/dm-iomirror.ko and tests/stress/dm-io-stress.ko"
	else
		show_tail "$out/build-x86_64-targets.log"
		host_fail "x86-64 build of targets/dm-iomirror.ko and tests/stress/dm-io-stress.ko (log: $(rel "$out")/build-x86_64-targets.log)"
		return
	fi
	vermagic=$(modinfo -F vermagic "$STAGE_X86/dm-io.ko" 2>/dev/null)
	if [ "${vermagic%% *}" = "$kver" ]; then
		host_ok "dm-io.ko vermagic '$vermagic' is the image's kernel"
	else
		host_fail "dm-io.ko vermagic '$vermagic' is the image's kernel ($kver)"
	fi

	step "QEMU: booting Debian's $kver, -smp 2, TCG (timeout $QEMU_TIMEOUT s), console: $(rel "$out")/console.log"
	t0=$(date +%s)
	# tsc=unstable: the kernel then never patches sched_clock_cpu() live.
	# Under QEMU 7.2 (bookworm's; TCG, a thread per CPU) Debian's 7.3
	# oopsed in 3 of 60 boots before init ("Oops: int3" in
	# sched_clock_cpu(): a CPU ran that patch's INT3 after it was done).
	# 0 of 60 with tsc=unstable; 0 of 60 with one TCG thread for both CPUs.
	"$DMIO_ROOT/scripts/run-qemu.sh" -k "$img" -m "$STAGE_X86" -t "$QEMU_TIMEOUT" "$out" tsc=unstable
	rc=$?
	step "QEMU: exited with status $rc after $(($(date +%s) - t0)) s"
	if [ ! -f "$out/console.log" ]; then
		host_fail "boot QEMU (scripts/run-qemu.sh exit $rc)"
		return
	fi
	if grep -q "^QINIT: kernel $kver, 2 CPUs" "$out/console.log"; then
		host_ok "guest runs $kver with 2 CPUs"
	else
		host_fail "guest runs $kver with 2 CPUs ($(grep -m1 '^QINIT: kernel' "$out/console.log"))"
	fi
	analyse "$out" qemu "$rc" "$QEMU_TIMEOUT" "$STAGE_X86"
}

# --- run the legs -----------------------------------------------------------------
# Series by series, each leg in table order.  Names and tags: "uml",
# "debug: ", "qemu: " for 6.1 (as before), with the series for the others
# ("uml 6.12", "6.12: ", "debug 6.12: ").
logs=
for k in "${KVERS[@]}"; do
	use_kver "$k" || continue
	kt=${SUF:+ $k}
	for i in "${!T_SERIES[@]}"; do
		[ "${T_SERIES[$i]}" = "$k" ] && has_leg "${T_KIND[$i]}@$k" || continue
		kind=${T_KIND[$i]}
		LEG_EXTRA=${T_EXTRA[$i]}
		LEG_LOGS=
		if [ "$kind" = uml ]; then
			leg_begin "uml$kt" "${SUF:+$k: }"
		else
			leg_begin "$kind$kt" "$kind$kt: "
		fi
		if declare -F "leg_$kind" >/dev/null; then
			"leg_$kind"
		else
			host_fail "leg $kind@$k: no function leg_$kind in scripts/check.sh"
		fi
		logs+=" ${LEG_LOGS:-?}"
		leg_end
	done
done

step "check: finished; logs in${logs:- (none)}"
finish
