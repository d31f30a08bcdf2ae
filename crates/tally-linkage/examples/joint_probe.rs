//! Offline experiment (not part of Tally, tenth pass of issue 4): pair probabilities from a joint
//! model over partitions, computed from the pairwise model's own weights, against the pairwise
//! probabilities, and the roll they would give.
//!
//! `cargo run --release -p tally-linkage --example joint_probe -- DIR [DIR ...]`
//!
//! DIR holds `records.csv` and `truth.csv` (a world of `bench/splink_side_by_side.py` or
//! `bench/calibration.py`); the truth only labels the report. For each connected component of kept
//! pairs (probability 0.2 and up), records joined by sure pairs (at least 20 bits, no conflict) are
//! contracted into units, and when there are at most 10 units, every partition of them is summed
//! exactly. A partition scores the sum over its persons of the person's strongest spanning tree
//! of pairwise weights (log2 posterior odds, prior included, every pair of the component scored,
//! kept or not); pairs that can never be one person (the chaining guard's hard conflicts) rule a
//! partition out. A pair's joint probability is the share of posterior mass of the partitions
//! that put its two records in one person. For a component of two records it is the pairwise
//! probability.
//!
//! Variants: `JOINT_PEN=1` also counts, off the tree, the negative weights between two records of
//! one list (a list names a person once); `JOINT_CRP=1` gives a person of n records a
//! Chinese-restaurant prior of (n - 1)!; `JOINT_BONUS=B` adds B bits for each record a person holds
//! after its first (a capture-model prior on merging; see `bench/README.md`); `JOINT_BONUS=auto`
//! finds, per world and without labels, the bonus at which the joint probabilities of the kept
//! pairs sum to what the pairwise ones do; `JOINT_BONUS=oracle` takes log2(N / N0) from the world's
//! manifest (persons over persons on no list). `JOINT_HIST=1` (thirteenth pass) replaces the
//! pairwise prior in every weight by a prior from the capture histories of the roll's persons (at
//! 0.95): a person of records on lists s1..sn with history h scores
//! log2 n_h - sum_i log2 n_{s_i} + (n - 1) * bonus, n_h the roll's persons with history h (0, 1 or
//! 2+ records per list), which is the exact prior of an exchangeable capture model with bonus
//! log2(N / N0). `JOINT_DUMP=FILE` writes every kept pair of the last world:
//! its comparison levels, weight, pairwise and joint probability, and truth label.
//!
//! Prints, pooled over the worlds: calibration by decile of the pairwise and the joint
//! probabilities (pairs, observed minus predicted), and per world the pairwise and B-cubed
//! precision, recall and F1 of the roll (greedy clustering at 0.95) and of the components of
//! pairs whose joint probability is at least 0.5, 0.8 and 0.95.

#[path = "common/records_csv.rs"]
mod records_csv;

use records_csv::{read_records, read_truth};
use std::time::Instant;
use tally_domain::RecordKey;
use tally_linkage::cluster::hard_conflict;
use tally_linkage::compare::{levels, NameCache};
use tally_linkage::levels::{level, pack, NF};
use tally_linkage::table::{Rec, Table};
use tally_linkage::{evaluate, FxHashMap, LinkConfig, Linker};

const SURE_BITS: f64 = 20.0;
const MAX_EXACT: usize = 10;

