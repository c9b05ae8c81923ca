#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-uml.sh - boot the UML test kernel once with tests/uml/init.sh as PID 1.
#
# usage: run-uml.sh [-k KERNEL_BUILD_DIR] [-m MODDIR] [-t TIMEOUT] [-i INIT] OUTDIR [KERNEL-PARAM...]
#
#   -i  the guest's PID 1 (default tests/uml/init.sh; the benchmark has its own)
#   -k  UML build dir (default: scripts/uml-kernel.sh, i.e. the cached one)
#   -m  dir with dm-io.ko and tests/kunit/dm-io-test.ko built for it
#       (default: build/uml, what "make check" built)
#   -t  seconds before the guest is killed (default $DMIO_UML_TIMEOUT or 900)
#
# Writes OUTDIR/console.raw (as UML printed it), OUTDIR/console.log (CR
# removed) and the guest's results in OUTDIR/guest/ (see tests/uml/init.sh).
# Exit status is UML's: 0 = clean poweroff, 124 = timeout, 134 = guest panic.
# scripts/check.sh uses this; it is also the quick way to rerun the guest
# after "make check" built everything:  scripts/run-uml.sh build/try
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [-k KERNEL_BUILD_DIR] [-m MODDIR] [-t TIMEOUT] [-i INIT] OUTDIR [KERNEL-PARAM...]"
opt_k='' opt_m=$DMIO_ROOT/build/uml opt_t=${DMIO_UML_TIMEOUT:-900}
opt_i=$DMIO_ROOT/tests/uml/init.sh
guest_getopts k:m:t:i: "$@" || die "$usage"
shift $((OPTIND - 1))
OUT=$(guest_outdir "${1:-}") || die "$usage"
shift
B=$opt_k MODDIR=$opt_m TIMEOUT=$opt_t
INIT=$(cd "$(dirname "$opt_i")" && pwd)/$(basename "$opt_i")

[ -n "$B" ] || B=$("$DMIO_ROOT/scripts/uml-kernel.sh") || die "no UML kernel"
[ -x "$B/linux" ] || die "$B/linux: no UML kernel there"
MODDIR=$(cd "$MODDIR" 2>/dev/null && pwd) || die "no module dir $MODDIR"
[ -x "$INIT" ] || chmod +x "$INIT" 2>/dev/null || die "$INIT is not executable"
# The kernel command line cannot quote.
for p in "$OUT" "$MODDIR" "$INIT"; do
	case $p in *[[:space:]]*) die "path with white space: '$p'" ;; esac
done

# hung_task_panic=1: a deadlocked test ends the run after 60-180 s (the
# blocked tasks' stacks are printed first) instead of running into the
# timeout.  Unknown NAME=value parameters reach init as environment.
# umid: UML keeps a pid file and the mconsole socket in ~/.uml/<umid>/ and
# leaves it behind when the guest dies; this run removes its own afterwards.
umid=dmio-$$
# log_buf_len: UML's defconfig keeps 16 KiB of kernel log, which the debug
# kernel's boot alone nearly fills; tests that read dmesg need all of it.
cmdline=(mem=768M root=/dev/root rootfstype=hostfs rw "init=$INIT" "umid=$umid"
	 brd.rd_nr=4 brd.rd_size=32768 con=null "con0=fd:0,fd:1"
	 hung_task_panic=1 log_buf_len=4M
	 "DMIO_OUT=$OUT/guest" "DMIO_MODDIR=$MODDIR")
[ -z "${DMIO_SELFTEST_TIMEOUT:-}" ] ||
	cmdline+=("DMIO_SELFTEST_TIMEOUT=$DMIO_SELFTEST_TIMEOUT")
cmdline+=("$@")

# TMPDIR: UML backs the guest's memory with a file there (/dev/shm may be
# too small).
TMPDIR=/tmp run_guest "$OUT" "$TIMEOUT" "$B/linux" "${cmdline[@]}"
rc=$?
[ -z "${HOME:-}" ] || rm -rf "$HOME/.uml/$umid"
[ "$guest_interrupted" = 0 ] || die "interrupted"
exit "$rc"
