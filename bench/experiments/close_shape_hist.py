#!/usr/bin/env python3
"""Offline: "which spelling tells" for close surnames, over many worlds at once (histogrammed, so
six 1M worlds fit in memory and a variant takes seconds once the dumps are read).

Each candidate pair with close surnames gets, in place of the close level's adjustment, the shape
-log2(max(k - 1, 1)), k being the commoner spelling's roll count when the rarer is a lone spelling
(held by one record) and the rarer one's count otherwise. Then, per group (lone or not), an offset
and a damping tau: logit2 = tau * (weight - close + shape) + offset.

    python3 bench/experiments/close_shape_hist.py [--tau 1,0.8] [--delta 0:0,-1:-1] \
        [--sensitivity] DUMP.csv...

--delta L:S moves the lone and shared offsets by L and S bits from the count-matched ones (the
offsets at which each group's summed probability equals its labelled matches: an oracle).
--sensitivity prints the count-matched offsets when the target count is off by -30% to +20%.
DUMPs: `calib_probe` with KEEP_FLOOR=0 CLOSE_ALL=1. Prints the pooled deciles as `tally link
eval` has them (with at least 500 labelled pairs), the grey close pairs' deciles and the close
pairs' true/false links at 0.95. Stdlib only.
"""

import argparse
import collections
import csv
import math


def sig(w: float) -> float:
    return 1 / (1 + 2 ** (-w)) if w > -80 else 0.0


def read(files):
    """(lone, shaped weight) -> [pairs, matches]; other pairs kept (p >= 0.2) -> by weight."""
    close = collections.defaultdict(lambda: [0, 0])
    other = collections.defaultdict(lambda: [0, 0])
    for fn in files:
        with open(fn, newline="") as fh:
            rd = csv.reader(fh)
            ix = {k: i for i, k in enumerate(next(rd))}
            iw, il, ic, ir, icc = ix["weight"], ix["label"], ix["close"], ix["rcount"], ix["ccount"]
            for r in rd:
                lab = int(r[il])
                if lab < 0:
                    continue
                w = float(r[iw])
                if r[0] == "3":
                    rc, cc = int(r[ir]), int(r[icc])
                    lone = rc <= 1
                    shape = -math.log2(max((cc if lone else rc) - 1, 1))
                    a = close[(lone, round(w - float(r[ic]) + shape, 2))]
                elif w > -2.33:  # p >= 0.2
                    a = other[round(w, 2)]
                else:
                    continue
                a[0] += 1
                a[1] += lab
    return close, other


def count_matched(items, target):
    lo, hi = -60.0, 60.0
    for _ in range(45):
        mid = (lo + hi) / 2
        if sum(n * sig(w + mid) for w, n, _ in items) < target:
            lo = mid
        else:
            hi = mid
    return lo


def report(name, close_items, other):
    dec = collections.defaultdict(lambda: [0, 0.0, 0])
    grey = collections.defaultdict(lambda: [0, 0.0, 0])
    tf = [0, 0]
    for w, n, l in close_items:
        p = sig(w)
        if p >= 0.95:
            tf[0] += n - l
            tf[1] += l
        if p < 0.2:
            continue
        k = min(int(p * 10), 9)
        for t in (dec, grey):
            a = t[k]
            a[0] += n
            a[1] += n * p
            a[2] += l
    for w, (n, l) in other.items():
        p = sig(w)
        a = dec[min(int(p * 10), 9)]
        a[0] += n
        a[1] += n * p
        a[2] += l
    cells = [(k, (a[2] - a[1]) / a[0]) for k, a in sorted(dec.items()) if a[0] >= 500]
    worst = max(abs(g) for k, g in cells if k < 9)
    print(f"{name}: max {worst:.4f}  " + " ".join(f"{k / 10:.1f}:{g:+.3f}" for k, g in cells))
    print("   grey close: " + " ".join(f"{k / 10:.1f}:{(a[2] - a[1]) / a[0]:+.3f}({a[0]})" for k, a in sorted(grey.items()) if k < 9)
          + f"; close links at 0.95 true/false {tf[1]}/{tf[0]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tau", default="1")
    ap.add_argument("--delta", default="0:0")
    ap.add_argument("--sensitivity", action="store_true")
    ap.add_argument("dumps", nargs="+")
    a = ap.parse_args()
    close, other = read(a.dumps)
    groups = {s: [(w, n, l) for (g, w), (n, l) in close.items() if g == s] for s in (True, False)}
    matches = {s: sum(l for _, _, l in groups[s]) for s in groups}
    if a.sensitivity:
        for s in (True, False):
            offs = " ".join(f"{f:.2f}:{count_matched(groups[s], f * matches[s]):+.2f}" for f in (0.7, 0.83, 0.9, 1.0, 1.1, 1.2))
            print(f"{'lone' if s else 'shared'} count-matched offset by target factor: {offs}")
    for tau in (float(x) for x in a.tau.split(",")):
        off = {s: count_matched([(tau * w, n, l) for w, n, l in groups[s]], matches[s]) for s in groups}
        print(f"tau {tau}: count-matched offsets lone {off[True]:+.2f}, shared {off[False]:+.2f}")
        for d in a.delta.split(","):
            dl, ds = (float(x) for x in d.split(":"))
            items = [(tau * w + off[s] + (dl if s else ds), n, l) for s in groups for w, n, l in groups[s]]
            report(f"  tau {tau} delta {dl:+}/{ds:+}", items, other)


if __name__ == "__main__":
    main()
