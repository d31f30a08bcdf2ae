//! weldrs on the records `tally export records --format csv` wrote, for the side-by-side bench.
//!
//!   tally-weldrs-bench link --records R --clusters OUT.csv --stats OUT.json [--threshold 0.95]
//!                           [--seed 42] [--u-pairs 1000000] [--em-pairs 1000000] [--plain]
//!                           [--streaming] [--em-as-shipped]
//!   tally-weldrs-bench blocking --records R --truth truth.csv --stats OUT.json
//!   tally-weldrs-bench prepare --records R --out prepared.csv
//!
//! `link` is the timed run (bench/splink_side_by_side.py measures this process alone): read and
//! normalise the CSV, prior, u by random sampling, EM on two blockings, predict, connected
//! components, write `unique_id,cluster_id`. `blocking` counts the candidate pairs weldrs generates
//! for the same rules and the share of true pairs they compare; it is not timed, as Splink's is not.
//! `prepare` writes the normalised columns, to check them against splink_link.py's prepared CSV.
//!
//! The model copies bench/splink_link.py (Splink 5, "wide" rules) as far as weldrs 0.2.2 can say
//! it. What weldrs cannot say, and what is done instead, is written where it happens and
//! summarised in bench/README.md.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use polars::prelude::*;
use weldrs::comparison::{Comparison, ComparisonBuilder};
use weldrs::prelude::{
    BlockingRule, ComparisonLevel, ComparisonPredicate, LinkType, Linker, Settings, TrainingSettings,
};

/// The crate version pinned in Cargo.toml; cargo gives a binary no way to read a dependency's.
const WELDRS_VERSION: &str = "0.2.2";
const POLARS_VERSION: &str = "0.53.0";

// ------------------------------------------------------------------ normalisation
// A port of bench/splink_link.py's `norm`, `skeleton` and `prepare`, so that both tools see the
// same normalised values and the same blocking keys.

/// Cyrillic -> Latin, the table in splink_link.py (Ukrainian national 2010).
fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "h",
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'є' => "ie",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "y",
        'і' => "i",
        'ї' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        '\'' | '’' | 'ʼ' | '`' | '\u{301}' => "",
        _ => return None,
    })
}

/// Lower case, transliterated, hyphens as spaces, whitespace folded; empty is None (an empty
/// string would otherwise block every record lacking the field together).
fn norm(value: &str) -> Option<String> {
    let mut t = String::with_capacity(value.len());
    for c in value.trim().to_lowercase().chars() {
        match translit(c) {
            Some(s) => t.push_str(s),
            None => t.push(if c == '-' { ' ' } else { c }),
        }
    }
    let v = t.split_whitespace().collect::<Vec<_>>().join(" ");
    (!v.is_empty()).then_some(v)
}

