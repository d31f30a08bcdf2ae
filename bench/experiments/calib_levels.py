#!/usr/bin/env python3
"""Calibration of `calib_probe` dumps: pooled deciles, and the grey pairs by surname level and,
for close surnames, by the log2 bucket of the commoner spelling's roll count.

    cargo build --release -p tally-linkage --example calib_probe
    for d in bench/out/*-100000-s*; do
        target/release/examples/calib_probe $d /tmp/probe/$(basename $d).csv
    done
    python3 bench/experiments/calib_levels.py /tmp/probe/*.csv

The deciles are those of `tally link eval` (deciles with at least 500 labelled pairs; the
probe reproduces them exactly); "true/false at >=0.95" counts labelled pairs at or above 0.95.
Stdlib only.
"""

import collections
import csv
import sys


def main(files: list[str]) -> None:
    dec = collections.defaultdict(lambda: [0, 0.0, 0])
    lev = collections.defaultdict(lambda: [0, 0.0, 0])
    band = collections.defaultdict(lambda: [0, 0.0, 0])
    tp = fp = 0
    for fn in files:
        with open(fn, newline="") as f:
            for r in csv.DictReader(f):
                lab = int(r["label"])
                if lab < 0:
                    continue
                p = 1 / (1 + 2 ** (-float(r["weight"])))
                a = dec[min(9, int(p * 10))]
                a[0], a[1], a[2] = a[0] + 1, a[1] + p, a[2] + lab
                if p >= 0.95:
                    tp, fp = tp + lab, fp + (1 - lab)
                if 0.2 <= p < 0.95:
                    a = lev[r["sur"]]
                    a[0], a[1], a[2] = a[0] + 1, a[1] + p, a[2] + lab
                    if r["sur"] == "3" and r.get("ccount"):
                        a = band[int(r["ccount"]).bit_length()]
                        a[0], a[1], a[2] = a[0] + 1, a[1] + p, a[2] + lab
    cells = [(d, (so - sp) / n, n) for d, (n, sp, so) in sorted(dec.items()) if n >= 500]
    print(f"max {max(abs(g) for _, g, _ in cells):.4f}  " + " ".join(f"{d / 10:.1f}:{g:+.3f}({n})" for d, g, n in cells))
    print(f"true/false at >=0.95: {tp}/{fp}")
    for k, (n, sp, so) in sorted(lev.items()):
        print(f"  surname level {k}: {n:6d} predicted {sp / n:.3f} observed {so / n:.3f} gap {(so - sp) / n:+.3f}")
    for k, (n, sp, so) in sorted(band.items()):
        print(f"    close, bucket {k:2d}: {n:6d} predicted {sp / n:.3f} observed {so / n:.3f} gap {(so - sp) / n:+.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
