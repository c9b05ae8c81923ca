#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ab.sh - "make bench-ab BASE=<rev>": is the checkout's dm-io slower than
# dm-io at BASE?  Both run in the same test kernel with the same benchmark
# module and harness: dm-io's own sources (the library, the engine, the
# target, the benchmark module) are put back to BASE in the staged copy
# (bench/run.sh's BENCH_PATCH), the checkout is left alone.  Rounds
# alternate BASE and the checkout; then bench/ab-compare.py prints each
# case's vs_raw (median over the rounds) for both and the change, and
# flags a loss of more than AB_LIMIT percent.
#
# Code layout alone moves single cases by a few percent (benchmarks.rst):
# with AB_LAYOUTS=N, round r builds both sides with (r-1) mod N times 16
# bytes of padding before each object's code (bench/run.sh BENCH_PAD), so
# the medians are over N layouts of each side, not one.
#
# usage: BASE=<rev> bench/ab.sh
# Environment: AB_ROUNDS (default 2), AB_LIMIT (default 2), AB_LAYOUTS
# (default 1: no padding; 4 covers a 64-byte cache line; at most 256), and the
# BENCH_* options of bench/run.sh (default here: BENCH_FIO=0 BENCH_ALLOCS=0
# BENCH_MICRO=0 BENCH_CONTENDERS=ours,raw).  It needs an otherwise idle
# machine: under load the ratios move by far more than 2%; another
# benchmark is waited for (scripts/lib.sh bench_lock).  A round of the 90
# cases takes about 4 minutes per side on a 2-CPU host; BENCH_ONLY and
# BENCH_DEVS narrow it.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DMIO_ROOT" || exit 1

base=${BASE:?set BASE=<git revision> to compare against}
git rev-parse -q --verify "$base^{commit}" >/dev/null || die "BASE=$base is not a commit"
# at most 256: (N-1)*16 bytes of padding is BENCH_PAD's most, 4095
layouts=$(decimal "${AB_LAYOUTS:-1}" 1 256) ||
	die "AB_LAYOUTS=${AB_LAYOUTS:-}: a number of layouts, 1 to 256"
OUT=$DMIO_ROOT/build/bench-ab
bench_lock || die "cannot lock $DMIO_CACHE/bench.lock"
rm -rf "$OUT" && mkdir -p "$OUT" || die "cannot create $OUT"
git diff HEAD "$base" -- Kbuild dm-io*.c dm-io*.h dm_io_trace.h engine/ \
	scripts/dmio-compat.mk scripts/kbuild-cxx.mk targets/ bench/Kbuild \
	bench/dm-io-bench.c >"$OUT/base.patch" || die "git diff failed"
export BENCH_FIO=${BENCH_FIO:-0} BENCH_ALLOCS=${BENCH_ALLOCS:-0} \
	BENCH_MICRO=${BENCH_MICRO:-0} BENCH_CONTENDERS=${BENCH_CONTENDERS:-ours,raw} \
	BENCH_PUBLISH=0
step "bench-ab: $base against the checkout, ${AB_ROUNDS:-2} rounds, $layouts layout(s) (load average $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "${AB_ROUNDS:-2}"); do
	pad=$(((r - 1) % layouts * 16))
	for v in base head; do
		patch=
		[ $v = head ] || patch=$OUT/base.patch
		BENCH_OUT=$OUT/$v-$r BENCH_PATCH=$patch BENCH_PAD=$pad "$DMIO_ROOT/bench/run.sh" \
			>"$OUT/$v-$r.log" 2>&1 || die "the $v run of round $r failed, see $OUT/$v-$r.log"
		step "bench-ab: round $r, $v done (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	done
done
python3 "$DMIO_ROOT/bench/ab-compare.py" --limit "${AB_LIMIT:-2}" \
	"$OUT"/base-*/results.json -- "$OUT"/head-*/results.json | tee "$OUT/compare.txt"