const SK_DIGRAPHS: [(&str, &str); 11] = [
    ("shch", "s"),
    ("sch", "s"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("w", "v"),
    ("x", "ks"),
    ("g", "h"),
];

/// Consonant skeleton of a Latin name (digraphs folded, vowels and y/j/h and non-word characters
/// dropped, doubles collapsed), optionally cut to `keep` characters: Splink's blocking key.
fn skeleton(s: Option<&str>, keep: Option<usize>) -> Option<String> {
    let mut s = s?.to_string();
    for (a, b) in SK_DIGRAPHS {
        s = s.replace(a, b);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = None;
    for c in s.chars() {
        // Python's `\W` is "not alphanumeric and not underscore".
        if "aeiouyjh'".contains(c) || !(c.is_alphanumeric() || c == '_') {
            continue;
        }
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    if let Some(k) = keep {
        out = out.chars().take(k).collect();
    }
    (!out.is_empty()).then_some(out)
}

/// The prepared table, one vector per column (None is null).
#[derive(Default)]
struct Prepared {
    keys: Vec<String>,
    cols: Vec<(&'static str, Vec<Option<String>>)>,
}

impl Prepared {
    fn col(&self, name: &str) -> &[Option<String>] {
        &self.cols.iter().find(|(n, _)| *n == name).expect(name).1
    }
}

const PREPARED_COLUMNS: [&str; 17] = [
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "birth_year",
    "birth_year_hi",
    "birth_span",
    "death_date",
    "death_month",
    "region",
    "settlement",
    "unit",
    "sex",
    "surname_sk",
    "given_sk",
    "given_skf",
    "patronymic_sk",
];

fn prepare(records: &str) -> Result<Prepared> {
    let mut rdr = csv::Reader::from_path(records).with_context(|| format!("reading {records}"))?;
    let head = rdr.headers()?.clone();
    let idx = |name: &str| -> Result<usize> {
        head.iter().position(|h| h == name).with_context(|| format!("{records} has no column {name}"))
    };
    let [src, srid, sur, giv, pat, bd, dd, reg, set, unit, sex] = [
        "source",
        "source_record_id",
        "surname",
        "given_name",
        "patronymic",
        "birth_date",
        "death_date",
        "region",
        "settlement",
        "unit",
        "sex",
    ]
    .map(idx);
    let (src, srid, sur, giv, pat, bd, dd) = (src?, srid?, sur?, giv?, pat?, bd?, dd?);
    let (reg, set, unit, sex) = (reg?, set?, unit?, sex?);

    let mut p = Prepared { keys: Vec::new(), cols: PREPARED_COLUMNS.iter().map(|c| (*c, Vec::new())).collect() };
    let raw = |s: &str| -> Option<String> {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    for row in rdr.records() {
        let row = row?;
        let s = norm(&row[sur]);
        let g = norm(&row[giv]);
        let pa = norm(&row[pat]);
        let mut birth = raw(&row[bd]);
        let mut by = birth.as_ref().map(|b| b.chars().take(4).collect::<String>());
        let mut by_hi = by.clone();
        // Age-derived birth dates are exported as "~1975..1976": kept as a year range, no date.
        if let Some(b) = birth.clone() {
            if let (true, Some((lo, hi))) = (b.starts_with('~'), b.split_once("..")) {
                by = Some(lo.trim_matches('~').to_string());
                by_hi = Some(hi.trim_matches('~').to_string());
                birth = None;
            }
        }
        let death = raw(&row[dd]);
        let values = [
            s.clone(),
            g.clone(),
            pa.clone(),
            birth,
            by.clone(),
            by_hi.clone(),
            // weldrs has no AND of levels: Splink's "same birth_year and same birth_year_hi"
            // becomes equality on the joined pair.
            by.as_ref().map(|lo| format!("{lo}..{}", by_hi.as_deref().unwrap_or(""))),
            death.clone(),
            // weldrs has no substring level: Splink's "same month" becomes equality on YYYY-MM.
            death.as_ref().filter(|d| d.len() >= 7).map(|d| d[..7].to_string()),
            norm(&row[reg]),
            norm(&row[set]),
            norm(&row[unit]),
            raw(&row[sex]),
            skeleton(s.as_deref(), None),
            skeleton(g.as_deref(), Some(3)),
            skeleton(g.as_deref(), None),
            skeleton(pa.as_deref(), None),
        ];
        for ((_, col), v) in p.cols.iter_mut().zip(values) {
            col.push(v);
        }
        p.keys.push(format!("{}:{}", &row[src], &row[srid]));
    }
    Ok(p)
}

/// The prepared table as a Polars frame: `unique_id` is the row number (weldrs's clustering reads
/// ids as i64), plus every prepared column and, for each column a null level looks at, a
/// `{col}_present` column ("1" or null) used by the either-side-null level (see `level_stack`).
fn frame(p: &Prepared, columns: &[&str], present: &[&str]) -> Result<DataFrame> {
    let n = p.keys.len();
    let mut cols = vec![Column::new("unique_id".into(), (0..n as i64).collect::<Vec<_>>())];
    for c in columns {
        cols.push(Column::new((*c).into(), p.col(c)));
    }
    for c in present {
        let v: Vec<Option<&str>> = p.col(c).iter().map(|x| x.as_ref().map(|_| "1")).collect();
        cols.push(Column::new(format!("{c}_present").into(), v));
    }
    Ok(DataFrame::new(n, cols)?)
}

// ------------------------------------------------------------------ model

/// Blocking rules: splink_link.py's WIDE_RULES, on the same prepared columns.
const WIDE_RULES: [&[&str]; 9] = [
    &["surname_sk", "given_sk"],
    &["surname_sk", "birth_year"],
    &["given_sk", "birth_date"],
    &["surname_sk", "death_date"],
    &["birth_date", "death_date"],
    &["given_sk", "death_date"],
    &["surname_sk", "settlement"],
    &["surname_sk", "unit"],
    &["given_sk", "unit", "region"],
];
const EM_BLOCKINGS: [&[&str]; 2] = [&["surname", "given_name"], &["birth_date"]];
const PRIOR_RULE: &[&str] = &["surname_sk", "given_skf", "birth_year"];
const PRIOR_RECALL: f64 = 0.8;

fn exact(c: &str) -> ComparisonPredicate {
    ComparisonPredicate::ExactMatch { col: c.into() }
}
fn jw(c: &str, t: f64) -> ComparisonPredicate {
    ComparisonPredicate::JaroWinklerSimilarity { col: c.into(), threshold: t }
}
fn lev(c: &str, t: u32) -> ComparisonPredicate {
    ComparisonPredicate::LevenshteinDistance { col: c.into(), threshold: t }
}

/// A comparison with Splink's null semantics, built from weldrs's public level type.
///
/// weldrs's null level is "both values null"; a pair with one value missing falls through every
/// predicate (they are false on null) into the else level, where it counts as a disagreement and
/// is weighed against the match. Splink's NullLevel is "either value null", weight 0. With 40% of
/// patronymics, 30% of settlements and 89% of sexes missing here that difference decides the
/// result, so the stack ends with: "both present" (equality on `{col}_present`) as the else level
/// of the model, then weldrs's catch-all marked as a null level (Bayes factor 1, skipped by EM and
/// by u estimation), which only pairs with a value missing reach.
fn level_stack(name: &str, null_col: &str, levels: Vec<(ComparisonPredicate, &str)>) -> Comparison {
    let k = levels.len() + 1; // non-null levels: the given ones and "both present, else"
    let m = weldrs::probability::default_m_values(k);
    let u = weldrs::probability::default_u_values(k);
    let mut out = Vec::with_capacity(k + 1);
    let mut inputs: Vec<String> = vec![null_col.to_string()];
    let present = format!("{null_col}_present");
    let all = levels
        .into_iter()
        .map(|(p, l)| (p, l.to_string()))
        .chain([(exact(&present), "All other comparisons".to_string())]);
    for (i, (predicate, label)) in all.enumerate() {
        let cv = (k - 1 - i) as i32; // highest level first, else level 0, as the builder numbers them
        if let Some(c) = predicate.column() {
            if !inputs.iter().any(|x| x == c) {
                inputs.push(c.to_string());
            }
        }
        out.push(ComparisonLevel {
            predicate,
            label,
            is_null_level: false,
            comparison_vector_value: cv,
            m_probability: Some(m[cv as usize]),
            u_probability: Some(u[cv as usize]),
            fix_m_probability: false,
            fix_u_probability: false,
        });
    }
    out.push(ComparisonLevel {
        predicate: ComparisonPredicate::Else,
        label: "Null (either side)".into(),
        is_null_level: true,
        comparison_vector_value: -1,
        m_probability: None,
        u_probability: None,
        fix_m_probability: false,
        fix_u_probability: false,
    });
    inputs.sort();
    Comparison { output_column_name: name.into(), description: None, input_columns: inputs, comparison_levels: out }
}

/// The comparisons of splink_link.py, level for level where weldrs has the predicate.
/// Missing from weldrs 0.2.2 and left out: term-frequency adjustment of exact name matches,
/// Damerau-Levenshtein (Levenshtein 1 instead), and the two birth-year-range levels (overlap, within
/// a year), which need arithmetic on two columns; "same lower year" and "same upper year" stand in.
fn tuned_comparisons() -> Vec<Comparison> {
    let name = |c: &'static str, sk: &'static str| {
        level_stack(
            c,
            c,
            vec![
                (exact(c), "Exact match"),
                (jw(c, 0.95), "Jaro-Winkler >= 0.95"),
                (exact(sk), "Same consonant skeleton"),
                (jw(c, 0.88), "Jaro-Winkler >= 0.88"),
            ],
        )
    };
    vec![
        name("surname", "surname_sk"),
        name("given_name", "given_skf"),
        name("patronymic", "patronymic_sk"),
        level_stack(
            "birth_date",
            "birth_year",
            vec![
                (exact("birth_date"), "Exact date"),
                (lev("birth_date", 1), "Levenshtein <= 1"),
                (exact("birth_span"), "Same year range"),
                (exact("birth_year"), "Same lower year"),
                (exact("birth_year_hi"), "Same upper year"),
            ],
        ),
        level_stack(
            "death_date",
            "death_date",
            vec![
                (exact("death_date"), "Exact date"),
                (lev("death_date", 1), "Levenshtein <= 1"),
                (exact("death_month"), "Same month"),
            ],
        ),
        level_stack("region", "region", vec![(exact("region"), "Exact match")]),
        level_stack(
            "settlement",
            "settlement",
            vec![(exact("settlement"), "Exact match"), (jw("settlement", 0.9), "Jaro-Winkler >= 0.9")],
        ),
        level_stack("unit", "unit", vec![(exact("unit"), "Exact match")]),
        level_stack("sex", "sex", vec![(exact("sex"), "Exact match")]),
    ]
}

/// What a user writes from weldrs's README: ComparisonBuilder only (one column per comparison,
/// both-null null level), EM as shipped. For the "weldrs-plain" row.
fn plain_comparisons() -> Result<Vec<Comparison>> {
    let b = |c: &str| ComparisonBuilder::new(c).null_level().exact_match_level();
    let name = |c: &str| b(c).jaro_winkler_level(0.95).jaro_winkler_level(0.88);
    Ok(vec![
        name("surname").else_level().build()?,
        name("given_name").else_level().build()?,
        name("patronymic").else_level().build()?,
        b("birth_date").levenshtein_level(1).else_level().build()?,
        b("death_date").levenshtein_level(1).else_level().build()?,
        b("region").else_level().build()?,
        b("settlement").jaro_winkler_level(0.9).else_level().build()?,
        b("unit").else_level().build()?,
        b("sex").else_level().build()?,
    ])
}

fn rules(rs: &[&[&str]]) -> Vec<BlockingRule> {
    rs.iter().map(|r| BlockingRule::on(r)).collect()
}

fn settings(comparisons: Vec<Comparison>) -> Result<Settings> {
    let mut b = Settings::builder(LinkType::DedupeOnly).training_settings(TrainingSettings {
        store_history: false, // one clone of the model per iteration otherwise
        ..TrainingSettings::default()
    });
    for c in comparisons {
        b = b.comparison(c);
    }
    for r in rules(&WIDE_RULES) {
        b = b.blocking_rule(r);
    }
    Ok(b.build()?)
}

/// One EM session the way Splink runs it: u fixed at the random-sampling estimate, and the
/// comparisons on the blocking rule's columns left out of the session altogether.
///
/// weldrs 0.2.2 re-estimates u in EM (there is no switch; the flag on each level is the only
/// handle) and keeps the blocked comparisons in the E-step with their current Bayes factors,
/// which its own changelog for the unreleased 0.3.0 calls a bias of the m estimates. Both are
/// done here through the public API: a second Linker over the remaining comparisons, whose
/// trained m values are copied back.
fn em_splink_style(linker: &mut Linker, lf: &LazyFrame, rule: &BlockingRule) -> Result<()> {
    let main = linker.settings();
    let keep: Vec<Comparison> = main
        .comparisons
        .iter()
        .filter(|c| !rule.columns.iter().any(|r| c.input_columns.contains(r)))
        .cloned()
        .map(|mut c| {
            for l in &mut c.comparison_levels {
                l.fix_u_probability = true;
            }
            c
        })
        .collect();
    let mut sub = main.clone();
    sub.comparisons = keep;
    let mut session = Linker::new(sub)?;
    session.estimate_parameters_using_em(lf, rule)?;
    for trained in &session.settings().comparisons {
        let target = linker
            .settings_mut()
            .comparisons
            .iter_mut()
            .find(|c| c.output_column_name == trained.output_column_name)
            .expect("comparison kept from the main model");
        for (t, l) in target.comparison_levels.iter_mut().zip(&trained.comparison_levels) {
            t.m_probability = l.m_probability;
        }
    }
    Ok(())
}

/// Pairs a blocking rule yields (records agreeing on every column, none null), counted from the
/// prepared columns without building them.
fn rule_pairs(p: &Prepared, rule: &[&str]) -> u64 {
    let cols: Vec<&[Option<String>]> = rule.iter().map(|c| p.col(c)).collect();
    let mut blocks: HashMap<Vec<&str>, u64> = HashMap::new();
    for i in 0..p.keys.len() {
        let key: Option<Vec<&str>> = cols.iter().map(|c| c[i].as_deref()).collect();
        if let Some(k) = key {
            *blocks.entry(k).or_default() += 1;
        }
    }
    blocks.values().map(|n| n * (n - 1) / 2).sum()
}

/// The records one EM session sees. weldrs 0.2.2 trains on every pair the session's blocking rule
/// yields and has no cap; Splink caps it (`max_pairs`, 1e6 in splink_link.py). Here a seeded
/// random share `f = sqrt(max_pairs / pairs)` of the records is kept when the rule yields more
/// than `max_pairs`: a pair survives only if both its records do (f^2), for matches and
/// non-matches alike, so the mix EM learns from is kept in expectation. Without it the birth-date
/// session (year-only dates make blocks of hundreds) compares 5.9 million pairs at 100,000 records
/// and took 12.7 GB here.
fn em_sample(df: &DataFrame, pairs: u64, max_pairs: f64, seed: u64) -> Result<DataFrame> {
    if max_pairs <= 0.0 || pairs as f64 <= max_pairs {
        return Ok(df.clone());
    }
    let f = (max_pairs / pairs as f64).sqrt();
    let keep: BooleanChunked = (0..df.height() as u64)
        .map(|i| {
            // The top 53 bits as a uniform number in [0, 1).
            let u = (splitmix64(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 11) as f64;
            Some(u / ((1u64 << 53) as f64) < f)
        })
        .collect();
    Ok(df.filter(&keep)?)
}

/// A small, well-mixed hash (SplitMix64) to sample rows without another dependency.
fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

// ------------------------------------------------------------------ modes

/// One line on stderr per finished phase, so a run that fails (out of memory, killed at a time
/// limit) leaves how far it got.
fn progress(phase: &str, t0: &Instant) {
    let peak = peak_mb().map_or(String::new(), |p| format!(", peak {p:.0} MB"));
    eprintln!("weldrs: {phase} done at {:.1} s{peak}", t0.elapsed().as_secs_f64());
}

/// Peak resident memory of this process so far, MB (Linux VmHWM; None elsewhere). Read after each
/// phase, it shows which phase set the peak the driver measures.
fn peak_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 =
        s.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

struct Args {
    flags: HashMap<String, String>,
    switches: Vec<String>,
}

impl Args {
    fn parse(v: &[String]) -> Result<Self> {
        let (mut flags, mut switches) = (HashMap::new(), Vec::new());
        let mut it = v.iter();
        while let Some(a) = it.next() {
            let Some(name) = a.strip_prefix("--") else {
                bail!("unexpected argument {a}");
            };
            if ["plain", "streaming", "em-as-shipped"].contains(&name) {
                switches.push(name.to_string());
            } else {
                let val = it.next().with_context(|| format!("--{name} needs a value"))?;
                flags.insert(name.to_string(), val.clone());
            }
        }
        Ok(Self { flags, switches })
    }
    fn get(&self, k: &str) -> Result<&str> {
        self.flags.get(k).map(String::as_str).with_context(|| format!("--{k} is required"))
    }
    fn num(&self, k: &str, default: f64) -> Result<f64> {
        self.flags.get(k).map_or(Ok(default), |v| v.parse().with_context(|| format!("--{k}")))
    }
}

fn link(a: &Args) -> Result<()> {
    let t0 = Instant::now();
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut peaks: Vec<(&str, Option<f64>)> = Vec::new();
    let plain = a.switches.iter().any(|s| s == "plain");
    let threshold = a.num("threshold", 0.95)?;
    let seed = a.num("seed", 42.0)? as u64;
    // splink_link.py samples 1e7 pairs for u. weldrs builds the whole sampled cross join as one
    // frame of string columns: at 1e7 pairs that alone peaked at 16.8 GB and took 30 s here (100k
    // latin), for the same F1 as 1e6 pairs (2.0 GB, 2-3 s). 1e6 is Splink's own default.
    let u_pairs = a.num("u-pairs", 1e6)? as usize;
    let em_pairs = a.num("em-pairs", 1e6)?;
    let streaming = a.switches.iter().any(|s| s == "streaming");
    // weldrs's own EM session (u re-estimated, blocked comparisons kept in the E-step) on the
    // tuned comparisons: to see what the Splink-style session changes.
    let em_as_shipped = plain || a.switches.iter().any(|s| s == "em-as-shipped");

    let p = prepare(a.get("records")?)?;
    let n = p.keys.len();
    let present =
        ["surname", "given_name", "patronymic", "birth_year", "death_date", "region", "settlement", "unit", "sex"];
    let df = frame(&p, &PREPARED_COLUMNS, if plain { &[] } else { &present })?;
    let lf = df.clone().lazy();
    let comparisons = if plain { plain_comparisons()? } else { tuned_comparisons() };
    let mut linker = Linker::new(settings(comparisons)?)?;
    timings.push(("prepare", t0.elapsed().as_secs_f64()));
    peaks.push(("prepare", peak_mb()));
    progress("prepare", &t0);

    let t = Instant::now();
    linker.estimate_probability_two_random_records_match(&lf, &[BlockingRule::on(PRIOR_RULE)], PRIOR_RECALL)?;
    timings.push(("prior", t.elapsed().as_secs_f64()));
    peaks.push(("prior", peak_mb()));
    progress("prior", &t0);

    let t = Instant::now();
    linker.estimate_u_using_random_sampling_with_seed(&lf, u_pairs, Some(seed))?;
    timings.push(("u_sampling", t.elapsed().as_secs_f64()));
    peaks.push(("u_sampling", peak_mb()));
    progress("u_sampling", &t0);

    let t = Instant::now();
    let mut em_sessions = Vec::new();
    for (i, cols) in EM_BLOCKINGS.iter().enumerate() {
        let r = BlockingRule::on(cols);
        let pairs = rule_pairs(&p, cols);
        let sample = em_sample(&df, pairs, em_pairs, seed.wrapping_add(i as u64))?;
        let kept = sample.height();
        let em_lf = sample.lazy();
        if em_as_shipped {
            linker.estimate_parameters_using_em(&em_lf, &r)?;
        } else {
            em_splink_style(&mut linker, &em_lf, &r)?;
        }
        em_sessions.push(serde_json::json!({"rule": cols, "pairs": pairs, "records_kept": kept}));
    }
    timings.push(("em", t.elapsed().as_secs_f64()));
    peaks.push(("em", peak_mb()));
    progress("em", &t0);

    // weldrs filters on match weight; the same cut as the probability threshold.
    let t = Instant::now();
    let weight = (threshold / (1.0 - threshold)).log2();
    // The README collects the predictions in memory; --streaming hands the same lazy query to
    // Polars's streaming engine instead (weldrs returns it lazy, so this is the caller's choice).
    let engine = if streaming { Engine::Streaming } else { Engine::InMemory };
    let pred = linker
        .predict(&lf, Some(weight))?
        .select([col("unique_id_l"), col("unique_id_r"), col("match_probability")])
        .collect_with_engine(engine)?;
    timings.push(("predict", t.elapsed().as_secs_f64()));
    peaks.push(("predict", peak_mb()));
    progress("predict", &t0);

    let t = Instant::now();
    let clusters = linker.cluster_pairwise_predictions(&pred, threshold)?;
    // weldrs lists only records with an edge; every other record is its own cluster.
    let mut cluster_of: Vec<i64> = (0..n as i64).collect();
    let ids = clusters.column("unique_id")?.i64()?;
    let cids = clusters.column("cluster_id")?.i64()?;
    for (id, cid) in ids.into_no_null_iter().zip(cids.into_no_null_iter()) {
        cluster_of[id as usize] = cid;
    }
    let mut w = BufWriter::new(File::create(a.get("clusters")?)?);
    writeln!(w, "unique_id,cluster_id")?;
    for (k, c) in p.keys.iter().zip(&cluster_of) {
        writeln!(w, "{k},{}", p.keys[*c as usize])?;
    }
    w.flush()?;
    timings.push(("cluster", t.elapsed().as_secs_f64()));
    peaks.push(("cluster", peak_mb()));
    progress("cluster", &t0);
    timings.push(("total", t0.elapsed().as_secs_f64()));

    let s = linker.settings();
    let model: Vec<_> = s
        .comparisons
        .iter()
        .map(|c| {
            let levels: Vec<_> = c
                .comparison_levels
                .iter()
                .map(|l| {
                    serde_json::json!({"label": l.label, "m": l.m_probability,
                        "u": l.u_probability, "log2_bf": l.log2_bayes_factor()})
                })
                .collect();
            serde_json::json!({"comparison": c.output_column_name, "levels": levels})
        })
        .collect();
    let stats = serde_json::json!({
        "weldrs_version": WELDRS_VERSION,
        "polars_version": POLARS_VERSION,
        "variant": if plain { "plain" } else { "tuned" },
        "records": n,
        "threshold": threshold,
        "match_weight_threshold": weight,
        "pairs_above_threshold": pred.height(),
        "em_sessions": em_sessions,
        "em_max_pairs": em_pairs,
        "u_max_pairs": u_pairs,
        "predict_engine": if streaming { "streaming" } else { "in-memory" },
        "em_session": if em_as_shipped { "weldrs" } else { "splink-style" },
        "lambda": s.probability_two_random_records_match,
        // serde_json's map is sorted by key: the order the phases ran in, for the driver's listing.
        "phase_order": timings.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        "timings": timings.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
        "peak_mb_after": peaks.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
        "model": model,
    });
    std::fs::write(a.get("stats")?, serde_json::to_string_pretty(&stats)?)?;
    Ok(())
}

/// Candidate pairs weldrs generates for WIDE_RULES (its own union of the rules' joins, counted),
/// and the share of true pairs at least one rule compares (checked here, rule by rule).
fn blocking(a: &Args) -> Result<()> {
    let p = prepare(a.get("records")?)?;
    let n = p.keys.len();
    let key_cols: Vec<&str> = {
        let mut v: Vec<&str> = WIDE_RULES.iter().flat_map(|r| r.iter().copied()).collect();
        v.sort();
        v.dedup();
        v
    };
    let lf = frame(&p, &key_cols, &[])?.lazy();
    let pairs =
        weldrs::blocking::generate_blocked_pairs(&lf, &rules(&WIDE_RULES), &LinkType::DedupeOnly, "unique_id", None)?
            .select([len().alias("n")])
            .collect()?
            .column("n")?
            .cast(&DataType::UInt64)?
            .u64()?
            .get(0)
            .unwrap_or(0);

    let row_of: HashMap<&str, usize> = p.keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut persons: HashMap<String, Vec<usize>> = HashMap::new();
    let mut rdr = csv::Reader::from_path(a.get("truth")?)?;
    for r in rdr.records() {
        let r = r?;
        if let Some(&i) = row_of.get(format!("{}:{}", &r[0], &r[1]).as_str()) {
            persons.entry(r[2].to_string()).or_default().push(i);
        }
    }
    let cols: Vec<Vec<&[Option<String>]>> = WIDE_RULES.iter().map(|r| r.iter().map(|c| p.col(c)).collect()).collect();
    let (mut true_pairs, mut blocked) = (0u64, 0u64);
    for rows in persons.values() {
        for (x, &i) in rows.iter().enumerate() {
            for &j in &rows[x + 1..] {
                true_pairs += 1;
                let hit = cols.iter().any(|rule| rule.iter().all(|c| c[i].is_some() && c[i] == c[j]));
                blocked += u64::from(hit);
            }
        }
    }
    let stats = serde_json::json!({
        "records": n,
        "candidate_pairs": pairs,
        "pairs_per_record": if n > 0 { pairs as f64 / n as f64 } else { 0.0 },
        "true_pairs": true_pairs,
        "blocked_true_pairs": blocked,
        "blocking_recall": if true_pairs > 0 { blocked as f64 / true_pairs as f64 } else { 1.0 },
    });
    std::fs::write(a.get("stats")?, serde_json::to_string_pretty(&stats)?)?;
    Ok(())
}

/// The normalised columns as CSV (unique_id first, empty for null), to diff against Splink's.
fn write_prepared(a: &Args) -> Result<()> {
    let p = prepare(a.get("records")?)?;
    let mut w = csv::Writer::from_path(a.get("out")?)?;
    w.write_record(std::iter::once("unique_id").chain(PREPARED_COLUMNS))?;
    for (i, k) in p.keys.iter().enumerate() {
        let row = p.cols.iter().map(|(_, c)| c[i].as_deref().unwrap_or(""));
        w.write_record(std::iter::once(k.as_str()).chain(row))?;
    }
    w.flush()?;
    Ok(())
}

fn main() -> Result<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((mode, rest)) = argv.split_first() else {
        bail!("usage: tally-weldrs-bench link|blocking|prepare --records FILE ... (see the source header)");
    };
    let a = Args::parse(rest)?;
    match mode.as_str() {
        "link" => link(&a),
        "blocking" => blocking(&a),
        "prepare" => write_prepared(&a),
        m => bail!("unknown mode {m}: link, blocking or prepare"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_and_skeleton_match_splink_link_py() {
        assert_eq!(norm("  Шевченко-Ткач ").as_deref(), Some("shevchenko tkach"));
        assert_eq!(norm("   "), None);
        assert_eq!(skeleton(Some("shevchenko"), None).as_deref(), Some("svcnk"));
        assert_eq!(skeleton(Some("schewtschenko"), None).as_deref(), Some("svcnk"));
        assert_eq!(skeleton(Some("oleksandr"), Some(3)).as_deref(), Some("lks"));
        assert_eq!(skeleton(Some("aia"), None), None);
    }
}
