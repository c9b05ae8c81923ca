#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compares the vs_raw ratios of two sets of bench/run.sh results.json
(bench/ab.sh): BASE... -- HEAD...; each case's median over its runs, the
change in percent, cases that lose more than --limit percent flagged.
Exit status 1 when a case is flagged."""
import json
import statistics
import sys


def load(paths):
    ratios = {}
    for p in paths:
        with open(p) as f:
            for r in json.load(f)['cases']:
                if r.get('vs_raw') is not None:
                    ratios.setdefault((r['device'], r['case']), []).append(r['vs_raw'])
    return {k: statistics.median(v) for k, v in ratios.items()}


def main():
    args = sys.argv[1:]
    limit = 2.0
    if args[:1] == ['--limit']:
        limit, args = float(args[1]), args[2:]
    if '--' not in args:
        print('usage: ab-compare.py [--limit PERCENT] BASE.json... -- HEAD.json...', file=sys.stderr)
        return 2
    i = args.index('--')
    base, head = load(args[:i]), load(args[i + 1:])
    lost = 0
    for k in base:
        if k not in head:
            continue
        change = (head[k] / base[k] - 1) * 100
        flag = ''
        if change < -limit:
            flag = '  LOSES more than %g%%' % limit
            lost += 1
        print('%-6s %-24s base %.3f head %.3f %+6.1f%%%s' % (k[0], k[1], base[k], head[k], change, flag))
    print('%d of %d cases lose more than %g%% against raw' % (lost, len(head), limit))
    return 1 if lost else 0


if __name__ == '__main__':
    sys.exit(main())
