#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kernel-reports.py - find kernel reports in a test guest's console log and
in a kmemleak report (used by scripts/check.sh).

usage: kernel-reports.py [--allow REGEX] [--kmemleak FILE] CONSOLE_LOG

Prints one line per finding, for check.sh to count:
  report <line>: <text>           a kernel report in the console (a failure)
  baseline <name> <line>: <text>  a known report of the kernel itself, matched
                                  by its exact signature (not a failure)
  leak <n>: <summary>             an unreferenced object in the kmemleak file
  leak-baseline <name> <n>: ...   a known kmemleak report of the kernel itself
Exit status 0 (2 on a usage error).

Console lines written by the guest's user space (tests/uml/init.sh logs
"INIT: ...", tests/qemu/init.sh "QINIT: ...", selftest output is relayed as
"# <name>: ...", the kmemleak file as "# kmemleak: ...") are not kernel
reports and are skipped; the kernel's own lines are not prefixed that way.
"""
import argparse
import re
import sys

# A line that starts a kernel report.  Lockdep reports are headed
# "WARNING: ..." (circular/recursive locking, inconsistent lock state, bad
# unlock balance, suspicious RCU usage, held lock freed ...); KASAN "BUG:
# KASAN: ..."; UBSAN "UBSAN: ..."; debugobjects WARN()s ("WARNING: ...
# ODEBUG"); DEBUG_LIST with BUG_ON_DATA_CORRUPTION "kernel BUG at ...";
# SLUB debug "BUG <cache> (Tainted...): <what>"; hung tasks "INFO: task ...
# blocked"; RCU stalls.
REPORT = re.compile(
    r'(^|[^A-Za-z0-9_])BUG:'
    r'|(^|[^A-Za-z0-9_])BUG [^ ]+ \([^)]*\): '
    r'|kernel BUG at '
    r'|WARNING:'
    r'|Oops'
    r'|Kernel panic'
    r'|general protection'
    r'|unreferenced object'
    r'|possible circular locking'
    r'|inconsistent lock state'
    r'|possible recursive locking'
    r'|INFO: task .* blocked'
    r'|INFO: trying to register non-static key'
    r'|INFO: possible irq lock inversion'
    r'|detected stalls? on CPU'
    r'|KASAN'
    r'|UBSAN:'
    r'|list_(add|del) corruption'
    r'|Unable to handle kernel'
)

# Lines of the guest's user space (see the docstring).
USER = re.compile(r'^(INIT|QINIT): |^# [^ :]+: ')

TIMESTAMP = re.compile(r'^\[ *[0-9]+\.[0-9]+\] ?')

# Known reports of the kernel itself, by exact signature: the report's first
# line, then regexes that must all match lines of the same report (up to the
# next report or 80 lines).
CONSOLE_BASELINE = [
    # UML 6.1 + PROVE_RCU: arch/um's force_flush_all() walks the VMAs with
    # for_each_vma() without the RCU read lock or mmap lock, at the first
    # fork of init (docs: /work/shared/notes/test-vehicles.md 1.6).  Each
    # RCU_LOCKDEP_WARN site reports once per boot; lockdep stays on.
    ('uml-maple-tree-rcu',
     re.compile(r'^WARNING: suspicious RCU usage$'),
     [re.compile(r'^lib/maple_tree\.c:(816|860) suspicious rcu_dereference_check\(\) usage!$'),
      re.compile(r'\bforce_flush_all\+'),
      re.compile(r'\bfork_handler\+')]),
]

# Known kmemleak reports of the kernel itself: name, a regex that must match
# the object's backtrace (its lines joined with newlines).
KMEMLEAK_BASELINE = [
    # Linux 6.1 mm/slub.c sysfs_slab_add(): when kobject_init_and_add() fails
    # (an injected allocation failure: tests/selftests/*failnth*), it leaves
    # without kobject_put(), leaking the kobject's name
    # (/work/shared/notes/test-vehicles.md 4.2b).  Three consecutive frames.
    ('slub-sysfs-slab-add-kobject-name',
     re.compile(r'\] kobject_set_name_vargs\+[^\n]*\n[^\n]*\] kobject_init_and_add\+'
                r'[^\n]*\n[^\n]*\] sysfs_slab_add\+')),
]


INTERNAL_FRAME = re.compile(
    r'(save_stack_trace|stack_trace_save|set_track_prepare|__create_object|'
    r'kmemleak_alloc\w*|slab_post_alloc_hook\S*|__kmem_cache_alloc\w*|'
    r'kmem_cache_alloc\w*|kmalloc_trace|__kmalloc\w*|kmalloc_order\w*)\+')


def clean(line):
    return TIMESTAMP.sub('', line.rstrip('\r\n').replace('\r', ''))


def scan_console(path, allow):
    with open(path, errors='replace') as f:
        lines = [clean(l) for l in f]
    heads = []
    for i, l in enumerate(lines):
        if USER.match(l) or not REPORT.search(l):
            continue
        if allow is not None and allow.search(l):
            continue
        heads.append(i)
    out = []
    consumed = set()
    for n, i in enumerate(heads):
        if i in consumed:
            continue
        name = None
        for bname, head, needs in CONSOLE_BASELINE:
            if not head.search(lines[i]):
                continue
            end = min(len(lines), i + 80)
            # the report ends where the next one starts
            for j in heads[n + 1:]:
                if j > i + 1 and not any(h.search(lines[j]) for _, h, _ in CONSOLE_BASELINE):
                    end = min(end, j)
                    break
            block = lines[i + 1:end]
            if all(any(r.search(b) for b in block) for r in needs):
                name = bname
                # report lines inside the whitelisted block belong to it
                for j in heads[n + 1:]:
                    if j < end and not any(h.search(lines[j]) for _, h, _ in CONSOLE_BASELINE):
                        consumed.add(j)
                break
        if name:
            out.append('baseline %s %d: %s' % (name, i + 1, lines[i]))
        else:
            out.append('report %d: %s' % (i + 1, lines[i]))
    return out


def scan_kmemleak(path):
    try:
        with open(path, errors='replace') as f:
            text = f.read()
    except OSError as e:
        return ['leak 0: cannot read %s: %s' % (path, e)]
    blocks = []
    for l in text.splitlines():
        if l.startswith('unreferenced object'):
            blocks.append([l])
        elif blocks:
            blocks[-1].append(l)
    out = []
    for n, b in enumerate(blocks, 1):
        comm = next((x.strip() for x in b if x.strip().startswith('comm ')), '')
        frames = [re.sub(r'^\s*\[<[0-9a-f]+>\]\s*', '', x) for x in b
                  if re.match(r'^\s*\[<[0-9a-f]+>\]', x)]
        # the allocator's and kmemleak's own frames say nothing
        frames = [x for x in frames if not INTERNAL_FRAME.match(x)]
        mods = sorted(set(m for x in frames for m in re.findall(r'\[([A-Za-z0-9_]+)\]$', x)))
        summary = '%s; %s; modules: %s; backtrace: %s' % (
            b[0], comm, ' '.join(mods) or 'none', ' < '.join(frames[:6]))
        name = None
        for bname, sig in KMEMLEAK_BASELINE:
            if sig.search('\n'.join(b)):
                name = bname
                break
        if name:
            out.append('leak-baseline %s %d: %s' % (name, n, summary))
        else:
            out.append('leak %d: %s' % (n, summary))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--allow', default='')
    ap.add_argument('--kmemleak')
    ap.add_argument('console')
    a = ap.parse_args()
    allow = re.compile(a.allow) if a.allow else None
    out = scan_console(a.console, allow)
    if a.kmemleak:
        out += scan_kmemleak(a.kmemleak)
    for l in out:
        print(l)


if __name__ == '__main__':
    main()
