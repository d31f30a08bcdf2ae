//! Dump the kept pairs of a linkage run with their comparison levels, weight parts and truth
//! label, for calibration analysis.
//!
//! `cargo run --release -p tally-linkage --example calib_probe -- DIR OUT.csv`
//!
//! DIR holds `records.csv` and `truth.csv` (as for the `diagnose` example). The truth is only
//! read to label the dump: training sees no labels. `UPAIRS=N` trains with N random pairs for u
//! (default 200,000), `TRAIN_SEED=N` seeds its draws (default 42); `PARAMS_OUT=FILE` writes the trained parameters as JSON;
//! `NAMESAKES_OUT=FILE` writes the levels and records of the namesake pairs u given the name class comes from;
//! `KEEP_FLOOR=P` keeps pairs down to probability P (default: the review floor, 0.2);
//! `TRUE_M=1` prints each field's level shares over every pair of records of one true person
//! (blocked or not) beside EM's m.
//! `KEEP_FLOOR=0 CLOSE_ALL=1` writes, below the review floor, the candidate pairs with close
//! surnames alone (to weigh the close level over all its candidates).
//! `GROUP_U=N` (after the dump) prints, per pair of sources, the surname's level shares among N
//! random pairs of that pair of sources (u) and among every pair of records of one true person
//! in it (m), and the `tells` sums of both groups of close pairs (lone rarer spelling or not: pairs,
//! sum of k, sum of 1/k, k the count that tells), then stops.
//! `BANDS=N` (after the dump) prints the close level's counts by band of the rarer spelling's
//! roll count (1, 2, 3-4, 5-16, 17-128, more) among N random pairs and among every pair of one
//! true person, and the joint counts of the surname's level with each other field's level among
//! both (lines `ju|jm fF surS [counts by level]`), and the `tells` sums over all pairs of sources
//! (`u_tells`, `m_tells`), then stops.
//!
//! Columns: the nine levels, the pair's weight (log2 odds, prior included), its prior, the
//! term-frequency adjustments of surname and given name, the truth label (1, 0, -1 unknown),
//! ..., `close` (the close surnames' term beyond the level's weight, bits: the split by the spelling
//! that tells with version-7 parameters, else the roll-wide adjustment), `rcount` (the roll's count of the rarer
//! surname spelling), `ccount` (the roll's count of the commoner of the two surname
//! spellings) and `xs` (1 when the two surnames are written in different scripts).
//! `bench/experiments/calib_levels.py` reads them.

use std::io::Write;

