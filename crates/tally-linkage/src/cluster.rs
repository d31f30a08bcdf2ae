//! Clustering links into persons, guarded against chaining, and stable person ids.
//!
//! Within each connected component of links above the threshold (plus must-links), links are
//! merged greedily from the strongest down; a merge is refused when it would put into one
//! person two sexes, two outright different day-precise birth dates, birth dates (of any
//! precision) more than a year apart, dates of death more than
//! [`DEATH_TOLERANCE_DAYS`](crate::levels::DEATH_TOLERANCE_DAYS) apart, or two records a human
//! said are different people. The date rules matter most for chaining: two namesakes that never
//! link directly (their dates veto it) must not become one person through a third record that
//! lacks the dates. Clusters holding softer conflicts (birth dates that are a plausible
//! slip of one another) are flagged for review. A record that links about equally to two records
//! of one list that are different people joins neither (a list names a person once, so neither
//! link reaches the threshold's odds against the other; see [`rival_margin_bits`]), and is
//! flagged. Ties break by record key, so the result does
//! not depend on input order, and each component is clustered on its own, which is why
//! incremental linking equals a full re-link.

use crate::levels::{birth_far, death_far, DateCode};
use crate::table::{Rec, Table};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use tally_domain::{PersonId, RecordKey};

/// A scored link between two records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: Rec,
    pub b: Rec,
    /// log2 odds.
    pub weight: f64,
}

pub(crate) struct Dsu {
    pub(crate) parent: Vec<u32>,
}

impl Dsu {
    pub(crate) fn new(n: usize) -> Dsu {
        Dsu { parent: (0..n as u32).collect() }
    }
    fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }
    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = p;
            x = p;
        }
        x
    }
}

/// Why a cluster was flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub records: Vec<RecordKey>,
    pub reason: String,
}

/// The outcome of clustering: a cluster label per record (the canonical smallest member).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub label: Vec<Rec>,
    pub flags: Vec<Flag>,
    /// Merges the guard refused (pairs above the threshold left apart).
    pub refused: u64,
}

impl Clustering {
    /// Clusters as lists of members, each sorted by key, the list sorted by first member key.
    pub fn clusters(&self, rank: &[u32]) -> Vec<Vec<Rec>> {
        let mut m: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
        for (i, &l) in self.label.iter().enumerate() {
            m.entry(l).or_default().push(i as Rec);
        }
        let mut v: Vec<Vec<Rec>> = m.into_values().collect();
        for c in &mut v {
            c.sort_unstable_by_key(|&a| rank[a as usize]);
        }
        v.sort_unstable_by_key(|c| rank[c[0] as usize]);
        v
    }
}

impl Clustering {
    /// [`Clustering::clusters`] from the canonical order itself (`order` lists the records by
    /// key): one pass, no hashing or sorting. A cluster's first member in that order is its
    /// label, so clusters come out by first member key and members by key.
    pub fn clusters_in(&self, order: &[Rec]) -> Vec<Vec<Rec>> {
        let mut slot = vec![u32::MAX; self.label.len()];
        let mut out: Vec<Vec<Rec>> = Vec::new();
        for &r in order {
            let l = self.label[r as usize] as usize;
            if slot[l] == u32::MAX {
                slot[l] = out.len() as u32;
                out.push(Vec::with_capacity(1));
            }
            out[slot[l] as usize].push(r);
        }
        out
    }
}

impl Dsu {
    /// Join the components of `a` and `b` (the smaller index becomes the root).
    pub(crate) fn union(&mut self, a: u32, b: u32) {
        let (x, y) = (self.find(a), self.find(b));
        if x != y {
            self.parent[x.max(y) as usize] = x.min(y);
        }
    }
}

/// Summary of a growing cluster, for the conflict checks.
#[derive(Default, Clone)]
struct Summary {
    sexes: u8,
    /// Distinct day-precise birth dates.
    births: Vec<DateCode>,
    /// Distinct birth dates of coarser precision (a year, a range).
    coarse: Vec<DateCode>,
    /// Distinct dates of death or disappearance.
    deaths: Vec<DateCode>,
}

