#!/usr/bin/env python3
"""Tally beside Splink on `tally synth` worlds, in one run.

    python3 bench/splink_side_by_side.py                      # 100k and 1M, latin and mixed
    python3 bench/splink_side_by_side.py --quick              # 20k records, both scripts
    python3 bench/splink_side_by_side.py --sizes 100000 --worlds mixed --bin target/release/tally
    python3 bench/splink_side_by_side.py --sizes 100000 --no-splink --weldrs   # Tally and weldrs

Steps: make bench/.venv and install bench/requirements.txt (Splink + DuckDB, pinned); build
`tally` in release (unless --bin); per world: `tally synth`, `tally import` every file as the
manifest says into a fresh SQLite db, `tally link --full` (timed), `tally link eval`, export
records and links; Splink on the same exported records (timed, bench/splink_link.py); one metric
function (pairwise and B-cubed P/R/F1) applied to both; one table.

Wall time and peak memory are those of the one child process doing the linkage (`tally link`, or
the Python process running Splink and its in-process DuckDB), read with os.wait4, so nothing
else on the machine (or in this script) is counted. Needs only Python 3.10+ and cargo.

--weldrs adds rows for weldrs (the Rust Splink/fastLink-style crate on Polars): bench/weldrs is a
standalone cargo binary, built here in release unless --weldrs-bin is given, that reads the same
exported records.csv and is measured the same way (bench/README.md, "weldrs").
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV = BENCH / ".venv"
OUT = BENCH / "out"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], cwd: Path | None = None, stdout=None) -> None:
    log("$ " + " ".join(shlex.quote(str(c)) for c in cmd))
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, stdout=stdout)


def measured(cmd: list[str], cwd: Path | None = None, stdout_path: Path | None = None) -> tuple[float, float]:
    """Run one child; return (wall seconds, peak RSS in MB) of that process alone."""
    wall, peak, rc = measured_bounded(cmd, cwd, stdout_path)
    if rc != 0:
        raise SystemExit(f"error: {cmd[0]} exited with {rc}\nhint: see the output above")
    return wall, peak


def measured_bounded(cmd: list[str], cwd: Path | None = None, stdout_path: Path | None = None,
                     timeout: float | None = None, mem_gb: float | None = None) -> tuple[float, float, int]:
    """measured(), but the child may fail: return (wall s, peak MB, exit code). With `timeout` the
    child is killed after that many seconds (exit code -9); with `mem_gb` its address space is capped
    (RLIMIT_AS), so a tool that outgrows the machine fails by itself instead of pushing everything
    else on a shared box out of memory."""
    log("$ " + " ".join(shlex.quote(str(c)) for c in cmd) + "   (measured)")
    out = open(stdout_path, "wb") if stdout_path else None
    limit = None
    if mem_gb:
        import resource

        cap = int(mem_gb * 2**30)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    p = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=out, preexec_fn=limit)
    if timeout is None:
        _, status, ru = os.wait4(p.pid, 0)
    else:
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                log(f"{cmd[0]} still running after {timeout:.0f} s: killing it")
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if out:
        out.close()
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    peak = ru.ru_maxrss / 1024 if sys.platform != "darwin" else ru.ru_maxrss / 2**20
    return wall, peak, p.returncode


# ---------------------------------------------------------------- metrics (shared by both tools)


def read_mapping(path: Path, key_cols: tuple[str, str], val_col: str) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as f:
        return {f"{r[key_cols[0]]}:{r[key_cols[1]]}": r[val_col] for r in csv.DictReader(f)}


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def prf(p: float, r: float) -> tuple[float, float, float]:
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(pred: dict[str, str], truth: dict[str, str]) -> dict:
    """Pairwise and B-cubed precision/recall/F1 of a clustering against the truth.

    Records the prediction lacks count as singletons (a record a tool dropped is a record it did
    not link); records outside the truth are ignored. Pairwise: a pair is predicted when both
    records share a cluster. B-cubed (Bagga and Baldwin 1998): per record, the share of its
    predicted cluster that is its true person (precision) and of its true person that is in its
    predicted cluster (recall), averaged over records; F1 of the two averages.
    """
    pred = {k: pred.get(k, "__single__" + k) for k in truth}
    cell = Counter((pred[k], truth[k]) for k in truth)
    psize = Counter(pred.values())
    tsize = Counter(truth.values())
    pp = sum(pairs(n) for n in psize.values())
    tp_ = sum(pairs(n) for n in tsize.values())
    correct = sum(pairs(n) for n in cell.values())
    pw = prf(correct / pp if pp else 1.0, correct / tp_ if tp_ else 1.0)
    n = len(truth)
    bp = sum(c * c / psize[p] for (p, _), c in cell.items()) / n
    br = sum(c * c / tsize[t] for (_, t), c in cell.items()) / n
    return {
        "pairwise": pw,
        "bcubed": prf(bp, br),
        "predicted_pairs": pp,
        "true_pairs": tp_,
        "correct_pairs": correct,
        "predicted_clusters": len(psize),
        "true_clusters": len(tsize),
    }


def cross_script_recall(pred: dict[str, str], truth: dict[str, str], records_csv: Path) -> float | None:
    """Share of true pairs between a Latin-script and a Cyrillic-script record that are linked."""
    latin: dict[str, bool] = {}
    with open(records_csv, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            s = r["surname"] + r["given_name"]
            latin[f"{r['source']}:{r['source_record_id']}"] = not any("\u0400" <= ch <= "\u04ff" for ch in s)
    by_person: dict[str, list[str]] = {}
    for k, p in truth.items():
        by_person.setdefault(p, []).append(k)
    total = hit = 0
    for ks in by_person.values():
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                if latin.get(a) != latin.get(b):
                    total += 1
                    hit += pred.get(a) is not None and pred.get(a) == pred.get(b)
    return hit / total if total else None


# ---------------------------------------------------------------- steps


def setup_venv() -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        run([sys.executable, "-m", "venv", VENV])
    stamp = VENV / ".requirements"
    req = (BENCH / "requirements.txt").read_text()
    if not stamp.exists() or stamp.read_text() != req:
        run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([py, "-m", "pip", "install", "--quiet", "-r", BENCH / "requirements.txt"])
        stamp.write_text(req)
    return py


def build_tally() -> Path:
    run(["cargo", "build", "--release", "-p", "tally-cli"], cwd=REPO)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "tally"


def synth(tally: Path, world: str, size: int, seed: int) -> Path:
    d = OUT / f"{world}-{size}-s{seed}"
    if (d / "manifest.json").exists() and (d / "truth.csv").exists():
        log(f"reusing {d}")
        return d
    if d.exists():
        shutil.rmtree(d)
    run([tally, "synth", "--records", size, "--script", world, "--seed", seed, "--out", d], stdout=subprocess.DEVNULL)
    return d


def tally_side(tally: Path, d: Path) -> dict:
    db = d / "tally.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    manifest = json.loads((d / "manifest.json").read_text())
    t0 = time.perf_counter()
    for s in manifest["sources"]:
        args = shlex.split(s["import"])
        assert args[0] == "tally", s["import"]
        run([tally, "--db", db, *args[1:]], cwd=d, stdout=subprocess.DEVNULL)
    import_s = time.perf_counter() - t0
    wall, peak = measured([tally, "--db", db, "link", "--full", "--json"], cwd=d, stdout_path=d / "tally_link.json")
    summary = json.loads((d / "tally_link.json").read_text())
    with open(d / "tally_eval.json", "wb") as f:
        run([tally, "--db", db, "link", "eval", "--truth", d / "truth.csv", "--json"], stdout=f)
    run([tally, "--db", db, "export", "links", "--format", "csv", "--out", d / "tally_links.csv"], stdout=subprocess.DEVNULL)
    run([tally, "--db", db, "export", "records", "--format", "csv", "--out", d / "records.csv"], stdout=subprocess.DEVNULL)
    return {
        "wall": wall,
        "peak_mb": peak,
        "import_s": import_s,
        "summary": summary,
        "eval": json.loads((d / "tally_eval.json").read_text()),
        "pred": read_mapping(d / "tally_links.csv", ("source", "source_record_id"), "person_id"),
    }


def splink_side(py: Path, d: Path, threshold: float, seed: int, rules: str) -> dict:
    script = BENCH / "splink_link.py"
    wall, peak = measured(
        [py, script, "link", "--rules", rules, "--records", d / "records.csv",
         "--prepared", d / "splink_prepared.csv", "--clusters", d / f"splink_{rules}_clusters.csv",
         "--stats", d / f"splink_{rules}_stats.json", "--threshold", threshold, "--seed", seed],
        cwd=d,
    )
    run([py, script, "blocking", "--rules", rules, "--prepared", d / "splink_prepared.csv",
         "--truth", d / "truth.csv", "--stats", d / f"splink_{rules}_blocking.json"])
    with open(d / f"splink_{rules}_clusters.csv", newline="", encoding="utf-8") as f:
        pred = {r["unique_id"]: r["cluster_id"] for r in csv.DictReader(f)}
    return {
        "wall": wall,
        "peak_mb": peak,
        "stats": json.loads((d / f"splink_{rules}_stats.json").read_text()),
        "blocking": json.loads((d / f"splink_{rules}_blocking.json").read_text()),
        "pred": pred,
    }


WELDRS = BENCH / "weldrs"


def build_weldrs() -> Path:
    # Its own target dir inside the crate (git-ignored): Polars is about a gigabyte of artefacts
    # that the workspace's target/ should not carry.
    target = WELDRS / "target"
    run(["cargo", "build", "--release", "--manifest-path", WELDRS / "Cargo.toml", "--target-dir", target])
    return target / "release" / "tally-weldrs-bench"


_weldrs_blocking_counted: set[Path] = set()


def weldrs_side(binary: Path, d: Path, threshold: float, seed: int, variant: str,
                timeout: float | None, mem_gb: float | None) -> dict:
    """weldrs on the exported records (measured), then its blocking figures (not measured). Returns
    the failure instead of raising when the linking process fails or runs out of time."""
    clusters = d / f"weldrs_{variant}_clusters.csv"
    stats = d / f"weldrs_{variant}_stats.json"
    clusters.unlink(missing_ok=True)
    cmd = [binary, "link", "--records", d / "records.csv", "--clusters", clusters, "--stats", stats,
           "--threshold", threshold, "--seed", seed] + (["--plain"] if variant == "plain" else [])
    wall, peak, rc = measured_bounded(cmd, cwd=d, timeout=timeout, mem_gb=mem_gb)
    if rc != 0:
        why = "killed at the time limit" if rc == -9 and timeout and wall >= timeout else f"exit code {rc}"
        log(f"weldrs-{variant} failed ({why}) after {wall:.1f} s at peak {peak:.0f} MB")
        return {"failed": why, "wall": wall, "peak_mb": peak}
    blocking = d / "weldrs_blocking.json"
    if d not in _weldrs_blocking_counted:  # the same rules for every variant: counted once per world and run
        _weldrs_blocking_counted.add(d)
        run([binary, "blocking", "--records", d / "records.csv", "--truth", d / "truth.csv", "--stats", blocking])
    with open(clusters, newline="", encoding="utf-8") as f:
        pred = {r["unique_id"]: r["cluster_id"] for r in csv.DictReader(f)}
    return {
        "wall": wall,
        "peak_mb": peak,
        "stats": json.loads(stats.read_text()),
        "blocking": json.loads(blocking.read_text()),
        "pred": pred,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="Tally beside Splink on tally synth worlds, in one run.")
    ap.add_argument("--sizes", default="100000,1000000", help="record counts, comma separated")
    ap.add_argument("--worlds", default="latin,mixed", help="scripts: latin, mixed, cyrillic")
    ap.add_argument("--bin", type=Path, help="use this tally binary instead of building one")
    ap.add_argument("--quick", action="store_true", help="smoke run: 20,000 records only")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic worlds")
    ap.add_argument("--splink-rules", default="mirror,wide",
                    help="Splink blocking rule sets to run: mirror (Tally's rules), wide (tuned for Splink)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    ap.add_argument("--tally-only", action="store_true",
                    help="run Tally alone (no virtual environment, no Splink): for quick checks while developing")
    ap.add_argument("--no-splink", action="store_true", help="skip Splink (and its virtual environment)")
    ap.add_argument("--weldrs", action="store_true", help="add weldrs rows (builds bench/weldrs unless --weldrs-bin)")
    ap.add_argument("--weldrs-bin", type=Path, help="use this tally-weldrs-bench binary instead of building one")
    ap.add_argument("--weldrs-variants", default="tuned",
                    help="tuned (as close to the Splink model as weldrs allows), plain (weldrs's builder as its "
                         "README shows it); comma separated")
    ap.add_argument("--weldrs-timeout", type=float, help="kill weldrs after this many seconds (a row says so)")
    ap.add_argument("--weldrs-mem-gb", type=float, default=20.0,
                    help="address-space cap for the weldrs process, GiB (0: none)")
    args = ap.parse_args()
    if args.tally_only and args.weldrs:
        ap.error("--tally-only runs Tally alone; use --no-splink --weldrs for Tally and weldrs")
    if args.tally_only or args.no_splink:
        args.splink_rules = ""
    sizes = [20000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    worlds = [w.strip() for w in args.worlds.split(",")]

    OUT.mkdir(parents=True, exist_ok=True)
    py = setup_venv() if args.splink_rules else None
    tally = args.bin.resolve() if args.bin else build_tally()
    if not tally.exists():
        raise SystemExit(f"error: no tally binary at {tally}\nhint: pass --bin or drop it to build one")
    weldrs = None
    if args.weldrs:
        weldrs = args.weldrs_bin.resolve() if args.weldrs_bin else build_weldrs()
        if not weldrs.exists():
            raise SystemExit(f"error: no weldrs binary at {weldrs}\nhint: pass --weldrs-bin or drop it to build one")
    failed = []
    # The build is of the working tree: "-dirty" means it held uncommitted changes (other helpers' work).
    git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True).stdout.strip()

    rows = []
    for size in sizes:
        for world in worlds:
            d = synth(tally, world, size, args.seed)
            truth = read_mapping(d / "truth.csv", ("source", "source_record_id"), "person_id")
            t = tally_side(tally, d)
            threshold = t["summary"].get("threshold", 0.95)
            runs = [("tally", t)] + [
                (f"splink-{r}", splink_side(py, d, threshold, 42, r)) for r in args.splink_rules.split(",") if r
            ]
            if weldrs:
                runs += [
                    (f"weldrs-{v}" if v != "tuned" else "weldrs",
                     weldrs_side(weldrs, d, threshold, 42, v, args.weldrs_timeout, args.weldrs_mem_gb or None))
                    for v in args.weldrs_variants.split(",") if v
                ]
            for tool, res in runs:
                if "failed" in res:
                    failed.append({"world": world, "records": len(truth), "tool": tool, "failed": res["failed"],
                                   "wall_s": res["wall"], "peak_mb": res["peak_mb"]})
                    continue
                m = evaluate(res["pred"], truth)
                row = {
                    "world": world,
                    "records": len(truth),
                    "tool": tool,
                    "wall_s": res["wall"],
                    "peak_mb": res["peak_mb"],
                    "pairwise": m["pairwise"],
                    "bcubed_f1": m["bcubed"][2],
                    "cross_script_recall": cross_script_recall(res["pred"], truth, d / "records.csv")
                    if world != "latin" else None,
                    "metrics": {k: v for k, v in m.items() if k not in ("pairwise",)},
                }
                if tool == "tally":
                    b = t["summary"].get("blocking", {})
                    row["pairs_per_record"] = b.get("pairs_per_record")
                    row["blocking_recall"] = b.get("estimated_recall")
                    row["blocking_recall_kind"] = "est"
                    row["own_eval_bcubed_f1"] = t["eval"]["evaluation"]["bcubed"]["f1"]
                    row["own_eval_pairwise_f1"] = t["eval"]["evaluation"]["pairwise"]["f1"]
                    row["phases"] = t["summary"].get("timings")
                    row["import_s"] = t["import_s"]
                else:
                    s = res
                    row["pairs_per_record"] = s["blocking"]["pairs_per_record"]
                    row["blocking_recall"] = s["blocking"]["blocking_recall"]
                    row["blocking_recall_kind"] = "true"
                    row["phases"] = s["stats"]["timings"]
                    if tool.startswith("weldrs"):
                        row["phases"] = {k: row["phases"][k] for k in s["stats"]["phase_order"]}
                        row["weldrs_version"] = s["stats"]["weldrs_version"]
                    else:
                        row["splink_version"] = s["stats"]["splink_version"]
                rows.append(row)
            print_table(rows, file=sys.stderr)
            print_failed(failed, file=sys.stderr)
            if args.json:  # after every world, so a long run that is stopped still leaves its rows
                args.json.write_text(json.dumps(rows + failed, indent=2))

    load = os.getloadavg()
    version = next((r["splink_version"] for r in rows if "splink_version" in r), "(not run)")
    print(f"\nTally beside Splink {version} "
          f"(DuckDB), tally at {git}, {os.cpu_count()} cores, load average at end "
          f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, threshold {threshold}")
    print_table(rows)
    print_failed(failed)
    print("\nwall s and peak MB: the linking process alone (tally link --full; the Python process running "
          "Splink+DuckDB, from loading the CSV to writing clusters).\nP/R/F1 by this script's one metric "
          "function for both tools; 'tally eval' is `tally link eval`'s own B-cubed F1. Block rec: Tally's "
          "estimate (est) / Splink's true share of true pairs its rules compare (true). X-script: share of "
          "true Latin-Cyrillic pairs linked.")
    if weldrs:
        pin = re.search(r'^weldrs = "=?([^"]+)"', (WELDRS / "Cargo.toml").read_text(), re.M)
        wv = next((r["weldrs_version"] for r in rows if "weldrs_version" in r), pin.group(1) if pin else "?")
        print(f"weldrs {wv} (Polars; bench/weldrs): wall s and peak MB of the tally-weldrs-bench process from "
              "reading the CSV to writing clusters; block rec is the true share of true pairs its rules compare.")
    for r in rows:
        ph = ", ".join(f"{k} {v:.2f}" for k, v in (r.get("phases") or {}).items())
        print(f"  {r['world']} {r['records']} {r['tool']} phases (s): {ph}")
    if args.json:
        args.json.write_text(json.dumps(rows + failed, indent=2))
    return 0


def print_table(rows: list[dict], file=sys.stdout) -> None:
    head = (f"{'world':<6} {'records':>9} {'tool':<13} {'wall s':>8} {'peak MB':>8} {'pairs/rec':>9} "
            f"{'pw P':>7} {'pw R':>7} {'pw F1':>7} {'B3 F1':>7} {'tally eval':>10} {'block rec':>11} {'x-script':>8}")
    print(head, file=file)
    print("-" * len(head), file=file)
    for r in rows:
        p, rc, f1 = r["pairwise"]
        br = "" if r["blocking_recall"] is None else f"{r['blocking_recall']:.4f} {r['blocking_recall_kind']}"
        own = f"{r['own_eval_bcubed_f1']:.4f}" if "own_eval_bcubed_f1" in r else ""
        xs = "" if r["cross_script_recall"] is None else f"{r['cross_script_recall']:.4f}"
        ppr = "" if r["pairs_per_record"] is None else f"{r['pairs_per_record']:.2f}"
        print(f"{r['world']:<6} {r['records']:>9} {r['tool']:<13} {r['wall_s']:>8.2f} {r['peak_mb']:>8.0f} {ppr:>9} "
              f"{p:>7.4f} {rc:>7.4f} {f1:>7.4f} {r['bcubed_f1']:>7.4f} {own:>10} {br:>11} {xs:>8}", file=file)
    file.flush()


def print_failed(failed: list[dict], file=sys.stdout) -> None:
    for r in failed:
        print(f"{r['world']:<6} {r['records']:>9} {r['tool']:<13} {r['wall_s']:>8.2f} {r['peak_mb']:>8.0f}  "
              f"did not finish: {r['failed']}", file=file)
    file.flush()


if __name__ == "__main__":
    sys.exit(main())
