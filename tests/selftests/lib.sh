# SPDX-License-Identifier: GPL-2.0
#
# Tiny TAP 13 helpers for the kselftest-style scripts in this directory
# (POSIX sh: the scripts run under dash as root inside the UML test guest, and
# can be run by hand on a test machine too).  Source it, do not run it:
#
#     . "$(dirname "$0")/lib.sh"
#     tap_header
#     tap_plan 3
#     tap_ok "first check"
#     if cmd; then tap_ok "second"; else tap_fail "second"; fi
#     tap_result "third: cmd succeeds" cmd arg...
#     tap_finish                # prints "# Totals: ..." and exits 0/1/4
#
# Output follows tools/testing/selftests/kselftest.h: "TAP version 13", a
# plan "1..N", "ok N desc" / "not ok N desc", "ok N desc # SKIP reason",
# diagnostics "# ...", "# Totals: pass:P fail:F xfail:0 xpass:0 skip:S
# error:0"; a whole-file skip is "1..0 # SKIP reason".  Exit codes:
# 0 = pass, 1 = fail, 4 = skip (KSFT_PASS, KSFT_FAIL, KSFT_SKIP).
#
# How tests/uml/init.sh runs these scripts (the contract):
#  * every *executable* tests/selftests/*.sh, in ls order, as root, with
#    `timeout` ("timeout=N" in tests/selftests/settings, 300 s; else 120 s),
#    stdin /dev/null, cwd tests/selftests/, stdout+stderr captured;
#  * environment: DMIO_MODDIR = directory holding dm-io.ko (and
#    tests/kunit/dm-io-test.ko) built for the running kernel; DMIO_SCRATCH =
#    a writable tmpfs directory; DM_DISABLE_UDEV=1; the test devices of
#    tests/uml/devices.md exist;
#  * on entry dm_io is loaded; dm_io_test is loaded too when the KUnit phase
#    left it loaded (the first script sees it loaded; check /sys/module/dm_io_test
#    rather than assuming);
#  * on exit dm_io must be loaded again (init.sh reports a failure and
#    reloads it otherwise); dm_io_test may be left loaded or not.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TAP_NUM=0
TAP_PASS=0
TAP_FAIL=0
TAP_SKIP=0
TAP_PLAN=

tap_header() {
	echo "TAP version 13"
}

# tap_plan N
tap_plan() {
	TAP_PLAN=$1
	echo "1..$1"
}

# tap_diag MSG...: a diagnostic line
tap_diag() {
	echo "# $*"
}

tap_ok() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_NUM $*"
}

tap_fail() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_NUM $*"
}

# tap_skip DESC REASON
tap_skip() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_NUM $1 # SKIP $2"
}

# tap_check DESC COND: pass when COND (0/1 or true/false exit status) is 0
tap_check() {
	if [ "$2" -eq 0 ]; then tap_ok "$1"; else tap_fail "$1"; fi
}

# tap_result DESC CMD [ARGS...]: pass iff CMD succeeds; its output becomes
# diagnostics
tap_result() {
	_tap_desc=$1
	shift
	_tap_out=$("$@" 2>&1)
	_tap_rc=$?
	[ -z "$_tap_out" ] || printf '%s\n' "$_tap_out" | sed 's/^/# /'
	if [ "$_tap_rc" -eq 0 ]; then tap_ok "$_tap_desc"; else tap_fail "$_tap_desc (exit $_tap_rc)"; fi
}

# tap_skip_all REASON: the whole script is skipped (exit 4)
tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# tap_bail MSG: abort the whole script as failed
tap_bail() {
	echo "Bail out! $*"
	tap_totals
	exit $KSFT_FAIL
}

tap_totals() {
	echo "# Totals: pass:$TAP_PASS fail:$TAP_FAIL xfail:0 xpass:0 skip:$TAP_SKIP error:0"
}

