//! Where linkage loses true pairs and makes false ones, on a world with a truth file.
//!
//! `cargo run --release -p tally-linkage --example diagnose -- DIR [--examples N] [--threshold T]
//! [--blocking [--extra RULES]]`
//!
//! DIR holds `records.csv` (as `tally export records --format csv` writes it) and `truth.csv`
//! (source, source_record_id, person_id, as `tally synth` writes it). The tool links the records
//! with the default configuration (as `tally link --full` does), then sorts every true pair that
//! ends up in two persons into one cause:
//! - `not a candidate`: no blocking rule pairs the two (or only through an oversized block);
//! - `below threshold`: compared, but scored under the threshold (patterns, name verdicts and
//!   weights are tallied);
//! - `clustering`: scored above the threshold, yet left apart (the chaining guard refused a
//!   merge, or a stronger link pulled a record elsewhere);
//!
//! and every false pair put in one person into direct (its own link is above the threshold) or
//! transitive. Cross-script pairs (one record written in Latin, the other in Cyrillic) are
//! counted apart. Calibration is reported on the kept pairs (as `tally link eval` does) and on
//! all candidate pairs, with the patterns that contribute most to the gap.
//!
//! It also prints the per-source priors beside the true number of pairs per pair of sources,
//! and the mid-range pairs by pair of sources. `DIAG_MID_SOURCES=a~b` prints mid-range pairs of
//! those two sources with their term-frequency adjustments; `DIAG_EM_POSTERIOR=1` adds the
//! calibration of EM's own posterior (candidate-level mixture, no term frequencies).
//!
//! `--blocking` skips training and linking: it blocks only (seconds at a million records),
//! prints the true blocking recall and each rule's pairs, and sorts every true pair no rule
//! finds by which fields agree and how (`sur=pre`: the surname keys share only their first
//! three letters, `giv=init`: an initial against a name, `bd=yr`: the same birth year, ...), and
//! by name keys that agree across columns (a list that swapped or rotated the name parts).
//! `--extra "given_key & region_key; ..."` appends trial rules and prints, per rule, the pairs
//! it adds and the missed true pairs it catches.
//!
//! The truth is only read to evaluate: training sees no labels.

use std::collections::BTreeMap;
use std::time::Instant;

#[path = "common/records_csv.rs"]
mod records_csv;
use records_csv::read_records;
use tally_domain::RecordKey;
use tally_linkage::compare::{levels, NameCache};
use tally_linkage::levels::{pack, CmpField, NF};
use tally_linkage::model::probability;
use tally_linkage::table::{Rec, NONE};
use tally_linkage::{calibration, evaluate, Decisions, FxHashMap, KeyField, LinkConfig, Linker, Rule};

/// A date code as the listings print it: the day or month where known, else the year and the
/// width of the range.
fn show_date(d: &tally_linkage::levels::DateCode) -> String {
    if !d.present {
        "-".to_string()
    } else if d.day != 0 {
        format!("{}-{:02}-{:02}", d.year, d.month, d.day)
    } else if d.month != 0 {
        format!("{}-{:02}", d.year, d.month)
    } else {
        format!("{}+{}d", d.year, d.hi - d.lo)
    }
}

fn read_truth(path: &str) -> FxHashMap<RecordKey, String> {
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (RecordKey::new(r[0].to_string(), r[1].to_string()), r[2].to_string())
        })
        .collect()
}

fn pattern_str(l: &[u8; NF]) -> String {
    CmpField::ALL
        .iter()
        .zip(l)
        .filter(|(_, &x)| x != 0)
        .map(|(f, &x)| format!("{}={}", short(*f), f.level_names()[x as usize]))
        .collect::<Vec<_>>()
        .join(" ")
}

fn short(f: CmpField) -> &'static str {
    match f {
        CmpField::Surname => "sur",
        CmpField::GivenName => "giv",
        CmpField::Patronymic => "pat",
        CmpField::BirthDate => "bd",
        CmpField::DeathDate => "dd",
        CmpField::Place => "pl",
        CmpField::Unit => "unit",
        CmpField::Rank => "rank",
        CmpField::Sex => "sex",
    }
}

