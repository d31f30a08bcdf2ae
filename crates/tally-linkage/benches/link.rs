//! Linkage benchmark: end to end (encode, block, train, score, cluster) on a seeded world,
//! with quality against its truth, then 1,000 new records linked into the roll.
//!
//! `cargo bench -p tally-linkage --bench link -- [RECORDS] [THREADS]`
//! (defaults 100000 and 2). The world is generated here (Latin-script names with realistic
//! skew, namesakes, typos, partial dates, missing fields) so the core can be measured on its
//! own; the side-by-side with Splink on `tally synth` worlds lives in bench/.

use rand::{Rng, SeedableRng};
use std::time::Instant;
use tally_domain::{ParsedFields, PartialDate, PersonId, Record, RecordKey, Sex};
use tally_linkage::{evaluate, Decisions, FxHashMap, LinkConfig, Linker};

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

struct Vocab {
    surnames: Vec<String>,
    given: Vec<String>,
    patr: Vec<String>,
    places: Vec<String>,
    units: Vec<String>,
}

fn vocab(rng: &mut impl Rng) -> Vocab {
    let syl = [
        "ko", "va", "len", "shev", "chen", "bon", "dar", "tka", "mo", "roz", "ly", "sen", "ru", "de", "sav", "pet",
        "kly", "pav", "kuz", "po", "no", "mar", "khar", "lev", "kar", "vas", "hry", "mel", "boy", "kush", "sy", "fe",
        "do", "ya", "rem", "di", "os", "ta", "zai", "ho", "lub", "ty", "mo", "hna", "bi", "lo", "ze", "ni",
    ];
    let suf = ["enko", "uk", "yk", "ak", "ovych", "ych", "ets", "iv", "ko", "skyi", "chuk", "yshyn"];
    let mut surnames = std::collections::BTreeSet::new();
    while surnames.len() < 30_000 {
        let n = rng.gen_range(1..=3);
        let mut s: String = (0..n).map(|_| syl[rng.gen_range(0..syl.len())]).collect();
        s.push_str(suf[rng.gen_range(0..suf.len())]);
        let mut c = s.chars();
        let s = c.next().unwrap().to_uppercase().collect::<String>() + c.as_str();
        surnames.insert(s);
    }
    let mut surnames: Vec<String> = surnames.into_iter().collect();
    // Shuffle so Zipf ranks are not alphabetical.
    for i in (1..surnames.len()).rev() {
        surnames.swap(i, rng.gen_range(0..=i));
    }
    let given: Vec<String> = [
        "Oleksandr",
        "Serhii",
        "Andrii",
        "Volodymyr",
        "Dmytro",
        "Mykola",
        "Ivan",
        "Yurii",
        "Vasyl",
        "Oleksii",
        "Viktor",
        "Petro",
        "Maksym",
        "Bohdan",
        "Taras",
        "Roman",
        "Ihor",
        "Vitalii",
        "Ruslan",
        "Denys",
        "Artem",
        "Anatolii",
        "Mykhailo",
        "Pavlo",
        "Yevhen",
        "Vadym",
        "Valerii",
        "Stepan",
        "Hryhorii",
        "Fedir",
        "Illia",
        "Kostiantyn",
        "Leonid",
        "Nazar",
        "Oleh",
        "Rostyslav",
        "Sviatoslav",
        "Vladyslav",
        "Yaroslav",
        "Zakhar",
        "Anton",
        "Borys",
        "Danylo",
        "Eduard",
        "Heorhii",
        "Kyrylo",
        "Marko",
        "Orest",
        "Semen",
        "Tymur",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let patr = given.iter().map(|g| format!("{g}ovych")).collect();
    let places = (0..600).map(|i| format!("Selo{}{}", syl[i % syl.len()], i)).collect();
    let units = (0..400).map(|i| format!("A{:04}", 1000 + i * 7)).collect();
    Vocab { surnames, given, patr, places, units }
}

/// Zipf-like draw over n items (weight 1/(k+10)), via a precomputed CDF.
struct Zipf(Vec<f64>);
impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut c = Vec::with_capacity(n);
        let mut s = 0.0;
        for k in 0..n {
            s += 1.0 / (k as f64 + 10.0);
            c.push(s);
        }
        for x in &mut c {
            *x /= s;
        }
        Zipf(c)
    }
    fn draw(&self, rng: &mut impl Rng) -> usize {
        let x: f64 = rng.gen();
        self.0.partition_point(|&c| c < x).min(self.0.len() - 1)
    }
}

