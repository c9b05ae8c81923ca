#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the whole test suite ("make check"), as root on Debian bookworm:
#
#  1. install what is missing (scripts/ensure-deps.sh), build or reuse the
#     UML test kernel (scripts/uml-kernel.sh);
#  2. build dm-io.ko + tests/kunit/dm-io-test.ko for UML in a staging copy
#     (build/uml/);
#  3. build dm-io.ko for Debian's x86-64 6.1 kernel headers in build/x86_64/:
#     no compiler warnings allowed, it must export the 8 API functions.  (Not
#     the KUnit module: Debian's kernel has no CONFIG_KUNIT, so it cannot
#     link there -- modpost: kunit_* undefined);
#  4. boot UML with tests/uml/init.sh as PID 1 (KUnit, then the kselftests in
#     tests/selftests/), results in build/check/;
#  5. parse the KUnit KTAP (kunit.py parse), the selftests' TAP and the guest
#     checks, grep the console for kernel reports.
#
# Prints progress lines and TAP lines for its own host checks; the last line
# is "N passed, N failed[, N skipped]" (KUnit cases + selftest cases + guest
# checks + host checks).  Exit status 0 only when nothing failed.
#
# Environment: DMIO_UML_TIMEOUT (seconds, default 900), DMIO_SELFTEST_TIMEOUT
# (per selftest inside the guest), DMIO_REPORT_ALLOW (extended regex of
# console lines not to count as kernel reports), DMIO_CACHE (see lib.sh).

set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DMIO_ROOT" || exit 1

# Nothing from a calling make or the user's shell may leak into the builds.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE \
	KBUILD_OUTPUT KBUILD_EXTRA_SYMBOLS KBUILD_EXTMOD KDIR O M
export LC_ALL=C

UML_TIMEOUT=${DMIO_UML_TIMEOUT:-900}
API_SYMS=(dm_io_get dm_io_put dm_io_sync dm_io_async dm_io_sync_bvec
	  dm_io_async_bvec dm_io_sync_vm dm_io_async_vm)
REPORT_RE='(^|[^[:alnum:]_])BUG:|WARNING:|Oops|Kernel panic|general protection|unreferenced object|possible circular locking|inconsistent lock state|possible recursive locking|INFO: task .* blocked|KASAN'
REPORT_ALLOW=${DMIO_REPORT_ALLOW:-}

OUT=$DMIO_ROOT/build/check
GUEST=$OUT/guest
STAGE_UML=$DMIO_ROOT/build/uml
STAGE_X86=$DMIO_ROOT/build/x86_64

PASS=0
FAIL=0
SKIP=0
HOST_N=0
FAILED=()

host_ok() {
	HOST_N=$((HOST_N + 1))
	PASS=$((PASS + 1))
	echo "ok $HOST_N - $*"
}

host_fail() {
	HOST_N=$((HOST_N + 1))
	FAIL=$((FAIL + 1))
	FAILED+=("host: $*")
	echo "not ok $HOST_N - $*"
}

finish() {
	local line
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

case $DMIO_ROOT in
*[[:space:]]*)
	host_fail "the source path '$DMIO_ROOT' contains white space (it goes on the UML kernel command line)"
	finish ;;
esac

# --- 1. dependencies, test kernel -------------------------------------------
step "check: started in $DMIO_ROOT"
if ! "$DMIO_ROOT/scripts/ensure-deps.sh"; then
	host_fail "install the build and test dependencies (scripts/ensure-deps.sh)"
	finish
fi
if ! B=$("$DMIO_ROOT/scripts/uml-kernel.sh") || [ ! -x "$B/linux" ]; then
	host_fail "build the UML test kernel (scripts/uml-kernel.sh)"
	finish
fi
KSRC=$(ksrc_dir) || { host_fail "extract the kernel source"; finish; }

rm -rf "$OUT"
mkdir -p "$OUT" "$GUEST"