#[path = "common/records_csv.rs"]
mod records_csv;
use records_csv::{read_records, read_truth};
use tally_linkage::levels::{level, NF};
use tally_linkage::{LinkConfig, Linker};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, out) = (&args[0], &args[1]);
    let records = read_records(&format!("{dir}/records.csv"));
    let truth = read_truth(&format!("{dir}/truth.csv"));
    let t0 = std::time::Instant::now();
    let mut cfg = LinkConfig::default();
    if let Some(n) = std::env::var("UPAIRS").ok().and_then(|v| v.parse().ok()) {
        cfg.train.u_pairs = n;
    }
    if let Some(seed) = std::env::var("TRAIN_SEED").ok().and_then(|v| v.parse().ok()) {
        cfg.train.seed = seed;
    }
    if let Some(floor) = std::env::var("KEEP_FLOOR").ok().and_then(|v| v.parse().ok()) {
        cfg.review_low = floor;
    }
    let linker = Linker::train(&records, cfg).unwrap();
    eprintln!("linked in {:.1}s", t0.elapsed().as_secs_f64());
    if let Ok(path) = std::env::var("PARAMS_OUT") {
        std::fs::write(path, serde_json::to_string(&linker.scorer.params).unwrap()).unwrap();
    }
    let t = &linker.table;
    let s = &linker.scorer;
    // The roll's clusters at the default threshold (labels are record numbers).
    let labels = linker.cluster_at(LinkConfig::default().threshold, &Default::default()).label;
    // 1 when the truth puts both records in one person, 0 when not, -1 when it lacks one.
    let label = |a: u32, b: u32| match (truth.get(&t.keys[a as usize]), truth.get(&t.keys[b as usize])) {
        (Some(x), Some(y)) => i32::from(x == y),
        _ => -1,
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    writeln!(
        w,
        "sur,giv,pat,bd,dd,pl,unit,rank,sex,weight,prior,tf0,tf1,label,same_src,bygap,src,a,b,ca,cb,close,rcount,ccount,xs"
    )
    .unwrap();
    let count = |r: u32| {
        let h = t.name_tf_key(0, r);
        s.params.tf[0].binary_search_by_key(&h, |x| x.0).map_or(0, |i| s.params.tf[0][i].1)
    };
    // Which group a pair with close surnames is in (0: its rarer spelling is a lone one, 1: not)
    // and the count that tells, less one (at least 1): the commoner's for a lone spelling, else
    // the rarer's.
    let tells = |a: u32, b: u32| {
        let (r, c) = (count(a).min(count(b)), count(a).max(count(b)));
        let lone = r <= 1;
        (usize::from(!lone), f64::from(if lone { c } else { r }.saturating_sub(1).max(1)))
    };
    // A close pair into its group's sums: pairs, sum of k, sum of 1/k.
    let add_tells = |sums: &mut [[f64; 3]; 2], a: u32, b: u32| {
        let (g, k) = tells(a, b);
        sums[g][0] += 1.0;
        sums[g][1] += k;
        sums[g][2] += 1.0 / k;
    };
    // The script of a record's surname (None when missing).
    let script0 = |r: u32| {
        let id = t.name_ids[0][r as usize];
        t.names[0].prepared.get(id as usize).map(|p| p.form.script)
    };
    // CLOSE_ALL=1 (with KEEP_FLOOR=0): below the review floor, only pairs with close surnames.
    let close_all = std::env::var("CLOSE_ALL").is_ok();
    for p in &linker.pairs {
        if close_all && p.probability() < 0.2 && level(p.pattern, 0) != 3 {
            continue;
        }
        let (a, b) = (p.a, p.b);
        let lab = label(a, b);
        let lv: Vec<String> = (0..NF).map(|f| level(p.pattern, f).to_string()).collect();
        let tf = |k: usize| if matches!(level(p.pattern, k), 1 | 2) { s.tf_pair(t, k, a, b, p.pattern) } else { 0.0 };
        let (ba, bb) = (&t.birth[a as usize], &t.birth[b as usize]);
        let gap = if ba.present && bb.present { (i32::from(ba.year) - i32::from(bb.year)).abs() } else { -1 };
        writeln!(
            w,
            "{},{:.4},{:.4},{:.4},{:.4},{},{},{},{}~{},{}:{},{}:{},{},{},{:.4},{},{},{}",
            lv.join(","),
            p.weight,
            s.prior_for(t, a, b),
            tf(0),
            tf(1),
            lab,
            i32::from(t.source[a as usize] == t.source[b as usize]),
            gap,
            (&t.sources[t.source[a as usize] as usize]).min(&t.sources[t.source[b as usize] as usize]),
            (&t.sources[t.source[a as usize] as usize]).max(&t.sources[t.source[b as usize] as usize]),
            t.keys[a as usize].source,
            t.keys[a as usize].source_record_id,
            t.keys[b as usize].source,
            t.keys[b as usize].source_record_id,
            labels[a as usize],
            labels[b as usize],
            s.close_pair(t, a, b, p.pattern),
            count(a).min(count(b)),
            count(a).max(count(b)),
            i32::from(script0(a) != script0(b))
        )
        .unwrap();
    }
    if let Ok(path) = std::env::var("NAMESAKES_OUT") {
        // The namesake pairs (birth dates far apart) training draws for u given the name class,
        // with their levels: non-matches found without labels.
        let mut cache = tally_linkage::compare::NameCache::default();
        let ns = tally_linkage::model::namesake_pairs(t, 200_000, 42);
        let pats = tally_linkage::compare::patterns(t, &mut cache, &ns);
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        writeln!(w, "sur,giv,pat,bd,dd,pl,unit,rank,sex,label,src,a,b").unwrap();
        for (&(a, b), &p) in ns.iter().zip(&pats) {
            let lab = label(a, b);
            let lv: Vec<String> = (0..NF).map(|f| level(p, f).to_string()).collect();
            let (x, y) = (&t.sources[t.source[a as usize] as usize], &t.sources[t.source[b as usize] as usize]);
            let (ka, kb) = (&t.keys[a as usize], &t.keys[b as usize]);
            let (ka, kb) =
                (format!("{}:{}", ka.source, ka.source_record_id), format!("{}:{}", kb.source, kb.source_record_id));
            writeln!(w, "{},{lab},{}~{},{ka},{kb}", lv.join(","), x.min(y), x.max(y)).unwrap();
        }
    }
    if std::env::var("TRUE_M").is_ok() {
        // The level shares among all true matches (every pair of records of one person, blocked
        // or not), beside EM's m: how far the fit strays from the matches it stands for.
        let pairs = true_pairs(t, &truth);
        let mut cache = tally_linkage::compare::NameCache::default();
        let pats = tally_linkage::compare::patterns(t, &mut cache, &pairs);
        for f in 0..NF {
            let mut c = [0u64; 8];
            for &p in &pats {
                c[level(p, f) as usize] += 1;
            }
            let present: u64 = c[1..].iter().sum();
            let share: Vec<String> =
                c[1..].iter().map(|&x| format!("{:.5}", x as f64 / present.max(1) as f64)).collect();
            eprintln!("true m field {f}: [{}] of {present}; EM m {:?}", share.join(", "), s.params.m[f]);
        }
    }
    if let Some(n) = std::env::var("BANDS").ok().and_then(|v| v.parse::<usize>().ok()) {
        // The close surname level split by the rarer spelling's roll count: its share among n
        // random pairs (u) and among every pair of records of one true person (m).
        use rand::{Rng, SeedableRng};
        // `count` is the dump's: the roll count of a record's surname key.
        let band = |c: u32| match c {
            0 | 1 => 0,
            2 => 1,
            3..=4 => 2,
            5..=16 => 3,
            17..=128 => 4,
            _ => 5,
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let len = t.len() as u32;
        let mut cache = tally_linkage::compare::NameCache::default();
        let mut u = [0u64; 6];
        // Per group (lone rarer spelling, or not; see `tells`): pairs, sum of k and of 1/k.
        let mut us = [[0f64; 3]; 2];
        let mut ms = [[0f64; 3]; 2];
        // One pair into the joint levels (surname by every field), and, when the surnames are
        // close, into the bands and the group sums.
        type Joint = [[[u64; 8]; 8]; NF];
        let tally = |a: u32, b: u32, p, joint: &mut Joint, bands: &mut [u64; 6], sums: &mut [[f64; 3]; 2]| {
            for (f, j) in joint.iter_mut().enumerate() {
                j[level(p, 0) as usize][level(p, f) as usize] += 1;
            }
            if level(p, 0) == 3 {
                bands[band(count(a).min(count(b)))] += 1;
                add_tells(sums, a, b);
            }
        };
        let mut un = 0u64;
        let mut ju = [[[0u64; 8]; 8]; NF];
        let mut jm = [[[0u64; 8]; 8]; NF];
        for _ in 0..(n / 1_000_000).max(1) {
            let pairs: Vec<(u32, u32)> = (0..n.min(1_000_000))
                .map(|_| (rng.gen_range(0..len), rng.gen_range(0..len)))
                .filter(|(a, b)| a != b)
                .collect();
            let pats = tally_linkage::compare::patterns(t, &mut cache, &pairs);
            un += pairs.len() as u64;
            for (&(a, b), &p) in pairs.iter().zip(&pats) {
                tally(a, b, p, &mut ju, &mut u, &mut us);
            }
        }
        let mp = true_pairs(t, &truth);
        let mpats = tally_linkage::compare::patterns(t, &mut cache, &mp);
        let mut m = [0u64; 6];
        for (&(a, b), &p) in mp.iter().zip(&mpats) {
            tally(a, b, p, &mut jm, &mut m, &mut ms);
        }
        println!("u_pairs {un} m_pairs {}", mp.len());
        println!("u_bands {:?}", u);
        println!("m_bands {:?}", m);
        println!("u_tells {:?}", us);
        println!("m_tells {:?}", ms);
        println!("w_close {} u {} m {}", s.w[0][3], s.params.u[0][3], s.params.m[0][3]);
        for (name, j) in [("ju", &ju), ("jm", &jm)] {
            for (f, jf) in j.iter().enumerate().skip(1) {
                for (l, row) in jf.iter().enumerate().take(6) {
                    println!("{name} f{f} sur{l} {:?}", &row[..]);
                }
            }
        }
        return;
    }
    if let Some(n) = std::env::var("GROUP_U").ok().and_then(|v| v.parse::<usize>().ok()) {
        // Per pair of sources: the surname's level shares among n random pairs of that group
        // (u) and among every pair of records of one true person in it (m).
        use rand::{Rng, SeedableRng};
        let ns = t.sources.len();
        let mut by_src: Vec<Vec<u32>> = vec![Vec::new(); ns];
        for r in 0..t.len() as u32 {
            by_src[t.source[r as usize] as usize].push(r);
        }
        let matches = true_pairs(t, &truth);
        let mut cache = tally_linkage::compare::NameCache::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for x in 0..ns {
            for y in x..ns {
                let (ra, rb) = (&by_src[x], &by_src[y]);
                if ra.is_empty() || rb.is_empty() {
                    continue;
                }
                let pairs: Vec<(u32, u32)> = (0..n)
                    .map(|_| (ra[rng.gen_range(0..ra.len())], rb[rng.gen_range(0..rb.len())]))
                    .filter(|(a, b)| a != b)
                    .collect();
                let pats = tally_linkage::compare::patterns(t, &mut cache, &pairs);
                let mut u = [0u64; 8];
                // As BANDS' u_tells and m_tells, for this pair of sources.
                let mut sums = [[[0f64; 3]; 2]; 2];
                let mut add = |class: usize, a: u32, b: u32, p| {
                    if level(p, 0) == 3 {
                        add_tells(&mut sums[class], a, b);
                    }
                };
                for (&(a, b), &p) in pairs.iter().zip(&pats) {
                    u[level(p, 0) as usize] += 1;
                    add(0, a, b, p);
                }
                let mp: Vec<(u32, u32)> = matches
                    .iter()
                    .copied()
                    .filter(|&(a, b)| {
                        let (sa, sb) = (t.source[a as usize] as usize, t.source[b as usize] as usize);
                        (sa.min(sb), sa.max(sb)) == (x, y)
                    })
                    .collect();
                let mpats = tally_linkage::compare::patterns(t, &mut cache, &mp);
                let mut m = [0u64; 8];
                for (&(a, b), &p) in mp.iter().zip(&mpats) {
                    m[level(p, 0) as usize] += 1;
                    add(1, a, b, p);
                }
                let (up, mpr): (u64, u64) = (u[1..].iter().sum(), m[1..].iter().sum());
                let sh = |c: &[u64; 8], tot: u64| {
                    c[1..5]
                        .iter()
                        .map(|&v| format!("{:.6}", v as f64 / tot.max(1) as f64))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                println!(
                    "group {}~{} u[{}] n={} | m[{}] n={}",
                    t.sources[x],
                    t.sources[y],
                    sh(&u, up),
                    up,
                    sh(&m, mpr),
                    mpr
                );
                println!("tells {}~{} u {:?} m {:?}", t.sources[x], t.sources[y], sums[0], sums[1]);
            }
        }
        println!("global u {:?}\nglobal m {:?}", s.params.u[0], s.params.m[0]);
        return;
    }
    let t1 = std::time::Instant::now();
    let mut cache = tally_linkage::compare::NameCache::default();
    let _ = tally_linkage::model::estimate_u(t, &mut cache, 200_000, 42);
    let t2 = std::time::Instant::now();
    let _ = tally_linkage::model::estimate_u_given_names(t, &mut cache, &s.params.u, 200_000, 42);
    eprintln!("estimate_u {:.3}s, estimate_u_given_names {:.3}s", (t2 - t1).as_secs_f64(), t2.elapsed().as_secs_f64());
    eprintln!("namesake pairs per class: {:?}", s.params.namesake_pairs);
    for (c, u) in s.params.u_given_names.iter().enumerate() {
        for f in [2, 4, 5, 6, 7, 8] {
            eprintln!("class {c} field {f}: u {:?} w {:?}", u[f], s.wc[c][f]);
        }
    }
    for (f, m) in s.params.m.iter().enumerate() {
        eprintln!("field {f}: m {:?}\n          u {:?}\n          w {:?}", m, s.params.u[f], s.w[f]);
    }
}

/// Every pair of records that the truth puts in one person, blocked or not.
fn true_pairs(
    t: &tally_linkage::table::Table,
    truth: &tally_linkage::FxHashMap<tally_domain::RecordKey, String>,
) -> Vec<(u32, u32)> {
    let mut by_person: tally_linkage::FxHashMap<&String, Vec<u32>> = Default::default();
    for r in 0..t.len() as u32 {
        if let Some(p) = truth.get(&t.keys[r as usize]) {
            by_person.entry(p).or_default().push(r);
        }
    }
    let mut pairs = Vec::new();
    for recs in by_person.values() {
        for i in 0..recs.len() {
            for j in i + 1..recs.len() {
                pairs.push((recs[i], recs[j]));
            }
        }
    }
    pairs
}
