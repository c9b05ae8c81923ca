#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iomirror-failnth.sh - every allocation failure in the iomirror constructor
# path is handled:
#  - for N = 1, 2, ... 400, then every 8th N (at most 60 s):
#    DM_DEV_CREATE, then /proc/thread-self/fail-nth = N
#    armed right before the DM_TABLE_LOAD ioctl of a 2-leg iomirror table
#    (so the N-th fault-injectable allocation of that ioctl fails: dm core,
#    the target's constructor, dm_get_device(), its mempool and workqueue,
#    dm_io_get()), then DM_DEV_REMOVE; until N is past the last allocation;
#  - every load fails cleanly or succeeds (a failure absorbed by a fallback),
#    nothing is left behind (devices, module references, holders on the
#    legs), no kernel report, the target works afterwards;
#  - dm_io_get()/dm_io_put() stayed balanced: dm_io unloads without
#    "pages still reserved" (then it is loaded again).
#
# fail-nth counts allocations only while failslab and fail_page_alloc have
# ignore-gfp-wait=N (tests/uml/init.sh sets that).  The ioctls come from a
# small python3 program, so nothing but the ioctl runs between arming and
# the load (arming before "exec dmsetup" fails exec instead).
#
# Needs root, python3, CONFIG_FAULT_INJECTION (/proc/self/fail-nth),
# dmsetup, losetup, DMIO_MODDIR with dm-io.ko and targets/dm-iomirror.ko.
# Module state (lib.sh contract): dm_io_test is unloaded here if loaded; on
# exit dm_io is loaded, dm_iomirror is not.

cd "$(dirname "$0")" || exit 1
. ./lib.sh
. ./iomirror-lib.sh

[ -e /proc/self/fail-nth ] || { tap_header; tap_skip_all "no /proc/self/fail-nth (CONFIG_FAULT_INJECTION)"; }
PY=$(command -v python3)
[ -n "$PY" ] || { tap_header; tap_skip_all "python3 not found"; }
for f in failslab fail_page_alloc; do
	v=$(cat /sys/kernel/debug/$f/ignore-gfp-wait 2>/dev/null)
	[ "$v" = N ] || { tap_header; tap_skip_all "$f ignore-gfp-wait is '$v', not N: fail-nth would skip sleeping allocations"; }
done
iom_init failnth 32

tap_plan 7

A=$(iom_loop a 4) && B=$(iom_loop b 4) || tap_bail "cannot set up loop devices"
refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null; }
holders() {
	for _h in "$A" "$B"; do
		ls "/sys/block/${_h#/dev/}/holders"
	done 2>/dev/null | tr '\n' ' '
}
base=$(refcnt dm_iomirror)

cat > failnth.py <<'EOF'
# failnth.py NAME SECTORS TYPE PARAMS SECONDS: fail-nth sweep of one
# DM_TABLE_LOAD
import errno, fcntl, os, struct, sys, time

name, length, ttype, params = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
DM_IOCTL_SIZE = 312
def iowr(nr):
    return (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xfd << 8) | nr
DEV_CREATE, DEV_REMOVE, TABLE_LOAD = iowr(3), iowr(4), iowr(9)

def header(data_size, target_count=0):
    # version[3] data_size data_start target_count open_count flags
    # event_nr padding dev name[128] uuid[129] data[7]
    return bytearray(struct.pack("=3IIIIiIIIQ128s129s7s", 4, 0, 0, data_size,
                                 DM_IOCTL_SIZE, target_count, 0, 0, 0, 0, 0,
                                 name.encode(), b"", b""))

p = params.encode() + b"\0"
p += b"\0" * (-len(p) % 8)
spec = struct.pack("=QQiI16s", 0, length, 0, 0, ttype.encode())
load = header(DM_IOCTL_SIZE + len(spec) + len(p), 1) + spec + p
plain = header(DM_IOCTL_SIZE)
ctl = os.open("/dev/mapper/control", os.O_RDWR)
nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)

def ioctl(req, buf):
    try:
        fcntl.ioctl(ctl, req, buf, True)
        return 0
    except OSError as e:
        return e.errno

# Every n up to DENSE, then every STRIDE-th (past the first few hundred
# allocations come mostly the 1000+ objects dm_io_get() adds to dm-io's
# request reserve, one call site in a loop); stop at the deadline so a slow
# (sanitizer) kernel stays inside the selftest timeout.
DENSE, STRIDE, DEADLINE = 400, 8, time.monotonic() + float(sys.argv[5])
tried = failed = 0
errs = {}
n = 1
partial = False
while n <= 5000:
    if time.monotonic() > DEADLINE:
        partial = True
        break
    if ioctl(DEV_CREATE, bytearray(plain)):
        print("# DM_DEV_CREATE failed at n=%d" % n)
        sys.exit(2)
    buf = bytearray(load)
    # fail-nth cannot seek: a fresh fd per read, opened before arming
    rd = os.open("/proc/thread-self/fail-nth", os.O_RDONLY)
    os.write(nth, b"%d" % n)
    r = ioctl(TABLE_LOAD, buf)
    left = int(os.read(rd, 32) or b"0")
    if left:
        os.write(nth, b"0")
    os.close(rd)
    e = ioctl(DEV_REMOVE, bytearray(plain))
    if e:
        print("# DM_DEV_REMOVE failed at n=%d: %s" % (n, errno.errorcode.get(e, e)))
        sys.exit(2)
    if left:			# nothing injected: past the last allocation
        if r:
            print("# load failed without an injected failure at n=%d: %s" % (n, errno.errorcode.get(r, r)))
            sys.exit(2)
        break
    tried += 1
    if r:
        failed += 1
        errs[errno.errorcode.get(r, str(r))] = errs.get(errno.errorcode.get(r, str(r)), 0) + 1
    n += 1 if n < DENSE else STRIDE