fn main() {
    let pen = std::env::var("JOINT_PEN").is_ok();
    let crp = std::env::var("JOINT_CRP").is_ok();
    // A number, or `auto`: the bonus at which the joint probabilities of the kept pairs sum to
    // what the pairwise ones do (label-free; found by bisection on 0..4 bits).
    let bonus_env = std::env::var("JOINT_BONUS").unwrap_or_default();
    let mut cal = [[0.0f64; 3]; 20]; // per decile, pairwise then joint: pairs, predicted, observed
    for dir in std::env::args().skip(1) {
        let records = read_records(&format!("{dir}/records.csv"));
        let truth = read_truth(&format!("{dir}/truth.csv"));
        let l = Linker::train(&records, LinkConfig::default()).unwrap();
        let t = &l.table;
        let t0 = Instant::now();
        let roll0 = l.cluster_at(LinkConfig::default().threshold, &Default::default()).label;
        let hist_owned = std::env::var("JOINT_HIST").is_ok().then(|| Hist::of(t, &roll0));
        let hist = hist_owned.as_ref();
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap_or("{}".into()))
                .unwrap_or_default();
        let (np, nl) =
            (manifest["persons"].as_f64().unwrap_or(0.0), manifest["persons_listed"].as_f64().unwrap_or(0.0));
        let oracle = (np / (np - nl)).log2();
        println!("{dir}: oracle log2(N/N0) {oracle:.3}");
        let bonus = if bonus_env == "oracle" {
            oracle
        } else if bonus_env == "auto" {
            let target: f64 = l.pairs.iter().map(|p| p.probability()).sum();
            let (mut lo, mut hi) = if hist.is_some() { (-6.0f64, 10.0f64) } else { (0.0f64, 4.0f64) };
            for _ in 0..12 {
                let mid = (lo + hi) / 2.0;
                let sum: f64 = joint_probabilities(&l, Opts { pen, crp, bonus: mid, hist }).0.iter().sum();
                if sum < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (lo + hi) / 2.0
        } else {
            bonus_env.parse().unwrap_or(0.0)
        };
        println!("{dir}: bonus {bonus:.3} bits");
        let (joint, exact, left) = joint_probabilities(&l, Opts { pen, crp, bonus, hist });
        let secs = t0.elapsed().as_secs_f64();
        let same = |a: Rec, b: Rec| truth.get(&t.keys[a as usize]) == truth.get(&t.keys[b as usize]);
        for (p, &q) in l.pairs.iter().zip(&joint) {
            let m = f64::from(u8::from(same(p.a, p.b)));
            for (off, x) in [(0, p.probability()), (10, q)] {
                let c = &mut cal[off + ((x * 10.0) as usize).min(9)];
                c[0] += 1.0;
                c[1] += x;
                c[2] += m;
            }
        }
        if let Ok(path) = std::env::var("JOINT_DUMP") {
            use std::io::Write;
            let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
            writeln!(f, "sur,giv,pat,bd,dd,pl,unit,rank,sex,weight,prior,pairwise,joint,label,src_a,src_b").unwrap();
            for (p, &q) in l.pairs.iter().zip(&joint) {
                let lv: Vec<String> = (0..NF).map(|k| level(p.pattern, k).to_string()).collect();
                let src = |r: Rec| &t.sources[t.source[r as usize] as usize];
                writeln!(
                    f,
                    "{},{:.4},{:.4},{:.6},{:.6},{},{},{}",
                    lv.join(","),
                    p.weight,
                    l.scorer.prior_for(t, p.a, p.b),
                    p.probability(),
                    q,
                    u8::from(same(p.a, p.b)),
                    src(p.a),
                    src(p.b)
                )
                .unwrap();
            }
        }
        let (sp, sj, st) = l.pairs.iter().zip(&joint).fold((0.0, 0.0, 0.0), |(a, b, c), (p, &q)| {
            (a + p.probability(), b + q, c + f64::from(u8::from(same(p.a, p.b))))
        });
        println!("{dir}: kept pairs {}, summed pairwise {sp:.1}, joint {sj:.1}, true {st}", l.pairs.len());
        let roll = l.cluster_at(LinkConfig::default().threshold, &Default::default()).label;
        let report = |name: &str, label: &[Rec]| {
            let pred: Vec<(RecordKey, Rec)> = (0..t.len()).map(|r| (t.keys[r].clone(), label[r])).collect::<Vec<_>>();
            let e = evaluate(&pred, &truth);
            println!(
                "{dir} {name:12} pairwise P {:.4} R {:.4} F1 {:.4}  B3 P {:.4} R {:.4} F1 {:.4}",
                e.pairwise.precision,
                e.pairwise.recall,
                e.pairwise.f1,
                e.bcubed.precision,
                e.bcubed.recall,
                e.bcubed.f1
            );
        };
        println!("{dir}: joint pass {secs:.2} s, {exact} components summed, {left} kept pairs left pairwise");
        report("roll 0.95", &roll);
        for th in [0.5, 0.8, 0.95] {
            let mut dsu: Vec<Rec> = (0..t.len() as Rec).collect();
            for (p, &q) in l.pairs.iter().zip(&joint) {
                if q >= th {
                    let (x, y) = (find(&mut dsu, p.a), find(&mut dsu, p.b));
                    dsu[x.max(y) as usize] = x.min(y);
                }
            }
            let label: Vec<Rec> = (0..t.len() as Rec).map(|r| find(&mut dsu, r)).collect();
            report(&format!("joint >= {th}"), &label);
        }
    }
    for (name, off) in [("pairwise", 0), ("joint", 10)] {
        let cells: Vec<String> = (0..10)
            .filter(|d| cal[off + d][0] > 0.0)
            .map(|d| {
                let c = cal[off + d];
                format!("{}:{}/{:+.3}", d, c[0], (c[2] - c[1]) / c[0])
            })
            .collect();
        println!("calibration {name:8} {}", cells.join(" "));
    }
}

