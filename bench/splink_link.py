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
import re
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
# null). Two sets:
#   mirror  Tally's twelve rules one for one, Tally's cross-script name keys replaced by the
#           normalised names (so both tools get the same budget of pairs per record);
#   wide    nine rules a Splink user would tune on these lists, on consonant skeletons of the
#           names (see skeleton()), at a larger budget of pairs (about 9 per record at 100,000
#           records, growing with size), as the Splink baseline was run.
MIRROR_RULES: list[list[str]] = [
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

WIDE_RULES: list[list[str]] = [
    ["surname_sk", "given_sk"],
    ["surname_sk", "birth_year"],
    ["given_sk", "birth_date"],
    ["surname_sk", "death_date"],
    ["birth_date", "death_date"],
    ["given_sk", "death_date"],
    ["surname_sk", "settlement"],
    ["surname_sk", "unit"],
    ["given_sk", "unit", "region"],
]

RULE_SETS = {"mirror": MIRROR_RULES, "wide": WIDE_RULES}

EM_BLOCKINGS: list[list[str]] = [["surname", "given_name"], ["birth_date"]]
# The prior from a near-deterministic rule; 0.8 is the recall a user would guess for it.
PRIOR_RULES: list[list[str]] = [["surname_sk", "given_skf", "birth_year"]]
PRIOR_RECALL = 0.8

TEXT_COLUMNS = ["surname", "given_name", "patronymic", "region", "settlement", "unit"]
OUT_COLUMNS = [
    "unique_id", "surname", "given_name", "patronymic", "given_initial", "surname_prefix",
    "surname_suffix", "birth_date", "birth_year", "birth_year_hi", "death_date", "region", "settlement", "unit",
    "sex", "surname_sk", "given_sk", "given_skf", "patronymic_sk",
]

_SK_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("ch", "c"), ("sh", "s"), ("ts", "c"),
                ("tz", "c"), ("w", "v"), ("x", "ks"), ("g", "h"))
_SK_DROP = re.compile(r"[aeiouyjh'\W]")
_SK_DOUBLE = re.compile(r"(.)\1+")


def skeleton(s: str | None, keep: int | None = None) -> str | None:
    """Consonant skeleton of a Latin name: digraphs folded (kh/h, zh/z, sh/s, ts/c, g/h), vowels,
    y, j, h dropped, doubles collapsed. A hand-made phonetic key so blocking survives the
    different transliteration standards of the lists (Shevchenko, Ševčenko, Schewtschenko)."""
    if not s:
        return None
    for a, b in _SK_DIGRAPHS:
        s = s.replace(a, b)
    s = _SK_DOUBLE.sub(r"\1", _SK_DROP.sub("", s))
    return (s[:keep] if keep else s) or None


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
            by = bd[:4] if bd else None
            by_hi = by
            if bd and bd.startswith("~") and ".." in bd:
                by, by_hi = (x.strip("~") for x in bd.split("..", 1))
                bd = None
            dd = row["death_date"].strip() or None
            w.writerow([
                f"{row['source']}:{row['source_record_id']}",
                s, g, t["patronymic"],
                g[0] if g else None,
                s[:4] if s and len(s) >= 4 else None,
                s[-4:] if s and len(s) >= 4 else None,
                bd, by, by_hi, dd,
                t["region"], t["settlement"], t["unit"],
                row["sex"].strip() or None,
                skeleton(s), skeleton(g, 3), skeleton(g), skeleton(t["patronymic"]),
            ])
            n += 1
    return n


