//! Offline experiment (not part of Tally, fifteenth pass of issue 4): a pair's probability given
//! the roll around it. Included by `context_check.rs`; `bench/README.md` has its results.
//!
//! The Fellegi-Sunter probability of a pair looks at the two records alone. Seen in the roll,
//! the same pair says more (issue 4, passes six to fifteen; `bench/README.md`):
//! - **one**: the two records are already joined through other links, so they are one person
//!   unless that path fails: `q = path + (1 - path) p`, `path` the product of the probabilities
//!   along the strongest other path. Of such grey pairs in sixty 100k synthetic worlds, 99.4%
//!   were matches against 77.8% predicted pairwise.
//! - **held**: a person already holds another record of the other record's list (a list names a
//!   person about once). That record is a rival with the odds of its own membership in the
//!   person, even when the pair's record was never compared with it; the pair can still be a
//!   match when the list names the person twice, at the rate the list does so in the roll.
//! - **apart**: neither. The local bipartite posterior of "a list names a person once".
//!
//! For a pair (a, b), a on list S and b on list T, with sides A (a's person) and B (b's):
//!
//! ```text
//! q = r' / ((N_a + s_a) (N_b + s_b) + r')        r' = r (1 + d_T h_a) (1 + d_S h_b)
//! N_a = sqrt((1 - rho_a) rho_ST / rho_a)
//! ```
//!
//! where r is the pair's pairwise odds; s_a the summed odds of a's rivals on T (records of T
//! that a was compared with outside B, and records of T that A holds, `h_a` of it); rho_a the
//! share of the roll's persons with A's lists (T aside) that are also on T; rho_ST the share of
//! persons on S that are on T, whose odds the pairwise prior already carries; d_T the odds that
//! T names a person twice. `N` is the one-sided correction of the prior taken from each side in
//! a symmetric (geometric) pool, since both sides update the same pairwise prior.
//!
//! The population figures (capture patterns, twice-named shares) are [`ContextStats`], taken
//! from a roll. Were this part of Tally, they would be taken when the model is trained and kept
//! with it, as m and u are, so that an incremental run and a full one give every pair the same
//! probability.
//!
//! Two records of one list keep N = 1 (the pairwise prior of the list with itself).
//!
//! Variants (environment; each measured in `bench/README.md`):
//! - `CTX_TAKEN=1`: a rival whose person already holds a record of the pair's other list counts
//!   only at the odds that the list names a person twice.
//! - `CTX_DERIVED=1`: N without the square root (the one-sided correction on both sides).
//! - `CTX_BYLIST=1`: rho_a = rho_ST (no capture pattern of the person): N = sqrt(1 - rho_ST), or
//!   1 - rho_ST with `CTX_DERIVED`.
//! - `CTX_AVG=1`: for sides of more than one record, r is the mean log-odds of all cross pairs of
//!   different lists (average linkage), a pair never kept counting `CTX_FLOOR` bits (default -2,
//!   the review floor).
//! - `CTX_CONFLICT=1`: for each cross pair of the two sides that the chaining guard calls a hard
//!   conflict, r is divided by 1 + the membership odds of the weaker of the two records in its
//!   side (the merge holds only if that record is not its person's).
#![allow(dead_code)]

use serde::{Deserialize, Serialize};
use tally_linkage::table::{Rec, Table};
use tally_linkage::{FxHashMap, ScoredPair};

/// Persons of more records than this keep, for pairs inside them, the pairwise probability (the
/// strongest-path search is quadratic in a person's links).
const MAX_PERSON: usize = 200;
/// A share of persons on a list, kept off 0 and 1 so that odds stay finite.
const RHO_MAX: f64 = 0.98;
const RHO_MIN: f64 = 1e-3;

/// Population figures of the roll a model was trained with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContextStats {
    /// Source names, sorted; the indices below are into this.
    pub sources: Vec<String>,
    /// Persons by the set of lists that name them (sorted source indices), sorted.
    pub patterns: Vec<(Vec<u16>, u64)>,
    /// Per source: persons it names, and persons it names twice or more.
    pub named: Vec<(u64, u64)>,
}

/// Where a pair stands in the roll (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    One,
    Held,
    Apart,
    /// No context: a list the model's roll did not know, or a person too large to search.
    #[default]
    Pairwise,
}