fn find(d: &mut [Rec], mut x: Rec) -> Rec {
    while d[x as usize] != x {
        d[x as usize] = d[d[x as usize] as usize];
        x = d[x as usize];
    }
    x
}

#[derive(Clone, Copy)]
struct Opts<'h> {
    pen: bool,
    crp: bool,
    bonus: f64,
    /// `JOINT_HIST=1`: the merge prior from the roll's capture histories (log2 counts by
    /// history code), with `bonus` as log2(N / N0).
    hist: Option<&'h Hist>,
}

/// Capture histories of the roll's persons: per source, 0, 1 or 2+ records, as a base-3 code.
struct Hist {
    log2n: FxHashMap<u64, f64>,
    empty: f64,
}

impl Hist {
    fn of(t: &Table, label: &[Rec]) -> Hist {
        let mut by: FxHashMap<Rec, Vec<u32>> = FxHashMap::default();
        for (r, &p) in label.iter().enumerate() {
            by.entry(p).or_default().push(t.source[r]);
        }
        let mut n: FxHashMap<u64, f64> = FxHashMap::default();
        for srcs in by.values() {
            *n.entry(code(srcs)).or_default() += 1.0;
        }
        Hist { log2n: n.into_iter().map(|(k, v)| (k, (v + 0.5).log2())).collect(), empty: 0.5f64.log2() }
    }
    fn get(&self, srcs: &[u32]) -> f64 {
        self.log2n.get(&code(srcs)).copied().unwrap_or(self.empty)
    }
}

fn code(srcs: &[u32]) -> u64 {
    let mut c = [0u8; 32];
    for &s in srcs {
        c[s as usize] = (c[s as usize] + 1).min(2);
    }
    c.iter().rev().fold(0u64, |a, &x| a * 3 + u64::from(x))
}

/// Joint probability of each kept pair, the number of components summed exactly, and the number
/// of kept pairs left at their pairwise probability (in components too large to sum).
fn joint_probabilities(l: &Linker, o: Opts<'_>) -> (Vec<f64>, u64, u64) {
    let t = &l.table;
    let n = t.len();
    let mut dsu: Vec<Rec> = (0..n as Rec).collect();
    for p in &l.pairs {
        let (x, y) = (find(&mut dsu, p.a), find(&mut dsu, p.b));
        dsu[x.max(y) as usize] = x.min(y);
    }
    let mut comps: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
    for p in &l.pairs {
        for r in [p.a, p.b] {
            comps.entry(find(&mut dsu, r)).or_default().push(r);
        }
    }
    let kept: FxHashMap<(Rec, Rec), f64> = l.pairs.iter().map(|p| ((p.a.min(p.b), p.a.max(p.b)), p.weight)).collect();
    let cache = NameCache::default();
    let weight = |a: Rec, b: Rec| -> f64 {
        if hard_conflict(t, a, b) {
            return f64::NEG_INFINITY;
        }
        let w = match kept.get(&(a.min(b), a.max(b))) {
            Some(&w) => w,
            None => l.scorer.weight(t, a, b, pack(&levels(t, &cache, a, b))),
        };
        if o.hist.is_some() {
            // The Bayes factor alone: the prior comes from the capture histories.
            // (`prior_for` is already log2 prior odds.)
            w - l.scorer.prior_for(t, a, b)
        } else {
            w
        }
    };
    let mut prob: FxHashMap<(Rec, Rec), f64> = FxHashMap::default();
    let mut exact = 0u64;
    for (_, mut recs) in comps {
        recs.sort_unstable();
        recs.dedup();
        if let Some(m) = component(t, &recs, &weight, o) {
            exact += 1;
            for ((a, b), p) in m {
                if kept.contains_key(&(a, b)) {
                    prob.insert((a, b), p);
                }
            }
        }
    }
    let mut left = 0;
    let out = l
        .pairs
        .iter()
        .map(|p| match prob.get(&(p.a.min(p.b), p.a.max(p.b))) {
            Some(&q) => q,
            None => {
                left += 1;
                p.probability()
            }
        })
        .collect();
    (out, exact, left)
}