impl Summary {
    fn of(t: &Table, i: Rec) -> Summary {
        Summary::from_parts(t.sex[i as usize], t.birth[i as usize], t.death[i as usize])
    }

    /// `sex` as the table codes it (0 unknown, 1 male, 2 female).
    fn from_parts(sex: u8, b: DateCode, d: DateCode) -> Summary {
        Summary {
            sexes: if sex == 0 { 0 } else { 1 << sex },
            births: if b.is_day() { vec![b] } else { vec![] },
            coarse: if b.present && !b.is_day() { vec![b] } else { vec![] },
            deaths: if d.present { vec![d] } else { vec![] },
        }
    }

    /// Whether one person could hold both: no two sexes, no birth dates or dates of death too
    /// far apart.
    fn conflicts(&self, o: &Summary) -> bool {
        let far = |xs: &[DateCode], ys: &[DateCode], f: fn(&DateCode, &DateCode) -> bool| {
            xs.iter().any(|x| ys.iter().any(|y| f(x, y)))
        };
        (self.sexes | o.sexes).count_ones() > 1
            || far(&self.births, &o.births, birth_far)
            || far(&self.births, &o.coarse, birth_far)
            || far(&self.coarse, &o.births, birth_far)
            || far(&self.coarse, &o.coarse, birth_far)
            || far(&self.deaths, &o.deaths, death_far)
    }

    fn merge(mut self, o: Summary) -> Summary {
        self.sexes |= o.sexes;
        for (into, from) in [(&mut self.births, o.births), (&mut self.coarse, o.coarse), (&mut self.deaths, o.deaths)] {
            for d in from {
                if !into.contains(&d) {
                    into.push(d);
                }
            }
        }
        self
    }
}

/// Whether records `a` and `b` can never be one person: two sexes, or birth dates or dates of
/// death too far apart (the chaining guard's hard conflicts, for one pair).
pub fn hard_conflict(t: &Table, a: Rec, b: Rec) -> bool {
    Summary::of(t, a).conflicts(&Summary::of(t, b))
}

/// A record's sex and dates: all that [`hard_conflict`] reads, without encoding the record
/// into a table (a few bytes a record, for the review queue and evaluation).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Vitals {
    sex: u8,
    birth: DateCode,
    death: DateCode,
}

impl Vitals {
    pub fn of(f: &tally_domain::ParsedFields) -> Vitals {
        let sex = match f.sex {
            None => 0,
            Some(tally_domain::Sex::Male) => 1,
            Some(tally_domain::Sex::Female) => 2,
        };
        let date = |d: &Option<tally_domain::PartialDate>| d.as_ref().map(DateCode::from_partial).unwrap_or_default();
        Vitals { sex, birth: date(&f.birth_date), death: date(&f.death_date) }
    }

    /// Whether the record gives neither sex nor a date (it can conflict with nobody).
    pub fn is_empty(&self) -> bool {
        self.sex == 0 && !self.birth.present && !self.death.present
    }

    /// [`hard_conflict`] between the two records.
    pub fn conflicts(&self, o: &Vitals) -> bool {
        Summary::from_parts(self.sex, self.birth, self.death).conflicts(&Summary::from_parts(o.sex, o.birth, o.death))
    }
}

/// [`hard_conflict`] on two records' fields.
pub fn fields_conflict(a: &tally_domain::ParsedFields, b: &tally_domain::ParsedFields) -> bool {
    Vitals::of(a).conflicts(&Vitals::of(b))
}

/// Record-key order, through the precomputed ranks (`rank[r]` is `r`'s position when records
/// are sorted by key), so ties never cost a string comparison.
#[inline]
fn key_cmp(rank: &[u32], a: Rec, b: Rec) -> Ordering {
    rank[a as usize].cmp(&rank[b as usize])
}

/// A component's model links and must-links.
type CompLinks = (Vec<Edge>, Vec<(Rec, Rec)>);