impl ContextStats {
    /// The figures of a roll (`label[r]`: record r's person).
    pub fn of(t: &Table, label: &[Rec]) -> ContextStats {
        let mut names: Vec<String> = t.sources.clone();
        names.sort();
        names.dedup();
        let idx: Vec<u16> = t.sources.iter().map(|s| names.binary_search(s).expect("listed") as u16).collect();
        let mut by_person: Vec<(Rec, u16)> = (0..t.len()).map(|r| (label[r], idx[t.source[r] as usize])).collect();
        by_person.sort_unstable();
        let mut patterns: FxHashMap<Vec<u16>, u64> = FxHashMap::default();
        let mut named = vec![(0u64, 0u64); names.len()];
        let mut i = 0;
        while i < by_person.len() {
            let mut j = i;
            while j < by_person.len() && by_person[j].0 == by_person[i].0 {
                j += 1;
            }
            let mut lists: Vec<u16> = Vec::new();
            let mut k = i;
            while k < j {
                let s = by_person[k].1;
                let mut e = k;
                while e < j && by_person[e].1 == s {
                    e += 1;
                }
                lists.push(s);
                named[s as usize].0 += 1;
                if e - k > 1 {
                    named[s as usize].1 += 1;
                }
                k = e;
            }
            *patterns.entry(lists).or_default() += 1;
            i = j;
        }
        let mut patterns: Vec<(Vec<u16>, u64)> = patterns.into_iter().collect();
        patterns.sort();
        ContextStats { sources: names, patterns, named }
    }
}

/// The figures of [`ContextStats`] ready for lookups against one table.
struct Lookup {
    /// Table source index -> stats source index (None: a list the stats do not know).
    of_source: Vec<Option<u16>>,
    patterns: FxHashMap<Vec<u16>, f64>,
    /// rho_ST, row-major by stats source index.
    rho_bar: Vec<f64>,
    /// Odds that a list names a person twice, by stats source index.
    twice: Vec<f64>,
    n: usize,
}

impl Lookup {
    fn new(t: &Table, s: &ContextStats) -> Lookup {
        let of_source = t.sources.iter().map(|name| s.sources.binary_search(name).ok().map(|i| i as u16)).collect();
        let n = s.sources.len();
        let mut on = vec![0.0f64; n];
        let mut both = vec![0.0f64; n * n];
        for (lists, c) in &s.patterns {
            for &x in lists {
                on[x as usize] += *c as f64;
                for &y in lists {
                    both[x as usize * n + y as usize] += *c as f64;
                }
            }
        }
        let rho_bar = (0..n * n).map(|i| if on[i / n] > 0.0 { both[i] / on[i / n] } else { 0.0 }).collect();
        let twice = s
            .named
            .iter()
            .map(|&(named, twice)| {
                let d = if named > 0 { twice as f64 / named as f64 } else { 0.0 };
                d / (1.0 - d).max(1e-9)
            })
            .collect();
        Lookup {
            of_source,
            patterns: s.patterns.iter().map(|(k, v)| (k.clone(), *v as f64)).collect(),
            rho_bar,
            twice,
            n,
        }
    }

    /// Share of persons with lists `lists` (`y` aside) that are also on `y`; rho_bar when the
    /// roll had no such person.
    fn rho(&self, y: u16, lists: &[u16], bar: f64) -> f64 {
        let without: Vec<u16> = lists.iter().copied().filter(|&x| x != y).collect();
        let mut with = without.clone();
        let at = with.binary_search(&y).unwrap_or_else(|e| e);
        with.insert(at, y);
        let (w, wo) =
            (self.patterns.get(&with).copied().unwrap_or(0.0), self.patterns.get(&without).copied().unwrap_or(0.0));
        let r = if w + wo > 0.0 { w / (w + wo) } else { bar };
        r.min(RHO_MAX)
    }
}

/// What a probability in context is made of.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parts {
    pub q: f64,
    pub standing: Standing,
    pub s_a: f64,
    pub s_b: f64,
    pub h_a: f64,
    pub h_b: f64,
    pub n_a: f64,
    pub n_b: f64,
    pub size_a: usize,
    pub size_b: usize,
    /// Cross pairs of the two sides that can never be one person.
    pub conflicts: usize,
}

/// A side of a pair: records of one person (or of one part of it, when the pair's own link is
/// all that joins the person).
struct Side<'a> {
    recs: std::borrow::Cow<'a, [Rec]>,
}

impl Side<'_> {
    fn contains(&self, r: Rec) -> bool {
        self.recs.binary_search(&r).is_ok()
    }
}

