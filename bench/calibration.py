#!/usr/bin/env python3
"""Calibration of Tally's link probabilities over several synthetic worlds, per world and pooled.

    python3 bench/calibration.py --bin target/release/tally                  # 1M, latin+mixed, seeds 1-3
    python3 bench/calibration.py --sizes 100000 --seeds 1,2,3,4,5 --bin target/release/tally

Per world: `tally synth` (reused when bench/out holds it), import every file as the manifest says
into a fresh SQLite db, `tally link --full`, `tally link eval --truth truth.csv --json` (the same
steps as splink_side_by_side.py). Then one table: per world, the gap (observed - predicted) in
each decile of predicted probability with at least 500 labelled pairs, and its largest absolute
value (`max_calibration_gap_500` of `tally link eval`); last, the same over all worlds pooled.

Why pooled: a decile of a 1M world holds about 2,000 to 5,000 labelled pairs, so its observed rate
has a 95% interval of about +-0.02 by sampling alone, and worlds of different seeds differ by
more than that. One world's largest gap says little about a 0.02 target; the pooled gaps (about
19,000 pairs per decile over six 1M worlds) show the systematic part. Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import splink_side_by_side as sbs  # noqa: E402  (the same synth and linking steps)

MIN_PAIRS = 500


def gaps(bins: list[dict]) -> dict[int, float]:
    """Decile index -> observed - predicted, for deciles with at least MIN_PAIRS pairs."""
    return {i: b["observed"] - b["mean_predicted"] for i, b in enumerate(bins) if b["pairs"] >= MIN_PAIRS}


def pool(evals: list[list[dict]]) -> list[dict]:
    """The deciles of several worlds as one: pairs summed, rates weighted by pairs."""
    out = []
    for i in range(len(evals[0])):
        n = sum(e[i]["pairs"] for e in evals)
        pred = sum(e[i]["pairs"] * e[i]["mean_predicted"] for e in evals) / n if n else 0.0
        obs = sum(e[i]["pairs"] * e[i]["observed"] for e in evals) / n if n else 0.0
        out.append({"pairs": n, "mean_predicted": pred, "observed": obs})
    return out


def line(name: str, bins: list[dict]) -> str:
    g = gaps(bins)
    worst = max((abs(v) for v in g.values()), default=0.0)
    cells = " ".join(f"{i / 10:.1f}:{v:+.3f}" for i, v in g.items())
    pairs = sum(b["pairs"] for b in bins[:-1]) // max(1, sum(1 for b in bins[:-1] if b["pairs"]))
    return f"{name:24s} max {worst:.4f}  {cells}   (pairs per decile below 0.9: {pairs})"


def main() -> int:
    ap = argparse.ArgumentParser(description="Calibration of Tally's link probabilities over several worlds.")
    ap.add_argument("--sizes", default="1000000", help="record counts, comma separated")
    ap.add_argument("--worlds", default="latin,mixed", help="scripts: latin, mixed, cyrillic")
    ap.add_argument("--seeds", default="1,2,3", help="seeds of the synthetic worlds, comma separated")
    ap.add_argument("--bin", type=Path, help="use this tally binary instead of building one")
    ap.add_argument("--json", type=Path, help="also write the per-world deciles as JSON here")
    ap.add_argument("--free-stores", action="store_true",
                    help="delete each world's store and exports once it is evaluated (a 100k world keeps "
                         "about 155 MB otherwise; sixty of them fill a small disk)")
    args = ap.parse_args()
    tally = args.bin.resolve() if args.bin else sbs.build_tally()
    git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=sbs.REPO, capture_output=True,
                         text=True).stdout.strip()
    sbs.OUT.mkdir(parents=True, exist_ok=True)
    rows, evals, contexts = [], [], []
    for size in [int(s.replace("_", "")) for s in args.sizes.split(",")]:
        for world in args.worlds.split(","):
            for seed in [int(s) for s in args.seeds.split(",")]:
                d = sbs.synth(tally, world, size, seed)
                t = sbs.tally_side(tally, d)
                bins = t["eval"]["calibration"]
                if args.free_stores:
                    for f in ("tally.db", "tally.db-wal", "tally.db-shm", "tally.db.linker", "tally_links.csv",
                              "records.csv"):
                        (d / f).unlink(missing_ok=True)
                name = f"{world}-{size}-s{seed}"
                rows.append({"world": name, "calibration": bins,
                             "max_calibration_gap_500": t["eval"].get("max_calibration_gap_500")})
                evals.append(bins)
                contexts.append(t["eval"].get("calibration_by_context") or [])
                print(line(name, bins), file=sys.stderr, flush=True)
    print(f"\nCalibration: observed - predicted match rate per decile of predicted probability "
          f"(deciles with at least {MIN_PAIRS} labelled pairs), tally at {git}")
    for r in rows:
        print(line(r["world"], r["calibration"]))
    print(line("POOLED", pool(evals)))
    # The grey pairs by where they stand in the roll (`tally link eval`), pooled: the deciles'
    # gaps are a mix of these groups' errors.
    pooled: dict[str, list[float]] = {}
    for world in contexts:
        for c in world:
            acc = pooled.setdefault(c["context"], [0, 0.0, 0.0])
            acc[0] += c["pairs"]
            acc[1] += c["pairs"] * c["mean_predicted"]
            acc[2] += c["pairs"] * c["observed"]
    if pooled:
        print("\nGrey pairs (0.2 to 0.95) by context, pooled:")
        for name, (n, sp, so) in pooled.items():
            if n:
                print(f"  {name:12s} {n:8d} pairs  predicted {sp / n:.3f}  observed {so / n:.3f}  gap {(so - sp) / n:+.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