# tap_finish: totals, then exit 1 if anything failed or the plan was not
# met, 4 if everything was skipped, else 0
tap_finish() {
	tap_totals
	if [ -n "$TAP_PLAN" ] && [ "$TAP_NUM" -ne "$TAP_PLAN" ]; then
		echo "# planned $TAP_PLAN tests but ran $TAP_NUM"
		exit $KSFT_FAIL
	fi
	[ "$TAP_FAIL" -eq 0 ] || exit $KSFT_FAIL
	if [ "$TAP_PASS" -eq 0 ] && [ "$TAP_SKIP" -gt 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# tap_run CMD...: run, copy its output as diagnostics, return its status
tap_run() {
	_tap_out=$("$@" 2>&1)
	_tap_rc=$?
	[ -z "$_tap_out" ] || printf '%s\n' "$_tap_out" | sed "s|^|# $1: |"
	return $_tap_rc
}

# klog_mark: write a unique marker line into the kernel log, print its id;
# klog_since ID: the kernel log lines after that marker.  (Not a line
# count: the log buffer wraps, the count stops growing.)
klog_mark() {
	_klog_m=$(cat /proc/sys/kernel/random/uuid)
	echo "dm-io-selftest: mark $_klog_m" > /dev/kmsg
	echo "$_klog_m"
}

klog_since() {
	dmesg 2>/dev/null | sed -n "/dm-io-selftest: mark $1\$/,\$p" | tail -n +2
}

# mod_loaded NAME: the module NAME is in the kernel
mod_loaded() { [ -d "/sys/module/$1" ]; }

# tap_rmmod NAME DESC: "ok DESC" if rmmod NAME unloads the module; else
# its holders as diagnostics and "not ok DESC"
tap_rmmod() {
	if tap_run rmmod "$1" && ! mod_loaded "$1"; then
		tap_ok "$2"
	else
		tap_diag "holders of $1: $(ls "/sys/module/$1/holders" 2>/dev/null | tr '\n' ' ')"
		tap_fail "$2"
	fi
}

# tap_insmod_without_dm_io MARK KO NAME: "ok" if insmod KO (module NAME)
# fails, with "Unknown symbol dm_io_*" in the kernel log since MARK; a
# module that loads anyway is unloaded again.  dm_io must be unloaded.
tap_insmod_without_dm_io() {
	_tap_desc="insmod ${2##*/} fails without dm_io"
	if tap_run insmod "$2"; then
		tap_fail "$_tap_desc (it loaded)"
		tap_run rmmod "$3"
	elif mod_loaded "$3"; then
		tap_fail "$_tap_desc (failed, but the module is present)"
	else
		_tap_n=$(klog_since "$1" | grep -c "$3: Unknown symbol dm_io_")
		if [ "$_tap_n" -gt 0 ]; then
			tap_ok "$_tap_desc ($_tap_n unknown dm_io_* symbols)"
		else
			tap_diag "kernel log since insmod:"
			klog_since "$1" | sed 's/^/#   /'
			tap_fail "$_tap_desc: no 'Unknown symbol dm_io_*' in the kernel log"
		fi
	fi
}

# The kernel reports no test may cause: an oops, BUG, WARNING, a general
# protection fault, a panic.  A caller may refuse more (KLOG_REPORTS|...).
KLOG_REPORTS='(^|[^[:alnum:]_])BUG:|WARNING:|Oops|general protection|Kernel panic'

# tap_klog_clean MARK DESC [PATTERN]: "ok DESC" if no kernel log line since
# MARK matches PATTERN (an ERE, default $KLOG_REPORTS); else the matching
# lines as diagnostics and "not ok DESC"
tap_klog_clean() {
	_klog_hits=$(klog_since "$1" | grep -E -A8 "${3:-$KLOG_REPORTS}")
	if [ -z "$_klog_hits" ]; then
		tap_ok "$2"
	else
		printf '%s\n' "$_klog_hits" | head -30 | sed 's/^/#   /'
		tap_fail "$2"
	fi
}
