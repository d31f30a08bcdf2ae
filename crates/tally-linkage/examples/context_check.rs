//! Calibration of the probabilities in context (`tally_linkage::context`) against the pairwise
//! ones, pooled over worlds (offline experiment, fifteenth pass of issue 4; not part of Tally):
//!
//! `cargo run --release -p tally-linkage --example context_check -- DIR [DIR ...]`
//!
//! DIR holds `records.csv` and `truth.csv` (a world of `bench/calibration.py`); the truth only
//! labels the report. Prints the calibration by decile (pairs / observed - predicted) of the
//! pairwise and the in-context probabilities of the kept pairs, by standing and decile, and the
//! grey pairs (pairwise 0.2 to 0.95) by standing. The variants of `common/context.rs` are set by
//! the environment, and:
//! - `CTX_ITER=n`: n more rounds, each with the roll (union at 0.95) of the last round's
//!   probabilities in context and its figures;
//! - `CTX_LAMBDA=1`: rho_ST from the model (its prior odds for S and T times the records of T);
//! - `CTX_MOMENT=1`: N scaled per world so that the grey pairs' probabilities in context sum to
//!   their pairwise ones (label-free);
//! - `CTX_DUMP=FILE`: every grey pair of every world with its parts, conflicts and levels.
#[path = "common/context.rs"]
mod context;
#[path = "common/records_csv.rs"]
mod records_csv;
use context::{Context, ContextStats};
use records_csv::{read_records, read_truth};
use tally_linkage::{LinkConfig, Linker};

