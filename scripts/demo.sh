#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": show dm-io doing its job.  Sets up like "make check"
# (sharing its cached test kernel), builds dm-io.ko and the iomirror target,
# boots the UML kernel with tests/uml/demo-init.sh, and prints the narrated
# session: a 2-leg mirror written, one leg failing, recovered, verified.
# Ends with a one-line verdict; exits non-zero if any step failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DMIO_ROOT" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH KDIR O M

OUT=$DMIO_ROOT/build/demo
STAGE=$OUT/src

need_root
step "demo: preparing (packages, test kernel, modules)"
"$DMIO_ROOT/scripts/ensure-deps.sh" || die "could not install the dependencies"
B=$("$DMIO_ROOT/scripts/uml-kernel.sh") || die "could not build the test kernel"

rm -rf "$OUT/guest" "$OUT/console.log" "$OUT/console.raw"
mkdir -p "$OUT/guest"
log=$OUT/build.log
step "demo: building dm-io.ko and targets/dm-iomirror.ko for the test kernel (log: ${log#"$DMIO_ROOT"/})"
stage_sources "$STAGE" || die "cannot copy the sources to $STAGE"
if ! make -C "$STAGE" -j"$(nproc)" KDIR="$B" ARCH=um targets >"$log" 2>&1; then
	tail -20 "$log" >&2
	die "the build failed, see $log"
fi

step "demo: booting the test kernel (console: ${OUT#"$DMIO_ROOT"/}/console.log)"
"$DMIO_ROOT/scripts/run-uml.sh" -k "$B" -m "$STAGE" -t 300 \
	-i "$DMIO_ROOT/tests/uml/demo-init.sh" "$OUT"
rc=$?
if [ -s "$OUT/guest/demo.txt" ]; then
	sed 's/^DEMO: //' "$OUT/guest/demo.txt"
fi
verdict=$(cat "$OUT/guest/verdict" 2>/dev/null)
if [ "$rc" != 0 ] || [ -z "$verdict" ]; then
	echo "--- last console lines ($OUT/console.log):"
	tail -n 25 "$OUT/console.log" 2>/dev/null | sed 's/^/    /'
	echo "demo: FAILED: the test kernel did not finish the demo (exit $rc)"
	exit 1
fi
if [ "$verdict" = pass ]; then
	echo "demo: PASSED: every step did what it said"
	exit 0
fi
echo "demo: FAILED: ${verdict#fail } step(s) did not do what they said (see above)"
exit 1
