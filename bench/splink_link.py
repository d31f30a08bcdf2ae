#!/usr/bin/env python3
"""Link the records `tally export records --format csv` wrote with Splink (DuckDB backend).

Runs inside bench/.venv (see splink_side_by_side.py, which calls it as a separate process so its
wall time and peak memory can be measured on their own). Two modes:

  link     prepare, train (prior, u by random sampling, EM), predict, cluster; write
           `unique_id,cluster_id` CSV and a JSON of phase timings. This is the timed run.
  blocking count the candidate pairs the blocking rules generate (exactly) and, given the truth,
           the share of true pairs that at least one rule would compare. Not timed: it is an
           analysis Splink's run does not need.

The model is what a statistician would write today for these lists: Fellegi-Sunter, u by random
sampling, m by EM on two training blockings, term-frequency adjustment on surname and given name,
connected components at the same threshold Tally uses. Blocking mirrors Tally's rules on plain
(lower-cased, simply transliterated) columns, because Splink has no cross-script name keys.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time

# A single Cyrillic -> Latin table (Ukrainian national 2010 for Ukrainian letters, the same
# letters for the shared ones). A statistician linking mixed-script lists with Splink would
# transliterate first; without it Splink could match Cyrillic to Latin records on dates only.
# One table cannot match every publisher's standard (г is h here, g in Russian-style lists),
# which is exactly the cross-script gap the benchmark is meant to show.
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ё": "e",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "", "`": "", "\u0301": "",
}
_TRANSLIT = str.maketrans(_CYR)

# Blocking rules: each is a list of columns of the prepared table that must be equal (and not
# null). They mirror Tally's rules one for one (Tally's *_key columns are cross-script name keys;
# here the plain normalised names stand in for them).
BLOCKING_RULES: list[list[str]] = [
    ["surname", "given_name"],
    ["surname", "given_initial"],
    ["surname", "birth_date"],
    ["given_name", "birth_date"],
    ["given_name", "patronymic", "birth_year"],
    ["surname_prefix", "given_name"],
    ["surname_suffix", "given_name", "birth_year"],
    ["given_name", "settlement", "birth_year"],
    ["birth_date", "settlement"],
    ["given_name", "death_date"],
    ["surname", "death_date"],
    ["birth_date", "death_date"],
]

EM_BLOCKINGS: list[list[str]] = [["surname", "given_name"], ["birth_date"]]
PRIOR_RULES: list[list[str]] = [["surname", "given_name", "birth_date"]]

TEXT_COLUMNS = ["surname", "given_name", "patronymic", "region", "settlement", "unit"]
OUT_COLUMNS = [
    "unique_id", "surname", "given_name", "patronymic", "given_initial", "surname_prefix",
    "surname_suffix", "birth_date", "birth_year", "death_date", "region", "settlement", "unit",
    "sex",
]


def norm(value: str, translit: bool) -> str | None:
    v = value.strip().lower()
    if translit:
        v = v.translate(_TRANSLIT)
    v = " ".join(v.replace("-", " ").split())
    return v or None


def prepare(records_csv: str, prepared_csv: str, translit: bool) -> int:
    """Normalise the exported records into the columns the model reads; empty cells become null
    (an empty string would otherwise block every record without a birth date together)."""
    n = 0
    with open(records_csv, newline="", encoding="utf-8") as fin, open(
        prepared_csv, "w", newline="", encoding="utf-8"
    ) as fout:
        w = csv.writer(fout)
        w.writerow(OUT_COLUMNS)
        for row in csv.DictReader(fin):
            t = {c: norm(row[c], translit) for c in TEXT_COLUMNS}
            s = t["surname"]
            g = t["given_name"]
            bd = row["birth_date"].strip() or None
            dd = row["death_date"].strip() or None
            w.writerow([
                f"{row['source']}:{row['source_record_id']}",
                s, g, t["patronymic"],
                g[0] if g else None,
                s[:4] if s and len(s) >= 4 else None,
                s[-4:] if s and len(s) >= 4 else None,
                bd, bd[:4] if bd else None, dd,
                t["region"], t["settlement"], t["unit"],
                row["sex"].strip() or None,
            ])
            n += 1
    return n


def load(con, prepared_csv: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE recs AS SELECT * FROM read_csv('{prepared_csv}', header=true, "
        "all_varchar=true, nullstr='')"
    )


def settings(block_on, cl, cll):
    from splink import SettingsCreator

    def date_cmp(col: str, year_col: str | None):
        levels = [cll.NullLevel(col), cll.ExactMatchLevel(col), cll.DamerauLevenshteinLevel(col, 1)]
        if year_col:
            levels.append(cll.ExactMatchLevel(year_col))
        levels.append(cll.ElseLevel())
        return cl.CustomComparison(comparison_levels=levels, output_column_name=col)

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[block_on(*r) for r in BLOCKING_RULES],
        comparisons=[
            cl.JaroWinklerAtThresholds("surname", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("given_name", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("patronymic", [0.95, 0.88]),
            date_cmp("birth_date", "birth_year"),
            date_cmp("death_date", None),
            cl.ExactMatch("region"),
            cl.JaroWinklerAtThresholds("settlement", [0.9]),
            cl.ExactMatch("unit"),
            cl.ExactMatch("sex"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def run_link(args) -> None:
    t0 = time.perf_counter()
    import duckdb
    import splink
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, block_on

    timings: dict[str, float] = {}
    t = time.perf_counter()
    timings["import_python"] = t - t0
    n = prepare(args.records, args.prepared, not args.no_translit)
    con = duckdb.connect(":memory:")
    load(con, args.prepared)
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register("recs")
    linker = Linker(sdf, settings(block_on, cl, cll), log_level=None)
    timings["prepare"] = time.perf_counter() - t

    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*r) for r in PRIOR_RULES], recall=0.7
    )
    timings["prior"] = time.perf_counter() - t
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=args.seed)
    timings["u_sampling"] = time.perf_counter() - t
    t = time.perf_counter()
    for r in EM_BLOCKINGS:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*r))
    timings["em"] = time.perf_counter() - t
    t = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=args.threshold)
    timings["predict"] = time.perf_counter() - t
    t = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=args.threshold
    )
    con.execute(
        f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) TO '{args.clusters}' "
        "(HEADER, DELIMITER ',')"
    )
    timings["cluster"] = time.perf_counter() - t
    kept = con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchone()[0]
    timings["total"] = time.perf_counter() - t0
    json.dump(
        {
            "splink_version": splink.__version__,
            "duckdb_version": duckdb.__version__,
            "records": n,
            "threshold": args.threshold,
            "pairs_above_threshold": kept,
            "translit": not args.no_translit,
            "timings": timings,
        },
        open(args.stats, "w"),
        indent=2,
    )


def run_blocking(args) -> None:
    """Exact candidate-pair count (union of rules) and blocking recall against the truth."""
    import duckdb

    con = duckdb.connect(":memory:")
    load(con, args.prepared)
    union = " UNION ".join(
        "SELECT l.unique_id AS a, r.unique_id AS b FROM recs l JOIN recs r ON "
        + " AND ".join(f"l.{c} = r.{c}" for c in rule)
        + " WHERE l.unique_id < r.unique_id"
        for rule in BLOCKING_RULES
    )
    pairs = con.execute(f"SELECT count(*) FROM ({union})").fetchone()[0]
    con.execute(
        f"CREATE TABLE truth AS SELECT source || ':' || source_record_id AS uid, person_id "
        f"FROM read_csv('{args.truth}', header=true, all_varchar=true)"
    )
    cond = " OR ".join("(" + " AND ".join(f"l.{c} = r.{c}" for c in rule) + ")" for rule in BLOCKING_RULES)
    true_pairs, blocked = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE " + cond + ") FROM truth a JOIN truth b "
        "ON a.person_id = b.person_id AND a.uid < b.uid "
        "JOIN recs l ON l.unique_id = a.uid JOIN recs r ON r.unique_id = b.uid"
    ).fetchone()
    n = con.execute("SELECT count(*) FROM recs").fetchone()[0]
    json.dump(
        {
            "records": n,
            "candidate_pairs": pairs,
            "pairs_per_record": pairs / n if n else 0.0,
            "true_pairs": true_pairs,
            "blocked_true_pairs": blocked,
            "blocking_recall": blocked / true_pairs if true_pairs else 1.0,
        },
        open(args.stats, "w"),
        indent=2,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["link", "blocking"])
    p.add_argument("--records", help="records CSV from `tally export records --format csv` (link)")
    p.add_argument("--prepared", required=True, help="normalised records CSV (written by link, read by blocking)")
    p.add_argument("--clusters", help="output: unique_id,cluster_id CSV (link)")
    p.add_argument("--stats", required=True, help="output: JSON with timings or blocking figures")
    p.add_argument("--truth", help="truth.csv from `tally synth` (blocking)")
    p.add_argument("--threshold", type=float, default=0.95)
    p.add_argument("--u-pairs", type=float, default=1e7, help="max pairs for u random sampling")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-translit", action="store_true", help="do not transliterate Cyrillic")
    args = p.parse_args()
    if args.mode == "link":
        if not (args.records and args.clusters):
            p.error("link needs --records and --clusters")
        run_link(args)
    else:
        if not args.truth:
            p.error("blocking needs --truth")
        run_blocking(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
