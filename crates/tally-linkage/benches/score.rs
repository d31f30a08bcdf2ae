//! Scoring benchmark: the scoring pass alone (comparison levels and weights of candidate pairs),
//! without blocking, training, clustering or IO, in pairs per second per core.
//!
//! `cargo bench -p tally-linkage --bench score -- [RECORDS] [THREADS] [latin|mixed|RECORDS.csv]`
//! (defaults 1000000, 2, latin). The world is the seeded one of `common/world.rs` (Latin-script,
//! or cross-script with `mixed`), or the records of a `tally synth` world as
//! `tally export records --format csv` writes them (`bench/out/*/records.csv`).
//!
//! The records are encoded, blocked and a model trained (`Linker::train_table`, untimed here);
//! then every chunk of candidate pairs is generated again (untimed: that is blocking) and put
//! through [`tally_linkage::linker::score_pairs`], what a run does per chunk: name verdicts by
//! the sorted pass (each distinct pair of differing names compared once), the other fields'
//! levels, the pattern, the weight with term-frequency adjustments, the review floor.
//!
//! - `cold`: with an empty name-verdict cache, as a run's first pass (every distinct name pair
//!   goes through the comparator once): the figure the target is about.
//! - `warm`: again with the verdicts known, as a run's second pass.
//!
//! Per core = pairs / CPU seconds of the scoring calls (summed over threads from
//! `/proc/self/task/*/schedstat`, nanoseconds; independent of what else runs on the machine).
//! In a cross-script world the pairs are also scored in two sets, cross-script pairs (the two
//! surnames in different scripts) and the others, each with its own cold cache.

#[path = "../examples/common/records_csv.rs"]
mod records_csv;
#[path = "common/world.rs"]
mod world;

use records_csv::read_csv;
use std::time::Instant;

use tally_linkage::blocking::{chunk_pairs, BlockIndex, PairPlan};
use tally_linkage::compare::NameCache;
use tally_linkage::linker::{score_pairs, Weigher};
use tally_linkage::table::{Rec, Table, NONE};
use tally_linkage::{LinkConfig, Linker};
use world::{world, Script};

/// CPU nanoseconds used by this process's threads so far (those alive: rayon's stay).
fn cpu_ns() -> u64 {
    let mut sum = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for e in dir.flatten() {
            let s = std::fs::read_to_string(e.path().join("schedstat")).unwrap_or_default();
            sum += s.split_whitespace().next().and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    sum
}

/// One timed pass: (pairs, kept, wall s, cpu s).
struct Pass {
    pairs: u64,
    kept: u64,
    wall: f64,
    cpu: f64,
}

impl Pass {
    fn line(&self, what: &str, threads: usize) {
        println!(
            "{what:<34} {:>11} pairs  wall {:6.2} s  cpu {:6.2} s  {:5.2} M pairs/s per core (cpu), {:5.2} M pairs/s ({threads} threads, wall)  kept {}",
            self.pairs,
            self.wall,
            self.cpu,
            self.pairs as f64 / self.cpu.max(1e-9) / 1e6,
            self.pairs as f64 / self.wall.max(1e-9) / 1e6,
            self.kept
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let threads: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let what = args.get(2).cloned().unwrap_or_else(|| "latin".into());
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().ok();

    let t0 = Instant::now();
    let mut table = Table::new();
    match what.as_str() {
        "latin" | "mixed" => {
            let script = if what == "mixed" { Script::Mixed } else { Script::Latin };
            world(n, 1, script, |r, _| {
                table.push(&r).unwrap();
            })
        }
        path => read_csv(path, |r| {
            if table.len() < n {
                table.push(&r).unwrap();
            }
        }),
    }
    eprintln!("world: {} records ({what}) in {:.1} s", table.len(), t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let l = Linker::train_table(table, LinkConfig::default()).unwrap();
    eprintln!(
        "link (block, train, score; untimed here): {:.1} s, {} candidate pairs, {} kept",
        t1.elapsed().as_secs_f64(),
        l.blocking.pairs,
        l.pairs.len()
    );
    let (t, cfg) = (&l.table, &l.cfg);
    let idx = BlockIndex::build(t, &cfg.blocking);
    let plan = PairPlan::new(t, &cfg.blocking, &idx);

    // Whether a pair's surnames are written in different scripts (None: all pairs).
    let script_of = |r: Rec| {
        let id = t.name_ids[0][r as usize];
        (id != NONE).then(|| t.names[0].prepared[id as usize].form.script)
    };
    let cross = |&(a, b): &(Rec, Rec)| matches!((script_of(a), script_of(b)), (Some(x), Some(y)) if x != y);
    let pass = |cache: &mut NameCache, select: Option<bool>| {
        let mut p = Pass { pairs: 0, kept: 0, wall: 0.0, cpu: 0.0 };
        // Once per pass, as a run builds it once (timed with the first chunk's scoring).
        let (c0, w0) = (cpu_ns(), Instant::now());
        let w = Weigher::new(t, &l.scorer);
        p.wall += w0.elapsed().as_secs_f64();
        p.cpu += (cpu_ns() - c0) as f64 / 1e9;
        for &c in &plan.chunks {
            let mut pairs = chunk_pairs(&cfg.blocking, &idx, c);
            if let Some(want) = select {
                pairs.retain(|e| cross(e) == want);
            }
            let (c0, w0) = (cpu_ns(), Instant::now());
            let (kept, below) = score_pairs(t, &w, cache, cfg.review_low, &pairs);
            p.wall += w0.elapsed().as_secs_f64();
            p.cpu += (cpu_ns() - c0) as f64 / 1e9;
            std::hint::black_box(below);
            p.pairs += pairs.len() as u64;
            p.kept += kept.len() as u64;
        }
        p
    };
    println!("records {}  threads {threads}  world {what}", t.len());
    let mut cache = NameCache::default();
    let cold = pass(&mut cache, None);
    cold.line("scoring pass, cold (as a run)", threads);
    let distinct = cache.len();
    let warm = pass(&mut cache, None);
    warm.line("scoring pass, warm (verdicts known)", threads);
    println!("distinct name pairs compared       {distinct}");
    let n_cross = {
        let mut k = 0u64;
        for &c in &plan.chunks {
            k += chunk_pairs(&cfg.blocking, &idx, c).iter().filter(|e| cross(e)).count() as u64;
        }
        k
    };
    if n_cross > 0 {
        pass(&mut NameCache::default(), Some(true)).line("cross-script pairs only, cold", threads);
        pass(&mut NameCache::default(), Some(false)).line("same-script pairs only, cold", threads);
    }
}