/// The joint probability of every pair of a component's records, or None when it has more than
/// [`MAX_EXACT`] units.
fn component(
    t: &Table,
    recs: &[Rec],
    weight: &impl Fn(Rec, Rec) -> f64,
    o: Opts<'_>,
) -> Option<Vec<((Rec, Rec), f64)>> {
    let k = recs.len();
    let mut w = vec![0.0f64; k * k];
    let mut pen = vec![0.0f64; k * k];
    for i in 0..k {
        for j in i + 1..k {
            let x = weight(recs[i], recs[j]);
            w[i * k + j] = x;
            w[j * k + i] = x;
            if o.pen && t.source[recs[i] as usize] == t.source[recs[j] as usize] {
                pen[i * k + j] = x.min(0.0);
                pen[j * k + i] = x.min(0.0);
            }
        }
    }
    // Units: sure pairs contracted, strongest first, never across a conflict.
    let mut unit: Vec<usize> = (0..k).collect();
    let root = |unit: &[usize], mut x: usize| {
        while unit[x] != x {
            x = unit[x];
        }
        x
    };
    let mut sure: Vec<(usize, usize)> =
        (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j))).filter(|&(i, j)| w[i * k + j] >= SURE_BITS).collect();
    sure.sort_by(|x, y| w[y.0 * k + y.1].total_cmp(&w[x.0 * k + x.1]).then(x.cmp(y)));
    for (i, j) in sure {
        let (x, y) = (root(&unit, i), root(&unit, j));
        let clash = x != y
            && (0..k).any(|a| {
                root(&unit, a) == x && (0..k).any(|b| root(&unit, b) == y && w[a * k + b] == f64::NEG_INFINITY)
            });
        if x != y && !clash {
            unit[x.max(y)] = x.min(y);
        }
    }
    let roots: Vec<usize> = (0..k).map(|i| root(&unit, i)).collect();
    let mut ids = roots.clone();
    ids.sort_unstable();
    ids.dedup();
    let u = ids.len();
    if u > MAX_EXACT {
        return None;
    }
    let of: Vec<usize> = roots.iter().map(|r| ids.binary_search(r).unwrap()).collect();
    let members: Vec<Vec<usize>> = (0..u).map(|x| (0..k).filter(|&i| of[i] == x).collect()).collect();
    let src: Vec<u32> = recs.iter().map(|&r| t.source[r as usize]).collect();
    let s = Sums { members: &members, k, w: &w, pen: &pen, crp: o.crp, bonus: o.bonus, hist: o.hist, src: &src };
    let together = s.sum();
    let mut out = Vec::new();
    for i in 0..k {
        for j in i + 1..k {
            let (a, b) = (recs[i].min(recs[j]), recs[i].max(recs[j]));
            let p = if of[i] == of[j] { 1.0 } else { together[of[i] * u + of[j]] };
            out.push(((a, b), p));
        }
    }
    Some(out)
}

struct Sums<'a> {
    members: &'a [Vec<usize>],
    k: usize,
    w: &'a [f64],
    pen: &'a [f64],
    crp: bool,
    bonus: f64,
    hist: Option<&'a Hist>,
    src: &'a [u32],
}

