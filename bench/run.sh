#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - "make bench": time dm-io against raw bios and the kernel's own
# dm_io() inside the UML test kernel, and fio through the iomirror target
# against the in-tree mirror target.
#
#  1. as "make check": scripts/ensure-deps.sh, scripts/uml-kernel.sh (the
#     test kernel's config built -O2, bench/uml-bench.config: a cached
#     kernel of its own), plus a plotter (gnuplot-nox) if none is there;
#  2. builds dm-io.ko, targets/dm-iomirror.ko and bench/dm-io-bench.ko for
#     the test kernel in a staging copy, build/bench/src (never build/uml);
#  3. boots the kernel with bench/init.sh as PID 1 (scripts/run-uml.sh -i),
#     console and raw results in build/bench/run/;
#  4. bench/report.py prints one "BENCH <case> ..." line per case and the
#     markdown table, and writes build/bench/results.md, results.json and
#     the plot of the ratios, build/bench/ratios.png.
#
# usage: bench/run.sh [--smp] [--report-only]
#   --report-only   skip 1-3, report again from build/bench/run/
#   --smp           "make bench-smp": Debian's stock kernel of the series
#                   KVER selects (6.1 by default) under QEMU/TCG with
#                   BENCH_CPUS (default 2) virtual CPUs instead of UML; the
#                   modules are built against its linux-headers (as the
#                   qemu leg of "make check"), the guest is bench/init.sh
#                   started by tests/qemu/init.sh; each case runs with 1 and
#                   BENCH_CPUS submitting threads, one per CPU, on null_blk
#                   with a submission queue per CPU; the report adds the
#                   scaling of each contender.  Output in build/bench-smp/;
#                   a full run renews Documentation/bench-smp.rst.
#                   Defaults: BENCH_THREADS=1,<cpus>, BENCH_DEVS=nullb,
#                   BENCH_ONLY=the 4 KiB cases of 1, 2 and 4 regions,
#                   BENCH_FIO=0 BENCH_ALLOCS=0 BENCH_MICRO=0 BENCH_LOCKS=1.
#
# Environment (all optional; passed to the guest on the kernel command line,
# so no white space in the values):
#   BENCH_TIME_MS     length of one measurement (default 250)
#   BENCH_REPS        repetitions, contenders alternated (default 5)
#   BENCH_SLICES      a repetition gives each contender BENCH_TIME_MS in this
#                     many interleaved slices (default 10)
#   BENCH_ONLY        comma-separated substrings: run only matching cases
#   BENCH_DEVS        name:path,... (default nullb:/dev/dmio_bnb,brd:/dev/ram2)
#   BENCH_CONTENDERS  default ours,user,raw,kernel (user: dm_io_submit()
#                     with a user of its own, 4 KiB cases); analysis contenders are
#                     raw+plug, raw+q2, raw+vm, raw+mp, raw+bs, raw+share and
#                     any sum, and ext (dm_io_submit() naming no user; see
#                     bench/dm-io-bench.c)
#   BENCH_MICRO=0     do not time the single operations (plug, queries, allocs)
#   BENCH_ALLOCS=0    skip the allocation probe
#   BENCH_FIO=0       skip fio through the mirrors
#   BENCH_FIO_SECS    seconds per fio run (default 3)
#   BENCH_FIO_REPS    fio repetitions (default 5)
#   BENCH_PROBE_CASES comma-separated cases for the allocation probe
#   BENCH_PROBE_N     requests per probe (default 500)
#   BENCH_PERF=1      sample the UML process with the host's perf (cpu-clock)
#                     and print a profile by guest symbol (bench/perf-report.py);
#                     best with one contender and one case, e.g.
#                     BENCH_CONTENDERS=ours BENCH_ONLY=^async-4k-qd1-r1
#                     BENCH_DEVS=nullb:/dev/dmio_bnb BENCH_REPS=1 BENCH_TIME_MS=5000
#   BENCH_TIMEOUT     seconds before the guest is killed (default 1800)
#   BENCH_OUT         output directory (default build/bench)
#   BENCH_PUBLISH=0|1 renew Documentation/bench-results.rst, bench-history.rst
#                     and the README's summary table (default: only after a
#                     full run, none of the subset options above or below set)
#   BENCH_PATCH       comma-separated patch files applied (patch -p1) to the
#                     staged copy before the build: to measure an engine change
#                     without touching the checkout, e.g.
#                     BENCH_PATCH=bench/variants/user-fields.patch
#   BENCH_PAD=N       N bytes (0-4095) of padding at the start of the text of
#                     every C and C++ object of the modules built: another
#                     code layout of the same code (bench/ab.sh AB_LAYOUTS)
#   BENCH_THREADS     comma-separated numbers of submitting threads (--smp)
#   BENCH_LOCKS=1     count the locks each request takes, per lock and caller,
#                     with ftrace's function tracer (default with --smp)
#   BENCH_LOCK_CASES  comma-separated cases for that count
#   BENCH_CPUS        virtual CPUs of the QEMU guest (--smp; default 2)
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DMIO_ROOT" || exit 1