else:
    print("# more than 5000 injection points?")
    sys.exit(2)
print("sweep: %s, %d loads with a failed allocation: %d failed, %d absorbed; errors %s" % (
      "stopped at the deadline after n=%d" % (n - 1) if partial else
      "all of n=1..%d (every n to %d, then every %dth)" % (n - 1, DENSE, STRIDE),
      tried, failed, tried - failed,
      ",".join("%s:%d" % kv for kv in sorted(errs.items())) or "none"))
EOF

# Keep an identical table loaded during the sweep: the dm biosets of the
# swept table then find their bio slab cache ("bio-<size>", sized by the
# target's per-bio data) already there instead of creating it.  Linux 6.1's
# sysfs_slab_add() leaks the cache's name when kobject_init_and_add() fails
# (no kobject_put()): a kernel bug, not the target's, that kmemleak would
# report after a sweep through kmem_cache_create().
iom_dm iomt_fnhold "0 4096 iomirror 2 $A 0 $B 0" || tap_bail "cannot create iomt_fnhold"

mark=$(klog_mark)
t0=$(date +%s)
# python3 in the background so that a timeout's TERM reaches it (cleanup).
IOM_DMS="iomt_fn $IOM_DMS"
"$PY" failnth.py iomt_fn 4096 iomirror "2 $A 0 $B 0" 60 > failnth.out 2>&1 &
iom_bg $!
wait $!
rc=$?
out=$(cat failnth.out)
t1=$(date +%s)
if [ $rc = 0 ]; then
	printf '%s\n' "$out" | grep '^#'
else
	printf '%s\n' "$out" | sed 's/^/# /'
fi
res=$(printf '%s\n' "$out" | grep '^sweep: ')
case $res in
*" 0 loads with"*) rc=3 ;;
esac
if [ $rc = 0 ] && [ -n "$res" ]; then
	tap_ok "fail-nth sweep of a 2-leg table load in $((t1 - t0)) s: $res"
else
	tap_fail "fail-nth sweep of a 2-leg table load (exit $rc): $res"
fi

# Which constructor error paths the sweep went through:
klog_since "$mark" | sed -n 's/.*device-mapper: table: [0-9:]*: \(.*\)/\1/p' |
	sed 's/ (-E[A-Z]*)$//' | sort | uniq -c | sed 's/^ */#   /'

iom_dm_remove iomt_fnhold || tap_diag "cannot remove iomt_fnhold"
left=
iom_exists iomt_fn && { left="$left device"; dmsetup remove iomt_fn >/dev/null 2>&1; }
[ "$(refcnt dm_iomirror)" = "$base" ] || left="$left refcnt=$(refcnt dm_iomirror)"
[ -z "$(holders)" ] || left="$left holders:$(holders)"
if [ -z "$left" ]; then
	tap_ok "after the sweep: no device, dm_iomirror refcnt $base, no holders on the legs"
else
	tap_fail "after the sweep: left behind:$left"
fi

tap_klog_clean "$mark" "no kernel report during the sweep"

iom_pattern pat1 1
if iom_dm iomt_fn "0 2048 iomirror 2 $A 0 $B 0" && iom_fill /dev/mapper/iomt_fn 0 2048 pat1 >/dev/null &&
   [ "$(iom_sum "$B" 0 2048)" = "$(md5sum < pat1 | cut -d' ' -f1)" ] && iom_dm_remove iomt_fn; then
	tap_ok "the target works after the sweep"
else
	tap_fail "the target works after the sweep"
fi

# dm_io_get()/dm_io_put() balance: dm_io warns at unload when pages are
# still reserved, and on a put of more than was got.
mod_loaded dm_io_test && tap_run rmmod dm_io_test
mark=$(klog_mark)
if tap_run rmmod dm_iomirror && tap_run rmmod dm_io; then
	if klog_since "$mark" | grep -qE 'dm-io: (unloaded with|dm_io_put)'; then
		klog_since "$mark" | grep -E 'dm-io:' | sed 's/^/#   /'
		tap_fail "dm_io_get()/dm_io_put() balanced: dm_io unloads without a reservation warning"
	else
		tap_ok "dm_io_get()/dm_io_put() balanced: dm_io unloads without a reservation warning"
	fi
else
	tap_skip "dm_io_get()/dm_io_put() balanced" "cannot unload dm_iomirror and dm_io (holders: $(ls /sys/module/dm_io/holders 2>/dev/null | tr '\n' ' '))"
fi
if { mod_loaded dm_io || tap_run insmod "$IOM_LIB_KO"; } && mod_loaded dm_io; then
	tap_ok "dm_io loaded again"
else
	tap_fail "dm_io loaded again"
fi

iom_finish