/// Cluster the table. `edges` are links at or above the threshold; `must` and `cannot` are
/// human decisions (must-links always merge; cannot-links are never crossed by the model).
/// Rivals are weighed at the default threshold's margin (see [`rival_margin_bits`]).
pub fn cluster(t: &Table, rank: &[u32], edges: &[Edge], must: &[(Rec, Rec)], cannot: &[(Rec, Rec)]) -> Clustering {
    cluster_with(
        t,
        rank,
        edges,
        must,
        cannot,
        rival_margin_bits(crate::linker::LinkConfig::default().threshold),
        |_, _| false,
    )
}

/// [`cluster`] with the model's own negative evidence: `veto(a, b)` says that the pair `a`, `b`
/// was compared and found to be different people (the linker passes: a candidate pair that
/// scored below the review floor). A merge is refused when any pair across the two clusters is
/// vetoed, so that two records the model compared and rejected do not become one person through
/// records that lack the fields which told them apart. `veto` must be symmetric and depend on
/// the two records only, which keeps the clustering independent of input order. `margin` is the
/// [`rival_margin_bits`] of the threshold the edges were cut at.
pub fn cluster_with(
    t: &Table,
    rank: &[u32],
    edges: &[Edge],
    must: &[(Rec, Rec)],
    cannot: &[(Rec, Rec)],
    margin: f64,
    veto: impl Fn(Rec, Rec) -> bool,
) -> Clustering {
    let n = t.len();
    // Components of all links.
    let mut comp = Dsu::new(n);
    let union = |d: &mut Dsu, a: Rec, b: Rec| {
        let (x, y) = (d.find(a), d.find(b));
        if x != y {
            d.parent[x.max(y) as usize] = x.min(y);
        }
    };
    for e in edges {
        union(&mut comp, e.a, e.b);
    }
    for &(a, b) in must {
        union(&mut comp, a, b);
    }
    let mut by_comp: FxHashMap<u32, CompLinks> = FxHashMap::default();
    for e in edges {
        let c = comp.find(e.a);
        by_comp.entry(c).or_default().0.push(*e);
    }
    for &(a, b) in must {
        let c = comp.find(a);
        by_comp.entry(c).or_default().1.push((a, b));
    }
    let mut cannot_by: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
    for &(a, b) in cannot {
        cannot_by.entry(a).or_default().push(b);
        cannot_by.entry(b).or_default().push(a);
    }

    let mut dsu = Dsu::new(n);
    let mut members: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
    let mut summ: FxHashMap<Rec, Summary> = FxHashMap::default();
    let mut refused = 0u64;
    let mut comps: Vec<(u32, CompLinks)> = by_comp.into_iter().collect();
    comps.sort_unstable_by_key(|c| c.0);
    let summary_of = |i: Rec| Summary::of(t, i);
    let mut ambiguous_flags: Vec<Flag> = Vec::new();
    for (_, (mut es, mut ms)) in comps {
        let cannot_pair = |x: Rec, y: Rec| cannot_by.get(&x).is_some_and(|v| v.contains(&y));
        let apart = |x: Rec, y: Rec| summary_of(x).conflicts(&summary_of(y)) || veto(x, y) || cannot_pair(x, y);
        for (a, bs) in ambiguous_links(t, rank, &es, margin, apart) {
            let mut keys: Vec<RecordKey> =
                std::iter::once(a).chain(bs.iter().copied()).map(|r| t.keys[r as usize].clone()).collect();
            keys.sort();
            ambiguous_flags.push(Flag {
                records: keys,
                reason: format!(
                    "{}:{} links about as strongly to {} records of one list that are different people; \
                     linked to none of them",
                    t.keys[a as usize].source,
                    t.keys[a as usize].source_record_id,
                    bs.len()
                ),
            });
            es.retain(|e| !((e.a == a && bs.contains(&e.b)) || (e.b == a && bs.contains(&e.a))));
            refused += bs.len() as u64;
        }
        // Must-links first (in key order), then links from strongest to weakest.
        ms.sort_by(|x, y| key_cmp(rank, x.0, y.0).then(key_cmp(rank, x.1, y.1)));
        es.sort_by(|x, y| {
            y.weight
                .partial_cmp(&x.weight)
                .unwrap_or(Ordering::Equal)
                .then(key_cmp(rank, x.a.min_by_key(rank, x.b), y.a.min_by_key(rank, y.b)))
                .then(key_cmp(rank, x.a.max_by_key(rank, x.b), y.a.max_by_key(rank, y.b)))
        });
        let steps = ms.iter().map(|&(a, b)| (a, b, true)).chain(es.iter().map(|e| (e.a, e.b, false)));
        for (a, b, forced) in steps {
            let (ra, rb) = (dsu.find(a), dsu.find(b));
            if ra == rb {
                continue;
            }
            let sa = summ.remove(&ra).unwrap_or_else(|| summary_of(a));
            let sb = summ.remove(&rb).unwrap_or_else(|| summary_of(b));
            let ma = members.remove(&ra).unwrap_or_else(|| vec![a]);
            let mb = members.remove(&rb).unwrap_or_else(|| vec![b]);
            let conflict = !forced && {
                let fields = sa.conflicts(&sb);
                let (small, other) = if ma.len() <= mb.len() { (&ma, rb) } else { (&mb, ra) };
                let human = !cannot_by.is_empty()
                    && small.iter().any(|x| cannot_by.get(x).is_some_and(|v| v.iter().any(|&y| dsu.root(y) == other)));
                fields || human || ma.iter().any(|&x| mb.iter().any(|&y| veto(x, y)))
            };
            if conflict {
                refused += 1;
                summ.insert(ra, sa);
                summ.insert(rb, sb);
                members.insert(ra, ma);
                members.insert(rb, mb);
                continue;
            }
            let root = ra.min(rb);
            dsu.parent[ra.max(rb) as usize] = root;
            let mut m = ma;
            m.extend(mb);
            summ.insert(root, sa.merge(sb));
            members.insert(root, m);
        }
    }
    // Labels: the member with the smallest key.
    let mut label = vec![0 as Rec; n];
    let mut flags = Vec::new();
    let mut done = vec![false; n];
    for i in 0..n as Rec {
        if done[i as usize] {
            continue;
        }
        let r = dsu.find(i);
        match members.get(&r) {
            Some(ms) => {
                let first = *ms.iter().min_by(|&&a, &&b| key_cmp(rank, a, b)).unwrap_or(&i);
                for &m in ms {
                    label[m as usize] = first;
                    done[m as usize] = true;
                }
                if let Some(s) = summ.get(&r) {
                    let deaths_far = s.deaths.iter().any(|x| s.deaths.iter().any(|y| death_far(x, y)));
                    if s.births.len() > 1 || s.sexes.count_ones() > 1 || deaths_far {
                        let mut keys: Vec<RecordKey> = ms.iter().map(|&m| t.keys[m as usize].clone()).collect();
                        keys.sort();
                        let reason = if s.sexes.count_ones() > 1 {
                            "two sexes (joined by a human decision)"
                        } else if deaths_far {
                            "dates of death far apart (joined by a human decision)"
                        } else {
                            "different day-precise birth dates"
                        };
                        flags.push(Flag { records: keys, reason: reason.into() });
                    }
                }
            }
            None => {
                label[i as usize] = i;
                done[i as usize] = true;
            }
        }
    }
    flags.extend(ambiguous_flags);
    flags.sort_by(|a, b| a.records.cmp(&b.records));
    Clustering { label, flags, refused }
}