# Nothing from a calling make or the user's shell may leak into the builds.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE \
	KBUILD_OUTPUT KBUILD_EXTRA_SYMBOLS KBUILD_EXTMOD KDIR O M
export LC_ALL=C

smp=0 report_only=0
for a in "$@"; do
	case $a in
	--smp) smp=1 ;;
	--report-only) report_only=1 ;;
	*) die "usage: $0 [--smp] [--report-only]" ;;
	esac
done

# A full run (the default cases, devices and contenders, fio included, the
# checkout's own code) also renews the results in Documentation/ and the
# README's summary; BENCH_PUBLISH=0 or =1 says otherwise.
publish=1
for v in BENCH_ONLY BENCH_DEVS BENCH_CONTENDERS BENCH_PATCH BENCH_PAD BENCH_TIME_MS BENCH_REPS BENCH_SLICES \
	BENCH_THREADS BENCH_CPUS BENCH_LOCKS BENCH_LOCK_CASES BENCH_PROBE_N; do
	[ -z "${!v:-}" ] || publish=0
done
[ "${BENCH_FIO:-1}" != 0 ] || [ "$smp" = 1 ] || publish=0
publish=${BENCH_PUBLISH:-$publish}

pad=$(decimal "${BENCH_PAD:-0}" 0 4095) ||
	die "BENCH_PAD=${BENCH_PAD:-}: a number of bytes, 0 to 4095"
BENCH_PAD=$pad
CPUS=${BENCH_CPUS:-2}
if [ "$smp" = 1 ]; then
	case $CPUS in [1-8]) ;; *) die "BENCH_CPUS=$CPUS: 1 to 8 (the module's most threads)" ;; esac
	[ "${BENCH_PERF:-0}" = 0 ] || die "BENCH_PERF=1 profiles the UML process: not with --smp"
	export BENCH_THREADS=${BENCH_THREADS:-1,$CPUS} BENCH_FIO=${BENCH_FIO:-0} \
		BENCH_ALLOCS=${BENCH_ALLOCS:-0} BENCH_MICRO=${BENCH_MICRO:-0} \
		BENCH_LOCKS=${BENCH_LOCKS:-1} \
		BENCH_DEVS=${BENCH_DEVS:-nullb:/dev/dmio_bnb} \
		BENCH_ONLY=${BENCH_ONLY:--4k-qd1-r1,-4k-qd32-r1,-4k-qd8-r2,-4k-qd8-r4}
