#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""perf-report.py - profile of the UML benchmark guest by guest symbol.

usage: perf-report.py --run build/bench/run [--linux UML_BUILD/linux] [--top N]

bench/run.sh with BENCH_PERF=1 samples the whole host with
"perf record -e cpu-clock -g" while the guest runs, notes the host pids of
its UML processes in RUN/uml-pids.txt, and has the guest save /proc/kallsyms
(module symbols included) in RUN/guest/kallsyms.txt.  A User-Mode Linux
kernel is an ordinary host process, so its kernel and module code show up
in the host's samples at the addresses the guest's kallsyms gives; this maps
them.  Prints self and inclusive (anywhere on the frame-pointer call chain)
percentages of the samples taken in the guest's kernel, per symbol.
"""

import argparse
import bisect
import collections
import os
import re
import subprocess
import sys


def load_kallsyms(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3:
                continue
            try:
                addr = int(parts[0], 16)
            except ValueError:
                continue
            if addr == 0 or parts[1] in ('a', 'A', 'U', 'w', 'W'):
                continue
            name = parts[2]
            if len(parts) > 3:
                name += ' ' + parts[3]
            syms.append((addr, name))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--linux', help='the UML kernel binary (for perf to read)')
    ap.add_argument('--top', type=int, default=45)
    ap.add_argument('--under', default='run_one',
                    help='count only samples with this guest symbol on the call chain '
                         '(default run_one: the timed loop; "" for all)')
    ap.add_argument('--annotate', metavar='SYM',
                    help='also print the self samples of guest symbol SYM by offset '
                         '(match them with objdump -d of its object)')
    a = ap.parse_args()

    kallsyms = os.path.join(a.run, 'guest', 'kallsyms.txt')
    pids_file = os.path.join(a.run, 'uml-pids.txt')
    data = os.path.join(a.run, 'perf.data')
    for p in (kallsyms, pids_file, data):
        if not os.path.exists(p):
            print('perf-report: missing %s' % p, file=sys.stderr)
            return 1
    addrs, names = load_kallsyms(kallsyms)
    lo, hi = addrs[0], addrs[-1] + 0x10000
    pids = {int(x) for x in open(pids_file).read().split() if x.isdigit()}

    cmd = ['perf', 'script', '-i', data, '--show-mmap-events', '-F', 'pid,ip,sym,dso']
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        print('perf-report: %s failed: %s' % (' '.join(cmd), proc.stderr[:400]), file=sys.stderr)
        return 1

    def kname(ip):
        if not lo <= ip < hi:
            return None
        i = bisect.bisect_right(addrs, ip) - 1
        return names[i] if i >= 0 else None

    # UML's guest memory is a shared mapping of one deleted host file; the
    # guest's module and vmalloc areas map pages of it again.  perf prints
    # an ip there as an offset into that file: map it back to the guest
    # address through the mmap events of the same process.
    maps = collections.defaultdict(list)	# pid -> [(start, len, pgoff, file)]
    mmap_re = re.compile(r'PERF_RECORD_MMAP2? (\d+)/\d+: \[0x([0-9a-f]+)\(0x([0-9a-f]+)\) @ 0x([0-9a-f]+)[^\]]*\]: \S+ (.*)$')

    def guest_ip(ip, dso, fpid):
        """The guest address of a host sample's ip, or None (host code)."""
        if 'kernel.kallsyms' in dso:
            return None
        if dso.endswith('/linux') or kname(ip):
            return ip
        # the latest mapping of that file offset is the one in use
        for start, length, pgoff, fname in reversed(maps.get(fpid, ())):
            if fname in dso and pgoff <= ip < pgoff + length:
                n = kname(start + ip - pgoff)
                if n and '[' in n:		# a module symbol
                    return start + ip - pgoff
        return None

    def frame_name(ip, sym, dso, fpid):
        """Guest kernel symbol, or None for the host kernel and host libraries."""
        if dso.endswith('/linux') and sym:
            return sym
        gip = guest_ip(ip, dso, fpid)
        return kname(gip) if gip is not None else None

    self_c = collections.Counter()
    incl_c = collections.Counter()
    host_c = collections.Counter()
    offset_c = collections.Counter()	# --annotate: self samples by offset
    total = 0
    frames = []
    pid = None

    def flush():
        nonlocal total
        if pid is None or pid not in pids or not frames:
            return
        named = [frame_name(ip, sym, dso, pid) for ip, sym, dso in frames]
        guest = [n for n in named if n]
        if a.under and not any(n.split()[0] == a.under for n in guest):
            return
        total += 1
        if named[0] is None:
            # the host kernel works for UML (syscall, signal, ptrace, fault)
            host_c['%s (called from %s)' % (frames[0][1] or '?', guest[0] if guest else '?')] += 1
            self_c['[host kernel, on behalf of UML]'] += 1
        else:
            self_c[named[0]] += 1
            if a.annotate and named[0].split()[0] == a.annotate:
                ip, _, dso = frames[0]
                gip = guest_ip(ip, dso, pid)
                offset_c[gip - addrs[bisect.bisect_right(addrs, gip) - 1]] += 1
        for n in set(guest):
            incl_c[n] += 1

    for line in proc.stdout.splitlines():
        if 'PERF_RECORD_MMAP' in line:
            m = mmap_re.search(line)
            if m:
                fname = m.group(5).replace(' (deleted)', '').strip()
                maps[int(m.group(1))].append((int(m.group(2), 16), int(m.group(3), 16),
                                              int(m.group(4), 16), fname))
            continue
        if not line.strip():
            flush()
            frames, pid = [], None
            continue
        head = re.match(r'^\s*(\d+)\s*$', line)	# a sample: its pid alone
        if head:
            flush()
            frames = []
            pid = int(head.group(1))
            continue
        parts = line.split(None, 1)
        try:
            ip = int(parts[0], 16)
        except (ValueError, IndexError):
            continue
        rest = parts[1] if len(parts) > 1 else ''
        m = re.match(r'^(.*?) \((.*)\)$', rest)
        sym, dso = (m.group(1).strip(), m.group(2)) if m else (rest.strip(), '')
        if '+0x' in sym:
            sym = sym[:sym.index('+0x')]
        if sym == '[unknown]':
            sym = ''
        frames.append((ip, sym, dso))
    flush()

    print('samples in the UML processes%s: %d' % (
        ' under %s()' % a.under if a.under else '', total))
    print()
    print('%7s %7s  %s' % ('self%', 'incl%', 'symbol (guest kernel; [module])'))
    for name, n in self_c.most_common(a.top):
        print('%6.2f%% %6.2f%%  %s' % (100.0 * n / max(total, 1),
                                      100.0 * incl_c.get(name, 0) / max(total, 1), name))
    print()
    print('inclusive (on the call chain):')
    for name, n in incl_c.most_common(a.top):
        print('%6.2f%%  %s' % (100.0 * n / max(total, 1), name))
    print()
    print('host kernel time, by host function and guest caller:')
    for name, n in host_c.most_common(15):
        print('%6.2f%%  %s' % (100.0 * n / max(total, 1), name))
    if a.annotate:
        print()
        print('self samples of %s by offset (of %d):' % (a.annotate, sum(offset_c.values())))
        for off in sorted(offset_c):
            print('  +0x%x %d' % (off, offset_c[off]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