fn top<K: Ord + Clone + std::fmt::Display>(title: &str, m: &BTreeMap<K, u64>, n: usize) {
    let total: u64 = m.values().sum();
    println!("  {title} ({total}):");
    let mut v: Vec<(&K, &u64)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (k, c) in v.into_iter().take(n) {
        println!("    {c:>7}  {k}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().cloned().unwrap_or_else(|| {
        eprintln!("usage: diagnose DIR [--examples N] [--threshold T]");
        std::process::exit(2)
    });
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let n_ex: usize = opt("--examples").map_or(8, |v| v.parse().unwrap());
    let mut cfg = LinkConfig::default();
    if let Some(t) = opt("--threshold") {
        cfg.threshold = t.parse().unwrap();
    }
    if args.iter().any(|a| a == "--blocking") {
        blocking_only(&dir, &cfg, n_ex, opt("--extra").as_deref());
        return;
    }

    let t0 = Instant::now();
    let records = read_records(&format!("{dir}/records.csv"));
    let truth = read_truth(&format!("{dir}/truth.csv"));
    println!("read {} records in {:.1}s", records.len(), t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let linker = Linker::train(&records, cfg.clone()).unwrap();
    let roll = linker.roll(&Decisions::default(), &FxHashMap::default(), 1);
    println!("linked in {:.1}s", t1.elapsed().as_secs_f64());
    let t = &linker.table;
    let s = &linker.scorer;
    let p = &s.params;
    println!(
        "candidate pairs {} ({:.2} per record), kept {}, estimated blocking recall {:.4}",
        linker.blocking.pairs,
        linker.blocking.pairs_per_record,
        linker.pairs.len(),
        linker.blocking.estimated_recall.unwrap_or(0.0)
    );
    println!(
        "model: prior log2 odds {:.2} (lambda {:.3e}), candidate match share {:.4}, EM {} iterations{}",
        s.prior,
        p.lambda,
        p.candidate_match_share,
        p.em_iterations,
        if p.em_converged { "" } else { " (not converged)" }
    );
    for (f, field) in CmpField::ALL.iter().enumerate() {
        let cells: Vec<String> = (1..field.n_levels())
            .map(|l| format!("{} m={:.4} u={:.2e} w={:+.2}", field.level_names()[l], p.m[f][l], p.u[f][l], s.w[f][l]))
            .collect();
        println!("  {:<10} {}", field.as_str(), cells.join(" | "));
    }

    // Evaluation, as `tally link eval` computes it.
    let pred: Vec<(RecordKey, i64)> = roll.assignments.iter().map(|a| (a.record.clone(), a.person.0)).collect();
    let ev = evaluate(&pred, &truth);
    let label = &roll.clustering.label;
    let latin: Vec<bool> = (0..t.len() as Rec)
        .map(|i| {
            let s = format!("{}{}", t.name_value(0, i), t.name_value(1, i));
            !s.chars().any(|c| ('\u{0400}'..='\u{04ff}').contains(&c))
        })
        .collect();

    // Blocks per rule, to tell a pair blocked only through an oversized block.
    let rules = &cfg.blocking.rules;
    let sizes: Vec<FxHashMap<u32, u32>> = rules
        .iter()
        .map(|r| {
            let mut m = FxHashMap::default();
            for i in 0..t.len() as Rec {
                let k = r.key(t, i);
                if k != 0 {
                    *m.entry(k).or_insert(0) += 1;
                }
            }
            m
        })
        .collect();
    let candidate = |a: Rec, b: Rec| {
        rules.iter().zip(&sizes).any(|(r, sz)| {
            let k = r.key(t, a);
            k != 0 && k == r.key(t, b) && sz[&k] as usize <= cfg.blocking.max_block
        })
    };
    let kept: FxHashMap<(Rec, Rec), f64> =
        linker.pairs.iter().map(|p| ((p.a.min(p.b), p.a.max(p.b)), p.weight)).collect();
    let cache = NameCache::default();
    let weight = |a: Rec, b: Rec| -> (f64, [u8; NF]) {
        let (a, b) = (a.min(b), a.max(b));
        let lv = levels(t, &cache, a, b);
        let w = kept.get(&(a, b)).copied().unwrap_or_else(|| s.weight(t, a, b, pack(&lv)));
        (w, lv)
    };
    let mut by_person: FxHashMap<&str, Vec<Rec>> = FxHashMap::default();
    for i in 0..t.len() as Rec {
        if let Some(pid) = truth.get(&t.keys[i as usize]) {
            by_person.entry(pid.as_str()).or_default().push(i);
        }
    }
    let mut persons: Vec<(&str, Vec<Rec>)> = by_person.into_iter().collect();
    persons.sort();

    #[derive(Default)]
    struct Tally {
        pairs: u64,
        linked: u64,
        candidates: u64,
        not_candidate: u64,
        below: u64,
        clustering: u64,
        below_patterns: BTreeMap<String, u64>,
        below_name_verdicts: BTreeMap<String, u64>,
        below_field_levels: BTreeMap<String, u64>,
        nocand_keys: BTreeMap<String, u64>,
        by_sources: BTreeMap<String, u64>,
        /// Categorical values of true pairs that do not compare as equal (value a ~ value b).
        unequal: BTreeMap<String, u64>,
        ex_nocand: Vec<(Rec, Rec)>,
        ex_below: Vec<(Rec, Rec)>,
        ex_cluster: Vec<(Rec, Rec)>,
    }
    let mut tal = [Tally::default(), Tally::default()];
    {
        let mut true_by: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (_, recs) in &persons {
            for i in 0..recs.len() {
                for j in i + 1..recs.len() {
                    let (x, y) = (&t.keys[recs[i] as usize].source, &t.keys[recs[j] as usize].source);
                    let k = if x <= y { (x.to_string(), y.to_string()) } else { (y.to_string(), x.to_string()) };
                    *true_by.entry(k).or_insert(0) += 1;
                }
            }
        }
        println!("source priors (expected matches by EM vs true pairs):");
        for sp in &p.source_priors {
            let tr = true_by.get(&(sp.a.clone(), sp.b.clone())).copied().unwrap_or(0);
            println!(
                "  {:<20} {:<20} candidates {:>9} expected {:>9.1} true {:>7} prior {:.3e}",
                sp.a, sp.b, sp.candidate_pairs, sp.expected_matches, tr, sp.prior
            );
        }
    }
    let name_verdict = |k: usize, a: Rec, b: Rec| -> String {
        let (x, y) = (t.name_ids[k][a as usize], t.name_ids[k][b as usize]);
        if x == NONE || y == NONE {
            "missing".into()
        } else if x == y {
            "exact".into()
        } else {
            let why = tally_linkage::compare::compare_names(t, k, x, y).1;
            why.split(':').next().unwrap_or("").to_string()
        }
    };
    for (_, recs) in &persons {
        for i in 0..recs.len() {
            for j in i + 1..recs.len() {
                let (a, b) = (recs[i], recs[j]);
                let xs = usize::from(latin[a as usize] != latin[b as usize]);
                let tl = &mut tal[xs];
                tl.pairs += 1;
                {
                    let lv = weight(a, b).1;
                    let (ai, bi) = (a as usize, b as usize);
                    let mut note = |what: &str, l: u8, x: String, y: String| {
                        if !x.is_empty() && !y.is_empty() && l != 1 {
                            let (x, y) = if x <= y { (x, y) } else { (y, x) };
                            *tl.unequal.entry(format!("{what} level {l}: {x} ~ {y}")).or_insert(0) += 1;
                        }
                    };
                    let reg_l = if t.place_key(t.region[ai]) == t.place_key(t.region[bi]) { 1 } else { lv[5] };
                    note("region", reg_l, t.str_value(&t.places, t.region[ai]), t.str_value(&t.places, t.region[bi]));
                    note("unit", lv[6], t.str_value(&t.codes, t.unit[ai]), t.str_value(&t.codes, t.unit[bi]));
                    note("rank", lv[7], t.str_value(&t.ranks, t.rank[ai]), t.str_value(&t.ranks, t.rank[bi]));
                }
                let cand = candidate(a, b);
                tl.candidates += u64::from(cand);
                if label[a as usize] == label[b as usize] {
                    tl.linked += 1;
                    continue;
                }
                let (sa, sb) = (&t.keys[a as usize].source, &t.keys[b as usize].source);
                let (sa, sb) = if sa <= sb { (sa, sb) } else { (sb, sa) };
                let cause = if !cand {
                    "not a candidate"
                } else if probability(weight(a, b).0) < cfg.threshold {
                    "below threshold"
                } else {
                    "clustering"
                };
                *tl.by_sources.entry(format!("{sa} ~ {sb}: {cause}")).or_insert(0) += 1;
                if !cand {
                    tl.not_candidate += 1;
                    let agree: Vec<&str> = KeyField::ALL
                        .iter()
                        .filter(|f| {
                            let v = f.value(t, a);
                            v != 0 && v == f.value(t, b)
                        })
                        .map(|f| f.as_str())
                        .collect();
                    *tl.nocand_keys.entry(format!("agree: [{}]", agree.join(", "))).or_insert(0) += 1;
                    if tl.ex_nocand.len() < n_ex {
                        tl.ex_nocand.push((a, b));
                    }
                    continue;
                }
                let (w, lv) = weight(a, b);
                if probability(w) < cfg.threshold {
                    tl.below += 1;
                    *tl.below_patterns.entry(pattern_str(&lv)).or_insert(0) += 1;
                    for (f, field) in CmpField::ALL.iter().enumerate() {
                        let name =
                            if f < 3 { name_verdict(f, a, b) } else { field.level_names()[lv[f] as usize].into() };
                        *tl.below_field_levels.entry(format!("{}={}", short(*field), name)).or_insert(0) += 1;
                        if f < 3 && lv[f] >= 3 {
                            *tl.below_name_verdicts.entry(format!("{}={}", short(*field), name)).or_insert(0) += 1;
                        }
                    }
                    if tl.ex_below.len() < n_ex {
                        tl.ex_below.push((a, b));
                    }
                } else {
                    tl.clustering += 1;
                    if tl.ex_cluster.len() < n_ex {
                        tl.ex_cluster.push((a, b));
                    }
                }
            }
        }
    }

    // False pairs in one predicted person.
    let mut by_label: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
    for (i, &l) in label.iter().enumerate() {
        by_label.entry(l).or_default().push(i as Rec);
    }
    let mut fp_direct = [0u64; 2];
    let mut fp_trans = [0u64; 2];
    let mut fp_patterns: BTreeMap<String, u64> = BTreeMap::new();
    let mut ex_fp: Vec<(Rec, Rec)> = Vec::new();
    // Date levels of the false pairs that only chaining joined (would a date guard split them?).
    let mut trans_conflicts: BTreeMap<String, u64> = BTreeMap::new();
    let mut clusters: Vec<&Vec<Rec>> = by_label.values().filter(|c| c.len() > 1).collect();
    clusters.sort();
    for c in clusters {
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                let (a, b) = (c[i], c[j]);
                let (ta, tb) = (truth.get(&t.keys[a as usize]), truth.get(&t.keys[b as usize]));
                if ta.is_none() || ta == tb {
                    continue;
                }
                let xs = usize::from(latin[a as usize] != latin[b as usize]);
                let direct = kept.get(&(a.min(b), a.max(b))).is_some_and(|&w| probability(w) >= cfg.threshold);
                if direct {
                    fp_direct[xs] += 1;
                    *fp_patterns.entry(pattern_str(&weight(a, b).1)).or_insert(0) += 1;
                    if ex_fp.len() < n_ex {
                        ex_fp.push((a, b));
                    }
                } else {
                    fp_trans[xs] += 1;
                    let lv = weight(a, b).1;
                    *trans_conflicts.entry(format!("bd={} dd={}", lv[3], lv[4])).or_insert(0) += 1;
                }
            }
        }
    }

    println!(
        "\nevaluation at threshold {}: pairwise P {:.4} R {:.4} F1 {:.4}; B-cubed P {:.4} R {:.4} F1 {:.4}; refused merges {}",
        cfg.threshold,
        ev.pairwise.precision,
        ev.pairwise.recall,
        ev.pairwise.f1,
        ev.bcubed.precision,
        ev.bcubed.recall,
        ev.bcubed.f1,
        roll.clustering.refused
    );
    let show = |r: Rec| {
        let i = r as usize;
        format!(
            "{}:{} | {} {} {} | b {} d {} | {} / {} | {} | {} | {}",
            t.keys[i].source,
            t.keys[i].source_record_id,
            t.name_value(0, r),
            t.name_value(1, r),
            t.name_value(2, r),
            show_date(&t.birth[i]),
            show_date(&t.death[i]),
            t.str_value(&t.places, t.settlement[i]),
            t.str_value(&t.places, t.region[i]),
            t.str_value(&t.codes, t.unit[i]),
            t.str_value(&t.ranks, t.rank[i]),
            ["", "m", "f"][t.sex[i] as usize]
        )
    };
    let example = |a: Rec, b: Rec| {
        let (w, lv) = weight(a, b);
        println!(
            "    {}\n    {}\n      -> w {:+.2} p {:.3}  {}",
            show(a),
            show(b),
            w,
            probability(w),
            pattern_str(&lv)
        );
    };
    for (xs, tl) in tal.iter().enumerate() {
        let missed = tl.pairs - tl.linked;
        println!(
            "\n== {} true pairs: {}  linked {} (recall {:.4}); blocking recall {:.4}; missed {}: not a candidate {}, below threshold {}, clustering {}",
            if xs == 1 { "cross-script" } else { "same-script" },
            tl.pairs,
            tl.linked,
            tl.linked as f64 / tl.pairs.max(1) as f64,
            tl.candidates as f64 / tl.pairs.max(1) as f64,
            missed,
            tl.not_candidate,
            tl.below,
            tl.clustering
        );
        top("missed, by sources and cause", &tl.by_sources, 20);
        top("never candidates: key fields that agree", &tl.nocand_keys, 12);
        top("categorical values of true pairs that do not compare equal", &tl.unequal, 40);
        top("below threshold: patterns", &tl.below_patterns, 15);
        top("below threshold: field verdicts", &tl.below_field_levels, 40);
        println!("  examples, not a candidate:");
        tl.ex_nocand.iter().for_each(|&(a, b)| example(a, b));
        println!("  examples, below threshold:");
        tl.ex_below.iter().for_each(|&(a, b)| example(a, b));
        println!("  examples, clustering:");
        tl.ex_cluster.iter().for_each(|&(a, b)| example(a, b));
    }
    println!(
        "\n== false pairs in one person: direct same-script {} cross-script {}; transitive same-script {} cross-script {}",
        fp_direct[0], fp_direct[1], fp_trans[0], fp_trans[1]
    );
    top("direct false links: patterns", &fp_patterns, 12);
    top("transitive false pairs: birth / death date levels (bd 5 and dd 4 = different)", &trans_conflicts, 12);
    println!("  examples:");
    ex_fp.iter().for_each(|&(a, b)| example(a, b));

    // Calibration on kept pairs (as `tally link eval`), and the patterns whose predicted and
    // observed match counts differ most.
    let is_match = |a: Rec, b: Rec| {
        let (x, y) = (truth.get(&t.keys[a as usize]), truth.get(&t.keys[b as usize]));
        x.is_some() && x == y
    };
    let labelled: Vec<(f64, bool)> = linker.pairs.iter().map(|p| (p.probability(), is_match(p.a, p.b))).collect();
    let cal = calibration(&labelled, 10);
    let gap = cal.iter().filter(|b| b.pairs >= 20).map(|b| (b.mean_predicted - b.observed).abs()).fold(0.0, f64::max);
    println!("\n== calibration on kept pairs (p >= {}), max gap {gap:.4}:", cfg.review_low);
    for b in &cal {
        println!(
            "  [{:.1},{:.1}) {:>8} pairs  predicted {:.4}  observed {:.4}  gap {:+.4}",
            b.from,
            b.to,
            b.pairs,
            b.mean_predicted,
            b.observed,
            b.observed - b.mean_predicted
        );
    }
    let mut by_src: BTreeMap<String, (u64, f64, u64)> = BTreeMap::new();
    for sp in &linker.pairs {
        let pr = sp.probability();
        if !(0.05..=0.95).contains(&pr) {
            continue;
        }
        let (x, y) = (&t.keys[sp.a as usize].source, &t.keys[sp.b as usize].source);
        let k = if x <= y { format!("{x} ~ {y}") } else { format!("{y} ~ {x}") };
        let e = by_src.entry(k).or_default();
        e.0 += 1;
        e.1 += pr;
        e.2 += u64::from(is_match(sp.a, sp.b));
    }
    if let Ok(want) = std::env::var("DIAG_MID_SOURCES") {
        let mut shown = 0;
        for sp in &linker.pairs {
            let pr = sp.probability();
            let (x, y) = (&t.keys[sp.a as usize].source, &t.keys[sp.b as usize].source);
            let k = if x <= y { format!("{x}~{y}") } else { format!("{y}~{x}") };
            if (0.05..=0.95).contains(&pr) && k == want && shown < n_ex {
                shown += 1;
                println!("  match {}  prior {:+.2}", is_match(sp.a, sp.b), s.prior_for(t, sp.a, sp.b));
                let tfs: Vec<String> = (0..2)
                    .map(|k| {
                        format!(
                            "{:+.2}/{:+.2}",
                            s.tf_adjust(k, t.name_tf_key(k, sp.a)),
                            s.tf_adjust(k, t.name_tf_key(k, sp.b))
                        )
                    })
                    .collect();
                println!("  tf {}", tfs.join(" "));
                example(sp.a, sp.b);
            }
        }
    }
    println!("  mid-range pairs (0.05 <= p <= 0.95) by pair of sources:");
    for (k, (n, sp, m)) in &by_src {
        println!("    {n:>6} pairs  predicted {:>8.1}  observed {m:>6}  {k}", sp);
    }
    let mut by_pat: BTreeMap<String, (u64, f64, u64)> = BTreeMap::new();
    for sp in &linker.pairs {
        let pr = sp.probability();
        if !(0.05..=0.95).contains(&pr) {
            continue;
        }
        let lv = tally_linkage::levels::unpack(sp.pattern);
        let e = by_pat.entry(pattern_str(&lv)).or_default();
        e.0 += 1;
        e.1 += pr;
        e.2 += u64::from(is_match(sp.a, sp.b));
    }
    let mut v: Vec<(String, (u64, f64, u64))> = by_pat.into_iter().collect();
    v.sort_by(|a, b| (b.1 .2 as f64 - b.1 .1).abs().partial_cmp(&(a.1 .2 as f64 - a.1 .1).abs()).unwrap());
    println!("  mid-range patterns (0.05 < p < 0.95) with the largest (observed - predicted) matches:");
    for (k, (n, sp, m)) in v.into_iter().take(15) {
        println!("    {n:>6} pairs  predicted {:>8.1}  observed {m:>6}  {k}", sp);
    }

    // The same calibration for EM's own posterior (candidate-level mixture per pair of sources,
    // no term frequencies), to compare the two routes to a probability.
    if std::env::var("DIAG_EM_POSTERIOR").is_ok() {
        use tally_linkage::blocking::{candidate_pairs, BlockIndex};
        use tally_linkage::levels::level;
        let idx = BlockIndex::build(t, &cfg.blocking);
        let (pairs, _) = candidate_pairs(t, &cfg.blocking, &idx);
        let mut cache = NameCache::default();
        let pats = tally_linkage::compare::patterns(t, &mut cache, &pairs);
        let ns = t.sources.len() as u32;
        let group = |a: Rec, b: Rec| {
            let (x, y) = (t.source[a as usize], t.source[b as usize]);
            x.min(y) * ns + x.max(y)
        };
        let mut grouped: FxHashMap<(u32, u32), u64> = FxHashMap::default();
        for (&(a, b), &p) in pairs.iter().zip(&pats) {
            *grouped.entry((group(a, b), p)).or_insert(0) += 1;
        }
        let mut counts: Vec<(u32, u32, u64)> = grouped.into_iter().map(|((g, p), c)| (g, p, c)).collect();
        counts.sort_unstable();
        let fit = tally_linkage::model::em_grouped(&counts, (ns * ns) as usize, 200, 1e-7);
        let post = |g: u32, p: u32| {
            let (mut lm, mut lu) = (fit.group_lambda[g as usize].ln(), (1.0 - fit.group_lambda[g as usize]).ln());
            for f in 0..NF {
                let l = level(p, f) as usize;
                if l > 0 {
                    lm += fit.m[f][l].ln();
                    lu += fit.u_candidates[f][l].ln();
                }
            }
            1.0 / (1.0 + (lu - lm).exp())
        };
        let labelled: Vec<(f64, bool)> = pairs
            .iter()
            .zip(&pats)
            .map(|(&(a, b), &p)| (post(group(a, b), p), is_match(a, b)))
            .filter(|x| x.0 >= cfg.review_low)
            .collect();
        let cal = calibration(&labelled, 10);
        println!("\n== calibration of EM's posterior (candidate pairs with p >= {}):", cfg.review_low);
        for b in &cal {
            println!(
                "  [{:.1},{:.1}) {:>8} pairs  predicted {:.4}  observed {:.4}  gap {:+.4}",
                b.from,
                b.to,
                b.pairs,
                b.mean_predicted,
                b.observed,
                b.observed - b.mean_predicted
            );
        }
    }
}