fi
OUT=${BENCH_OUT:-$DMIO_ROOT/build/bench$([ "$smp" = 0 ] || echo -smp)}
case $OUT in /*) ;; *) OUT=$DMIO_ROOT/$OUT ;; esac
STAGE=$OUT/src
RUN=$OUT/run
TIMEOUT=${BENCH_TIMEOUT:-1800}

# How a kernel was built, from its .config: "-O2, PREEMPT_NONE, SLAB".
kconfig_summary() {
	local opt=-O2 pre=PREEMPT_NONE slab=SLUB
	grep -qx 'CONFIG_CC_OPTIMIZE_FOR_SIZE=y' "$1" && opt=-Os
	grep -qx 'CONFIG_PREEMPT_VOLUNTARY=y' "$1" && pre=PREEMPT_VOLUNTARY
	grep -qx 'CONFIG_PREEMPT=y' "$1" && pre=PREEMPT
	grep -qx 'CONFIG_SLAB=y' "$1" && slab=SLAB
	echo "$opt, $pre, $slab"
}

report() {
	local opts=()
	[ "$smp" = 0 ] || opts=(--smp)
	[ "$publish" = 0 ] || opts+=(--publish "$DMIO_ROOT" --commit \
		"$(git -C "$DMIO_ROOT" describe --always --dirty 2>/dev/null || echo unknown)")
	python3 "$DMIO_ROOT/bench/report.py" --run "$RUN" --out "$OUT" "${opts[@]}"
}

if [ "$report_only" = 1 ]; then
	[ -f "$RUN/console.log" ] || die "no $RUN/console.log: run bench/run.sh first"
	publish=${BENCH_PUBLISH:-0}	# which run it was is not known here
	report
	exit $?
fi

case $DMIO_ROOT$OUT in
*[[:space:]]*) die "white space in '$DMIO_ROOT' or '$OUT' (it goes on the UML kernel command line)" ;;
esac

# --- 1. dependencies, test kernel, plotter ----------------------------------------
step "bench: started in $DMIO_ROOT"
"$DMIO_ROOT/scripts/ensure-deps.sh" || die "could not install the dependencies"
bench_lock || die "cannot lock $DMIO_CACHE/bench.lock"
if [ "$smp" = 1 ]; then
	# The headers of Debian's kernel of the series (in a chroot for 7.3);
	# its image comes after the build (qemu-kernel.sh wants the headers).
	[ -z "$(x86_chroot)" ] || x86_chroot_prepare >/dev/null ||
		die "cannot prepare the $(x86_chroot) chroot with the $DMIO_KVER headers"
	abi=$(x86_abi)
	[ -n "$abi" ] || die "no x86-64 headers for $DMIO_KVER (KVER=$DMIO_KVER scripts/ensure-deps.sh)"
	KDIR=/usr/src/linux-headers-$abi-amd64
	kmake=(x86_run make)
	case $OUT in "$DMIO_ROOT"/build/*) ;; *)
		[ -z "$(x86_chroot)" ] || die "BENCH_OUT must be under $DMIO_ROOT/build for $DMIO_KVER (built in a chroot)" ;;
	esac
else
	B=$("$DMIO_ROOT/scripts/uml-kernel.sh" "$DMIO_ROOT/tests/uml/uml.config" \
		"$DMIO_ROOT/bench/uml-bench.config") || die "could not build the bench kernel"
	[ -x "$B/linux" ] || die "no test kernel in $B"
	KDIR=$B
	kmake=(make ARCH=um)
fi
if ! command -v gnuplot >/dev/null &&
	! python3 -c 'import matplotlib' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		step "bench: installing gnuplot-nox (for the plot)"
		export DEBIAN_FRONTEND=noninteractive
		mkdir -p "$DMIO_CACHE/logs"
		apt-get install -y --no-install-recommends gnuplot-nox \
			>"$DMIO_CACHE/logs/apt-gnuplot.log" 2>&1 ||
		{ apt-get update >>"$DMIO_CACHE/logs/apt-gnuplot.log" 2>&1 &&
		  apt-get install -y --no-install-recommends gnuplot-nox \
			>>"$DMIO_CACHE/logs/apt-gnuplot.log" 2>&1; } ||
			echo "bench: could not install gnuplot-nox; no plot (see $DMIO_CACHE/logs/apt-gnuplot.log)" >&2
	else
		echo "bench: no gnuplot and no python3-matplotlib, and not root: no plot" >&2
	fi
fi

# --- 2. builds ---------------------------------------------------------------------
mkdir -p "$OUT" || die "cannot create $OUT"
log=$OUT/build.log
: >"$log"
step "bench: building dm-io.ko, targets/dm-iomirror.ko, bench/dm-io-bench.ko against $KDIR (log: ${log#"$DMIO_ROOT"/})"
stage_sources "$STAGE" || die "cannot copy the sources to $STAGE"
if [ -n "${BENCH_PATCH:-}" ]; then
	IFS=, read -r -a patches <<<"$BENCH_PATCH"
	for p in "${patches[@]}"; do
		case $p in /*) ;; *) p=$DMIO_ROOT/$p ;; esac
		step "bench: applying ${p#"$DMIO_ROOT"/} to the staged copy"
		patch -d "$STAGE" -p1 --batch --quiet <"$p" >>"$log" 2>&1 ||
			die "$p does not apply (see $log)"
	done
fi
kflags=()
if [ "${BENCH_PAD:-0}" -gt 0 ]; then
	step "bench: $BENCH_PAD bytes of padding before each object's code"
	# NOPs, which objtool does not call unreachable code
	printf 'asm(".pushsection .text\\n.nops %d\\n.popsection");\n' "$BENCH_PAD" \
		>"$OUT/pad.h"
	kflags=(KCFLAGS="-include $OUT/pad.h")
fi
if ! { "${kmake[@]}" -C "$STAGE" -j"$(nproc)" KDIR="$KDIR" "${kflags[@]}" targets &&
       "${kmake[@]}" -C "$KDIR" M="$STAGE/bench" "${kflags[@]}" \
		KBUILD_EXTRA_SYMBOLS="$STAGE/Module.symvers" modules; } >>"$log" 2>&1; then
	tail -20 "$log" >&2
	die "the build failed, see $log"
fi
for ko in dm-io.ko targets/dm-iomirror.ko bench/dm-io-bench.ko; do
	[ -f "$STAGE/$ko" ] || die "the build made no $ko (see $log)"
done
if grep -i 'warning:' "$log" | grep -qv 'Skipping BTF generation'; then
	grep -i 'warning:' "$log" | head -10 >&2
	die "compiler warnings in the build (see $log)"
fi

# --- 3. the guest --------------------------------------------------------------------------
params=()
for v in BENCH_TIME_MS BENCH_REPS BENCH_SLICES BENCH_ONLY BENCH_DEVS BENCH_CONTENDERS BENCH_MICRO \
	 BENCH_ALLOCS BENCH_FIO BENCH_FIO_SECS BENCH_FIO_REPS BENCH_PROBE_N BENCH_PROBE_CASES BENCH_PERF \
	 BENCH_THREADS BENCH_LOCKS BENCH_LOCK_CASES; do
	val=${!v:-}
	[ -z "$val" ] && continue
	case $val in *[[:space:]]*) die "$v must not contain white space" ;; esac
	params+=("$v=$val")
done
rm -rf "$RUN"
mkdir -p "$RUN"
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	[ "$smp" = 1 ] || echo "kbuild=$(kconfig_summary "$B/.config")"
} >"$RUN/host.txt"
if [ "$smp" = 1 ]; then
	img=$("$DMIO_ROOT/scripts/qemu-kernel.sh") || die "cannot get Debian's kernel image"
	vermagic=$(modinfo -F vermagic "$STAGE/dm-io.ko")
	[ "${vermagic%% *}" = "$(cat "$img/kver")" ] ||
		die "dm-io.ko is built for '${vermagic%% *}', the image is $(cat "$img/kver")"
fi
step "bench: booting the $([ "$smp" = 1 ] && echo "QEMU guest ($CPUS CPUs)" || echo "test kernel") (timeout $TIMEOUT s; console: ${RUN#"$DMIO_ROOT"/}/console.log)"
t0=$(date +%s)
perf_pid=
if [ "${BENCH_PERF:-0}" != 0 ]; then
	command -v perf >/dev/null || die "BENCH_PERF=1 needs perf (apt-get install linux-perf)"
	# Neither holds the benchmark lock: if this script is killed, they
	# are left running.
	perf record -e cpu-clock -F 20000 -a -g -o "$RUN/perf.data" \
		>"$RUN/perf-record.log" 2>&1 {DMIO_BENCH_LOCK_FD}>&- &
	perf_pid=$!
	# the host pids of this guest's UML processes (not another run's)
	( while :; do
		pgrep -f "DMIO_OUT=$RUN/guest" >>"$RUN/uml-pids.txt"
		sleep 0.5
	  done ) {DMIO_BENCH_LOCK_FD}>&- &
	pids_pid=$!
fi
if [ "$smp" = 1 ]; then
	"$DMIO_ROOT/scripts/run-qemu.sh" -k "$img" -m "$STAGE" -t "$TIMEOUT" -c "$CPUS" \
		-i bench/init.sh "$RUN" "${params[@]}"
else
	"$DMIO_ROOT/scripts/run-uml.sh" -k "$B" -m "$STAGE" -t "$TIMEOUT" \
		-i "$STAGE/bench/init.sh" "$RUN" "${params[@]}"
fi
rc=$?
if [ -n "$perf_pid" ]; then
	kill "$pids_pid" 2>/dev/null
	kill -INT "$perf_pid" 2>/dev/null
	wait "$perf_pid" "$pids_pid"
fi
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/host.txt"
step "bench: the guest exited with status $rc after $(($(date +%s) - t0)) s"
status=$(sed -n 's/^status=//p' "$RUN/guest/summary" 2>/dev/null | tail -1)
if [ "$rc" != 0 ] || [ "$status" != complete ]; then
	echo "--- last console lines ($RUN/console.log):"
	tail -n 25 "$RUN/console.log" 2>/dev/null | sed 's/^/    /'
	die "the benchmark guest did not finish (exit $rc, status '${status:-none}')"
fi

# --- 4. report -----------------------------------------------------------------------------------
report
rc=$?
if [ -n "$perf_pid" ]; then
	python3 "$DMIO_ROOT/bench/perf-report.py" --run "$RUN" --linux "$B/linux" >"$OUT/profile.txt" &&
		{ echo; echo "profile of the UML process by guest symbol ($OUT/profile.txt):"; head -60 "$OUT/profile.txt"; }
fi
exit $rc
