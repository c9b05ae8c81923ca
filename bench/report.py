#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - turn a benchmark run (bench/run.sh) into BENCH lines, a table,
results.md, results.json and a plot of the ratios.

usage: report.py --run build/bench/run --out build/bench [--smp]

Reads RUN/console.log (the dmio_bench: lines of bench/dm-io-bench.ko),
RUN/guest/{summary,devices.txt,nullb.txt,allocs.txt,fio/*.json} and
RUN/host.txt.  Every number printed comes from those files.

Statistics: each (device, case, contender) has one IOPS sample per
repetition (requests / elapsed time).  The reported value is the median of
the samples, the spread is min-max.  vs_raw and vs_kernel are ratios of the
medians; the table also gives the range of the per-repetition ratios (ours
of repetition r over raw of repetition r, measured next to each other).
"""

import argparse
import datetime
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

LINE = re.compile(r'dmio_bench: (\w+)(?: (.*))?$')
KV = re.compile(r'(\S+?)=(\S*)')

METRIC = 'busy'
STALLS = {}
WARM = {}

DEV_DESC = {
    'nullb': 'null_blk (memory_backed=0, irqmode=0, scheduler none)',
    'brd': 'brd RAM disk (pre-filled)',
    'brd legs': 'fio 4k, libaio, direct, iodepth 16: iomirror (ours) vs dm-mirror (kernel) on brd ram0+ram1, raw = ram0 alone',
}


def kv(text):
    return dict(KV.findall(text))


def fmt_iops(v):
    if v is None:
        return '-'
    if v >= 1e6:
        return '%.3g M' % (v / 1e6)
    if v >= 1e3:
        return '%.3g k' % (v / 1e3)
    return '%.3g' % v


def fmt_ratio(v):
    return '-' if v is None else '%.3f' % v


def parse_console(path):
    """Samples, device facts, micro-benchmarks, probe lines, errors."""
    samples = {}            # (dev, case) -> {who: [(rep, iops, sample)]}
    global STALLS, WARM
    STALLS = {}
    WARM = {}               # ((dev, case), who) -> dm-io's (bios, reqs)             # dev -> [stall ns, measured ns]
    order = []              # (dev, case) in order of appearance
    devs = {}
    micro = []
    problems = []
    start = None
    ended = False
    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE.search(raw.rstrip('\n'))
            if not m:
                continue
            kind, rest = m.group(1), m.group(2) or ''
            d = kv(rest)
            if kind == 'START':
                start = d
            elif kind == 'END':
                ended = True
            elif kind == 'DEV':
                devs[d['name']] = d
            elif kind == 'MICRO':
                m2 = re.match(r'name=(.*?) min_ns=', rest)
                micro.append((m2.group(1) if m2 else rest.split()[0], d))
            elif kind == 'SKIP':
                problems.append('skipped: ' + rest)
            elif kind == 'SAMPLE':
                key = (d['dev'], d['case'])
                rep = int(d['rep'])
                n, ns = int(d['n']), int(d['ns'])
                if int(d['errs']) or int(d['ret']):
                    problems.append('%s %s %s: errors=%s ret=%s (rep %d)' % (
                        d['dev'], d['case'], d['who'], d['errs'], d['ret'], rep))
                if rep < 0:
                    # the warm-up: the only run in which dm-io counts bios
                    WARM[(key, d['who'])] = (int(d['bios']), int(d['reqs']))
                    continue
                if key not in samples:
                    samples[key] = {}
                    order.append(key)
                busy = ns - int(d.get('stall_ns', 0))
                st = STALLS.setdefault(d['dev'], [0, 0])
                st[0] += ns - busy
                st[1] += ns
                d['iops_wall'] = n * 1e9 / ns if ns else 0.0
                d['iops_busy'] = n * 1e9 / busy if busy > 0 else 0.0
                iops = d['iops_busy'] if METRIC == 'busy' else d['iops_wall']
                samples[key].setdefault(d['who'], []).append((rep, iops, d))
    return samples, order, devs, micro, problems, start, ended


def median(xs):
    return statistics.median(xs) if xs else None


def summarise(samples, order, contenders):
    """One record per (dev, case)."""
    out = []
    for key in order:
        s = samples[key]
        rec = {'device': key[0], 'case': key[1], 'who': {}}
        for w, lst in s.items():
            vals = [v for _, v, _ in lst]
            # the warm-up runs on one thread, under the plain case name
            bios, reqs = WARM.get(((key[0], re.sub(r'@t\d+$', '', key[1])), w), (0, 0))
            rec['who'][w] = {
                'samples': vals,
                'median': median(vals),
                'min': min(vals), 'max': max(vals),
                'bios_per_request': (bios / reqs) if (w == 'ours' and reqs) else None,
            }
        byrep = {w: {r: v for r, v, _ in lst} for w, lst in s.items()}

        def ratio(a, b):
            if a not in rec['who'] or b not in rec['who'] or not rec['who'][b]['median']:
                return None, None, None
            med = rec['who'][a]['median'] / rec['who'][b]['median']
            per = [byrep[a][r] / byrep[b][r] for r in byrep[a] if r in byrep[b] and byrep[b][r]]
            return med, (min(per) if per else None), (max(per) if per else None)

        rec['vs_raw'], rec['vs_raw_min'], rec['vs_raw_max'] = ratio('ours', 'raw')
        rec['vs_kernel'], rec['vs_kernel_min'], rec['vs_kernel_max'] = ratio('ours', 'kernel')
        rec['extra'] = {}
        for w in s:
            if w not in ('ours', 'raw', 'kernel'):
                r, lo, hi = ratio(w, 'raw')
                o, olo, ohi = ratio(w, 'ours')
                rec['extra'][w] = {'vs_raw': r, 'vs_raw_min': lo, 'vs_raw_max': hi,
                                   'vs_ours': o, 'vs_ours_min': olo, 'vs_ours_max': ohi}
        out.append(rec)
    return out


def parse_allocs(path):
    res = {}
    if not os.path.exists(path):
        return res
    for line in open(path):
        d = kv(line)
        if 'case' not in d:
            continue
        key = (d['dev'], d['case'])
        if 'slab' in d:
            n = int(d['n'])
            res.setdefault(key, {})[d['who']] = (int(d['slab']) / n, int(d['pages']) / n)
        else:
            res.setdefault(key, {})[d['who']] = None
    return res


def parse_locks(path):
    """bench/init.sh's LOCKS lines: {case: {who: (n, ok, lost, {lock<-caller: calls})}}."""
    res = {}
    if not os.path.exists(path):
        return res
    for line in open(path):
        if not line.startswith('LOCKS '):
            continue
        d = kv(line)
        calls = {k: int(v) for k, v in d.items()
                 if k not in ('dev', 'case', 'who', 'n', 'ok', 'lost') and v.isdigit()}
        res.setdefault(d['case'], {})[d['who']] = (int(d['n']), d.get('ok') == '1',
                                                  d.get('lost', '?'), calls)
    return res


def locks_table(locks):
    """Per case and lock<-caller: calls per request of each contender."""
    if not locks:
        return None
    who = ['ours', 'user', 'raw', 'kernel']
    lines = ['| case | lock <- caller | ' + ' | '.join(who) + ' |',
             '| --- | --- |' + ' ---: |' * len(who)]
    for case, by in locks.items():
        keys = sorted({k for w in by.values() for k in w[3]})

        def per(w, k=None):
            """Calls of k per request (k None: of every lock)."""
            if w not in by:
                return '-'
            n, ok, lost, calls = by[w]
            if not ok:
                return 'failed'
            if lost != '0':
                return 'lost %s' % lost
            return '%.2f' % ((sum(calls.values()) if k is None else calls.get(k, 0)) / n)
        lines.append('| %s | all | %s |' % (case, ' | '.join(per(w) for w in who)))
        for k in keys:
            lines.append('| | %s | %s |' % (k.replace('<-', ' <- '), ' | '.join(per(w, k) for w in who)))
    return '\n'.join(lines)


def parse_fio(run):
    """{rw: {who: [iops per rep]}}"""
    res = {}
    for p in sorted(glob.glob(os.path.join(run, 'guest', 'fio', '*.json'))):
        m = re.match(r'(\w+)-(\w+)-(\d+)\.json$', os.path.basename(p))
        if not m:
            continue
        rw, who, rep = m.group(1), m.group(2), int(m.group(3))
        try:
            txt = open(p).read()
            # fio may print notes before the JSON document
            doc = json.loads(txt[txt.index('{'):])
            job = doc['jobs'][0]
            side = 'read' if 'read' in rw and 'write' not in rw else 'write'
            iops = float(job[side]['iops'])
            err = int(job.get('error', 0))
        except (ValueError, KeyError, IndexError) as e:
            print('report: cannot read %s: %s' % (p, e), file=sys.stderr)
            continue
        if err:
            print('report: fio error %d in %s' % (err, p), file=sys.stderr)
            continue
        res.setdefault(rw, {}).setdefault(who, []).append((rep, iops))
    return res


def read_kv(path):
    d = {}
    if os.path.exists(path):
        for line in open(path):
            if '=' in line:
                k, v = line.rstrip('\n').split('=', 1)
                d[k] = v
    return d


def fio_records(fio):
    out = []
    for rw in ('randwrite', 'read'):
        if rw not in fio:
            continue
        rec = {'device': 'brd legs', 'case': 'fio-mirror-' + rw, 'who': {}}
        for who, lst in fio[rw].items():
            vals = [v for _, v in lst]
            rec['who'][who] = {'samples': vals, 'median': median(vals),
                               'min': min(vals), 'max': max(vals),
                               'bios_per_request': None}
        byrep = {w: dict(lst) for w, lst in fio[rw].items()}

        def ratio(a, b):
            if a not in rec['who'] or b not in rec['who'] or not rec['who'][b]['median']:
                return None, None, None
            per = [byrep[a][r] / byrep[b][r] for r in byrep[a] if r in byrep[b] and byrep[b][r]]
            return (rec['who'][a]['median'] / rec['who'][b]['median'],
                    min(per) if per else None, max(per) if per else None)

        rec['vs_raw'], rec['vs_raw_min'], rec['vs_raw_max'] = ratio('ours', 'raw')
        rec['vs_kernel'], rec['vs_kernel_min'], rec['vs_kernel_max'] = ratio('ours', 'kernel')
        rec['extra'] = {}
        out.append(rec)
    return out


def bench_line(rec):
    w = rec['who']

    def iops(x):
        return '%d' % round(w[x]['median']) if x in w else '-'
    return 'BENCH %s ours=%s raw=%s kernel=%s vs_raw=%s vs_kernel=%s' % (
        rec['case'], iops('ours'), iops('raw'), iops('kernel'),
        fmt_ratio(rec['vs_raw']), fmt_ratio(rec['vs_kernel']))


def cell(rec, who):
    w = rec['who'].get(who)
    if not w:
        return '-'
    return '%s (%s–%s)' % (fmt_iops(w['median']), fmt_iops(w['min']), fmt_iops(w['max']))


def ratio_cell(rec, name):
    v = rec.get(name)
    if v is None:
        return '-'
    lo, hi = rec.get(name + '_min'), rec.get(name + '_max')
    if lo is None:
        return fmt_ratio(v)
    return '%s (%s–%s)' % (fmt_ratio(v), fmt_ratio(lo), fmt_ratio(hi))


def markdown_table(recs, allocs):
    lines = ['| device | case | ours IOPS | raw IOPS | kernel IOPS | vs_raw | vs_kernel | bios/req | slab allocs/req ours/raw/kernel |',
             '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    for rec in recs:
        bpr = rec['who'].get('ours', {}).get('bios_per_request')
        a = allocs.get((rec['device'], rec['case']))
        if a:
            acell = '/'.join('%.2f' % a[w][0] if a.get(w) else '-' for w in ('ours', 'raw', 'kernel'))
        else:
            acell = '-'
        lines.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            rec['device'], rec['case'], cell(rec, 'ours'), cell(rec, 'raw'),
            cell(rec, 'kernel'), ratio_cell(rec, 'vs_raw'), ratio_cell(rec, 'vs_kernel'),
            '%.2f' % bpr if bpr is not None else '-', acell))
    return '\n'.join(lines)


def extra_table(recs):
    names = []
    for rec in recs:
        for w in rec['extra']:
            if w not in names:
                names.append(w)
    if not names:
        return None
    lines = ['| device | case | ' + ' | '.join(['ours', 'raw'] + names) + ' |',
             '| --- | --- | ' + ' | '.join(['---:'] * (2 + len(names))) + ' |']
    for rec in recs:
        if not rec['extra']:
            continue
        row = [fmt_iops(rec['who']['ours']['median']) + ' (%s)' % fmt_ratio(rec['vs_raw'])
               if 'ours' in rec['who'] else '-',
               fmt_iops(rec['who']['raw']['median']) if 'raw' in rec['who'] else '-']
        for n in names:
            e = rec['extra'].get(n)
            row.append('%s (%s)' % (fmt_iops(rec['who'][n]['median']), fmt_ratio(e['vs_raw']))
                       if e else '-')
        lines.append('| %s | %s | %s |' % (rec['device'], rec['case'], ' | '.join(row)))
    return '\n'.join(lines)


def alloc_table(allocs):
    if not allocs:
        return None
    lines = ['| device | case | ours slab/req | raw slab/req | kernel slab/req | page allocs/req (ours/raw/kernel) |',
             '| --- | --- | ---: | ---: | ---: | ---: |']
    for (dev, case), a in allocs.items():
        def s(w):
            return '%.2f' % a[w][0] if a.get(w) else 'failed'

        def p(w):
            return '%.2f' % a[w][1] if a.get(w) else '-'
        lines.append('| %s | %s | %s | %s | %s | %s/%s/%s |' % (
            dev, case, s('ours'), s('raw'), s('kernel'), p('ours'), p('raw'), p('kernel')))
    return '\n'.join(lines)


def plot(recs, out_png, out_dir):
    """Clustered bars of vs_raw and vs_kernel per case, one panel per device."""
    devices = []
    for r in recs:
        if r['device'] not in devices:
            devices.append(r['device'])
    datafiles = []
    for i, dev in enumerate(devices):
        p = os.path.join(out_dir, 'ratios-%d.dat' % i)
        with open(p, 'w') as f:
            f.write('case vs_raw vs_kernel\n')
            for r in recs:
                if r['device'] == dev:
                    f.write('%s %s %s\n' % (r['case'],
                                            '%.4f' % r['vs_raw'] if r['vs_raw'] is not None else 'NaN',
                                            '%.4f' % r['vs_kernel'] if r['vs_kernel'] is not None else 'NaN'))
        datafiles.append((dev, p))
    if not datafiles:
        return False
    if shutil.which('gnuplot'):
        h = 520 * len(datafiles)
        g = ['set terminal png size 1900,%d font ",10" noenhanced' % h,
             "set output '%s'" % out_png,
             'set multiplot layout %d,1' % len(datafiles),
             'set style data histograms', 'set style histogram clustered gap 1',
             'set style fill solid 0.8 border -1', 'set boxwidth 0.9',
             'set xtics rotate by -55 scale 0 font ",8"', 'set grid ytics',
             'set yrange [0:%.2f]' % max([1.3] + [1.05 * v for r in recs for v in
                                                 (r['vs_raw'], r['vs_kernel']) if v]),
             'set key outside top center horizontal',
             'set ylabel "ours / contender (IOPS ratio)"']
        for dev, p in datafiles:
            g.append('set title "dm-io vs raw submit_bio and the kernel dm_io(): %s"'
                     % DEV_DESC.get(dev, dev))
            # a histogram of only NaN (no kernel contender) is an error
            kernel = any(r['vs_kernel'] is not None for r in recs if r['device'] == dev)
            g.append("plot '%s' using 2:xtic(1) title 'vs raw' lc rgb '#1f77b4', %s"
                     "1 with lines lc rgb 'black' dt 2 notitle, "
                     "0.95 with lines lc rgb 'red' dt 3 title '0.95'"
                     % (p, "'' using 3 title 'vs kernel dm_io()' lc rgb '#ff7f0e', "
                        if kernel else ''))
        g.append('unset multiplot')
        gp = os.path.join(out_dir, 'ratios.gp')
        with open(gp, 'w') as f:
            f.write('\n'.join(g) + '\n')
        r = subprocess.run(['gnuplot', gp], capture_output=True, text=True)
        if r.returncode == 0 and os.path.exists(out_png):
            return True
        print('report: gnuplot failed: %s' % r.stderr.strip()[:500], file=sys.stderr)
        if os.path.exists(out_png):	# what it wrote before it failed
            os.remove(out_png)
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('report: no working gnuplot and no matplotlib: no plot', file=sys.stderr)
        return False
    fig, axes = plt.subplots(len(datafiles), 1, figsize=(19, 5.2 * len(datafiles)), squeeze=False)
    for ax, (dev, _) in zip(axes[:, 0], datafiles):
        rs = [r for r in recs if r['device'] == dev]
        x = range(len(rs))
        ax.bar([i - 0.2 for i in x], [r['vs_raw'] or 0 for r in rs], 0.4, label='vs raw')
        ax.bar([i + 0.2 for i in x], [r['vs_kernel'] or 0 for r in rs], 0.4, label='vs kernel dm_io()')
        ax.axhline(1.0, color='black', ls='--')
        ax.axhline(0.95, color='red', ls=':')
        ax.set_xticks(list(x))
        ax.set_xticklabels([r['case'] for r in rs], rotation=55, ha='left', fontsize=7)
        ax.set_title('dm-io vs raw submit_bio and the kernel dm_io(): ' + DEV_DESC.get(dev, dev))
        ax.legend()
    fig.tight_layout()
    fig.savefig(out_png)
    return True


SUMMARY_BEGIN = '<!-- bench-summary: written by make bench (bench/report.py --publish) -->'
SUMMARY_END = '<!-- end of bench-summary -->'


def ratio_range(recs, name, pick):
    """'lo-hi' of the median ratios @name over the records @pick selects."""
    vs = [r[name] for r in recs if pick(r) and r.get(name) is not None]
    if not vs:
        return '-'
    lo, hi = min(vs), max(vs)
    return fmt_ratio(lo) if lo == hi else '%s-%s' % (fmt_ratio(lo), fmt_ratio(hi))


def headline(recs):
    """Rows (what, nullb, brd, fio) of the README's summary table."""
    def single4k(r):
        return '-4k-' in r['case'] and r['case'].endswith('-r1')

    def multi(r):
        return not r['case'].endswith('-r1') and not r['case'].startswith('fio')

    def big(r):
        return r['case'].endswith('-r1') and '-4k-' not in r['case']
    rows = []
    for what, pick in (('4 KiB, one region (sync and async)', single4k),
                       ('64 KiB and 1 MiB, one region', big),
                       ('2 to 64 regions', multi)):
        cells = []
        for dev in ('nullb', 'brd'):
            sel = [r for r in recs if r['device'] == dev]
            cells.append('%s / %s' % (ratio_range(sel, 'vs_raw', pick),
                                      ratio_range(sel, 'vs_kernel', pick)))
        rows.append('| %s | %s | %s |' % (what, cells[0], cells[1]))
    if any('user' in r['extra'] for r in recs):
        rows.append('| 4 KiB, dm_io_submit() with a user: user/ours | %s | %s |' % tuple(
            ratio_range([r['extra']['user'] for r in recs
                         if r['device'] == dev and 'user' in r['extra']], 'vs_ours', lambda x: True)
            for dev in ('nullb', 'brd')))
    for r in recs:
        if r['case'].startswith('fio'):
            rows.append('| %s (iomirror vs dm-mirror) | - | %s |' % (
                r['case'], ratio_range([r], 'vs_kernel', lambda x: True)))
    return rows


def smp_records(recs):
    """Per (device, case): the records of each thread count, '<case>@t<n>'."""
    out = {}
    for r in recs:
        base, sep, t = r['case'].rpartition('@t')
        if sep and t.isdigit():
            out.setdefault((r['device'], base), {})[int(t)] = r
    return out


def smp_rows(recs):
    """Rows of the scaling table: case, IOPS at 1 and N threads per contender,
    N/1 scaling per contender, vs_raw at N threads, ours' scaling / raw's."""
    rows = []
    for (dev, case), byt in smp_records(recs).items():
        lo = min(byt)
        one = byt[lo]
        for hi in sorted(byt)[1:]:
            many = byt[hi]
            who = [w for w in ('ours', 'user', 'raw', 'kernel') if w in many['who'] and w in one['who']]
            scale = {w: many['who'][w]['median'] / one['who'][w]['median'] for w in who
                     if one['who'][w]['median']}
            rel = scale['ours'] / scale['raw'] if 'ours' in scale and scale.get('raw') else None
            rows.append((dev, case, lo, hi, {w: (one['who'][w]['median'], many['who'][w]['median'])
                                             for w in who}, scale, many.get('vs_raw'), rel))
    return rows


def csv_table(cols, rows):
    """An rst csv-table of the header @cols and the @rows."""
    def quoted(cells):
        return ', '.join('"%s"' % str(c).replace('"', '""') for c in cells)
    return ['.. csv-table::', '   :header: ' + quoted(cols), ''] + ['   ' + quoted(r) for r in rows]


def rst_from_md(lines):
    """A markdown table (header, rule, rows) as an rst csv-table."""
    def cells(line):
        return [c.strip() for c in line.strip().strip('|').split('|')]
    return csv_table(cells(lines[0]), [cells(line) for line in lines[2:]])


def smp_table(recs):
    rows = smp_rows(recs)
    if not rows:
        return None
    who = [w for w in ('ours', 'user', 'raw', 'kernel') if any(w in r[4] for r in rows)]
    cols = ['device', 'case'] + ['%s IOPS 1 / N threads' % w for w in who] + \
        ['%s N/1' % w for w in who] + ['vs_raw at N', 'ours N/1 over raw N/1']
    body = []
    for dev, case, lo, hi, iops, scale, vs_raw, rel in rows:
        body.append([dev, '%s (%d / %d)' % (case, lo, hi)] +
                    ['%s / %s' % (fmt_iops(iops[w][0]), fmt_iops(iops[w][1])) if w in iops else '-'
                     for w in who] +
                    [fmt_ratio(scale.get(w)) for w in who] + [fmt_ratio(vs_raw), fmt_ratio(rel)])
    return ['| ' + ' | '.join(cols) + ' |', '|' + ' --- |' * 2 + ' ---: |' * (len(cols) - 2)] + \
        ['| ' + ' | '.join(row) + ' |' for row in body]


def publish_smp(root, commit, intro, recs, locks_md):
    """Documentation/bench-smp.rst: the scaling table, the locks, every case."""
    title = 'dm-io benchmark on SMP: the last full run of make bench-smp'
    text = ['.. SPDX-License-Identifier: GPL-2.0', '',
            '.. Written by "make bench-smp" (bench/report.py --smp --publish); do not edit.', '',
            '=' * len(title), title, '=' * len(title), '',
            'Commit %s. ' % commit + ' '.join(intro.split('\n')[2:]).replace('`', '``'), '',
            'Scaling', '-------', '']
    st = smp_table(recs)
    text += (rst_from_md(st) if st else ['No case ran with two thread counts.']) + ['']
    if locks_md:
        text += ['Locks taken per request', '-----------------------', ''] + \
            [locks_md[0].replace('`', '``'), ''] + rst_from_md(locks_md[1].split('\n')) + ['']
    text += ['Every case', '----------', ''] + rst_table(recs) + ['']
    with open(os.path.join(root, 'Documentation', 'bench-smp.rst'), 'w') as f:
        f.write('\n'.join(text))
    print('report: published to %s/Documentation/bench-smp.rst' % root)


def rst_table(recs):
    cols = ('device', 'case', 'ours IOPS', 'raw IOPS', 'kernel IOPS', 'vs_raw', 'vs_kernel')
    return csv_table(cols, [(r['device'], r['case'], cell(r, 'ours'), cell(r, 'raw'),
                             cell(r, 'kernel'), ratio_cell(r, 'vs_raw'), ratio_cell(r, 'vs_kernel'))
                            for r in recs])


def user_rst_table(recs):
    """The user contender's cases: its IOPS, user/ours and user/raw."""
    rows = [r for r in recs if 'user' in r['extra']]
    if not rows:
        return []
    cols = ('device', 'case', 'user IOPS', 'vs_ours', 'vs_raw')
    return ['The ``user`` contender: ``dm_io_submit()`` naming a user with a reserve of its own, '
            'same buffers; vs_ours is user/ours.', ''] + \
        csv_table(cols, [(r['device'], r['case'], cell(r, 'user'),
                          ratio_cell(r['extra']['user'], 'vs_ours'),
                          ratio_cell(r['extra']['user'], 'vs_raw')) for r in rows]) + ['']


def publish(root, commit, date, kernel, host, recs, intro):
    """The full table to Documentation/, a history line, the README summary."""
    build = host.get('kbuild', '?').split(',')[0]  # -O2 or -Os
    doc = os.path.join(root, 'Documentation')
    title = 'dm-io benchmark: the last full run'
    text = ['.. SPDX-License-Identifier: GPL-2.0', '',
            '.. Written by "make bench" (bench/report.py --publish); do not edit.', '',
            '=' * len(title), title, '=' * len(title), '',
            'Commit %s. ' % commit + ' '.join(intro.split('\n')[2:]).replace('`', '``'), '']
    text += rst_table(recs) + [''] + user_rst_table(recs)
    with open(os.path.join(doc, 'bench-results.rst'), 'w') as f:
        f.write('\n'.join(text))
    hist = os.path.join(doc, 'bench-history.rst')
    if not os.path.exists(hist):
        t = 'dm-io benchmark history'
        with open(hist, 'w') as f:
            f.write('\n'.join(['.. SPDX-License-Identifier: GPL-2.0', '',
                                '.. "make bench" adds a line per full run (bench/report.py --publish).', '',
                                '=' * len(t), t, '=' * len(t), '',
                                'vs_raw / vs_kernel ranges of the medians, per device (null_blk, brd).', '',
                                '']))
    with open(hist, 'a') as f:
        f.write('* %s, commit %s, UML %s %s, load %s / %s: %s\n' % (
            date, commit, kernel, build, host.get('load_before', '?'), host.get('load_after', '?'),
            '; '.join(row.strip('| ').replace(' | ', ': ', 1).replace(' | ', ', ')
                      for row in headline(recs))))
    readme = os.path.join(root, 'README.md')
    s = open(readme).read()
    if SUMMARY_BEGIN in s and SUMMARY_END in s:
        block = [SUMMARY_BEGIN, '',
                 '%s, commit %s, UML %s built %s, one CPU. vs_raw / vs_kernel, ranges of the '
                 'per-case medians:' % (date, commit, kernel, build), '',
                 '| cases | null_blk | brd |', '| --- | --- | --- |'] + headline(recs) + [
                 '', 'Every case: [Documentation/bench-results.rst](Documentation/bench-results.rst); '
                 'earlier runs: [Documentation/bench-history.rst](Documentation/bench-history.rst).',
                 '', SUMMARY_END]
        head, rest = s.split(SUMMARY_BEGIN, 1)
        s = head + '\n'.join(block) + rest.split(SUMMARY_END, 1)[1]
        with open(readme, 'w') as f:
            f.write(s)
    print('report: published to %s/{Documentation/bench-results.rst,Documentation/bench-history.rst,README.md}' % root)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--metric', choices=('busy', 'wall'), default='busy',
                    help='busy: time minus host stalls (default); wall: elapsed time')
    ap.add_argument('--publish', metavar='ROOT',
                    help='also write ROOT/Documentation/bench-results.rst, add a line to '
                         'ROOT/Documentation/bench-history.rst and renew the summary '
                         'table of ROOT/README.md')
    ap.add_argument('--commit', default='?', help='the commit measured (for --publish)')
    ap.add_argument('--smp', action='store_true',
                    help='a run of bench/run.sh --smp (QEMU, cases <case>@t<threads>): '
                         'add the scaling table; --publish writes Documentation/bench-smp.rst only')
    a = ap.parse_args()
    global METRIC
    METRIC = a.metric

    console = os.path.join(a.run, 'console.log')
    samples, order, devs, micro, problems, start, ended = parse_console(console)
    summary = read_kv(os.path.join(a.run, 'guest', 'summary'))
    host = read_kv(os.path.join(a.run, 'host.txt'))
    recs = summarise(samples, order, None)
    allocs = parse_allocs(os.path.join(a.run, 'guest', 'allocs.txt'))
    frecs = fio_records(parse_fio(a.run))
    if not recs:
        print('report: no benchmark samples in %s' % console, file=sys.stderr)
        return 1
    if not ended:
        problems.append('the benchmark module did not print END (incomplete run)')

    out = []
    for dev in dict.fromkeys(r['device'] for r in recs):
        out.append('# device %s: %s' % (dev, DEV_DESC.get(dev, dev)))
        out.extend(bench_line(r) for r in recs if r['device'] == dev)
    if frecs:
        out.append('# fio through the mirrors (randwrite/read 4k, libaio, direct, iodepth 16): '
                   'ours = iomirror (dm-io), kernel = dm-mirror, raw = one brd leg')
        out.extend(bench_line(r) for r in frecs)
    for rec in recs:
        for w, e in rec['extra'].items():
            out.append('BENCHX %s dev=%s %s=%d vs_raw=%s' % (
                rec['case'], rec['device'], w, round(rec['who'][w]['median']), fmt_ratio(e['vs_raw'])))
    table = markdown_table(recs + frecs, allocs)
    print('\n'.join(out))
    print()
    print(table)
    st = smp_table(recs)
    if st:
        print()
        print('\n'.join(st))
    for p in problems:
        print('report: PROBLEM: ' + p, file=sys.stderr)

    date = host.get('date') or datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    kernel = summary.get('kernel', '?')
    reps = start.get('reps', '?') if start else '?'
    time_ms = start.get('time_ms', '?') if start else '?'
    slices = start.get('slices', '1') if start else '?'
    if a.smp:
        where = ("Debian's kernel %s under QEMU/TCG with %s virtual CPUs (each case with %s "
                 "submitting threads, each bound to its own CPU, on regions of their own; "
                 "null_blk with a submission queue per CPU)"
                 % (kernel, start.get('cpus', '?') if start else '?',
                    (start.get('threads', '?') if start else '?').replace(',', ' and ')))
    else:
        where = 'UML kernel %s (single CPU, %s)' % (kernel, host.get('kbuild', '?'))
    md = ['# dm-io benchmark results', '',
          '%s, %s, host: %s, host load average before/after: %s / %s.'
          % (date, where, host.get('cpu', '?'), host.get('load_before', '?'), host.get('load_after', '?')),
          '',
          'Each measurement: %s ms fixed time per contender and repetition, run as %s '
          'interleaved slices (ours, raw, kernel, ours, raw, kernel, ...); %s repetitions. IOPS = requests (one call = all its regions) per second; '
          'median (min–max) over the repetitions. vs_raw / vs_kernel: ratio of the medians '
          '(range of the per-repetition ratios). bios/req: dm-io\'s own counters. '
          'slab allocs/req: allocation attempts on the I/O path counted with failslab '
          '(null_blk, queue depth 1).' % (time_ms, slices, reps), '',
          'Time base: %s. The guest is one host process (UML) or has a host thread per CPU '
          '(QEMU); when the host runs something else the guest clock goes on. The module reads the clock every 16 requests; an interval '
          'longer than 8x the median interval of that measurement is a host stall and counts '
          'only as one median interval ("busy" time). Time removed that way: %s. '
          '(`bench/report.py --metric wall` reports elapsed time instead.)'
          % ('busy time (elapsed minus host stalls)' if METRIC == 'busy' else 'elapsed time',
             ', '.join('%s %.1f%%' % (dv, 100.0 * v[0] / v[1]) for dv, v in STALLS.items() if v[1])
             or 'none'), '']
    for d in devs.values():
        md.append('- device `%s`: %s; %s sectors, logical block %s, max_sectors %s, max_segments %s'
                  % (d['name'], DEV_DESC.get(d['name'], ''), d['sectors'], d['lbs'],
                     d['max_sectors'], d['max_segments']))
    md += ['', table, '']
    if st:
        md += ['## Scaling from 1 to N submitting threads', '',
               'N/1: IOPS with N threads over IOPS with one (medians); dm-io scales as raw bios do '
               'when "ours N/1 over raw N/1" is 1.', ''] + st + ['']
    et = extra_table(recs)
    if et:
        md += ['## Analysis contenders (raw plus one dm-io cost at a time)', '', et, '']
    locks = parse_locks(os.path.join(a.run, 'guest', 'locks.txt'))
    lt = locks_table(locks)
    locks_md = None
    if lt:
        nreq = sorted({e[0] for by in locks.values() for e in by.values()})
        locks_md = ('Calls of the lock functions (spin, rw, mutex, rwsem) per request, by lock '
                    'function and caller, counted with ftrace\'s function tracer for the '
                    'benchmark task only over %s requests at queue depth 1 on null_blk '
                    '(completion inline), in process context only (interrupts that hit the '
                    'task are left out). Async requests complete inside the submission, so '
                    'nothing wakes the submitter; a sync call\'s own wait (raw: '
                    'submit_bio_wait()) is in its column.' % '/'.join(map(str, nreq)), lt)
        md += ['## Locks taken per request', '', locks_md[0], '', lt, '']
    at = alloc_table(allocs)
    if at:
        md += ['## Allocations on the I/O path', '',
               'Every slab and page allocation attempted while the requests ran, counted by '
               'failslab/fail_page_alloc armed for the benchmark thread only; the failing '
               'allocations fall back to the mempool reserves, so a reserve that runs dry '
               'adds retries to the count.', '', at, '']
    if micro:
        md += ['## Single operations (UML, ns per operation)', '',
               '| operation | min | median |', '| --- | ---: | ---: |']
        md += ['| %s | %s | %s |' % (n, d.get('min_ns', d.get('ns', '?')), d.get('median_ns', '?'))
               for n, d in micro]
        md.append('')
    if problems:
        md += ['## Problems seen', ''] + ['- ' + p for p in problems] + ['']
    os.makedirs(a.out, exist_ok=True)
    png = os.path.join(a.out, 'ratios.png')
    plotted = plot(recs + frecs, png, a.out)
    if plotted:
        md += ['![ratios](ratios.png)', '']
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write('\n'.join(md))
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump({'date': date, 'kernel': kernel, 'host': host, 'devices': devs,
                   'cases': recs + frecs, 'allocs': {'%s %s' % k: v for k, v in allocs.items()},
                   'micro': micro, 'problems': problems}, f, indent=1)
    if a.publish and a.smp:
        publish_smp(a.publish, a.commit, '\n'.join(md[:md.index(table)]), recs, locks_md)
    elif a.publish:
        publish(a.publish, a.commit, date, kernel, host, recs + frecs, '\n'.join(md[:md.index(table)]))
    print()
    print('report: wrote %s, %s%s' % (os.path.join(a.out, 'results.md'),
                                     os.path.join(a.out, 'results.json'),
                                     ', ' + png if plotted else ' (no plot)'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