/// Parse `a & b; c & d` (key field names as reports print them) into rules.
fn parse_rules(s: &str) -> Vec<Rule> {
    s.split(';')
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            let fields: Vec<KeyField> = r
                .split('&')
                .map(|f| {
                    let f = f.trim();
                    *KeyField::ALL.iter().find(|k| k.as_str() == f).unwrap_or_else(|| panic!("unknown key field {f:?}"))
                })
                .collect();
            Rule::new(&fields)
        })
        .collect()
}

/// `--blocking`: blocking alone (no training), fast enough for a million records. Every true
/// pair that no rule pairs is described by which of its fields agree, how, and how not;
/// `--extra "RULES"` appends trial rules and prints, per rule, the pairs it adds and the missed
/// true pairs it catches.
fn blocking_only(dir: &str, cfg: &LinkConfig, n_ex: usize, extra: Option<&str>) {
    use tally_linkage::blocking::{chunk_pairs, is_candidate, BlockIndex, PairPlan};
    use tally_linkage::table::Table;
    let t0 = Instant::now();
    let records = read_records(&format!("{dir}/records.csv"));
    let truth = read_truth(&format!("{dir}/truth.csv"));
    let t = Table::from_records(&records).unwrap();
    drop(records);
    println!("read {} records in {:.1}s", t.len(), t0.elapsed().as_secs_f64());
    let mut bcfg = cfg.blocking.clone();
    let base = bcfg.rules.len();
    if let Some(x) = extra {
        bcfg.rules.extend(parse_rules(x));
    }
    let t1 = Instant::now();
    let idx = BlockIndex::build(&t, &bcfg);
    let plan = PairPlan::new(&t, &bcfg, &idx);
    let mut report = plan.report.clone();
    for &c in &plan.chunks {
        report.rules[c.rule].pairs += chunk_pairs(&bcfg, &idx, c).len() as u64;
    }
    println!("blocked in {:.1}s", t1.elapsed().as_secs_f64());
    let n = t.len() as f64;
    let base_pairs: u64 = report.rules[..base].iter().map(|r| r.pairs).sum();
    let all_pairs: u64 = report.rules.iter().map(|r| r.pairs).sum();
    println!(
        "pairs: base rules {} ({:.2}/record), with extra {} ({:.2}/record)",
        base_pairs,
        base_pairs as f64 / n,
        all_pairs,
        all_pairs as f64 / n
    );
    let mut by_person: FxHashMap<&str, Vec<Rec>> = FxHashMap::default();
    for i in 0..t.len() as Rec {
        if let Some(pid) = truth.get(&t.keys[i as usize]) {
            by_person.entry(pid.as_str()).or_default().push(i);
        }
    }
    let mut persons: Vec<(&str, Vec<Rec>)> = by_person.into_iter().collect();
    persons.sort();
    // Candidate under the first `upto` rules.
    let cand_upto = |upto: usize, a: Rec, b: Rec| {
        (0..upto).any(|r| {
            let k = idx.rec_keys[r][a as usize];
            k != 0 && k == idx.rec_keys[r][b as usize] && !idx.big[r].contains(&k)
        })
    };
    let name_key = |k: usize, i: Rec| t.name_key(k, i);
    let nm = |k: usize, a: Rec, b: Rec| -> &'static str {
        let (x, y) = (name_key(k, a), name_key(k, b));
        if x == 0 && y == 0 {
            "none"
        } else if x == 0 || y == 0 {
            "miss"
        } else if x == y {
            "eq"
        } else if k == 0 && t.name_prefix(0, a) == t.name_prefix(0, b) {
            "pre"
        } else if k == 0 && t.name_suffix(0, a) == t.name_suffix(0, b) {
            "suf"
        } else if t.name_initial(k, a) == t.name_initial(k, b) {
            if t.name_value(k, a).chars().count() <= 2 || t.name_value(k, b).chars().count() <= 2 {
                "init"
            } else {
                "ini1"
            }
        } else {
            "diff"
        }
    };
    let date = |d: &tally_linkage::levels::DateCode, e: &tally_linkage::levels::DateCode| -> &'static str {
        if !d.present && !e.present {
            "none"
        } else if !d.present || !e.present {
            "miss"
        } else if d.is_day() && e.is_day() && d.lo == e.lo {
            "day"
        } else if d.is_day() && e.is_day() && d.year == e.year {
            "yr_dd"
        } else if d.hi - d.lo <= 365 && e.hi - e.lo <= 365 && d.year == e.year {
            "yr"
        } else if d.lo <= e.hi && e.lo <= d.hi {
            "overlap"
        } else {
            "diff"
        }
    };
    let mut total = [0u64; 2];
    let mut cand_base = 0u64;
    let mut cand_rule = vec![0u64; bcfg.rules.len()];
    let mut feats: BTreeMap<String, u64> = BTreeMap::new();
    let mut cross: BTreeMap<String, u64> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<(Rec, Rec)>> = BTreeMap::new();
    let show = |r: Rec| {
        let i = r as usize;
        format!(
            "{}:{} | {} | {} | {} | b {} d {} | {}",
            t.keys[i].source,
            t.keys[i].source_record_id,
            t.name_value(0, r),
            t.name_value(1, r),
            t.name_value(2, r),
            show_date(&t.birth[i]),
            show_date(&t.death[i]),
            t.str_value(&t.places, t.settlement[i]),
        )
    };
    for (_, recs) in &persons {
        for i in 0..recs.len() {
            for j in i + 1..recs.len() {
                let (a, b) = (recs[i], recs[j]);
                total[0] += 1;
                if is_candidate(&idx, a, b) && cand_upto(base, a, b) {
                    cand_base += 1;
                    continue;
                }
                // Missed by the base rules: which extra rule (first) catches it.
                if let Some(r) = (base..bcfg.rules.len()).find(|&r| cand_upto(r + 1, a, b)) {
                    cand_rule[r] += 1;
                }
                total[1] += 1;
                let (ai, bi) = (a as usize, b as usize);
                let settle = {
                    let (x, y) = (t.place_key(t.settlement[ai]), t.place_key(t.settlement[bi]));
                    if x == 0 || y == 0 {
                        "miss"
                    } else if x == y {
                        "eq"
                    } else {
                        "diff"
                    }
                };
                let key = format!(
                    "sur={} giv={} pat={} bd={} dd={} set={}",
                    nm(0, a, b),
                    nm(1, a, b),
                    nm(2, a, b),
                    date(&t.birth[ai], &t.birth[bi]),
                    date(&t.death[ai], &t.death[bi]),
                    settle
                );
                // Name keys that agree across columns (a list that put the parts in another order).
                let mut xs = Vec::new();
                for p in 0..3 {
                    for q in p + 1..3 {
                        let (x, y) = (name_key(p, a), name_key(q, b));
                        let (x2, y2) = (name_key(q, a), name_key(p, b));
                        if (x != 0 && x == y) || (x2 != 0 && x2 == y2) {
                            xs.push(format!("{}~{}", ["s", "g", "p"][p], ["s", "g", "p"][q]));
                        }
                    }
                }
                *cross.entry(if xs.is_empty() { "none".into() } else { xs.join(",") }).or_insert(0) += 1;
                let ex = examples.entry(key.clone()).or_default();
                if ex.len() < 3 {
                    ex.push((a, b));
                }
                *feats.entry(key).or_insert(0) += 1;
            }
        }
    }
    println!(
        "true pairs {}; candidates under base rules {} (true blocking recall {:.5}); missed {}",
        total[0],
        cand_base,
        cand_base as f64 / total[0].max(1) as f64,
        total[1]
    );
    let mut with_extra = cand_base;
    for (r, (rr, &caught)) in report.rules.iter().zip(&cand_rule).enumerate() {
        with_extra += caught;
        println!(
            "  {:<3} {:<55} pairs {:>10} ({:.2}/rec) largest {:>6} skipped blocks {:>4}{}",
            r,
            rr.rule,
            rr.pairs,
            rr.pairs as f64 / n,
            rr.largest_block,
            rr.skipped_blocks,
            if r >= base {
                format!("  catches {} missed; recall now {:.5}", caught, with_extra as f64 / total[0].max(1) as f64)
            } else {
                String::new()
            }
        );
    }
    top("missed pairs by field agreement", &feats, 60);
    top("missed pairs: name keys that agree across columns", &cross, 12);
    let mut v: Vec<(&String, &u64)> = feats.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("  examples:");
    for (k, _) in v.into_iter().take(n_ex) {
        println!("   {k}");
        for &(a, b) in &examples[k] {
            println!("      {}\n      {}", show(a), show(b));
        }
    }
}