/// Odds a link must have over its strongest rival, in bits, at link threshold `threshold`: a record
/// linked to two records of one list that are different people (a list names a person once) is
/// the same person as the first with probability r1 / (r1 + r2) at most, so the first link holds
/// at the threshold only when it outweighs the second by logit2(threshold) bits: 4.25 at the
/// default 0.95 (log2 19), 6.63 at 0.99, none at 0.5 or below (the stronger link wins, but an
/// exact tie never does: only the record keys would choose).
pub fn rival_margin_bits(threshold: f64) -> f64 {
    if threshold <= 0.5 {
        return 0.0;
    }
    if threshold >= 1.0 {
        return f64::INFINITY;
    }
    (threshold / (1.0 - threshold)).log2()
}

/// Links of a component that a record makes about equally to records of one list that are
/// different people (`apart`): for each such record, the records of the other list it must not be
/// linked to, because none of them outweighs the others by `margin` bits (see [`rival_margin_bits`]). Depends only on
/// the component's links, so clustering stays independent of input order and incremental
/// linking still equals a full re-link.
fn ambiguous_links(
    t: &Table,
    rank: &[u32],
    es: &[Edge],
    margin: f64,
    apart: impl Fn(Rec, Rec) -> bool,
) -> Vec<(Rec, Vec<Rec>)> {
    let mut by_rec: FxHashMap<(Rec, u32), Vec<(Rec, f64)>> = FxHashMap::default();
    for e in es {
        by_rec.entry((e.a, t.source[e.b as usize])).or_default().push((e.b, e.weight));
        by_rec.entry((e.b, t.source[e.a as usize])).or_default().push((e.a, e.weight));
    }
    let mut out: FxHashMap<Rec, Vec<Rec>> = FxHashMap::default();
    for ((a, _), mut bs) in by_rec {
        if bs.len() < 2 {
            continue;
        }
        bs.sort_by(|x, y| y.1.partial_cmp(&x.1).unwrap_or(Ordering::Equal).then(key_cmp(rank, x.0, y.0)));
        let (b1, w1) = bs[0];
        let close: Vec<Rec> =
            bs[1..].iter().filter(|&&(b, w)| w1 - w <= margin && apart(b1, b)).map(|&(b, _)| b).collect();
        if !close.is_empty() {
            let e = out.entry(a).or_default();
            e.push(b1);
            e.extend(close);
        }
    }
    let mut out: Vec<(Rec, Vec<Rec>)> = out.into_iter().collect();
    for (_, bs) in &mut out {
        bs.sort_unstable();
        bs.dedup();
    }
    out.sort_unstable_by(|x, y| key_cmp(rank, x.0, y.0));
    out
}