fn main() {
    let mut cal = [[0.0f64; 3]; 20];
    // pairs at 0.95: pairwise then in context, false then true
    let mut at95 = [[0u64; 2]; 2];
    let mut st: std::collections::BTreeMap<String, [f64; 4]> = Default::default();
    let mut dec: std::collections::BTreeMap<(String, usize), [f64; 3]> = Default::default();
    let mut dump = std::env::var("CTX_DUMP").ok().map(|f| std::io::BufWriter::new(std::fs::File::create(f).unwrap()));
    if let Some(f) = dump.as_mut() {
        use std::io::Write;
        writeln!(
            f,
            "world,standing,p0,q,y,s_a,s_b,h_a,h_b,n_a,n_b,size_a,size_b,conflicts,src_a,src_b,sur,giv,pat,bd,pl"
        )
        .unwrap();
    }
    for dir in std::env::args().skip(1) {
        let records = read_records(&format!("{dir}/records.csv"));
        let truth = read_truth(&format!("{dir}/truth.csv"));
        let l = Linker::train(&records, LinkConfig::default()).unwrap();
        let label = l.cluster_at(0.95, &Default::default()).label;
        let t0 = std::time::Instant::now();
        // CTX_ITER=n: n more rounds, each with the roll (union at 0.95) of the last round's
        // probabilities in context, and its figures.
        let iters: usize = std::env::var("CTX_ITER").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut label = label;
        let mut links: Option<Vec<bool>> = None;
        let mut stats = ContextStats::of(&l.table, &label);
        let mut q: Vec<f64> = Vec::new();
        let model_bar = std::env::var("CTX_LAMBDA").is_ok().then(|| {
            let k = l.table.sources.len();
            let mut n = vec![0.0f64; k];
            for &s in &l.table.source {
                n[s as usize] += 1.0;
            }
            (0..k * k)
                .map(|i| {
                    let (x, y) = ((i / k) as u32, (i % k) as u32);
                    let odds = l.scorer.prior_for_sources(&l.table, x, y).exp2();
                    (odds / (1.0 + odds)) * n[y as usize]
                })
                .collect::<Vec<f64>>()
        });
        for round in 0..=iters {
            let c = Context::new(&l.table, &l.pairs, &label, 0.95, Some(&stats))
                .with_links(links.clone())
                .with_model_bar(model_bar.clone());
            q = c.probabilities(|_| true);
            if round == iters {
                break;
            }
            let mut dsu: Vec<u32> = (0..l.table.len() as u32).collect();
            fn find(d: &mut [u32], mut x: u32) -> u32 {
                while d[x as usize] != x {
                    d[x as usize] = d[d[x as usize] as usize];
                    x = d[x as usize];
                }
                x
            }
            for (p, &qq) in l.pairs.iter().zip(&q) {
                if qq >= 0.95 {
                    let (x, y) = (find(&mut dsu, p.a), find(&mut dsu, p.b));
                    dsu[x.max(y) as usize] = x.min(y);
                }
            }
            label = (0..l.table.len() as u32).map(|r| find(&mut dsu, r)).collect();
            links = Some(q.iter().map(|&x| x >= 0.95).collect());
            stats = ContextStats::of(&l.table, &label);
        }
        let mut c =
            Context::new(&l.table, &l.pairs, &label, 0.95, Some(&stats)).with_links(links).with_model_bar(model_bar);
        if std::env::var("CTX_MOMENT").is_ok() {
            // Label-free: the scale at which the grey pairs' probabilities in context sum to
            // what their pairwise ones do.
            let grey: Vec<usize> =
                (0..l.pairs.len()).filter(|&i| (0.2..0.95).contains(&l.pairs[i].probability())).collect();
            let target: f64 = grey.iter().map(|&i| l.pairs[i].probability()).sum();
            let (mut lo, mut hi) = (-6.0f64, 6.0f64);
            for _ in 0..14 {
                let mid = (lo + hi) / 2.0;
                c.n_scale = mid.exp2();
                let sum: f64 = grey.iter().map(|&i| c.probability(i).0).sum();
                // A larger scale lowers every probability.
                if sum > target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            c.n_scale = ((lo + hi) / 2.0).exp2();
            eprintln!("{dir}: scale {:.3}", c.n_scale);
            q = c.probabilities(|_| true);
        }
        eprintln!("{dir}: {} pairs in context in {:.2}s", l.pairs.len(), t0.elapsed().as_secs_f64());
        for (i, p) in l.pairs.iter().enumerate() {
            let y =
                f64::from(u8::from(truth.get(&l.table.keys[p.a as usize]) == truth.get(&l.table.keys[p.b as usize])));
            for (k, x) in [p.probability(), q[i]].into_iter().enumerate() {
                if x >= 0.95 {
                    at95[k][y as usize] += 1;
                }
            }
            for (off, x) in [(0, p.probability()), (10, q[i])] {
                let c = &mut cal[off + ((x * 10.0) as usize).min(9)];
                c[0] += 1.0;
                c[1] += x;
                c[2] += y;
            }
            let p0 = p.probability();
            let d = dec.entry((format!("{:?}", c.probability(i).1), ((q[i] * 10.0) as usize).min(9))).or_default();
            d[0] += 1.0;
            d[1] += q[i];
            d[2] += y;
            if let (Some(f), true) = (dump.as_mut(), (0.2..0.95).contains(&p0)) {
                use std::io::Write;
                let d = c.parts(i);
                let lv = |k: usize| tally_linkage::levels::level(p.pattern, k);
                let src = |r: u32| &l.table.sources[l.table.source[r as usize] as usize];
                writeln!(
                    f,
                    "{},{:?},{:.4},{:.4},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{},{},{},{},{},{},{},{},{},{}",
                    dir.rsplit('/').next().unwrap(),
                    d.standing,
                    p0,
                    d.q,
                    y,
                    d.s_a,
                    d.s_b,
                    d.h_a,
                    d.h_b,
                    d.n_a,
                    d.n_b,
                    d.size_a,
                    d.size_b,
                    d.conflicts,
                    src(p.a),
                    src(p.b),
                    lv(0),
                    lv(1),
                    lv(2),
                    lv(3),
                    lv(5)
                )
                .unwrap();
            }
            if (0.2..0.95).contains(&p0) {
                let s = st.entry(format!("{:?}", c.probability(i).1)).or_default();
                s[0] += 1.0;
                s[1] += p0;
                s[2] += q[i];
                s[3] += y;
            }
        }
    }
    for (name, off) in [("pairwise", 0), ("context", 10)] {
        let mut worst: f64 = 0.0;
        let cells: Vec<String> = (0..10)
            .filter(|d| cal[off + d][0] > 0.0)
            .map(|d| {
                let c = cal[off + d];
                let g = (c[2] - c[1]) / c[0];
                if c[0] >= 500.0 {
                    worst = worst.max(g.abs());
                }
                format!("{}:{}/{:+.3}", d, c[0], g)
            })
            .collect();
        println!("calibration {name:8} max(500) {worst:.4}  {}", cells.join(" "));
    }
    println!(
        "pairs at 0.95: pairwise {} true {} false; in context {} true {} false",
        at95[0][1], at95[0][0], at95[1][1], at95[1][0]
    );
    for ((k, d), c) in &dec {
        println!("  {k:8} decile {d}: {:7} pairs  predicted {:.3} observed {:.3}", c[0], c[1] / c[0], c[2] / c[0]);
    }
    for (k, s) in st {
        println!(
            "grey {k:8} {:7} pairs pairwise {:.3} context {:.3} observed {:.3}",
            s[0],
            s[1] / s[0],
            s[2] / s[0],
            s[3] / s[0]
        );
    }
}
