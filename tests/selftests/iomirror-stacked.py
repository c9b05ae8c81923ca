# SPDX-License-Identifier: GPL-2.0
#
# iomirror-stacked.py DEV WRITERS BLOCK SECONDS GRACE - helper of
# iomirror-stacked.sh (not a test by itself: not executable, no #! line).
#
# WRITERS threads write BLOCK-byte blocks with O_DIRECT to DEV for SECONDS,
# each to its own slice of DEV, every allocation of theirs failing
# (/proc/thread-self/make-it-fail = 1 while they write: failslab must be
# armed with task-filter=Y and ignore-gfp-wait=N).  Only the writes run
# with it: the buffer, the file descriptors and the Python objects the loop
# needs are made beforehand.  A watchdog samples the writers' counters
# every 0.2 s; writers still running GRACE seconds after the end are
# reported with their state and kernel stack, their make-it-fail is
# cleared (the pressure lifts) and they get 30 s more.  Then every block of
# DEV is read back with O_DIRECT and checked: each writer's block holds the
# last (writer, sequence) written to it and the writer's pattern.
#
# Prints "# ..." diagnostics and "key=value" result lines:
#   finished=N        writers that finished on their own, before the watchdog
#   writes=N          writes completed in all
#   min_writes=N      fewest writes of one writer
#   max_stall_ms=N    longest time no write completed while the writers ran
#   errors=N          writers whose write failed (errno shown)
#   hung=N            writers the watchdog found still running
#   recovered=N       of those, writers that finished once the pressure lifted
#   verified=N/M      blocks read back as expected, of all blocks written

import mmap
import os
import struct
import sys
import threading
import time

dev = sys.argv[1]
nw, bs = int(sys.argv[2]), int(sys.argv[3])
secs, grace = float(sys.argv[4]), float(sys.argv[5])

fd = os.open(dev, os.O_RDONLY)
size = os.lseek(fd, 0, os.SEEK_END)
os.close(fd)
per = size // bs // nw          # blocks per writer
if per < 1:
    sys.exit("%s: %d bytes, too small for %d writers of %d" % (dev, size, nw, bs))

counts = [0] * nw     # writes done, per writer
errs = [0] * nw       # errno of a failed write, per writer
tids = [0] * nw
ready = threading.Barrier(nw + 1)
go = threading.Event()
deadline = 0.0


def body(k):
    return bytes(((k * 131 + i * 7) & 0xFF) for i in range(bs - 16))


# A thread per writer (forking 64 processes is slow on UML): each has its
# own make-it-fail (/proc/thread-self), and the GIL is let go in pwrite().
def writer(k):
    buf = mmap.mmap(-1, bs)     # page aligned, as O_DIRECT needs
    buf[16:] = body(k)
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    mif = os.open("/proc/thread-self/make-it-fail", os.O_WRONLY)
    tids[k] = threading.get_native_id()
    base = k * per
    seq = 0
    now = time.monotonic
    pack = struct.pack_into
    ready.wait()
    go.wait()
    end = deadline
    os.write(mif, b"1")
    try:
        while now() < end:
            pack("<QQ", buf, 0, k, seq)
            os.pwrite(fd, buf, (base + seq % per) * bs)
            seq += 1
            counts[k] = seq
    except OSError as e:
        errs[k] = e.errno or 255
    os.write(mif, b"0")
    os.close(mif)
    os.close(fd)


threads = [threading.Thread(target=writer, args=(k,), daemon=True)
           for k in range(nw)]
t0 = time.monotonic()
for t in threads:
    t.start()
ready.wait()
print("# %d writer threads ready in %.1f s" % (nw, time.monotonic() - t0))
deadline = time.monotonic() + secs
go.set()

last_total, last_change, max_stall = -1, time.monotonic(), 0.0


def sample():
    global last_total, last_change, max_stall
    t = time.monotonic()
    total = sum(counts)
    if total != last_total:
        last_total, last_change = total, t
    elif t < deadline:
        max_stall = max(max_stall, t - last_change)


def running():
    return [k for k in range(nw) if threads[k].is_alive()]


# A thread's scheduler state (R, S, D, ...) from its stat, not its wchan:
# UML's __get_wchan() reads another task's stack unannotated, which the
# sanitizer kernel's KASAN reports as stack-out-of-bounds.
def state(k):
    with open("/proc/self/task/%d/stat" % tids[k]) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def states():
    tally = {}
    for k in running():
        try:
            w = state(k)
        except OSError as e:
            w = "(%s)" % e.strerror
        tally[w] = tally.get(w, 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(tally.items(),
                                                   key=lambda kv: -kv[1]))


def reap(until):
    seen = False
    while running() and time.monotonic() < until:
        sample()
        if not seen and time.monotonic() > deadline - secs / 2:
            seen = True
            print("# half way: %d writes; writers' states: %s" % (sum(counts), states()))
        time.sleep(0.2)


reap(deadline + grace)
stuck = running()
hung = len(stuck)
recovered = 0
if stuck:
    print("# watchdog: %d writers still running %.0f s after the end; "
          "writes so far %d, none for the last %.1f s" %
          (hung, grace, sum(counts), time.monotonic() - last_change))
    for k in stuck[:3]:
        task = "/proc/self/task/%d" % tids[k]
        try:
            st = state(k)
            with open(task + "/stack") as f:
                stack = [ln.split()[1] for ln in f.read().splitlines()[:12]]
        except OSError as e:
            st, stack = "?", ["(%s)" % e.strerror]
        print("# writer %d (%d writes): state %s, stack %s" %
              (k, counts[k], st, " < ".join(stack)))
    for k in stuck:
        try:
            with open("/proc/self/task/%d/make-it-fail" % tids[k], "w") as f:
                f.write("0")
        except OSError:
            pass
    print("# watchdog: make-it-fail cleared for them (the pressure lifts)")
    t1 = time.monotonic()
    reap(t1 + 30)
    recovered = hung - len(running())
    print("# watchdog: %d of %d finished within %.1f s after that" %
          (recovered, hung, time.monotonic() - t1))

n = counts[:]
print("# writes per writer: %s" % " ".join(str(c) for c in sorted(n)))
errors = [(k, e) for k, e in enumerate(errs) if e]
for k, e in errors[:5]:
    print("# writer %d: write failed: %s" % (k, os.strerror(e)))
print("finished=%d" % (nw - hung))
print("writes=%d" % sum(n))
print("min_writes=%d" % min(n))
print("max_stall_ms=%d" % int(max_stall * 1000))
print("errors=%d" % len(errors))
print("hung=%d" % hung)
print("recovered=%d" % recovered)
if running():
    # threads in D state: the process cannot exit before they do
    print("verified=0/0", flush=True)
    os._exit(0)

# Read back: block b of writer k holds its last write, if it had one.
fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, bs)
good = total = 0
bad = []
for k in range(nw):
    pattern = body(k)
    for b in range(min(per, n[k])):
        seq = b + ((n[k] - 1 - b) // per) * per     # last s < n, s % per == b
        total += 1
        os.preadv(fd, [buf], (k * per + b) * bs)
        if struct.unpack_from("<QQ", buf, 0) == (k, seq) and buf[16:] == pattern:
            good += 1
        elif len(bad) < 5:
            bad.append("writer %d block %d: header %s, want (%d, %d)" %
                       (k, b, struct.unpack_from("<QQ", buf, 0), k, seq))
os.close(fd)
for line in bad:
    print("# " + line)
print("verified=%d/%d" % (good, total))