/// Probabilities in context for the kept pairs of a roll.
pub struct Context<'a> {
    t: &'a Table,
    pairs: &'a [ScoredPair],
    label: &'a [Rec],
    threshold: f64,
    look: Option<Lookup>,
    /// Every kept pair by record: (other record, pair index).
    adj: Vec<Vec<(Rec, u32)>>,
    /// Each person's records, sorted, by person label.
    members: FxHashMap<Rec, Vec<Rec>>,
    taken: bool,
    by_list: bool,
    /// The roll's links, when they are not the pairs at the threshold.
    links: Option<Vec<bool>>,
    /// rho_ST from the model instead of the roll: its prior odds for a pair of S and T times
    /// the records of T, by table source indices (row-major).
    model_bar: Option<Vec<f64>>,
    avg: bool,
    floor_bits: f64,
    conflict: bool,
    derived: bool,
    /// A scale on the "not on the other list" odds (see `context_check`'s CTX_MOMENT).
    pub n_scale: f64,
}

impl<'a> Context<'a> {
    pub fn new(
        t: &'a Table,
        pairs: &'a [ScoredPair],
        label: &'a [Rec],
        threshold: f64,
        stats: Option<&ContextStats>,
    ) -> Context<'a> {
        let mut adj: Vec<Vec<(Rec, u32)>> = vec![Vec::new(); t.len()];
        for (i, p) in pairs.iter().enumerate() {
            adj[p.a as usize].push((p.b, i as u32));
            adj[p.b as usize].push((p.a, i as u32));
        }
        // Only persons of more than one record are looked up; a record alone is its own side.
        let mut count: FxHashMap<Rec, u32> = FxHashMap::default();
        for &l in label {
            *count.entry(l).or_default() += 1;
        }
        let mut members: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
        for r in 0..t.len() as Rec {
            let l = label[r as usize];
            if count[&l] > 1 {
                members.entry(l).or_default().push(r);
            }
        }
        let taken = std::env::var("CTX_TAKEN").is_ok();
        let by_list = std::env::var("CTX_BYLIST").is_ok();
        Context {
            t,
            pairs,
            label,
            threshold,
            look: stats.map(|s| Lookup::new(t, s)),
            adj,
            members,
            taken,
            by_list,
            links: None,
            model_bar: None,
            avg: std::env::var("CTX_AVG").is_ok(),
            conflict: std::env::var("CTX_CONFLICT").is_ok(),
            derived: std::env::var("CTX_DERIVED").is_ok(),
            n_scale: 1.0,
            floor_bits: std::env::var("CTX_FLOOR").ok().and_then(|v| v.parse().ok()).unwrap_or(-2.0),
        }
    }

    pub fn with_model_bar(mut self, bar: Option<Vec<f64>>) -> Self {
        self.model_bar = bar;
        self
    }

    /// The roll's links are these pairs (by index), not those at the threshold.
    pub fn with_links(mut self, links: Option<Vec<bool>>) -> Self {
        self.links = links;
        self
    }

    fn is_link(&self, j: usize) -> bool {
        match &self.links {
            Some(l) => l[j],
            None => self.pairs[j].probability() >= self.threshold,
        }
    }

    fn odds(&self, i: u32) -> f64 {
        self.pairs[i as usize].weight.clamp(-80.0, 80.0).exp2()
    }

    /// The probability of pair `i` given the roll, and where it stands.
    pub fn probability(&self, i: usize) -> (f64, Standing) {
        let d = self.parts(i);
        (d.q, d.standing)
    }

    /// [`Context::probability`] with the parts it is made of.
    pub fn parts(&self, i: usize) -> Parts {
        let p = &self.pairs[i];
        let pw = |q: f64, standing: Standing| Parts { q, standing, ..Parts::default() };
        let (a, b) = (p.a, p.b);
        let p0 = p.probability();
        let Some(look) = &self.look else { return pw(p0, Standing::Pairwise) };
        let src = |r: Rec| look.of_source[self.t.source[r as usize] as usize];
        let (Some(sa), Some(sb)) = (src(a), src(b)) else { return pw(p0, Standing::Pairwise) };
        let (la, lb) = (self.label[a as usize], self.label[b as usize]);
        let (side_a, side_b) = if la == lb {
            let m = &self.members[&la];
            if m.len() > MAX_PERSON {
                return pw(p0, Standing::Pairwise);
            }
            // A person of two records is held together by this pair alone.
            let (reach, path) = if m.len() == 2 { (vec![a], None) } else { self.other_path(m, i) };
            if let Some(path) = path {
                return pw(path + (1.0 - path) * p0, Standing::One);
            }
            let rest: Vec<Rec> = m.iter().copied().filter(|x| reach.binary_search(x).is_err()).collect();
            (Side { recs: reach.into() }, Side { recs: rest.into() })
        } else {
            let side = |r: Rec, l: Rec| match self.members.get(&l) {
                Some(m) => Side { recs: m.as_slice().into() },
                None => Side { recs: vec![r].into() },
            };
            (side(a, la), side(b, lb))
        };
        let t_of = |r: Rec| self.t.source[r as usize];
        let (s_a, h_a) = self.rivals(a, t_of(b), &side_a, &side_b, look.twice[sa as usize]);
        let (s_b, h_b) = self.rivals(b, t_of(a), &side_b, &side_a, look.twice[sb as usize]);
        let lists = |s: &Side| {
            let mut v: Vec<u16> = s.recs.iter().filter_map(|&r| src(r)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let n = look.n;
        let (bar_a, bar_b) = match &self.model_bar {
            Some(m) => {
                let k = self.t.sources.len();
                let (x, y) = (t_of(a) as usize, t_of(b) as usize);
                (m[x * k + y], m[y * k + x])
            }
            None => (look.rho_bar[sa as usize * n + sb as usize], look.rho_bar[sb as usize * n + sa as usize]),
        };
        let rho_a = look.rho(sb, &lists(&side_a), bar_a);
        let rho_b = look.rho(sa, &lists(&side_b), bar_b);
        let none = |rho: f64, bar: f64| {
            if sa == sb {
                // Two records of one list: the pairwise prior of the list with itself stands.
                1.0
            } else if self.by_list && self.derived {
                1.0 - bar.min(RHO_MAX)
            } else if self.by_list {
                (1.0 - bar.min(RHO_MAX)).sqrt()
            } else if self.derived {
                (1.0 - rho) * bar / rho.max(RHO_MIN)
            } else {
                ((1.0 - rho) * bar / rho.max(RHO_MIN)).sqrt()
            }
        };
        let r = if self.avg && (side_a.recs.len() > 1 || side_b.recs.len() > 1) {
            // Average linkage: the merge of the two sides by the mean log-odds of all their
            // cross pairs of different lists, a pair never kept counting as the review floor.
            let (mut sum, mut k) = (0.0, 0.0);
            for &x in side_a.recs.iter() {
                for &y in side_b.recs.iter() {
                    if self.t.source[x as usize] == self.t.source[y as usize] && !(x == a && y == b) {
                        continue;
                    }
                    let w = self.adj[x as usize]
                        .iter()
                        .find(|(z, _)| *z == y)
                        .map_or(self.floor_bits, |&(_, j)| self.pairs[j as usize].weight);
                    sum += w.clamp(-80.0, 80.0);
                    k += 1.0;
                }
            }
            (sum / k).exp2()
        } else {
            p.weight.clamp(-80.0, 80.0).exp2()
        };
        let r2 = r * (1.0 + look.twice[sb as usize] * h_a) * (1.0 + look.twice[sa as usize] * h_b);
        let (n_a, n_b) = (none(rho_a, bar_a) * self.n_scale, none(rho_b, bar_b) * self.n_scale);
        // A merge the chaining guard would refuse: the pair matches only if the record in
        // conflict is not its person's.
        let mut conflicts = 0;
        let mut r2 = r2;
        for &x in side_a.recs.iter() {
            for &y in side_b.recs.iter() {
                if tally_linkage::cluster::hard_conflict(self.t, x, y) {
                    conflicts += 1;
                    if self.conflict {
                        let m = |z: Rec, side: &Side, own: Rec| {
                            if z == own {
                                f64::INFINITY
                            } else {
                                self.membership(z, side)
                            }
                        };
                        let weakest = m(x, &side_a, a).min(m(y, &side_b, b));
                        r2 /= 1.0 + weakest;
                    }
                }
            }
        }
        let q = r2 / ((n_a + s_a) * (n_b + s_b) + r2);
        let q = if q.is_finite() { q } else { p0 };
        let standing = if h_a > 0.0 || h_b > 0.0 { Standing::Held } else { Standing::Apart };
        Parts {
            q,
            standing,
            s_a,
            s_b,
            h_a,
            h_b,
            n_a,
            n_b,
            size_a: side_a.recs.len(),
            size_b: side_b.recs.len(),
            conflicts,
        }
    }

    /// Summed odds of `a`'s rivals on list `t` (records of `t` that `a` was compared with
    /// outside both sides, and records of `t` that `a`'s own side holds, at the odds of their
    /// strongest pair inside it), and the part the own side holds.
    fn rivals(&self, a: Rec, t: u32, mine: &Side, other: &Side, twice: f64) -> (f64, f64) {
        let src = |r: Rec| self.t.source[r as usize];
        let mut s = 0.0;
        for &(x, i) in &self.adj[a as usize] {
            if src(x) == t && !other.contains(x) && !mine.contains(x) {
                // A rival whose person already holds a record of a's list is taken: it could
                // be a's only if that list names its person twice.
                let taken = self
                    .members
                    .get(&self.label[x as usize])
                    .is_some_and(|m| m.iter().any(|&y| y != a && src(y) == src(a)));
                s += if taken && self.taken { self.odds(i) * twice } else { self.odds(i) };
            }
        }
        let mut held = 0.0;
        for &x in mine.recs.iter() {
            if x == a || src(x) != t {
                continue;
            }
            let best = self.adj[x as usize]
                .iter()
                .filter(|(y, _)| mine.contains(*y))
                .map(|&(_, i)| self.odds(i))
                .fold(None, |m: Option<f64>, o| Some(m.map_or(o, |m| m.max(o))));
            // A record held only by a human decision: as sure as a link.
            held += best.unwrap_or(self.threshold / (1.0 - self.threshold));
        }
        (s + held, held)
    }

    /// Odds that `x` belongs to `side`: its strongest pair inside it.
    fn membership(&self, x: Rec, side: &Side) -> f64 {
        self.adj[x as usize]
            .iter()
            .filter(|(y, _)| side.contains(*y))
            .map(|&(_, i)| self.odds(i))
            .fold(None, |m: Option<f64>, o| Some(m.map_or(o, |m| m.max(o))))
            .unwrap_or(self.threshold / (1.0 - self.threshold))
    }

    /// Records of person `m` that pair `i`'s first record reaches through the roll's links other
    /// than the pair itself (sorted), and, when they include the second, the probability that the
    /// strongest such path holds.
    fn other_path(&self, m: &[Rec], i: usize) -> (Vec<Rec>, Option<f64>) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let (a, b) = (self.pairs[i].a, self.pairs[i].b);
        let label = self.label[a as usize];
        // Dijkstra on -ln p over the person's links (pairs at the threshold inside it).
        let mut cost: FxHashMap<Rec, f64> = FxHashMap::default();
        let mut heap = BinaryHeap::new();
        cost.insert(a, 0.0);
        heap.push(Reverse((Ordered(0.0), a)));
        let mut done: Vec<Rec> = Vec::new();
        while let Some(Reverse((Ordered(c), x))) = heap.pop() {
            if done.binary_search(&x).is_ok() || cost.get(&x).is_some_and(|&old| old < c) {
                continue;
            }
            let at = done.binary_search(&x).unwrap_err();
            done.insert(at, x);
            for &(y, j) in &self.adj[x as usize] {
                let pj = self.pairs[j as usize].probability();
                if j as usize == i || !self.is_link(j as usize) || self.label[y as usize] != label {
                    continue;
                }
                let next = c - pj.ln();
                if cost.get(&y).is_none_or(|&old| next < old) {
                    cost.insert(y, next);
                    heap.push(Reverse((Ordered(next), y)));
                }
            }
        }
        debug_assert!(done.iter().all(|r| m.binary_search(r).is_ok()));
        let path = done.binary_search(&b).is_ok().then(|| (-cost[&b]).exp());
        (done, path)
    }

    /// Probabilities in context of the pairs `which` selects (the others: pairwise).
    pub fn probabilities(&self, which: impl Fn(&ScoredPair) -> bool + Sync) -> Vec<f64> {
        use rayon::prelude::*;
        (0..self.pairs.len())
            .into_par_iter()
            .with_min_len(4096)
            .map(|i| if which(&self.pairs[i]) { self.probability(i).0 } else { self.pairs[i].probability() })
            .collect()
    }
}

/// An f64 with a total order, for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(f64);
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ordered {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}
