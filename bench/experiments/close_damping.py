#!/usr/bin/env python3
"""Offline: close surnames' log odds damped by tau, on `calib_probe` dumps of every close candidate.

    cargo build --release -p tally-linkage --example calib_probe
    for d in bench/out/*-100000-s*; do
        KEEP_FLOOR=0 CLOSE_ALL=1 target/release/examples/calib_probe $d /tmp/ca7/$(basename $d).csv
    done
    python3 bench/experiments/close_damping.py /tmp/ca7/*-100000-*.csv

Per tau: the deciles of `calib_levels.py` (labelled pairs at 0.2 and above, deciles with at least
500 pairs) with the close pairs' weights times tau, the links at 0.95 true/false, and the grey
close pairs' gap (observed - predicted). Stdlib only.
"""
import sys, collections
TAUS = [1.0, 0.9, 0.8, 0.7]
sig = lambda w: 1 / (1 + 2 ** (-w)) if w > -60 else 0.0
dec = {t: collections.defaultdict(lambda: [0, 0.0, 0]) for t in TAUS}
grey = {t: [0, 0.0, 0] for t in TAUS}
tf = {t: [0, 0] for t in TAUS}
for fn in sys.argv[1:]:
    with open(fn) as f:
        h = f.readline().rstrip('\n').split(',')
        iw, il = h.index('weight'), h.index('label')
        for line in f:
            r = line.split(',', il + 1)
            lab = int(r[il])
            if lab < 0:
                continue
            w = float(r[iw]); close = r[0] == '3'
            for t in TAUS:
                p = sig(t * w if close else w)
                if p < 0.2:
                    continue
                a = dec[t][min(9, int(p * 10))]
                a[0] += 1; a[1] += p; a[2] += lab
                if p >= 0.95:
                    tf[t][lab] += 1
                elif close:
                    g = grey[t]; g[0] += 1; g[1] += p; g[2] += lab
for t in TAUS:
    cells = [(d, (so - sp) / n, n) for d, (n, sp, so) in sorted(dec[t].items()) if n >= 500]
    g = grey[t]
    print(f"tau {t}: max {max(abs(x) for _, x, _ in cells):.4f} " + " ".join(f"{d/10:.1f}:{x:+.3f}" for d, x, _ in cells) + f" | true/false {tf[t][1]}/{tf[t][0]} | grey close {g[0]} gap {(g[2]-g[1])/max(g[0],1):+.3f}")