fn typo(rng: &mut impl Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 4 {
        return s.to_string();
    }
    let i = rng.gen_range(1..c.len() - 1);
    match rng.gen_range(0..3) {
        0 => {
            c.remove(i);
        }
        1 => c.swap(i, i + 1),
        _ => c[i] = ['a', 'e', 'i', 'o', 'y'][rng.gen_range(0..5)],
    }
    c.into_iter().collect()
}

/// About `n` records of n/2.2 persons across four sources.
fn world(n: usize, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let v = vocab(&mut rng);
    let (zs, zg, zp) = (Zipf::new(v.surnames.len()), Zipf::new(v.given.len()), Zipf::new(v.places.len()));
    let mut records = Vec::with_capacity(n);
    let mut truth = FxHashMap::default();
    let sources = ["mod", "obits", "media", "family"];
    let mut next = [0u64; 4];
    let mut p = 0u32;
    while records.len() < n {
        p += 1;
        let s = &v.surnames[zs.draw(&mut rng)];
        let g = &v.given[zg.draw(&mut rng)];
        let pa = &v.patr[zg.draw(&mut rng)];
        let by = rng.gen_range(1960..2005);
        let (bm, bd) = (rng.gen_range(1..=12u8), rng.gen_range(1..=28u8));
        let dd = PartialDate::ymd(2022 + rng.gen_range(0..3), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        let place = &v.places[zp.draw(&mut rng)];
        let unit = &v.units[rng.gen_range(0..v.units.len())];
        let copies = [1, 2, 2, 3, 3, 4][rng.gen_range(0..6)];
        for (si, src) in sources.iter().enumerate().take(copies) {
            if records.len() >= n {
                break;
            }
            let f = ParsedFields {
                surname: Some(if rng.gen_bool(0.08) { typo(&mut rng, s) } else { s.clone() }),
                given_name: Some(if rng.gen_bool(0.04) { typo(&mut rng, g) } else { g.clone() }),
                patronymic: rng.gen_bool(0.6).then(|| pa.clone()),
                birth_date: if rng.gen_bool(0.05) {
                    None
                } else if rng.gen_bool(0.2) {
                    Some(PartialDate::year(by))
                } else if rng.gen_bool(0.02) {
                    Some(PartialDate::ymd(by + 1, bm, bd).unwrap())
                } else {
                    Some(PartialDate::ymd(by, bm, bd).unwrap())
                },
                death_date: rng.gen_bool(0.8).then_some(dd),
                settlement: rng.gen_bool(0.6).then(|| place.clone()),
                unit: rng.gen_bool(0.5).then(|| unit.clone()),
                sex: Some(Sex::Male),
                ..Default::default()
            };
            next[si] += 1;
            let key = RecordKey { source: src.to_string(), source_record_id: next[si].to_string() };
            truth.insert(key.clone(), p);
            records.push(Record { id: records.len() as i64 + 1, key, line: next[si] + 1, raw: vec![], fields: f });
        }
    }
    (records, truth)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let threads: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().ok();
    let t = Instant::now();
    let (records, truth) = world(n, 1);
    // 1,000 records held back to arrive later.
    let hold = 1000.min(records.len() / 10);
    let (roll_recs, new_recs) = records.split_at(records.len() - hold);
    eprintln!("world: {} records ({:.1}s to generate, not counted)", records.len(), t.elapsed().as_secs_f64());
    let rss0 = peak_rss_mb();

    if std::env::var("FINGERPRINT").is_ok() {
        // A fingerprint of the result (model, kept pairs with their patterns and weights), to
        // check that a change to the pipeline leaves it exactly as it was.
        let t = Instant::now();
        let l = Linker::train(roll_recs, LinkConfig::default()).unwrap();
        eprintln!("linked in {:.2}s", t.elapsed().as_secs_f64());
        let mut h = 0xcbf29ce484222325u64;
        let mut eat = |b: &[u8]| {
            for &x in b {
                h ^= u64::from(x);
                h = h.wrapping_mul(0x100000001b3);
            }
        };
        eat(serde_json::to_string(&l.scorer.params).unwrap().as_bytes());
        let mut v: Vec<(String, String, u32, u64)> = l
            .pairs
            .iter()
            .map(|p| {
                let k = |r: u32| format!("{:?}", l.table.keys[r as usize]);
                let (x, y) = (k(p.a), k(p.b));
                let (x, y) = if x <= y { (x, y) } else { (y, x) };
                (x, y, p.pattern, p.weight.to_bits())
            })
            .collect();
        v.sort();
        for (x, y, p, w) in &v {
            eat(x.as_bytes());
            eat(y.as_bytes());
            eat(&p.to_le_bytes());
            eat(&w.to_le_bytes());
        }
        println!("fingerprint {h:016x} kept {} candidates {}", v.len(), l.blocking.pairs);
        return;
    }
    if std::env::var("MEM_STAGES").is_ok() {
        // Peak memory stage by stage (the same steps as Linker::train), to see what to cut.
        let t0 = Instant::now();
        let st = |what: &str| {
            let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let get = |k: &str| s.lines().find(|l| l.starts_with(k)).unwrap_or("").to_string();
            eprintln!("{what:<14} {:.2}s {}  {}", t0.elapsed().as_secs_f64(), get("VmRSS:"), get("VmHWM:"));
        };
        let cfg = LinkConfig::default();
        let t = tally_linkage::table::Table::from_records(roll_recs).unwrap();
        st("table");
        let idx = tally_linkage::blocking::BlockIndex::build(&t, &cfg.blocking);
        st("index");
        let (pairs, _) = tally_linkage::blocking::candidate_pairs(&t, &cfg.blocking, &idx);
        st("pairs");
        let mut cache = tally_linkage::compare::NameCache::default();
        let pats = tally_linkage::compare::patterns(&t, &mut cache, &pairs);
        st("patterns");
        eprintln!("distinct name pairs {}", cache.len());
        let _p = tally_linkage::model::train(&t, &mut cache, &pats, &cfg.train);
        st("train");
        return;
    }
    let t0 = Instant::now();
    let l = Linker::train(roll_recs, LinkConfig::default()).unwrap();
    let t_link = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let t_cluster = t1.elapsed().as_secs_f64();
    let total = t0.elapsed().as_secs_f64();
    let pairs = l.blocking.pairs;
    // Peak of the linkage itself (world included); the checks below (true blocking recall
    // holds a set of every candidate pair) would otherwise set the figure.
    let rss_link = peak_rss_mb();

    // Scoring throughput alone: patterns of all candidate pairs again, on one thread.
    let pair_list: Vec<(u32, u32)> = l.pairs.iter().map(|p| (p.a, p.b)).collect();
    let pool1 = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut cache = tally_linkage::compare::NameCache::default();
    let t2 = Instant::now();
    let pats = pool1.install(|| tally_linkage::compare::patterns(&l.table, &mut cache, &pair_list));
    let t_score1 = t2.elapsed().as_secs_f64();
    let t3 = Instant::now();
    let pats2 = pool1.install(|| tally_linkage::compare::patterns(&l.table, &mut cache, &pair_list));
    let t_score1_warm = t3.elapsed().as_secs_f64();
    assert_eq!(pats, pats2);

    let pred: Vec<(RecordKey, PersonId)> = roll.assignments.iter().map(|a| (a.record.clone(), a.person)).collect();
    let ev = evaluate(&pred, &truth);
    // True blocking recall: share of true pairs (within the roll) among the candidate pairs.
    let mut cand: rustc_hash::FxHashSet<(u32, u32)> = Default::default();
    let (pairs_all, _) = {
        let idx = tally_linkage::blocking::BlockIndex::build(&l.table, &l.cfg.blocking);
        tally_linkage::blocking::candidate_pairs(&l.table, &l.cfg.blocking, &idx)
    };
    for &(a, b) in &pairs_all {
        cand.insert((a.min(b), a.max(b)));
    }
    let mut by_person: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for i in 0..l.table.len() as u32 {
        by_person.entry(truth[&l.table.keys[i as usize]]).or_default().push(i);
    }
    let (mut tp, mut found) = (0u64, 0u64);
    for v in by_person.values() {
        for x in 0..v.len() {
            for y in x + 1..v.len() {
                tp += 1;
                let hit = cand.contains(&(v[x].min(v[y]), v[x].max(v[y])));
                found += u64::from(hit);
                if !hit && std::env::var("SHOW_MISSED").is_ok() && tp % 50 == 0 {
                    let e = l.explain(&l.table.keys[v[x] as usize], &l.table.keys[v[y] as usize]).unwrap();
                    let vals: Vec<String> = e
                        .steps
                        .iter()
                        .filter(|s| !s.field.contains("frequency"))
                        .map(|s| format!("{}|{}", s.value_a, s.value_b))
                        .collect();
                    eprintln!("missed: {}", vals.join("  "));
                }
            }
        }
    }

    // Incremental: 1,000 new records into the roll.
    // Only the components the new records touch are re-clustered; the check after the timed
    // part is that this equals clustering the whole roll again.
    let mut inc = l;
    let base = roll.clone();
    let t4 = Instant::now();
    inc.add(new_recs).unwrap();
    let t_add = t4.elapsed().as_secs_f64();
    let roll2 = inc.roll_incremental(base, &Decisions::default(), &FxHashMap::default(), roll.next_id);
    let t_inc = t4.elapsed().as_secs_f64();
    eprintln!("incremental: add {t_add:.3} s, roll {:.3} s", t_inc - t_add);
    let t5 = Instant::now();
    let prev: FxHashMap<RecordKey, PersonId> = pred.iter().cloned().collect();
    let roll_full = inc.roll(&Decisions::default(), &prev, roll.next_id);
    let t_inc_full = t5.elapsed().as_secs_f64() + t_add;
    assert_eq!(roll2, roll_full, "partial re-cluster equals the full one");

    println!("records                 {}", roll_recs.len());
    println!("threads                 {threads}");
    println!("candidate pairs         {pairs} ({:.1} per record)", pairs as f64 / roll_recs.len() as f64);
    println!("blocking recall (true)  {:.4}", found as f64 / tp.max(1) as f64);
    println!("blocking recall (est.)  {:.4}", inc.blocking.estimated_recall.unwrap_or(0.0));
    println!("end to end              {total:.2} s (block+train+score {t_link:.2} s, cluster+ids {t_cluster:.2} s)");
    println!(
        "scoring, 1 thread       {:.2} M pairs/s cold (name cache filled: {} distinct name pairs), {:.2} M pairs/s warm",
        pair_list.len() as f64 / t_score1 / 1e6,
        cache.len(),
        pair_list.len() as f64 / t_score1_warm / 1e6
    );
    println!(
        "incremental 1,000 new   {t_inc:.3} s ({} persons after; {t_inc_full:.3} s re-clustering everything)",
        roll2.persons
    );
    println!(
        "pairwise P/R/F1         {:.4} / {:.4} / {:.4}",
        ev.pairwise.precision, ev.pairwise.recall, ev.pairwise.f1
    );
    println!("b-cubed  P/R/F1         {:.4} / {:.4} / {:.4}", ev.bcubed.precision, ev.bcubed.recall, ev.bcubed.f1);
    println!("estimated false links   {:.4} (label-free)", inc.errors.false_link_rate);
    println!(
        "peak memory             {rss_link:.0} MB linking, world included (world alone {rss0:.0} MB; {:.0} MB with this bench's checks)",
        peak_rss_mb()
    );
}
