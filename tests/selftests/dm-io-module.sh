#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dm-io-module.sh - module-level behaviour of dm-io.ko seen from user space:
#  - the 8 API functions are exported (text symbols of [dm_io] in
#    /proc/kallsyms, __ksymtab_<name> in dm-io.ko);
#  - dm_io_test depends on dm_io: "rmmod dm_io" fails while it is loaded;
#  - after "rmmod dm_io_test", "rmmod dm_io" works, and so does a second
#    insmod + rmmod cycle;
#  - dm-io-test.ko does not load without dm_io (unknown symbols), cleanly.
#
# Needs root and DMIO_MODDIR (dm-io.ko, tests/kunit/dm-io-test.ko built for
# the running kernel; default: the source tree).  Module state, see lib.sh:
# on entry dm_io is loaded (loaded here if not), dm_io_test is loaded here if
# the KUnit phase did not leave it loaded (its KUnit suites then run again;
# their results are not counted here); on exit dm_io is loaded and
# dm_io_test is not.

cd "$(dirname "$0")" || exit 1
. ./lib.sh

MODDIR=${DMIO_MODDIR:-$(cd ../.. && pwd)}
LIB_KO=$MODDIR/dm-io.ko
TEST_KO=$MODDIR/tests/kunit/dm-io-test.ko
SYMS="dm_io_get dm_io_put dm_io_sync dm_io_async dm_io_sync_bvec dm_io_async_bvec dm_io_sync_vm dm_io_async_vm"

tap_header
[ "$(id -u)" = 0 ] || tap_skip_all "needs root"
[ -f "$LIB_KO" ] || tap_skip_all "no $LIB_KO (set DMIO_MODDIR)"
[ -f "$TEST_KO" ] || tap_skip_all "no $TEST_KO (set DMIO_MODDIR)"
[ -r /proc/kallsyms ] || tap_skip_all "no /proc/kallsyms"
for t in insmod rmmod nm dmesg; do
	command -v $t >/dev/null || tap_skip_all "$t not found"
done

tap_plan 16

# Starting state: both modules loaded.
if ! mod_loaded dm_io; then
	tap_diag "dm_io not loaded on entry: loading $LIB_KO"
	tap_run insmod "$LIB_KO" || tap_bail "cannot load $LIB_KO"
fi
if ! mod_loaded dm_io_test; then
	tap_diag "dm_io_test not loaded on entry: loading $TEST_KO (its KUnit suites run again)"
	tap_run insmod "$TEST_KO" || tap_bail "cannot load $TEST_KO"
fi

# 1-8: exports.  In 6.1 /proc/kallsyms upper-cases a module's symbol only
# for plain EXPORT_SYMBOL (is_exported() searches mod->syms, not gpl_syms),
# so an EXPORT_SYMBOL_GPL function shows as 't': require a text symbol of
# [dm_io] there, and the export entry __ksymtab_<name> in dm-io.ko.
ksyms=$(nm "$LIB_KO" 2>/dev/null | awk '{ print $NF }')
for s in $SYMS; do
	kall=$(awk -v s="$s" '$3 == s && $4 == "[dm_io]" { print $2; exit }' /proc/kallsyms)
	ksymtab=$(printf '%s\n' "$ksyms" | grep -cx "__ksymtab_$s")
	case $kall in
	t|T) ;;
	*) kall= ;;
	esac
	if [ -n "$kall" ] && [ "$ksymtab" -ge 1 ]; then
		tap_ok "$s is exported by dm_io"
	else
		tap_diag "$s: /proc/kallsyms text symbol of [dm_io]: ${kall:-none}; __ksymtab_$s in dm-io.ko: $ksymtab"
		tap_fail "$s is exported by dm_io"
	fi
done

# 9: the dependency is visible in sysfs.
refcnt=$(cat /sys/module/dm_io/refcnt 2>/dev/null)
if [ -e /sys/module/dm_io/holders/dm_io_test ] && [ "${refcnt:-0}" -ge 1 ]; then
	tap_ok "dm_io_test holds dm_io (refcnt $refcnt)"
else
	tap_diag "holders: $(ls /sys/module/dm_io/holders 2>/dev/null | tr '\n' ' ') refcnt: ${refcnt:-?}"
	tap_fail "dm_io_test holds dm_io"
fi

# 10: dm_io cannot go away under its user.
if tap_run rmmod dm_io; then
	tap_fail "rmmod dm_io fails while dm_io_test is loaded (it succeeded)"
	tap_run insmod "$LIB_KO"   # best effort, so the rest can run
elif mod_loaded dm_io; then
	tap_ok "rmmod dm_io fails while dm_io_test is loaded"
else
	tap_fail "rmmod dm_io fails while dm_io_test is loaded (failed, but dm_io is gone)"
fi

# 11-12: orderly unload.
tap_rmmod dm_io_test "rmmod dm_io_test"
tap_rmmod dm_io "rmmod dm_io after dm_io_test is gone"

# 13: the test module needs dm_io.
if mod_loaded dm_io; then
	tap_skip "insmod dm-io-test.ko fails without dm_io" "dm_io is still loaded"
else
	tap_insmod_without_dm_io "$(klog_mark)" "$TEST_KO" dm_io_test
fi

# 14-15: a second load/unload cycle.
if mod_loaded dm_io; then
	tap_skip "second insmod dm-io.ko" "dm_io is still loaded"
	tap_skip "second rmmod dm_io" "dm_io is still loaded"
else
	if tap_run insmod "$LIB_KO" && mod_loaded dm_io; then
		tap_ok "second insmod dm-io.ko"
		tap_rmmod dm_io "second rmmod dm_io"
	else
		tap_fail "second insmod dm-io.ko"
		tap_skip "second rmmod dm_io" "not loaded"
	fi
fi

# 16: leave dm_io loaded for whatever runs next (see lib.sh).
if mod_loaded dm_io || { tap_run insmod "$LIB_KO" && mod_loaded dm_io; }; then
	tap_ok "dm_io loaded again for the next test"
else
	tap_fail "dm_io loaded again for the next test"
fi

tap_finish