def load(con, prepared_csv: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE recs AS SELECT * FROM read_csv('{prepared_csv}', header=true, "
        "all_varchar=true, nullstr='')"
    )


def settings(block_on, cl, cll, rules: list[list[str]]):
    from splink import SettingsCreator

    def birth_cmp():
        # Exported birth dates are day, month or year precise, or an age-derived year range
        # ("~1975..1976", kept as birth_year..birth_year_hi with no birth_date).
        lo_l, lo_r = "try_cast(birth_year_l AS INTEGER)", "try_cast(birth_year_r AS INTEGER)"
        hi_l, hi_r = "try_cast(birth_year_hi_l AS INTEGER)", "try_cast(birth_year_hi_r AS INTEGER)"
        levels = [
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.And(cll.ExactMatchLevel("birth_year"), cll.ExactMatchLevel("birth_year_hi")),
            cll.CustomLevel(f"{lo_l} <= {hi_r} AND {lo_r} <= {hi_l}", label_for_charts="birth years overlap"),
            cll.CustomLevel(f"{lo_l} <= {hi_r} + 1 AND {lo_r} <= {hi_l} + 1", label_for_charts="birth years within 1"),
            cll.ElseLevel(),
        ]
        return cl.CustomComparison(comparison_levels=levels, output_column_name="birth_date")

    def death_cmp():
        levels = [
            cll.NullLevel("death_date"),
            cll.ExactMatchLevel("death_date"),
            cll.DamerauLevenshteinLevel("death_date", 1),
            cll.CustomLevel("substr(death_date_l, 1, 7) = substr(death_date_r, 1, 7)", label_for_charts="same month"),
            cll.ElseLevel(),
        ]
        return cl.CustomComparison(comparison_levels=levels, output_column_name="death_date")

    def name_cmp(col: str, sk_col: str, tf: bool):
        # Exact (term-frequency adjusted), close spelling, same consonant skeleton (another
        # transliteration of the same name), loosely close, else.
        levels = [
            cll.NullLevel(col),
            cll.ExactMatchLevel(col, term_frequency_adjustments=tf),
            cll.JaroWinklerLevel(col, 0.95),
            cll.ExactMatchLevel(sk_col),
            cll.JaroWinklerLevel(col, 0.88),
            cll.ElseLevel(),
        ]
        return cl.CustomComparison(comparison_levels=levels, output_column_name=col)

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[block_on(*r) for r in rules],
        comparisons=[
            name_cmp("surname", "surname_sk", True),
            name_cmp("given_name", "given_skf", True),
            name_cmp("patronymic", "patronymic_sk", False),
            birth_cmp(),
            death_cmp(),
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
    linker = Linker(sdf, settings(block_on, cl, cll, RULE_SETS[args.rules]), log_level=None)
    timings["prepare"] = time.perf_counter() - t

    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*r) for r in PRIOR_RULES], recall=PRIOR_RECALL
    )
    timings["prior"] = time.perf_counter() - t
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=args.seed)
    timings["u_sampling"] = time.perf_counter() - t
    t = time.perf_counter()
    for r in EM_BLOCKINGS:
        # Splink 5 samples EM's blocked pairs down to max_pairs; without it EM alone took 52 s and
        # 2.2 GB at 100,000 records on this machine.
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*r), max_pairs=args.em_pairs)
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
            "rules": args.rules,
            "timings": timings,
        },
        open(args.stats, "w"),
        indent=2,
    )


def run_blocking(args) -> None:
    """Exact candidate-pair count (union of rules) and blocking recall against the truth."""
    import duckdb

    rules = RULE_SETS[args.rules]
    con = duckdb.connect(":memory:")
    load(con, args.prepared)
    union = " UNION ".join(
        "SELECT l.unique_id AS a, r.unique_id AS b FROM recs l JOIN recs r ON "
        + " AND ".join(f"l.{c} = r.{c}" for c in rule)
        + " WHERE l.unique_id < r.unique_id"
        for rule in rules
    )
    pairs = con.execute(f"SELECT count(*) FROM ({union})").fetchone()[0]
    con.execute(
        f"CREATE TABLE truth AS SELECT source || ':' || source_record_id AS uid, person_id "
        f"FROM read_csv('{args.truth}', header=true, all_varchar=true)"
    )
    cond = " OR ".join("(" + " AND ".join(f"l.{c} = r.{c}" for c in rule) + ")" for rule in rules)
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
    p.add_argument("--em-pairs", type=float, default=1e6, help="max blocked pairs per EM session")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--rules", choices=sorted(RULE_SETS), default="mirror", help="blocking rule set")
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