impl Sums<'_> {
    /// Log2 score of one person: its strongest spanning tree, plus the penalties off the tree,
    /// plus the optional prior.
    fn person(&self, recs: &[usize]) -> f64 {
        let (k, w) = (self.k, self.w);
        let n = recs.len();
        if n < 2 {
            return 0.0;
        }
        let prior = match self.hist {
            Some(h) => {
                let srcs: Vec<u32> = recs.iter().map(|&i| self.src[i]).collect();
                h.get(&srcs) - srcs.iter().map(|&s| h.get(&[s])).sum::<f64>()
            }
            None => 0.0,
        };
        let mut in_tree = vec![false; n];
        let mut best: Vec<f64> = (0..n).map(|j| w[recs[0] * k + recs[j]]).collect();
        let mut from = vec![0usize; n];
        let mut on_tree = Vec::with_capacity(n);
        in_tree[0] = true;
        let mut score = 0.0;
        for _ in 1..n {
            let next = (0..n).filter(|&j| !in_tree[j]).max_by(|&x, &y| best[x].total_cmp(&best[y])).unwrap();
            in_tree[next] = true;
            score += best[next];
            on_tree.push((from[next].min(next), from[next].max(next)));
            for j in 0..n {
                if !in_tree[j] && w[recs[next] * k + recs[j]] > best[j] {
                    best[j] = w[recs[next] * k + recs[j]];
                    from[j] = next;
                }
            }
        }
        for i in 0..n {
            for j in i + 1..n {
                if !on_tree.contains(&(i, j)) {
                    score += self.pen[recs[i] * k + recs[j]];
                }
            }
        }
        if self.crp {
            score += (2..n).map(|i| (i as f64).log2()).sum::<f64>();
        }
        score + prior + self.bonus * (n - 1) as f64
    }

    /// Probability that each two units are one person (row-major `u * u`).
    fn sum(&self) -> Vec<f64> {
        let u = self.members.len();
        let alone: Vec<f64> = self.members.iter().map(|m| self.person(m)).collect();
        let mut blocks: Vec<(Vec<usize>, Vec<usize>, f64)> = Vec::new();
        let mut top = f64::NEG_INFINITY;
        self.walk(0, &alone, &mut blocks, 0.0, &mut |_, l| top = top.max(l));
        let (mut z, mut zt) = (0.0f64, vec![0.0f64; u * u]);
        self.walk(0, &alone, &mut blocks, 0.0, &mut |blocks, l| {
            let p = (l - top).exp2();
            z += p;
            for (units, _, _) in blocks {
                for (n, &x) in units.iter().enumerate() {
                    for &y in &units[n + 1..] {
                        zt[x * u + y] += p;
                        zt[y * u + x] += p;
                    }
                }
            }
        });
        zt.iter().map(|&x| if z > 0.0 { x / z } else { 0.0 }).collect()
    }

    /// Every partition of units `i..` added to `blocks` (units, records, score), depth first.
    #[allow(clippy::type_complexity)]
    fn walk(
        &self,
        i: usize,
        alone: &[f64],
        blocks: &mut Vec<(Vec<usize>, Vec<usize>, f64)>,
        score: f64,
        leaf: &mut impl FnMut(&[(Vec<usize>, Vec<usize>, f64)], f64),
    ) {
        if i == self.members.len() {
            leaf(blocks, score);
            return;
        }
        let (k, w) = (self.k, self.w);
        let mine = &self.members[i];
        for b in 0..blocks.len() {
            if blocks[b].1.iter().any(|&x| mine.iter().any(|&y| w[x * k + y] == f64::NEG_INFINITY)) {
                continue;
            }
            let (old, n) = (blocks[b].2, blocks[b].1.len());
            blocks[b].1.extend_from_slice(mine);
            let new = self.person(&blocks[b].1);
            blocks[b].0.push(i);
            blocks[b].2 = new;
            self.walk(i + 1, alone, blocks, score - old + new, leaf);
            blocks[b].2 = old;
            blocks[b].0.pop();
            blocks[b].1.truncate(n);
        }
        blocks.push((vec![i], mine.clone(), alone[i]));
        self.walk(i + 1, alone, blocks, score + alone[i], leaf);
        blocks.pop();
    }
}