trait KeyOrd {
    fn min_by_key(self, rank: &[u32], o: Rec) -> Rec;
    fn max_by_key(self, rank: &[u32], o: Rec) -> Rec;
}

impl KeyOrd for Rec {
    fn min_by_key(self, rank: &[u32], o: Rec) -> Rec {
        if key_cmp(rank, self, o) == Ordering::Greater {
            o
        } else {
            self
        }
    }
    fn max_by_key(self, rank: &[u32], o: Rec) -> Rec {
        if key_cmp(rank, self, o) == Ordering::Greater {
            self
        } else {
            o
        }
    }
}

/// A change of persons between two runs, for the merge/split log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdEvent {
    /// Records of several earlier persons now form one person, which keeps `into`.
    Merge { into: PersonId, from: Vec<PersonId> },
    /// An earlier person's records now form several persons; the largest part keeps `from`.
    Split { from: PersonId, into: Vec<PersonId> },
}

/// Assign stable person ids: each new cluster takes the earlier id it shares most records
/// with (ties: the smaller id), each earlier id goes to at most one cluster, and clusters left
/// without one get fresh ids from `next_id` on, in canonical cluster order.
pub fn assign_ids(
    t: &Table,
    clusters: &[Vec<Rec>],
    prev: &FxHashMap<RecordKey, PersonId>,
    next_id: i64,
) -> (Vec<PersonId>, i64, Vec<IdEvent>) {
    if prev.is_empty() {
        return assign_ids_by(clusters, None, next_id);
    }
    assign_ids_by(clusters, Some(&|r: Rec| prev.get(&t.keys[r as usize]).copied()), next_id)
}