# --- 2./3. builds in staging copies ----------------------------------------
# stage DEST: a fresh copy of the sources (tracked + untracked, not ignored)
stage() {
	local dest=$1
	rm -rf "$dest" && mkdir -p "$dest" || return 1
	if git -C "$DMIO_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$DMIO_ROOT" ls-files -z -co --exclude-standard |
			while IFS= read -r -d '' f; do
				case $f in build/*) continue ;; esac
				if [ -f "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
			done |
			tar -C "$DMIO_ROOT" --null --no-recursion -T - -cf - |
			tar -C "$dest" -xf -
	else
		tar -C "$DMIO_ROOT" --exclude=./build --exclude=./.git \
			--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
			--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
			--exclude=Module.symvers --exclude=modules.order -cf - . |
			tar -C "$dest" -xf -
	fi
}

# build NAME DEST LOG TARGET MAKE-ARGS...: stage + make TARGET; 0 on success
build() {
	local name=$1 dest=$2 log=$3 target=$4 t0 ko
	shift 4
	t0=$(date +%s)
	step "build ($name): make -C ${dest#"$DMIO_ROOT"/} $* $target (log: ${log#"$DMIO_ROOT"/})"
	if ! stage "$dest"; then
		echo "cannot copy the sources to $dest" >"$log"
		return 1
	fi
	make -C "$dest" -j"$(nproc)" "$@" "$target" >"$log" 2>&1 || return 1
	for ko in dm-io.ko ${BUILD_TESTS_KO:+tests/kunit/dm-io-test.ko}; do
		if [ ! -f "$dest/$ko" ]; then
			echo "make succeeded but $ko is missing" >>"$log"
			return 1
		fi
	done
	step "build ($name): done in $(($(date +%s) - t0)) s"
}

BUILD_TESTS_KO=1
if build UML "$STAGE_UML" "$OUT/build-uml.log" tests KDIR="$B" ARCH=um; then
	host_ok "UML build of dm-io.ko and tests/kunit/dm-io-test.ko"
else
	show_tail "$OUT/build-uml.log"
	host_fail "UML build of dm-io.ko and tests/kunit/dm-io-test.ko (log: $OUT/build-uml.log)"
	finish
fi

abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -1 |
	sed 's/^linux-headers-//; s/-amd64$//')
KDIR_X86=/usr/src/linux-headers-$abi-amd64
if [ -z "$abi" ] || [ ! -d "$KDIR_X86" ]; then
	host_fail "x86-64 build: cannot find the headers of linux-headers-amd64 (got '${abi:-nothing}')"
elif BUILD_TESTS_KO='' build x86-64 "$STAGE_X86" "$OUT/build-x86_64.log" modules KDIR="$KDIR_X86"; then
	host_ok "x86-64 build of dm-io.ko against linux-headers-$abi-amd64"
	warnings=$(grep -in 'warning:' "$OUT/build-x86_64.log" | grep -v 'Skipping BTF generation')
	if [ -z "$warnings" ]; then
		host_ok "x86-64 build without warnings"
	else
		printf '%s\n' "$warnings" | head -20 | sed 's/^/    /'
		host_fail "x86-64 build without warnings ($(printf '%s\n' "$warnings" | wc -l) warning lines, log: $OUT/build-x86_64.log)"
	fi
	ksyms=$(nm "$STAGE_X86/dm-io.ko" 2>/dev/null | awk '{ print $NF }')
	for s in "${API_SYMS[@]}"; do
		if printf '%s\n' "$ksyms" | grep -qx "__ksymtab_$s"; then
			host_ok "x86-64 dm-io.ko exports $s"
		else
			host_fail "x86-64 dm-io.ko exports $s"
		fi
	done
else
	show_tail "$OUT/build-x86_64.log"
	host_fail "x86-64 build of dm-io.ko against linux-headers-$abi-amd64 (log: $OUT/build-x86_64.log)"
fi

# --- 4. boot UML (scripts/run-uml.sh) ----------------------------------------
step "UML: booting $B/linux (timeout $UML_TIMEOUT s), console: ${OUT#"$DMIO_ROOT"/}/console.log"
t0=$(date +%s)
"$DMIO_ROOT/scripts/run-uml.sh" -k "$B" -m "$STAGE_UML" -t "$UML_TIMEOUT" "$OUT"
uml_rc=$?
step "UML: exited with status $uml_rc after $(($(date +%s) - t0)) s"
if [ ! -f "$OUT/console.log" ]; then
	host_fail "boot UML (scripts/run-uml.sh exit $uml_rc)"
	finish
fi

case $uml_rc in
0) host_ok "UML powered off cleanly" ;;
124) host_fail "UML powered off cleanly (timed out after $UML_TIMEOUT s)" ;;
134) host_fail "UML powered off cleanly (exit 134: kernel panic)" ;;
*) host_fail "UML powered off cleanly (exit status $uml_rc)" ;;
esac

sumval() { sed -n "s/^$1=//p" "$GUEST/summary" 2>/dev/null | tail -1; }
if [ "$(sumval status)" = complete ]; then
	host_ok "init.sh ran to the end"
else
	show_tail "$OUT/console.log" 30
	host_fail "init.sh ran to the end (status: $(sumval status || true))"
fi

reports=$(grep -nE "$REPORT_RE" "$OUT/console.log" |
	{ if [ -n "$REPORT_ALLOW" ]; then grep -vE "$REPORT_ALLOW"; else cat; fi })
if [ -z "$reports" ]; then
	host_ok "no kernel reports (BUG/WARNING/Oops/panic/lockdep/kmemleak/KASAN/hung task) in the console"
else
	echo "kernel reports in ${OUT#"$DMIO_ROOT"/}/console.log:"
	printf '%s\n' "$reports" | head -40 | sed 's/^/    /'
	host_fail "no kernel reports in the console ($(printf '%s\n' "$reports" | wc -l) lines)"
fi

# --- 5. results ----------------------------------------------------------------
# KUnit: the KUNIT-BEGIN..KUNIT-END slice of the console is one KTAP document.
marker='^(\[ *[0-9]+\.[0-9]+\] )?'
sed -nE "/${marker}KUNIT-BEGIN\$/,/${marker}KUNIT-END\$/p" "$OUT/console.log" >"$OUT/kunit.ktap"
fix=$(sumval kunit_plan_fixup)
[ -z "$fix" ] || sed -i -E "0,/${marker}1\\.\\.0\$/s//1..$fix/" "$OUT/kunit.ktap"
plan=$(sumval kunit_suites_expected)
python3 "$KSRC/tools/testing/kunit/kunit.py" parse --json="$OUT/kunit.json" \
	"$OUT/kunit.ktap" >"$OUT/kunit-parse.txt" 2>&1
kunit_rc=$?
kcounts=$(python3 - "$OUT/kunit.json" 2>/dev/null <<'EOF'
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
	show_tail "$OUT/kunit-parse.txt" 15
	host_fail "KUnit: kunit.py parse wrote no results (${OUT#"$DMIO_ROOT"/}/kunit-parse.txt)"
else
	PASS=$((PASS + kp))
	FAIL=$((FAIL + kf))
	SKIP=$((SKIP + ks))
	while IFS= read -r l; do
		[ -n "$l" ] && FAILED+=("$l")
	done < <(tail -n +2 <<<"$kcounts")
	step "KUnit: $kn of ${plan:-?} planned suites, $((kp + kf + ks)) cases: $kp passed, $kf failed, $ks skipped ($(grep -o 'Testing complete.*' "$OUT/kunit-parse.txt" | tail -1))"
	if [ $((kp + kf + ks)) -eq 0 ]; then
		host_fail "KUnit: test cases ran (none found; ${OUT#"$DMIO_ROOT"/}/kunit-parse.txt)"
	elif [ $((kp + kf)) -eq 0 ]; then
		host_fail "KUnit: every case was skipped (nothing was tested)"
	elif [ "$kunit_rc" != 0 ] && [ "$kf" = 0 ]; then
		show_tail "$OUT/kunit-parse.txt" 15
		host_fail "KUnit: kunit.py parse exit $kunit_rc without a failed case"
	fi
fi

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
				FAILED+=("$2: $line")
			fi ;;
		esac
	done <"$1"
}

# Guest checks (devices, fault injection, module load/unload).
if [ -f "$GUEST/guest.tap" ]; then
	parse_tap "$GUEST/guest.tap" guest
	if [ "$tplan" != "$tn" ]; then
		tf=$((tf + 1))
		FAILED+=("guest: checks incomplete (plan '${tplan}', ran $tn)")
	fi
	PASS=$((PASS + tp))
	FAIL=$((FAIL + tf))
	SKIP=$((SKIP + ts))
	step "guest checks (devices, fault injection, modules): $tp passed, $tf failed"
else
	host_fail "guest checks: no ${GUEST#"$DMIO_ROOT"/}/guest.tap"
fi

# Selftests: each one that should have run, by the TAP it printed.  A
# script (a *.sh with a #! line) that is not executable would be skipped
# silently by init.sh: that is a failure (lib.sh has no #! line).
for t in "$DMIO_ROOT"/tests/selftests/*.sh; do
	if [ -f "$t" ] && [ ! -x "$t" ] && head -c 2 "$t" | grep -q '^#!'; then
		host_fail "selftest $(basename "$t" .sh): not executable (git update-index --chmod=+x ${t#"$DMIO_ROOT"/})"
	fi
done
ran_list=" $(sumval selftests) "
for t in "$DMIO_ROOT"/tests/selftests/*.sh; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t" .sh)
	tap=$GUEST/selftests/$name.tap
	if [[ $ran_list != *" $name "* ]] || [ ! -f "$tap" ] || [ ! -f "$GUEST/selftests/$name.rc" ]; then
		host_fail "selftest $name: no result (did not run)"
		continue
	fi
	rc=$(cat "$GUEST/selftests/$name.rc")
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
		FAILED+=("selftest $name: $why")
	fi
	PASS=$((PASS + tp))
	FAIL=$((FAIL + tf))
	SKIP=$((SKIP + ts))
	step "selftest $name: $tp passed, $tf failed, $ts skipped (${why:-exit $rc})"
done

step "check: finished; logs in ${OUT#"$DMIO_ROOT"/}/ (console: ${OUT#"$DMIO_ROOT"/}/console.log)"
finish