/// [`assign_ids`] with each record's earlier id given by record index (`None`: no record has
/// one), so a caller that knows them by index need not build a map keyed by record key.
pub fn assign_ids_by(
    clusters: &[Vec<Rec>],
    prev: Option<&(dyn Fn(Rec) -> Option<PersonId> + Sync)>,
    mut next_id: i64,
) -> (Vec<PersonId>, i64, Vec<IdEvent>) {
    // Each member's earlier id, looked up once (a key lookup hashes two strings), flat: cluster
    // `ci` owns `earlier[start[ci]..start[ci + 1]]`, sorted. A vector per cluster (and a map of
    // vectors per earlier id, below) cost some 100 MB at a million records, at the peak of
    // `tally link`.
    let mut start: Vec<usize> = Vec::with_capacity(clusters.len() + 1);
    let mut earlier: Vec<PersonId> = Vec::new();
    start.push(0);
    if let Some(prev) = prev {
        use rayon::prelude::*;
        // Per chunk of clusters: the ids, and how many each cluster has.
        let per: Vec<(Vec<PersonId>, Vec<usize>)> = clusters
            .par_chunks(4096)
            .map(|cs| {
                let (mut ids, mut lens) = (Vec::new(), Vec::with_capacity(cs.len()));
                for c in cs {
                    let from = ids.len();
                    ids.extend(c.iter().filter_map(|&r| prev(r)));
                    ids[from..].sort_unstable();
                    lens.push(ids.len() - from);
                }
                (ids, lens)
            })
            .collect();
        for (ids, lens) in per {
            earlier.extend_from_slice(&ids);
            for l in lens {
                start.push(start.last().expect("start") + l);
            }
        }
    } else {
        start.resize(clusters.len() + 1, 0);
    }
    let from_of = |ci: usize| &earlier[start[ci]..start[ci + 1]];
    // Candidates (members carrying the id, id, cluster): runs of one id in a sorted slice.
    let mut cand: Vec<(u64, PersonId, usize)> = Vec::new();
    for ci in 0..clusters.len() {
        let from = from_of(ci);
        let mut i = 0;
        while i < from.len() {
            let j = i + from[i..].iter().take_while(|&&p| p == from[i]).count();
            cand.push(((j - i) as u64, from[i], ci));
            i = j;
        }
    }
    cand.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut out: Vec<Option<PersonId>> = vec![None; clusters.len()];
    let mut used: FxHashSet<PersonId> = FxHashSet::default();
    for &(_, p, ci) in &cand {
        if out[ci].is_none() && !used.contains(&p) {
            out[ci] = Some(p);
            used.insert(p);
        }
    }
    drop(cand);
    drop(used);
    let ids: Vec<PersonId> = out
        .into_iter()
        .map(|o| {
            o.unwrap_or_else(|| {
                let id = PersonId(next_id);
                next_id += 1;
                id
            })
        })
        .collect();
    // Merge and split events. A split is an earlier id whose records went to more than one
    // cluster: (earlier id, new id) pairs, sorted, say which.
    let mut events = Vec::new();
    let mut parts: Vec<(PersonId, PersonId)> = Vec::new();
    for (ci, &id) in ids.iter().enumerate() {
        let mut from = from_of(ci).to_vec();
        from.dedup();
        parts.extend(from.iter().map(|&p| (p, id)));
        if from.len() > 1 {
            events.push(IdEvent::Merge { into: id, from });
        }
    }
    drop(earlier);
    parts.sort_unstable();
    parts.dedup();
    let mut splits: Vec<(PersonId, Vec<PersonId>)> = Vec::new();
    for run in parts.chunk_by(|x, y| x.0 == y.0) {
        if run.len() > 1 {
            splits.push((run[0].0, run.iter().map(|x| x.1).collect()));
        }
    }
    splits.sort();
    for (from, mut into) in splits {
        into.sort();
        events.push(IdEvent::Split { from, into });
    }
    (ids, next_id, events)
}
