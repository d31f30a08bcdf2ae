//! The linkage pipeline: block, train (or take a trained model), score, cluster, name persons;
//! and its incremental form, which blocks and scores only pairs that touch new records.

use crate::blocking::{
    candidate_pairs_for, chunk_pairs, is_candidate, BlockIndex, BlockingConfig, BlockingReport, KeyField, NameFreeKeys,
    PairPlan,
};
use crate::close::{self, group_and_log_k, CandidateSums};
use crate::cluster::{assign_ids, cluster_with, rival_margin_bits, Clustering, Dsu, Edge, IdEvent};
use crate::compare::{compare_names, levels, patterns, patterns_sorted, NameCache};
use crate::eval::{error_estimate, ErrorEstimate};
use crate::levels::{level, CmpField, DateCode, NameLevel, Pattern, NF};
use crate::model::{
    name_class, probability, sorted_counts, swapped, train_grouped, Params, Scorer, SourceGroups, TrainConfig,
};
use crate::table::{Rec, Table, TableError, NONE};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tally_domain::{PersonId, Record, RecordKey};

/// Settings of a linkage run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkConfig {
    pub blocking: BlockingConfig,
    pub train: TrainConfig,
    /// Pairs at or above this match probability are linked.
    pub threshold: f64,
    /// Pairs in [review_low, review_high) form the review queue. Pairs below review_low are
    /// not kept after scoring.
    pub review_low: f64,
    pub review_high: f64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            blocking: BlockingConfig::default(),
            train: TrainConfig::default(),
            threshold: 0.95,
            review_low: 0.2,
            review_high: 0.995,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("record {0}:{1} is not in the roll")]
    UnknownRecord(String, String),
    #[error(
        "trained parameters have version {0}; this tally reads versions up to {1} (hint: run `tally link --retrain`)"
    )]
    ParamsVersion(u32, u32),
    #[error("linker snapshot: {0}")]
    Snapshot(String),
}

/// Refuse parameters of a version this crate cannot score as they were scored when saved.
fn check_params_version(params: &Params) -> Result<(), LinkError> {
    use crate::model::{PARAMS_VERSION, PARAMS_VERSION_MIN};
    if !(PARAMS_VERSION_MIN..=PARAMS_VERSION).contains(&params.version) {
        return Err(LinkError::ParamsVersion(params.version, PARAMS_VERSION));
    }
    Ok(())
}

/// A scored candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoredPair {
    pub a: Rec,
    pub b: Rec,
    pub pattern: Pattern,
    /// log2 odds, prior included.
    pub weight: f64,
}

impl ScoredPair {
    pub fn probability(&self) -> f64 {
        probability(self.weight)
    }
}

/// Human decisions, by record key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    pub must: Vec<(RecordKey, RecordKey)>,
    pub cannot: Vec<(RecordKey, RecordKey)>,
}

/// One record's place in the roll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub record: RecordKey,
    pub person: PersonId,
    /// For a record linked to others: the strongest link probability to a fellow member.
    /// For a record alone: the probability that it has no match among its candidates.
    pub probability: f64,
}

/// The persons of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roll {
    /// Sorted by record key.
    pub assignments: Vec<Assignment>,
    pub persons: u64,
    pub next_id: i64,
    pub events: Vec<IdEvent>,
    pub clustering: Clustering,
}

/// Linkage state: the encoded records, the model, the block index and the kept scored pairs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Linker {
    /// Serialised apart from the rest (see `snapshot`).
    #[serde(skip)]
    pub table: Table,
    pub cfg: LinkConfig,
    pub scorer: Scorer,
    /// Serialised apart from the rest (see `snapshot`).
    #[serde(skip)]
    pub(crate) index: BlockIndex,
    /// A memo of name verdicts; not in a snapshot (an empty one gives the same verdicts).
    #[serde(skip)]
    cache: NameCache,
    /// Scored pairs with probability at least `cfg.review_low`.
    pub pairs: Vec<ScoredPair>,
    /// Records in key order, and each record's position in it (ties in clustering and id
    /// assignment break by key without comparing strings).
    order: Vec<Rec>,
    rank: Vec<u32>,
    pub blocking: BlockingReport,
    pub errors: ErrorEstimate,
    /// Kept pairs that [`Linker::add`] dropped because new records pushed a block of theirs
    /// over the cap (no rule pairs them any more), with the table length before that add:
    /// [`Linker::roll_incremental`] re-clusters what they held together. Not in a snapshot: a
    /// snapshot is saved after the roll that accounted for them, like a linker rebuilt from a
    /// store.
    #[serde(skip)]
    dropped: Vec<(usize, ScoredPair)>,
}

impl Linker {
    /// A full run: block, train a model on these records, score.
    pub fn train(records: &[Record], cfg: LinkConfig) -> Result<Linker, LinkError> {
        Self::run(Table::from_records(records)?, cfg, None)
    }

    /// A full run on records already encoded (a caller can fill the [`Table`] record by record,
    /// streaming from a store, without holding every [`Record`] at once).
    pub fn train_table(table: Table, cfg: LinkConfig) -> Result<Linker, LinkError> {
        Self::run(table, cfg, None)
    }

    /// [`Linker::with_params`] on records already encoded.
    pub fn with_params_table(table: Table, cfg: LinkConfig, params: Params) -> Result<Linker, LinkError> {
        check_params_version(&params)?;
        Self::run(table, cfg, Some(params))
    }

    /// A full run with a model trained before (so that it reproduces, and equals incremental runs).
    pub fn with_params(records: &[Record], cfg: LinkConfig, params: Params) -> Result<Linker, LinkError> {
        check_params_version(&params)?;
        Self::run(Table::from_records(records)?, cfg, Some(params))
    }

    /// The streaming pipeline. Candidate pairs are generated chunk by chunk (whole blocks of
    /// one rule, some millions of pairs, [`PairPlan`]) and never all held:
    /// 1. each chunk's pairs become patterns, which are counted (EM needs only the counts) and
    ///    kept as 2-byte ids into the dictionary of distinct patterns;
    /// 2. the model is trained on the counts;
    /// 3. the chunks are generated again (the same pairs in the same order) and zipped with
    ///    their pattern ids to be scored; only pairs at or above `review_low` are kept.
    ///
    /// With a model given, the pass that counts also scores, and nothing is stored.
    fn run(table: Table, cfg: LinkConfig, params: Option<Params>) -> Result<Linker, LinkError> {
        let index = BlockIndex::build(&table, &cfg.blocking);
        let plan = PairPlan::new(&table, &cfg.blocking, &index);
        let mut blocking = plan.report.clone();
        let mut cache = NameCache::default();
        let mut kept: Vec<ScoredPair> = Vec::new();
        let mut below = 0.0;
        let low = cfg.review_low;
        let given = params.map(Scorer::new);
        let given_w = given.as_ref().map(|s| Weigher::new(&table, s));
        let mut store = PatternStore::default();
        let groups = SourceGroups::new(&table);
        let name_free = given.is_none().then(|| NameFreeKeys::new(&cfg.blocking, &index));
        for &c in &plan.chunks {
            let pairs = chunk_pairs(&cfg.blocking, &index, c);
            blocking.rules[c.rule].pairs += pairs.len() as u64;
            blocking.pairs += pairs.len() as u64;
            let pats = patterns_sorted(&table, &mut cache, &pairs);
            if let Some(w) = &given_w {
                let (k, b) = score(&table, w, low, &pairs, |i| pats[i]);
                kept.extend(k);
                below += b;
            } else {
                // EM gives each pair of sources its own match share: count by (group, pattern).
                let g: Vec<u32> =
                    pairs.par_iter().with_min_len(4096).map(|&(a, b)| groups.group(&table, a, b)).collect();
                // Pairs that only coarse rules find are scored, not trained on: they are many
                // and mostly non-matches of garbled names, and would pull the fit towards them.
                let train_on = !cfg.blocking.rules[c.rule].fields.iter().any(|f| f.coarse());
                let free: Vec<u8> = match (&name_free, train_on) {
                    (Some(nf), true) => pairs.par_iter().with_min_len(4096).map(|&(a, b)| nf.flags(a, b)).collect(),
                    _ => Vec::new(),
                };
                drop(pairs);
                store.push(&pats, &g, train_on, &free);
            }
        }
        let n = table.len();
        blocking.pairs_per_record = if n == 0 { 0.0 } else { blocking.pairs as f64 / n as f64 };
        let scorer = match given {
            Some(s) => s,
            None => {
                drop(name_free);
                let s = Scorer::new(train_grouped(
                    &table,
                    &mut cache,
                    &store.counts(),
                    &store.name_free_counts(),
                    true,
                    &cfg.train,
                ));
                // Random close pairs per pair of lists, for the close split's u: a quarter of
                // the u sample per stratum. At 100k records 10,000 gave 0.0189 over
                // sixty worlds and 50,000 gave 0.0175 (the offsets must be within half a bit
                // there); at 1M, 50,000 and 200,000 gave the same. A small roll draws twice its
                // records (at 5,000 records the quarter had taken 0.2 s of a 0.5 s run).
                let n_random = (cfg.train.u_pairs / 4).min(2 * table.len()).max(1);
                let counts = surname_counts(&table, &s);
                let random = close::random_close(&table, &counts, n_random, cfg.train.seed);
                let w = Weigher::build(&table, &s, counts.clone());
                let mut first = FirstPass::new(groups.len());
                for (ci, &c) in plan.chunks.iter().enumerate() {
                    let pairs = chunk_pairs(&cfg.blocking, &index, c);
                    first.merge(score_first(&table, &w, &groups, low, &pairs, |i| store.pattern(ci, i)));
                }
                kept.append(&mut first.kept);
                below += first.below;
                let (held, held_pats): (Vec<(Rec, Rec)>, Vec<Pattern>) =
                    first.held.iter().map(|&(a, b, p)| ((a, b), p)).unzip();
                // With the split fitted, the close pairs are weighed again; without (a small
                // roll), they keep the first pass's weights.
                match close::fit(&table, &random, &first.sums) {
                    Some((tells, pooled)) => {
                        drop(w);
                        let s = s.with_close_tells(tells, pooled);
                        let w = Weigher::build(&table, &s, counts);
                        let (k, b) = score(&table, &w, low, &held, |i| held_pats[i]);
                        kept.extend(k);
                        below += b + first.faint_below(&table, &groups, &s);
                        drop(w);
                        s
                    }
                    None => {
                        let (k, b) = score(&table, &w, low, &held, |i| held_pats[i]);
                        kept.extend(k);
                        below += b + first.faint_p;
                        drop(w);
                        s
                    }
                }
            }
        };
        drop(store);
        kept.shrink_to_fit();
        let order = table.canonical_order();
        let rank = Table::ranks_of(&order);
        let mut l = Linker {
            table,
            cfg,
            scorer,
            index,
            cache,
            pairs: kept,
            blocking,
            errors: ErrorEstimate::default(),
            order,
            rank,
            dropped: Vec::new(),
        };
        l.errors = l.error_estimate(below);
        l.blocking.estimated_recall = Some(l.estimate_blocking_recall());
        // The memo of name verdicts served the two passes over every candidate pair; what
        // comes next (clustering, a few new records) needs little of it, and at a million
        // records it holds some 100 MB through clustering and the write of the roll.
        l.cache = NameCache::default();
        Ok(l)
    }

    /// Lengths that must agree in a linker read from a snapshot (a damaged one fails here, not
    /// with an index out of bounds later).
    pub(crate) fn check_snapshot(&self) -> Result<(), LinkError> {
        let n = self.table.len();
        let t = &self.table;
        let ok = t.ids.len() == n
            && self.order.len() == n
            && self.rank.len() == n
            && t.name_ids.iter().all(|c| c.len() == n)
            && [t.birth.len(), t.death.len(), t.settlement.len(), t.region.len()].iter().all(|&l| l == n)
            && [t.unit.len(), t.rank.len(), t.sex.len(), t.source.len()].iter().all(|&l| l == n)
            && self.index.rec_keys.iter().all(|k| k.len() == n)
            && self.pairs.iter().all(|p| (p.a as usize) < n && (p.b as usize) < n);
        if ok {
            Ok(())
        } else {
            Err(LinkError::Snapshot("inconsistent lengths (a damaged snapshot)".into()))
        }
    }

    /// The label-free error estimate over the kept pairs, with `below`, the summed
    /// probability of the pairs below the review floor, counted as missed matches.
    fn error_estimate(&self, below: f64) -> ErrorEstimate {
        let mut e = error_estimate(self.pairs.iter().map(|p| p.probability()), self.cfg.threshold);
        e.expected_matches += below;
        e.expected_missed += below;
        e.missed_link_rate = if e.expected_matches == 0.0 { 0.0 } else { e.expected_missed / e.expected_matches };
        e
    }

    /// Rebuild the state from records, a model and pairs scored earlier (as a store keeps
    /// them), ready for [`Linker::add`].
    pub fn from_parts(
        records: &[Record],
        cfg: LinkConfig,
        params: Params,
        kept: &[(RecordKey, RecordKey)],
    ) -> Result<Linker, LinkError> {
        Self::from_parts_table(Table::from_records(records)?, cfg, params, kept)
    }

    /// [`Linker::from_parts`] on records already encoded.
    pub fn from_parts_table(
        table: Table,
        cfg: LinkConfig,
        params: Params,
        kept: &[(RecordKey, RecordKey)],
    ) -> Result<Linker, LinkError> {
        let index = BlockIndex::build(&table, &cfg.blocking);
        let mut pairs = Vec::with_capacity(kept.len());
        for (a, b) in kept {
            let find = |k: &RecordKey| {
                table
                    .find(k)
                    .ok_or_else(|| LinkError::UnknownRecord(k.source.to_string(), k.source_record_id.to_string()))
            };
            pairs.push((find(a)?, find(b)?));
        }
        let mut cache = NameCache::default();
        let pats = patterns(&table, &mut cache, &pairs);
        let mut l = Linker {
            table,
            cfg,
            scorer: Scorer::new(params),
            index,
            cache,
            pairs: Vec::new(),
            blocking: BlockingReport::default(),
            errors: ErrorEstimate::default(),
            order: Vec::new(),
            rank: Vec::new(),
            dropped: Vec::new(),
        };
        l.order = l.table.canonical_order();
        l.rank = Table::ranks_of(&l.order);
        l.score_and_keep(&pairs, &pats);
        Ok(l)
    }

    /// Score pairs, keep those at or above the review floor, and return the label-free error
    /// estimate over all of them (computed in the same pass, so the scored pairs are never
    /// all held at once).
    fn score_and_keep(&mut self, pairs: &[(Rec, Rec)], pats: &[Pattern]) -> ErrorEstimate {
        let w = Weigher::new(&self.table, &self.scorer);
        let (kept, below) = score(&self.table, &w, self.cfg.review_low, pairs, |i| pats[i]);
        let mut e = error_estimate(kept.iter().map(|p| p.probability()), self.cfg.threshold);
        e.expected_matches += below;
        e.expected_missed += below;
        e.missed_link_rate = if e.expected_matches == 0.0 { 0.0 } else { e.expected_missed / e.expected_matches };
        self.pairs.extend(kept);
        e
    }

    /// Incremental: add new records, block and score only the pairs that involve them.
    /// Returns the new records' indices.
    pub fn add(&mut self, records: &[Record]) -> Result<Vec<Rec>, LinkError> {
        let new = self.push_records(records)?;
        let pairs = candidate_pairs_for(&self.table, &self.cfg.blocking, &self.index, &new);
        let pats = patterns(&self.table, &mut self.cache, &pairs);
        self.score_and_keep(&pairs, &pats);
        Ok(new)
    }

    /// Replay an [`Linker::add`] whose outcome is known (a saved delta of linker state): push
    /// `records` as `add` does (block index, key order, pairs a grown block no longer pairs),
    /// then keep `pairs`, the pairs that `add` kept for them, in the order it kept them,
    /// instead of blocking and scoring again. The linker is then the one `add` made.
    ///
    /// Several adds may be replayed as one when none of them dropped a pair; if this one drops
    /// any, the replay is refused (an error), as it may not be what the adds made.
    pub fn add_scored(&mut self, records: &[Record], pairs: &[ScoredPair]) -> Result<Vec<Rec>, LinkError> {
        let kept = self.pairs.len();
        let new = self.push_records(records)?;
        if self.pairs.len() != kept {
            return Err(LinkError::Snapshot("the replay dropped pairs the adds kept".into()));
        }
        let n = self.table.len();
        if pairs.iter().any(|p| (p.a as usize) >= n || (p.b as usize) >= n) {
            return Err(LinkError::Snapshot("a replayed pair names a record past the table".into()));
        }
        self.pairs.extend_from_slice(pairs);
        Ok(new)
    }

    /// Records in key order (the order of a roll's assignments).
    pub fn order(&self) -> &[Rec] {
        &self.order
    }

    /// The first half of [`Linker::add`]: everything but scoring the new candidate pairs.
    fn push_records(&mut self, records: &[Record]) -> Result<Vec<Rec>, LinkError> {
        let before = self.table.len();
        let mut new = Vec::with_capacity(records.len());
        for r in records {
            new.push(self.table.push(r)?);
        }
        let grown = self.index.add(&self.table, &self.cfg.blocking, &new);
        if !grown.is_empty() {
            // A block the new records pushed over the cap is skipped by a full run: pairs of
            // old records in it are no candidates any more unless another rule pairs them.
            let idx = &self.index;
            let in_grown = |p: &ScoredPair| {
                grown.iter().any(|&(r, k)| idx.rec_keys[r][p.a as usize] == k && idx.rec_keys[r][p.b as usize] == k)
            };
            let mut dropped = Vec::new();
            self.pairs.retain(|p| {
                let keep = !in_grown(p) || is_candidate(idx, p.a, p.b);
                if !keep {
                    dropped.push((before, *p));
                }
                keep
            });
            self.dropped.extend(dropped);
        }
        self.order = self.table.merge_order(&self.order, &new);
        self.rank = Table::ranks_of(&self.order);
        Ok(new)
    }

    fn resolve(&self, pairs: &[(RecordKey, RecordKey)]) -> Vec<(Rec, Rec)> {
        pairs.iter().filter_map(|(a, b)| Some((self.table.find(a)?, self.table.find(b)?))).collect()
    }

    /// Cluster at `threshold` with human decisions. Decisions naming records that are not in
    /// the roll (any more) are ignored.
    pub fn cluster_at(&self, threshold: f64, decisions: &Decisions) -> Clustering {
        let must = self.resolve(&decisions.must);
        let cannot = self.resolve(&decisions.cannot);
        let cannot_set: rustc_hash::FxHashSet<(Rec, Rec)> =
            cannot.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        let edges: Vec<Edge> = self
            .pairs
            .iter()
            .filter(|p| p.probability() >= threshold && !cannot_set.contains(&(p.a, p.b)))
            .map(|p| Edge { a: p.a, b: p.b, weight: p.weight })
            .collect();
        let veto = self.veto();
        cluster_with(&self.table, &self.rank, &edges, &must, &cannot, rival_margin_bits(threshold), &veto)
    }

    /// The chaining guard's negative evidence: a candidate pair the model scored below the
    /// review floor (so it was compared, and not kept) is two different people. Not when the
    /// two wrote their names in different columns (blocking found them through the name
    /// roles, or as a swap): the comparison set surname against given name, and its low score
    /// says nothing about the people.
    fn veto(&self) -> impl Fn(Rec, Rec) -> bool + '_ {
        let kept: rustc_hash::FxHashSet<(Rec, Rec)> = self.pairs.iter().map(|p| (p.a.min(p.b), p.a.max(p.b))).collect();
        let vetoing: Vec<usize> = (0..self.cfg.blocking.rules.len())
            .filter(|&r| !self.cfg.blocking.rules[r].fields.iter().any(|f| f.coarse()))
            .collect();
        move |a: Rec, b: Rec| {
            !kept.contains(&(a.min(b), a.max(b)))
                && crate::blocking::is_candidate_under(&self.index, &vetoing, a, b)
                && crate::blocking::columns_aligned(&self.table, a, b)
        }
    }

    /// Cluster at the configured threshold and assign stable person ids.
    pub fn roll(&self, decisions: &Decisions, prev: &FxHashMap<RecordKey, PersonId>, next_id: i64) -> Roll {
        self.roll_at(self.cfg.threshold, decisions, prev, next_id)
    }

    pub fn roll_at(
        &self,
        threshold: f64,
        decisions: &Decisions,
        prev: &FxHashMap<RecordKey, PersonId>,
        next_id: i64,
    ) -> Roll {
        let t = &self.table;
        if prev.is_empty() {
            return self.roll_at_by(threshold, decisions, None, next_id);
        }
        self.roll_at_by(threshold, decisions, Some(&|r: Rec| prev.get(&t.keys[r as usize]).copied()), next_id)
    }

    /// [`Linker::roll`] with earlier person ids by record index (`prev(r)` for record `r`), so
    /// a caller that has them by index need not build a map keyed by record key (at a million
    /// records such a map costs some 180 MB).
    pub fn roll_by(
        &self,
        decisions: &Decisions,
        prev: &(dyn Fn(Rec) -> Option<PersonId> + Sync),
        next_id: i64,
    ) -> Roll {
        self.roll_at_by(self.cfg.threshold, decisions, Some(prev), next_id)
    }

    fn roll_at_by(
        &self,
        threshold: f64,
        decisions: &Decisions,
        prev: Option<&(dyn Fn(Rec) -> Option<PersonId> + Sync)>,
        next_id: i64,
    ) -> Roll {
        let t = &self.table;
        let clustering = self.cluster_at(threshold, decisions);
        let clusters = clustering.clusters_in(&self.order);
        let (ids, next_id, events) = crate::cluster::assign_ids_by(&clusters, prev, next_id);
        // Per-record probability.
        let mut best_in = vec![0.0f64; t.len()];
        let mut best_any = vec![0.0f64; t.len()];
        for p in &self.pairs {
            let pr = p.probability();
            let (a, b) = (p.a as usize, p.b as usize);
            best_any[a] = best_any[a].max(pr);
            best_any[b] = best_any[b].max(pr);
            if clustering.label[a] == clustering.label[b] {
                best_in[a] = best_in[a].max(pr);
                best_in[b] = best_in[b].max(pr);
            }
        }
        // Each record's person and whether it is linked, then the assignments in key order
        // (the canonical order), with no sort by key.
        let mut person = vec![(PersonId(0), false); t.len()];
        for (c, &id) in clusters.iter().zip(&ids) {
            for &r in c {
                person[r as usize] = (id, c.len() > 1);
            }
        }
        // Must-linked members without a model link of their own keep probability 1.
        let mut must = vec![false; t.len()];
        for (a, b) in self.resolve(&decisions.must) {
            must[a as usize] = true;
            must[b as usize] = true;
        }
        let assignments = self
            .order
            .iter()
            .map(|&r| {
                let ru = r as usize;
                let (id, linked) = person[ru];
                let mut probability = if linked { best_in[ru].max(0.0) } else { 1.0 - best_any[ru] };
                if must[ru] && probability == 0.0 {
                    probability = 1.0;
                }
                Assignment { record: t.keys[ru].clone(), person: id, probability }
            })
            .collect();
        Roll { assignments, persons: clusters.len() as u64, next_id, events, clustering }
    }

    /// The roll after [`Linker::add`], re-clustering only what the new records can change.
    ///
    /// `base` is the roll this linker gave (by [`Linker::roll`] or this method, at the configured
    /// threshold and with the same `decisions`) before the records from index
    /// `base.clustering.label.len()` on were added. `prev` holds earlier person ids of the new
    /// records (may be empty); the old records' ids are `base`'s.
    ///
    /// Only the threshold components (links at or above the threshold, plus must-links) that
    /// hold a new record are clustered and given ids again: every other component has the same
    /// links as before and is clustered on its own, so its persons and ids carry over. The
    /// result equals `self.roll(decisions, prev ∪ base's ids, next_id)`; when an id in `prev`
    /// belongs to an untouched person of `base` (the two could then compete for it), or `base`
    /// does not fit this linker, it falls back to exactly that full roll.
    pub fn roll_incremental(
        &self,
        base: Roll,
        decisions: &Decisions,
        prev: &FxHashMap<RecordKey, PersonId>,
        next_id: i64,
    ) -> Roll {
        let t = &self.table;
        let n = t.len();
        let old_n = base.clustering.label.len();
        if old_n > n || base.assignments.len() != old_n {
            return self.roll_over(&base, decisions, prev, next_id);
        }
        let threshold = self.cfg.threshold;
        let must = self.resolve(&decisions.must);
        let cannot = self.resolve(&decisions.cannot);
        let cannot_set: rustc_hash::FxHashSet<(Rec, Rec)> =
            cannot.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        let is_edge = |p: &ScoredPair| p.probability() >= threshold && !cannot_set.contains(&(p.a, p.b));

        // Threshold components, and which of them hold a new record.
        let mut comp = Dsu::new(n);
        for p in &self.pairs {
            if is_edge(p) {
                comp.union(p.a, p.b);
            }
        }
        for &(a, b) in &must {
            comp.union(a, b);
        }
        // Pairs dropped since `base` (their block went over the cap) may split old persons:
        // what they joined is re-clustered too.
        let dropped: Vec<ScoredPair> =
            self.dropped.iter().filter(|d| d.0 >= old_n).map(|d| d.1).filter(|p| (p.b as usize) < old_n).collect();
        let mut roots: rustc_hash::FxHashSet<u32> = (old_n as Rec..n as Rec).map(|r| comp.find(r)).collect();
        roots.extend(dropped.iter().flat_map(|p| [comp.find(p.a), comp.find(p.b)]));
        let affected: Vec<bool> = (0..n as Rec).map(|r| roots.contains(&comp.find(r))).collect();
        drop(comp);

        // Old record r sits at base.assignments[old_pos[r]] (old records keep their relative
        // key order). Check that base fits before trusting it.
        let mut old_pos = vec![u32::MAX; old_n];
        let mut j = 0u32;
        for &r in &self.order {
            if (r as usize) < old_n {
                old_pos[r as usize] = j;
                j += 1;
            }
        }
        let fits = self.order.iter().step_by((n / 64).max(1)).all(|&r| {
            (r as usize) >= old_n || base.assignments[old_pos[r as usize] as usize].record == t.keys[r as usize]
        });
        if !fits {
            return self.roll_over(&base, decisions, prev, next_id);
        }
        // Earlier ids of the new records must not belong to an untouched person.
        let new_ids: rustc_hash::FxHashSet<PersonId> =
            (old_n..n).filter_map(|r| prev.get(&t.keys[r]).copied()).collect();
        if !new_ids.is_empty()
            && (0..old_n).any(|r| !affected[r] && new_ids.contains(&base.assignments[old_pos[r] as usize].person))
        {
            return self.roll_over(&base, decisions, prev, next_id);
        }

        // Cluster the affected components, now and (for the refusal count) as they were.
        let sub_edges: Vec<Edge> = self
            .pairs
            .iter()
            .filter(|p| affected[p.a as usize] && is_edge(p))
            .map(|p| Edge { a: p.a, b: p.b, weight: p.weight })
            .collect();
        let sub_must: Vec<(Rec, Rec)> = must.iter().copied().filter(|&(a, _)| affected[a as usize]).collect();
        let veto = self.veto();
        let sub = cluster_with(t, &self.rank, &sub_edges, &sub_must, &cannot, rival_margin_bits(threshold), &veto);
        let is_old = |r: Rec| (r as usize) < old_n;
        let old_edges: Vec<Edge> = sub_edges
            .iter()
            .copied()
            .filter(|e| is_old(e.a) && is_old(e.b))
            .chain(dropped.iter().filter(|p| is_edge(p)).map(|p| Edge { a: p.a, b: p.b, weight: p.weight }))
            .collect();
        let old_must: Vec<(Rec, Rec)> = sub_must.iter().copied().filter(|&(a, b)| is_old(a) && is_old(b)).collect();
        let refused_before =
            cluster_with(t, &self.rank, &old_edges, &old_must, &cannot, rival_margin_bits(threshold), &veto).refused;

        // Persons of the affected records, ids assigned among them alone.
        let members: Vec<Rec> = self.order.iter().copied().filter(|&r| affected[r as usize]).collect();
        let mut by_label: FxHashMap<Rec, usize> = FxHashMap::default();
        let mut clusters: Vec<Vec<Rec>> = Vec::new();
        for &r in &members {
            let c = *by_label.entry(sub.label[r as usize]).or_insert_with(|| {
                clusters.push(Vec::new());
                clusters.len() - 1
            });
            clusters[c].push(r);
        }
        let mut sub_prev: FxHashMap<RecordKey, PersonId> = FxHashMap::default();
        let mut old_persons: rustc_hash::FxHashSet<Rec> = Default::default();
        for &r in &members {
            let key = &t.keys[r as usize];
            if is_old(r) {
                sub_prev.insert(key.clone(), base.assignments[old_pos[r as usize] as usize].person);
                old_persons.insert(base.clustering.label[r as usize]);
            } else if let Some(&p) = prev.get(key) {
                sub_prev.insert(key.clone(), p);
            }
        }
        let (ids, next_id, events) = assign_ids(t, &clusters, &sub_prev, next_id);
        let mut person: FxHashMap<Rec, PersonId> = FxHashMap::default();
        for (c, &id) in clusters.iter().zip(&ids) {
            person.extend(c.iter().map(|&r| (r, id)));
        }

        // Labels and flags: the affected part is new, the rest carries over.
        let mut label = base.clustering.label;
        label.resize(n, 0);
        for &r in &members {
            label[r as usize] = sub.label[r as usize];
        }
        let mut flags: Vec<_> = base
            .clustering
            .flags
            .into_iter()
            .filter(|f| f.records.first().and_then(|k| t.find(k)).is_none_or(|r| !affected[r as usize]))
            .chain(sub.flags)
            .collect();
        flags.sort_by(|a, b| a.records.cmp(&b.records));
        let clustering =
            Clustering { label, flags, refused: base.clustering.refused.saturating_sub(refused_before) + sub.refused };

        // Probabilities change only for affected records and those a new pair touches.
        let mut dirty = affected;
        for p in &self.pairs {
            if !is_old(p.a) || !is_old(p.b) {
                dirty[p.a as usize] = true;
                dirty[p.b as usize] = true;
            }
        }
        let mut best_in: FxHashMap<Rec, f64> = FxHashMap::default();
        let mut best_any: FxHashMap<Rec, f64> = FxHashMap::default();
        for p in &self.pairs {
            let (a, b) = (p.a as usize, p.b as usize);
            if !dirty[a] && !dirty[b] {
                continue;
            }
            let pr = p.probability();
            let same = clustering.label[a] == clustering.label[b];
            for r in [p.a, p.b] {
                if dirty[r as usize] {
                    let e = best_any.entry(r).or_insert(0.0);
                    *e = e.max(pr);
                    if same {
                        let e = best_in.entry(r).or_insert(0.0);
                        *e = e.max(pr);
                    }
                }
            }
        }
        let must_members: rustc_hash::FxHashSet<Rec> = must.iter().flat_map(|&(a, b)| [a, b]).collect();
        // Cluster sizes ("linked" or alone) of the records whose probability is recomputed.
        let mut size: FxHashMap<Rec, u32> = (0..n).filter(|&r| dirty[r]).map(|r| (clustering.label[r], 0)).collect();
        for &l in &clustering.label {
            if let Some(s) = size.get_mut(&l) {
                *s += 1;
            }
        }
        let probability_of = |r: Rec, linked: bool| {
            let pr = if linked {
                best_in.get(&r).copied().unwrap_or(0.0).max(0.0)
            } else {
                1.0 - best_any.get(&r).copied().unwrap_or(0.0)
            };
            if must_members.contains(&r) && pr == 0.0 {
                1.0
            } else {
                pr
            }
        };

        let mut old = base.assignments.into_iter();
        let mut assignments = Vec::with_capacity(n);
        for &r in &self.order {
            let ru = r as usize;
            if !is_old(r) {
                let linked = size[&clustering.label[ru]] > 1;
                assignments.push(Assignment {
                    record: t.keys[ru].clone(),
                    person: person[&r],
                    probability: probability_of(r, linked),
                });
                continue;
            }
            let mut a = old.next().expect("checked: base has every old record");
            if dirty[ru] {
                if let Some(&p) = person.get(&r) {
                    a.person = p;
                }
                a.probability = probability_of(r, size[&clustering.label[ru]] > 1);
            }
            assignments.push(a);
        }
        let persons = base.persons.saturating_sub(old_persons.len() as u64) + clusters.len() as u64;
        Roll { assignments, persons, next_id, events, clustering }
    }

    /// The full roll with `base`'s ids for its records and `prev` for the others.
    fn roll_over(
        &self,
        base: &Roll,
        decisions: &Decisions,
        prev: &FxHashMap<RecordKey, PersonId>,
        next_id: i64,
    ) -> Roll {
        let mut all = prev.clone();
        all.extend(base.assignments.iter().map(|a| (a.record.clone(), a.person)));
        self.roll(decisions, &all, next_id)
    }

    /// Grey-zone pairs not yet decided, most uncertain first (closest to probability 0.5 in
    /// log-odds), ties by record keys.
    pub fn review_queue(&self, decisions: &Decisions) -> Vec<(RecordKey, RecordKey, f64)> {
        let decided: rustc_hash::FxHashSet<(Rec, Rec)> = self
            .resolve(&decisions.must)
            .into_iter()
            .chain(self.resolve(&decisions.cannot))
            .flat_map(|(a, b)| [(a, b), (b, a)])
            .collect();
        let mut q: Vec<&ScoredPair> = self
            .pairs
            .iter()
            .filter(|p| {
                let pr = p.probability();
                pr >= self.cfg.review_low && pr < self.cfg.review_high && !decided.contains(&(p.a, p.b))
            })
            .collect();
        let t = &self.table;
        q.sort_by(|x, y| {
            x.weight
                .abs()
                .partial_cmp(&y.weight.abs())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| t.keys[x.a as usize].cmp(&t.keys[y.a as usize]))
                .then_with(|| t.keys[x.b as usize].cmp(&t.keys[y.b as usize]))
        });
        q.into_iter().map(|p| (t.keys[p.a as usize].clone(), t.keys[p.b as usize].clone(), p.probability())).collect()
    }

    /// Alternative linkages: the roll at several thresholds (persons count and assignment),
    /// so downstream estimates can show how linkage moves them.
    pub fn alternatives(&self, thresholds: &[f64], decisions: &Decisions) -> Vec<(f64, Roll)> {
        thresholds.iter().map(|&th| (th, self.roll_at(th, decisions, &FxHashMap::default(), 1))).collect()
    }

    /// Explain the comparison of two records: each field's values, level, m, u and weight,
    /// the term-frequency adjustments, the running total and the final probability.
    pub fn explain(&self, a: &RecordKey, b: &RecordKey) -> Result<Explanation, LinkError> {
        let t = &self.table;
        let find = |k: &RecordKey| {
            t.find(k).ok_or_else(|| LinkError::UnknownRecord(k.source.to_string(), k.source_record_id.to_string()))
        };
        let (ia, ib) = (find(a)?, find(b)?);
        let lv = levels(t, &self.cache, ia, ib);
        let s = &self.scorer;
        let prior = s.prior_for(t, ia, ib);
        let mut total = prior;
        let mut steps = Vec::new();
        let p = crate::levels::pack(&lv);
        // A weight added to the waterfall as a step of its own (no level of a field).
        let adjustment =
            |steps: &mut Vec<Step>, total: &mut f64, field: String, level: &str, weight: f64, why: &str| {
                *total += weight;
                steps.push(Step {
                    field,
                    value_a: String::new(),
                    value_b: String::new(),
                    level: level.into(),
                    m: None,
                    u: None,
                    weight,
                    cumulative: *total,
                    why: why.into(),
                });
            };
        for (f, field) in CmpField::ALL.iter().enumerate() {
            let l = lv[f] as usize;
            let (va, vb) = (self.value(*field, ia), self.value(*field, ib));
            let w = s.field_weight(p, f);
            total += w;
            let mut why = String::new();
            if f < 2 && swapped(t, ia, ib, p) {
                // The level is the crosswise one; the columns' own comparison would say
                // "different".
                why = "surname and given name swapped by one list: each agrees with the other record's other column"
                    .into();
            } else if f < 3 && l > 1 {
                let (x, y) = (t.name_ids[f][ia as usize], t.name_ids[f][ib as usize]);
                if x != NONE && y != NONE && x != y {
                    why = compare_names(t, f, x, y).1;
                }
            }
            if l == 0
                && !va.is_empty()
                && !vb.is_empty()
                && matches!(field, CmpField::Place | CmpField::Unit | CmpField::Rank)
            {
                // Both records have the field, yet it counts for nothing: say why.
                let (ra, rb) = (t.region[ia as usize], t.region[ib as usize]);
                if *field == CmpField::Place && crate::compare::same_area(&t.places, ra, rb) {
                    why = "no evidence: a city with region status and the region around it, which lists write for one another"
                        .into();
                } else if tally_names::detect_script(&va) != tally_names::detect_script(&vb) {
                    why = "no evidence: values in two scripts that differ (lists translate these, not transliterate)"
                        .into();
                }
            }
            steps.push(Step {
                field: field.as_str().into(),
                value_a: va,
                value_b: vb,
                level: field.level_names()[l].into(),
                m: if l == 0 { None } else { Some(s.params.m[f][l]) },
                u: if l == 0 { None } else { Some(s.field_u(p, f)) },
                weight: w,
                cumulative: total,
                why,
            });
            if f < 2 && (l == 1 || l == 2) {
                let adj = s.tf_pair(t, f, ia, ib, p);
                let name = format!("{} frequency", field.as_str());
                adjustment(&mut steps, &mut total, name, "tf adjustment", adj, "rarer names are stronger evidence");
            }
            let close = if f == 0 { s.close_pair(t, ia, ib, p) } else { 0.0 };
            if close != 0.0 {
                let why = if s.splits_close() {
                    let (ca, cb) = (s.surname_count(t, ia), s.surname_count(t, ib));
                    let records = |n: u32| if n == 1 { "1 record".to_string() } else { format!("{n} records") };
                    if group_and_log_k(ca, cb).0 == 0 {
                        format!(
                            "one spelling is this record's alone, a slip of the pen from the other, which \
                             {} of the roll hold: the rarer that name, the stronger the evidence (fitted per \
                             pair of lists)",
                            records(ca.max(cb))
                        )
                    } else {
                        format!(
                            "two names, the rarer held by {} of the roll: the rarer it is, the stronger \
                             the evidence (fitted per pair of lists)",
                            records(ca.min(cb))
                        )
                    }
                } else {
                    "close spellings of a rarer name are stronger evidence (a slip of the pen from it)".to_string()
                };
                adjustment(&mut steps, &mut total, "surname spelling".into(), "close adjustment", close, &why);
            }
        }
        let comrade = s.comrade_adjust(p);
        if comrade != 0.0 {
            let why = "men of one unit often share a region and a day of death: place and death date weigh as \
                       among strangers of one unit";
            adjustment(&mut steps, &mut total, "unit context".into(), "same unit", comrade, why);
        }
        let rules: Vec<String> = self
            .cfg
            .blocking
            .rules
            .iter()
            .filter(|r| {
                let k = r.key(t, ia);
                k != 0 && k == r.key(t, ib)
            })
            .map(|r| r.name())
            .collect();
        Ok(Explanation {
            a: a.clone(),
            b: b.clone(),
            prior,
            lambda: s.params.lambda,
            steps,
            total,
            probability: probability(total),
            blocked_by: rules,
        })
    }

    fn value(&self, f: CmpField, i: Rec) -> String {
        let t = &self.table;
        let iu = i as usize;
        let date = |d: &DateCode| {
            if !d.present {
                String::new()
            } else if d.day != 0 {
                format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
            } else if d.month != 0 {
                format!("{:04}-{:02}", d.year, d.month)
            } else if d.hi - d.lo <= 365 {
                format!("{:04}", d.year)
            } else {
                format!("{:04}..{:04}", d.year, d.year + ((d.hi - d.lo) / 365) as i16)
            }
        };
        match f {
            CmpField::Surname => t.name_value(0, i).into(),
            CmpField::GivenName => t.name_value(1, i).into(),
            CmpField::Patronymic => t.name_value(2, i).into(),
            CmpField::BirthDate => date(&t.birth[iu]),
            CmpField::DeathDate => date(&t.death[iu]),
            CmpField::Place => {
                let s = t.str_value(&t.places, t.settlement[iu]);
                let r = t.str_value(&t.places, t.region[iu]);
                match (s.is_empty(), r.is_empty()) {
                    (false, false) => format!("{s}, {r}"),
                    (false, true) => s,
                    _ => r,
                }
            }
            CmpField::Unit => t.str_value(&t.codes, t.unit[iu]),
            CmpField::Rank => t.str_value(&t.ranks, t.rank[iu]),
            CmpField::Sex => match t.sex[iu] {
                1 => "male".into(),
                2 => "female".into(),
                _ => String::new(),
            },
        }
    }

    /// Label-free estimate of blocking recall: the share of true matches that at least one
    /// rule finds. Key fields are grouped into independent "atoms" (surname: full key, last
    /// four letters, prefix or suffix of three, neither; birth: same day, same year only,
    /// neither; given name: full key, initial (canonical or as written) only, neither;
    /// patronymic; settlement; death: same day, same month only, neither; region), so that
    /// every rule of the set, the initial rules included, is decided by the atoms' states. Each atom's distribution among matches is measured on
    /// confident links found by rules that do not use it (so the measurement is not biased by
    /// the atom itself), and the chance that no rule fires follows under conditional
    /// independence, as Fellegi-Sunter assumes.
    pub fn estimate_blocking_recall(&self) -> f64 {
        use KeyField as K;
        let t = &self.table;
        let rules = &self.cfg.blocking.rules;
        // Atoms: (fields it covers, number of states). State 0 is the strongest agreement.
        let atoms: [(&[KeyField], usize); 7] = [
            (&[K::Surname, K::SurnamePrefix, K::SurnameSuffix, K::SurnameSuffix4, K::NameSet], 4),
            (&[K::BirthDay, K::BirthYear], 3),
            (&[K::Given, K::GivenInitial, K::GivenInitialWritten, K::NameSet], 3),
            (&[K::Patronymic], 2),
            (&[K::Settlement], 2),
            (&[K::DeathDay, K::DeathMonth], 3),
            (&[K::Region], 2),
        ];
        let agree = |f: KeyField, a: Rec, b: Rec| {
            let x = f.value(t, a);
            x != 0 && x == f.value(t, b)
        };
        let state = |atom: usize, a: Rec, b: Rec| -> usize {
            match atom {
                0 => {
                    if agree(K::Surname, a, b) {
                        0
                    } else if agree(K::SurnameSuffix4, a, b) {
                        1
                    } else if agree(K::SurnamePrefix, a, b) || agree(K::SurnameSuffix, a, b) {
                        2
                    } else {
                        3
                    }
                }
                1 => {
                    if agree(K::BirthDay, a, b) {
                        0
                    } else if agree(K::BirthYear, a, b) {
                        1
                    } else {
                        2
                    }
                }
                2 => {
                    if agree(K::Given, a, b) {
                        0
                    } else if agree(K::GivenInitial, a, b) || agree(K::GivenInitialWritten, a, b) {
                        1
                    } else {
                        2
                    }
                }
                5 => {
                    if agree(K::DeathDay, a, b) {
                        0
                    } else if agree(K::DeathMonth, a, b) {
                        1
                    } else {
                        2
                    }
                }
                n => usize::from(!agree(atoms[n].0[0], a, b)),
            }
        };
        // Links counted, each weighted by its probability: the harder matches (several fields
        // off at once, the ones blocking misses) score lower, and counting only the surest links
        // would hide them.
        const CONFIDENT: f64 = 0.5;
        let confident: Vec<&ScoredPair> = self.pairs.iter().filter(|p| p.probability() >= CONFIDENT).collect();
        if confident.is_empty() {
            return 1.0;
        }
        // Which rules' keys each confident pair agrees on (the index holds every record's
        // key per rule), as a mask when the rules fit in one.
        let keys = &self.index.rec_keys;
        let agrees = |r: usize, a: Rec, b: Rec| {
            let k = keys[r][a as usize];
            k != 0 && k == keys[r][b as usize]
        };
        let masks = rules.len() <= 128;
        let atom_rules: Vec<u128> = atoms
            .iter()
            .map(|(fields, _)| {
                (0..rules.len().min(128))
                    .filter(|&r| !rules[r].fields.iter().any(|f| fields.contains(f)))
                    .fold(0u128, |m, r| m | 1 << r)
            })
            .collect();
        // Counts per pair of sources: sources differ in which fields they fill and how well,
        // and that is the main dependence between atoms (a list of initials and no birth dates
        // misses on several atoms at once), so the independence is assumed within each pair of
        // sources only, and the estimates are mixed by each pair's expected number of matches.
        let groups = SourceGroups::new(t);
        let ng = groups.len();
        let zero = || vec![atoms.iter().map(|a| vec![0f64; a.1]).collect::<Vec<_>>(); ng];
        let counts: Vec<Vec<Vec<f64>>> = confident
            .par_iter()
            .with_min_len(4096)
            .fold(zero, |mut acc, p| {
                let g = groups.group(t, p.a, p.b) as usize;
                let mask = if masks {
                    (0..rules.len()).filter(|&r| agrees(r, p.a, p.b)).fold(0u128, |m, r| m | 1 << r)
                } else {
                    0
                };
                for (ai, (fields, _)) in atoms.iter().enumerate() {
                    let other_rule = if masks {
                        mask & atom_rules[ai] != 0
                    } else {
                        (0..rules.len())
                            .any(|r| !rules[r].fields.iter().any(|f| fields.contains(f)) && agrees(r, p.a, p.b))
                    };
                    if other_rule {
                        acc[g][ai][state(ai, p.a, p.b)] += p.probability();
                    }
                }
                acc
            })
            .reduce(zero, |mut x, y| {
                for (xg, yg) in x.iter_mut().zip(y) {
                    for (a, b) in xg.iter_mut().zip(yg) {
                        for (u, v) in a.iter_mut().zip(b) {
                            *u += v;
                        }
                    }
                }
                x
            });
        // Expected matches per pair of sources: the kept pairs' probabilities.
        let mut expected = vec![0.0f64; ng];
        for p in &self.pairs {
            expected[groups.group(t, p.a, p.b) as usize] += p.probability();
        }
        // The distribution over all pairs of sources, the prior for each pair's own.
        let overall: Vec<Vec<f64>> = atoms
            .iter()
            .enumerate()
            .map(|(ai, (_, n))| {
                let c: Vec<f64> = (0..*n).map(|s| counts.iter().map(|g| g[ai][s]).sum()).collect();
                let total: f64 = c.iter().sum();
                if total == 0.0 {
                    vec![1.0 / *n as f64; *n]
                } else {
                    c.iter().map(|x| x / total).collect()
                }
            })
            .collect();
        // Weight of the overall distribution, in pairs, where a pair of sources has few confident
        // links of its own.
        const PRIOR_PAIRS: f64 = 50.0;
        // Whether a rule fires given the atoms' states.
        let fires = |st: &[usize]| {
            rules.iter().any(|r| {
                r.fields.iter().all(|f| match f {
                    K::Surname => st[0] == 0,
                    K::SurnameSuffix4 => st[0] <= 1,
                    // Prefix and suffix agreement are treated alike (a slip spares one end).
                    K::SurnamePrefix | K::SurnameSuffix => st[0] <= 2,
                    K::BirthDay => st[1] == 0,
                    K::BirthYear => st[1] <= 1,
                    K::Given => st[2] == 0,
                    // An initial agrees whenever the full name does.
                    K::GivenInitial | K::GivenInitialWritten => st[2] <= 1,
                    K::NameSet => st[0] == 0 && st[2] == 0,
                    K::DeathMonth => st[5] <= 1,
                    K::Region => st[6] == 0,
                    K::Patronymic => st[3] == 0,
                    K::Settlement => st[4] == 0,
                    K::DeathDay => st[5] == 0,
                })
            })
        };
        // The states no rule fires on, enumerated once.
        let mut unfired: Vec<[usize; 7]> = Vec::new();
        let mut st = [0usize; 7];
        'all: loop {
            if !fires(&st) {
                unfired.push(st);
            }
            let mut a = 0;
            loop {
                if a == atoms.len() {
                    break 'all;
                }
                st[a] += 1;
                if st[a] < atoms[a].1 {
                    break;
                }
                st[a] = 0;
                a += 1;
            }
        }
        // The name atoms are not independent among matches: a badly written record garbles its
        // surname and its given name together, and those are the matches blocking misses. How
        // much more often both disagree than independence says is measured on links found by
        // rules that use neither name (birth day with settlement or date of death, ...).
        let both_rules: u128 = atom_rules[0] & atom_rules[2];
        let (mut n, mut s0, mut s2, mut s02) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        if masks && both_rules != 0 {
            for p in &confident {
                if !(0..rules.len()).any(|r| both_rules & (1 << r) != 0 && agrees(r, p.a, p.b)) {
                    continue;
                }
                let w = p.probability();
                let (x, y) = (state(0, p.a, p.b) == 3, state(2, p.a, p.b) == 2);
                n += w;
                s0 += if x { w } else { 0.0 };
                s2 += if y { w } else { 0.0 };
                s02 += if x && y { w } else { 0.0 };
            }
        }
        // With a pseudo-pair at independence, so that a handful of links cannot swing it.
        let names_dependence =
            if s0 > 0.0 && s2 > 0.0 { ((s02 * n + 1.0) / (s0 * s2 + 1.0)).clamp(1.0, 20.0) } else { 1.0 };
        let (mut missed, mut weight) = (0.0, 0.0);
        for (g, c) in counts.iter().enumerate() {
            if expected[g] <= 0.0 {
                continue;
            }
            let dist: Vec<Vec<f64>> = c
                .iter()
                .zip(&overall)
                .map(|(c, o)| {
                    let total: f64 = c.iter().sum::<f64>() + PRIOR_PAIRS;
                    c.iter().zip(o).map(|(&x, &o)| (x + PRIOR_PAIRS * o) / total).collect()
                })
                .collect();
            let names = name_joint(&dist[0], &dist[2], names_dependence);
            let m: f64 = unfired
                .iter()
                .map(|st| {
                    let others: f64 =
                        st.iter().enumerate().filter(|&(a, _)| a != 0 && a != 2).map(|(a, &s)| dist[a][s]).product();
                    names(st[0], st[2]) * others
                })
                .sum();
            missed += expected[g] * m.clamp(0.0, 1.0);
            weight += expected[g];
        }
        if weight == 0.0 {
            return 1.0;
        }
        (1.0 - missed / weight).clamp(0.0, 1.0)
    }

    /// Whether records `a` and `b` (table indices) are a candidate pair: some blocking rule
    /// pairs them in a block within the cap.
    pub fn is_candidate(&self, a: Rec, b: Rec) -> bool {
        is_candidate(&self.index, a, b)
    }

    /// Number of distinct name pairs compared so far (the cache size).
    pub fn distinct_name_pairs(&self) -> usize {
        self.cache.len()
    }

    /// Probability of a stored pair, if the two records were a candidate pair.
    pub fn pair_probability(&self, a: &RecordKey, b: &RecordKey) -> Option<f64> {
        let (ia, ib) = (self.table.find(a)?, self.table.find(b)?);
        self.pairs.iter().find(|p| (p.a, p.b) == (ia, ib) || (p.a, p.b) == (ib, ia)).map(|p| p.probability())
    }

    /// Kept pairs as record keys with their probability, sorted (for storing and tests).
    pub fn kept_pairs(&self) -> Vec<(RecordKey, RecordKey, f64)> {
        let t = &self.table;
        let mut v: Vec<(RecordKey, RecordKey, f64)> = self
            .pairs
            .iter()
            .map(|p| {
                let (x, y) = (t.keys[p.a as usize].clone(), t.keys[p.b as usize].clone());
                if x <= y {
                    (x, y, p.probability())
                } else {
                    (y, x, p.probability())
                }
            })
            .collect();
        v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        v
    }

    /// The levels of a pattern, by field name (for reports).
    pub fn pattern_levels(p: Pattern) -> Vec<(&'static str, &'static str)> {
        (0..NF).map(|f| (CmpField::ALL[f].as_str(), CmpField::ALL[f].level_names()[level(p, f) as usize])).collect()
    }

    /// The roll a store kept, rebuilt as [`Linker::roll_incremental`] takes its `base`: records
    /// `0..person.len()` of this linker (those linked before; any after them were added since)
    /// with their stored person and probability (`person[r]`, `probability[r]` for record `r`),
    /// and the flags and refusal count of the run that made it. Clusters are the stored
    /// persons, each labelled by its member with the smallest key, as clustering labels them.
    pub fn stored_roll(
        &self,
        person: &[PersonId],
        probability: &[f64],
        flags: Vec<crate::cluster::Flag>,
        refused: u64,
    ) -> Roll {
        let old_n = person.len().min(probability.len()).min(self.table.len());
        let mut label = vec![0 as Rec; old_n];
        let mut first: FxHashMap<PersonId, Rec> = FxHashMap::default();
        let mut assignments = Vec::with_capacity(old_n);
        for &r in &self.order {
            let ru = r as usize;
            if ru >= old_n {
                continue;
            }
            label[ru] = *first.entry(person[ru]).or_insert(r);
            assignments.push(Assignment {
                record: self.table.keys[ru].clone(),
                person: person[ru],
                probability: probability[ru],
            });
        }
        let next_id = person[..old_n].iter().map(|p| p.0 + 1).max().unwrap_or(1);
        Roll {
            assignments,
            persons: first.len() as u64,
            next_id,
            events: Vec::new(),
            clustering: Clustering { label, flags, refused },
        }
    }
}

/// The scoring pass on one chunk of candidate pairs, as a run with a given model makes it:
/// comparison levels (each distinct pair of differing names compared once, verdicts kept in
/// `cache`), then weights; returns the pairs at or above `low` and the summed probability of
/// the others. Public for the scoring benchmark (`benches/score.rs`), which times this alone.
pub fn score_pairs(
    t: &Table,
    s: &Weigher,
    cache: &mut NameCache,
    low: f64,
    pairs: &[(Rec, Rec)],
) -> (Vec<ScoredPair>, f64) {
    let pats = patterns_sorted(t, cache, pairs);
    score(t, s, low, pairs, |i| pats[i])
}

/// Score pairs whose patterns `pat(i)` gives: the pairs at or above the review floor `low`,
/// and the summed probability of the others (for the missed-link estimate), each weight
/// computed once.
fn score(
    t: &Table,
    s: &Weigher,
    low: f64,
    pairs: &[(Rec, Rec)],
    pat: impl Fn(usize) -> Pattern + Sync,
) -> (Vec<ScoredPair>, f64) {
    pairs
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .fold(
            || (Vec::new(), 0.0f64),
            |(mut kept, mut below), (i, &(a, b))| {
                let p = pat(i);
                let sp = ScoredPair { a, b, pattern: p, weight: s.weight(t, a, b, p) };
                let pr = sp.probability();
                if pr >= low {
                    kept.push(sp);
                } else {
                    below += pr;
                }
                (kept, below)
            },
        )
        .reduce(
            || (Vec::new(), 0.0),
            |(mut x, bx), (y, by)| {
                x.extend(y);
                (x, bx + by)
            },
        )
}

/// The first scoring pass of a training run, before the close split is fitted: the pairs it
/// keeps and the summed probability of those it drops (neither with close surnames), the sums
/// the split is fitted on, and the close pairs that may reach the review floor once it is.
struct FirstPass {
    kept: Vec<ScoredPair>,
    below: f64,
    sums: CandidateSums,
    /// Close pairs to weigh again.
    held: Vec<(Rec, Rec, Pattern)>,
    /// Per group of [`SourceGroups`] and close group: the sum of 2^base over the close pairs
    /// not held, base the weight without its surname term (offset and close weight), less
    /// log2 k. Far below the floor, probability is 2^weight, so once the offsets are known
    /// these give their summed probability.
    faint: Vec<[f64; 2]>,
    /// Their summed probability in the first pass.
    faint_p: f64,
}

impl FirstPass {
    fn new(groups: usize) -> FirstPass {
        FirstPass {
            kept: Vec::new(),
            below: 0.0,
            sums: CandidateSums::new(groups),
            held: Vec::new(),
            faint: vec![[0.0; 2]; groups],
            faint_p: 0.0,
        }
    }

    fn merge(&mut self, mut o: FirstPass) {
        self.kept.append(&mut o.kept);
        self.below += o.below;
        self.sums.merge(&o.sums);
        self.held.append(&mut o.held);
        for (x, y) in self.faint.iter_mut().zip(&o.faint) {
            x[0] += y[0];
            x[1] += y[1];
        }
        self.faint_p += o.faint_p;
    }

    /// The summed probability, under the split of `s`, of the close pairs not held.
    fn faint_below(&self, t: &Table, groups: &SourceGroups, s: &Scorer) -> f64 {
        let w_close = s.w[0][crate::model::CLOSE as usize];
        let ns = groups.ns as usize;
        let mut sum = 0.0;
        for (g, f) in self.faint.iter().enumerate() {
            let (x, y) = (groups.by_name[g / ns] as usize, groups.by_name[g % ns] as usize);
            if f[0] + f[1] > 0.0 {
                let add = s.close_add_for(t.source_hash[x], t.source_hash[y]).expect("a split");
                sum += f[0] * (add[0] + w_close).exp2() + f[1] * (add[1] + w_close).exp2();
            }
        }
        sum
    }
}

/// [`score`] for the first pass of a training run (see [`FirstPass`]).
fn score_first(
    t: &Table,
    w: &Weigher,
    groups: &SourceGroups,
    low: f64,
    pairs: &[(Rec, Rec)],
    pat: impl Fn(usize) -> Pattern + Sync,
) -> FirstPass {
    let low_w = (low / (1.0 - low)).log2();
    let w_close = w.s.w[0][crate::model::CLOSE as usize];
    let n = groups.len();
    // Pieces of a fixed length, each folded in a plain loop into its own accumulator: rayon's
    // `fold` moves the accumulator through every item, and this one is too large for that to
    // be free.
    const PIECE: usize = 16_384;
    pairs
        .par_chunks(PIECE)
        .enumerate()
        .map(|(ci, piece)| {
            let mut f = FirstPass::new(n);
            for (j, &(a, b)) in piece.iter().enumerate() {
                let p = pat(ci * PIECE + j);
                let (weight, close) = w.weight_and_close(t, a, b, p);
                let pr = probability(weight);
                let g = groups.group(t, a, b) as usize;
                if level(p, 0) != crate::model::CLOSE {
                    f.sums.add(g, pr, None);
                    if pr >= low {
                        f.kept.push(ScoredPair { a, b, pattern: p, weight });
                    } else {
                        f.below += pr;
                    }
                    continue;
                }
                let (cg, lk) = group_and_log_k(w.surname_count(t, a), w.surname_count(t, b));
                f.sums.add(g, pr, Some((cg, lk)));
                let base = weight - close - w_close - lk;
                if pr >= low || base + close::OFFSET_CAP >= low_w - 1e-6 {
                    f.held.push((a, b, p));
                } else {
                    // Below 2^-80 before an offset of at most 2^40, a pair adds nothing the
                    // estimate could show; most close candidates are there, and exp2 costs.
                    if base > -80.0 {
                        f.faint[g][cg] += base.exp2();
                    }
                    f.faint_p += pr;
                }
            }
            f
        })
        .reduce(
            || FirstPass::new(n),
            |mut x, y| {
                x.merge(y);
                x
            },
        )
}

/// [`Scorer::weight`] with the term-frequency adjustments looked up per name value instead of
/// computed per pair (a hash probe and a logarithm each, four times a pair): the same sum, in
/// the same order, so the same bits. A test holds the two together.
pub struct Weigher<'a> {
    s: &'a Scorer,
    /// Per name part (surname, given): the adjustment of each dictionary value, and of a
    /// missing one.
    tf: [Vec<f64>; 2],
    tf_missing: [f64; 2],
    /// Per record, the log2 frequency of its surname and given-name keys in its source (see
    /// [`Scorer::tf_pair`]), side by side so a pair reads one cache line per record; empty for
    /// parameters without frequencies per source, NaN for a source they do not know.
    log_tf: Vec<[f32; 2]>,
    /// Prior log2 odds per pair of the table's source ids (`x * n + y`).
    prior: Vec<f64>,
    n_sources: usize,
    /// With a close split ([`Scorer::splits_close`]): per pair of source ids, the close terms
    /// of [`Scorer::close_pair`] per group, and per surname dictionary value its roll count.
    /// Empty without.
    close_add: Vec<[f64; 2]>,
    surname_count: Vec<u32>,
}

impl<'a> Weigher<'a> {
    /// The lookups for scoring pairs of `t` with `s`: built once per run (they cost a pass over
    /// the records and the name dictionaries), then shared by every chunk.
    pub fn new(t: &Table, s: &'a Scorer) -> Weigher<'a> {
        let counts = if s.splits_close() { surname_counts(t, s) } else { Vec::new() };
        Self::build(t, s, counts)
    }

    /// [`Weigher::new`] with the surnames' roll counts given ([`surname_counts`]; the first
    /// pass of a training run sums by them, without a split).
    fn build(t: &Table, s: &'a Scorer, surname_count: Vec<u32>) -> Weigher<'a> {
        // The value whose frequency counts is `Table::name_tf_key`'s: the canonical form of a
        // surname, the cross-script key of a given name.
        let tf = [0, 1].map(|k| {
            let d = &t.names[k];
            let hashes = if k == 0 { &d.canon_hash } else { &d.key_hash };
            hashes.par_iter().map(|&h| s.tf_adjust(k, h)).collect()
        });
        let n = t.sources.len();
        let prior = (0..n * n).map(|i| s.prior_for_sources(t, (i / n) as u32, (i % n) as u32)).collect();
        // Per record, the log2 frequency of its names in its source (NaN where the parameters
        // have none for the source: such pairs take the roll-wide adjustment).
        let log_tf = if s.params.source_tf.is_empty() {
            Vec::new()
        } else {
            (0..t.len() as Rec).into_par_iter().map(|r| [0, 1].map(|k| s.log_tf(t, k, r).unwrap_or(f32::NAN))).collect()
        };
        let h = |x: usize| t.source_hash[x];
        let close_add = if s.splits_close() {
            (0..n * n).map(|i| s.close_add_for(h(i / n), h(i % n)).expect("a split")).collect()
        } else {
            Vec::new()
        };

        Weigher {
            s,
            tf,
            tf_missing: [s.tf_adjust(0, 0), s.tf_adjust(1, 0)],
            log_tf,
            prior,
            n_sources: n,
            close_add,
            surname_count,
        }
    }

    /// The roll count of record `r`'s surname, when the weigher has them (a close pair has
    /// surnames on both sides).
    #[inline]
    fn surname_count(&self, t: &Table, r: Rec) -> u32 {
        self.surname_count[t.name_ids[0][r as usize] as usize]
    }

    /// The weight of a pair with pattern `p`, and its close surname term (0 when the surnames
    /// are not close), which the weight includes.
    #[inline]
    fn weight_and_close(&self, t: &Table, a: Rec, b: Rec, p: Pattern) -> (f64, f64) {
        let (w, c) = self.parts(t, a, b, p);
        (w + c + self.s.comrade_adjust(p), c)
    }

    #[inline]
    fn tf(&self, t: &Table, k: usize, r: Rec) -> f64 {
        let id = t.name_ids[k][r as usize];
        if id == NONE {
            self.tf_missing[k]
        } else {
            self.tf[k][id as usize]
        }
    }

    #[inline]
    fn weight(&self, t: &Table, a: Rec, b: Rec, p: Pattern) -> f64 {
        self.weight_and_close(t, a, b, p).0
    }

    /// [`Scorer::weight`] in two parts: prior, fields and name frequencies; the close surname
    /// term. (The comrade term comes last.)
    #[inline]
    fn parts(&self, t: &Table, a: Rec, b: Rec, p: Pattern) -> (f64, f64) {
        let (x, y) = (t.source[a as usize] as usize, t.source[b as usize] as usize);
        let mut s = self.prior[x * self.n_sources + y];
        let w = &self.s.wc[name_class(p)];
        for (f, w) in w.iter().enumerate() {
            s += w[level(p, f) as usize];
        }
        for k in 0..2 {
            // Scorer's TF_LEVELS: exact and equivalent names.
            if matches!(level(p, k), 1 | 2) {
                s += match self.log_tf.get(a as usize).zip(self.log_tf.get(b as usize)) {
                    Some((la, lb)) if !la[k].is_nan() && !lb[k].is_nan() && !swapped(t, a, b, p) => {
                        let same = level(p, k) == NameLevel::Exact as u8 || t.name_tf_key(k, a) == t.name_tf_key(k, b);
                        self.s.tf_from_logs(k, la[k], lb[k], same)
                    }
                    _ => self.tf(t, k, a).min(self.tf(t, k, b)),
                };
            }
        }
        // Scorer::close_pair, from the per-name values at hand.
        let close = if level(p, 0) != crate::model::CLOSE {
            0.0
        } else if let Some(add) = self.close_add.get(x * self.n_sources + y) {
            let (g, lk) = group_and_log_k(self.surname_count(t, a), self.surname_count(t, b));
            add[g] - lk
        } else {
            self.s.close_adjust(self.tf(t, 0, a), self.tf(t, 0, b))
        };
        (s, close)
    }
}

/// The roll count of each surname dictionary value, as the parameters of `s` hold it (the key is
/// `Table::name_tf_key`'s canonical form).
fn surname_counts(t: &Table, s: &Scorer) -> Vec<u32> {
    t.names[0].canon_hash.par_iter().map(|&h| s.count_of_key(h)).collect()
}

/// The joint distribution of the surname and given-name atoms' states for the blocking recall
/// estimate, from their distributions `d0` and `d2`: both at their worst state (no agreement)
/// `dep` times as often as independence says, but never more often than either alone (the
/// Frechet bound), and the other cells rescaled so that both marginals hold. Multiplying the
/// corner by `dep` alone overshot when a pair of sources rarely agrees on surnames (one list
/// without them: 97% of its links at the worst surname state), giving a probability of being
/// missed above 1 and an estimated recall of -0.30 on the core bench's 1M world.
fn name_joint<'d>(d0: &'d [f64], d2: &'d [f64], dep: f64) -> impl Fn(usize, usize) -> f64 + 'd {
    let (w0, w2) = (d0.len() - 1, d2.len() - 1);
    let (a, b) = (d0[w0], d2[w2]);
    let q = (a * b * dep.max(1.0)).min(a.min(b));
    let rest = (1.0 - a) * (1.0 - b);
    move |r, s| match (r == w0, s == w2) {
        (true, true) => q,
        (true, false) if b < 1.0 => d2[s] / (1.0 - b) * (a - q),
        (false, true) if a < 1.0 => d0[r] / (1.0 - a) * (b - q),
        (false, false) if rest > 0.0 => d0[r] * d2[s] * (1.0 - a - b + q) / rest,
        _ => 0.0,
    }
}

/// The patterns of every candidate pair between the counting pass and the scoring pass: a
/// dictionary of the distinct patterns (some thousands) with their counts, and per chunk one
/// id per pair, 2 bytes while the dictionary fits (4 after).
#[derive(Default)]
struct PatternStore {
    dict: FxHashMap<Pattern, u32>,
    pats: Vec<Pattern>,
    counts: FxHashMap<(u32, Pattern), u64>,
    /// Per name part (surname, given name): the counts of the pairs among `counts` that a rule
    /// free of that part finds.
    name_free: [FxHashMap<(u32, Pattern), u64>; 2],
    narrow: Vec<Vec<u16>>,
    wide: Vec<Vec<u32>>,
}

impl PatternStore {
    /// Store a chunk's pattern ids; count its patterns for training only if `count`, and in the
    /// counts of name part `k` those whose `free` flags (when given) have bit `k`.
    fn push(&mut self, chunk: &[Pattern], groups: &[u32], count: bool, free: &[u8]) {
        let flag = |i: usize| free.get(i).copied().unwrap_or(0);
        let local = chunk
            .par_iter()
            .zip(groups.par_iter())
            .enumerate()
            .with_min_len(4096)
            .fold(FxHashMap::<(u32, Pattern, u8), u64>::default, |mut m, (i, (&p, &g))| {
                *m.entry((g, p, flag(i))).or_insert(0) += 1;
                m
            })
            .reduce(FxHashMap::default, |mut x, y| {
                for (k, c) in y {
                    *x.entry(k).or_insert(0) += c;
                }
                x
            });
        let mut local: Vec<((u32, Pattern, u8), u64)> = local.into_iter().collect();
        local.sort_unstable();
        for ((g, p, f), c) in local {
            if !self.dict.contains_key(&p) {
                self.dict.insert(p, self.pats.len() as u32);
                self.pats.push(p);
            }
            if count {
                *self.counts.entry((g, p)).or_insert(0) += c;
                for (k, m) in self.name_free.iter_mut().enumerate() {
                    if f & (1 << k) != 0 {
                        *m.entry((g, p)).or_insert(0) += c;
                    }
                }
            }
        }
        if self.pats.len() > 1 << 16 && !self.narrow.is_empty() {
            self.wide =
                std::mem::take(&mut self.narrow).into_iter().map(|v| v.into_iter().map(u32::from).collect()).collect();
        }
        let dict = &self.dict;
        if self.pats.len() <= 1 << 16 {
            self.narrow.push(chunk.par_iter().with_min_len(4096).map(|p| dict[p] as u16).collect());
        } else {
            self.wide.push(chunk.par_iter().with_min_len(4096).map(|p| dict[p]).collect());
        }
    }

    #[inline]
    fn pattern(&self, chunk: usize, i: usize) -> Pattern {
        if self.wide.is_empty() {
            self.pats[self.narrow[chunk][i] as usize]
        } else {
            self.pats[self.wide[chunk][i] as usize]
        }
    }

    /// The counts per (group, pattern), sorted (as `model::train_grouped` takes them).
    fn counts(&self) -> Vec<(u32, Pattern, u64)> {
        sorted_counts(&self.counts)
    }

    /// [`PatternStore::counts`] of the pairs found by rules free of each name part.
    fn name_free_counts(&self) -> [Vec<(u32, Pattern, u64)>; 2] {
        [sorted_counts(&self.name_free[0]), sorted_counts(&self.name_free[1])]
    }
}

/// One line of an explanation waterfall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub field: String,
    pub value_a: String,
    pub value_b: String,
    pub level: String,
    pub m: Option<f64>,
    pub u: Option<f64>,
    /// Bits of evidence (log2 Bayes factor).
    pub weight: f64,
    pub cumulative: f64,
    pub why: String,
}

/// Why two records are (not) the same person, field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub a: RecordKey,
    pub b: RecordKey,
    /// Prior log2 odds that a candidate pair is a match.
    pub prior: f64,
    pub lambda: f64,
    pub steps: Vec<Step>,
    pub total: f64,
    pub probability: f64,
    /// Blocking rules under which the two are a candidate pair (empty: never compared).
    pub blocked_by: Vec<String>,
}

impl Explanation {
    /// A terminal waterfall: one line per field with a bar for its weight.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let k = |r: &RecordKey| format!("{}:{}", r.source, r.source_record_id);
        let _ = writeln!(s, "{}  vs  {}", k(&self.a), k(&self.b));
        let _ = writeln!(s, "{:<22} {:<24} {:<24} {:<18} {:>7} {:>8}  ", "field", "a", "b", "level", "bits", "total");
        let _ = writeln!(s, "{:<22} {:<24} {:<24} {:<18} {:>7.2} {:>8.2}", "prior", "", "", "", self.prior, self.prior);
        for st in &self.steps {
            let bar_len = (st.weight.abs().round() as usize).min(20);
            let bar = if st.weight >= 0.0 { "+".repeat(bar_len) } else { "-".repeat(bar_len) };
            let cut = |v: &str| {
                let v: String = v.chars().take(23).collect();
                v
            };
            let _ = write!(
                s,
                "{:<22} {:<24} {:<24} {:<18} {:>7.2} {:>8.2}  {}",
                st.field,
                cut(&st.value_a),
                cut(&st.value_b),
                st.level,
                st.weight,
                st.cumulative,
                bar
            );
            if !st.why.is_empty() {
                let _ = write!(s, "  ({})", st.why);
            }
            s.push('\n');
        }
        let _ = writeln!(s, "match weight {:.2} bits -> probability {:.4}", self.total, self.probability);
        if self.blocked_by.is_empty() {
            let _ = writeln!(s, "note: no blocking rule pairs these records, so linkage never compares them");
        } else {
            let _ = writeln!(s, "compared under: {}", self.blocked_by.join("; "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::count_patterns;
    use tally_domain::{ParsedFields, PartialDate};

    /// A distribution over `n` states from arbitrary non-negative weights.
    fn dist(w: &[f64]) -> Vec<f64> {
        let t: f64 = w.iter().sum::<f64>().max(1e-12);
        w.iter().map(|x| x / t).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), ..proptest::prelude::ProptestConfig::default() })]
        /// The names' joint for the blocking recall estimate is a distribution with the given
        /// marginals, whatever the dependence asked for: its corner never exceeds either
        /// marginal, and nothing is negative (the corner times the dependence alone gave a
        /// probability of being missed above 1).
        #[test]
        fn the_names_joint_keeps_its_marginals(
            w0 in proptest::collection::vec(0.0f64..1.0, 4),
            w2 in proptest::collection::vec(0.0f64..1.0, 3),
            corner0 in 0.0f64..50.0,
            dep in 1.0f64..20.0,
        ) {
            let mut w0 = w0;
            w0[3] += corner0; // the worst state often dominates (a list without surnames)
            let (d0, d2) = (dist(&w0), dist(&w2));
            let j = name_joint(&d0, &d2, dep);
            let mut total = 0.0;
            for (r, &m0) in d0.iter().enumerate() {
                let row: f64 = (0..3).map(|s| j(r, s)).sum();
                proptest::prop_assert!((row - m0).abs() < 1e-9, "row {r}: {row} vs {m0}");
                total += row;
            }
            for (s, &m2) in d2.iter().enumerate() {
                let col: f64 = (0..4).map(|r| j(r, s)).sum();
                proptest::prop_assert!((col - m2).abs() < 1e-9, "column {s}: {col} vs {m2}");
                for r in 0..4 {
                    proptest::prop_assert!(j(r, s) >= -1e-12, "cell {r},{s}: {}", j(r, s));
                }
            }
            proptest::prop_assert!((total - 1.0).abs() < 1e-9);
            proptest::prop_assert!(j(3, 2) >= d0[3] * d2[2] - 1e-12 && j(3, 2) <= d0[3].min(d2[2]) + 1e-12);
        }
    }

    fn world() -> Vec<Record> {
        let sur = ["Shevchenko", "Shevchenco", "Шевченко", "Kovalenko", "Kovalenka", "Bondar", "Бондар", "Tkachuk"];
        let giv = ["Oleksandr", "Олександр", "Aleksandr", "Serhii", "Sergei", "Petro", "О."];
        (0..400)
            .map(|i: i64| Record {
                id: i,
                key: RecordKey::new(format!("s{}", i % 3), i.to_string()),
                line: 1,
                raw: vec![],
                fields: ParsedFields {
                    surname: Some(sur[(i * 7 % 8) as usize].into()),
                    given_name: (i % 5 != 0).then(|| giv[(i * 3 % 7) as usize].into()),
                    patronymic: (i % 2 == 0).then(|| ["Ivanovych", "Іванович", "Petrovych"][(i % 3) as usize].into()),
                    birth_date: (i % 4 != 0)
                        .then(|| PartialDate::ymd(1980 + (i % 9) as i32, 3, 1 + (i % 5) as u8).unwrap()),
                    ..Default::default()
                },
            })
            .collect()
    }

    /// The streaming pieces give what the whole-vector ones give: training on counted
    /// patterns equals `train` on the patterns, and the per-value tf lookups weigh every pair
    /// to the bit as `Scorer::weight` does.
    #[test]
    fn streaming_pieces_equal_the_plain_ones() {
        let l = Linker::train(&world(), LinkConfig::default()).unwrap();
        let t = &l.table;
        let (pairs, _) = crate::blocking::candidate_pairs(t, &l.cfg.blocking, &l.index);
        assert!(pairs.len() > 1000, "{}", pairs.len());
        let mut cache = NameCache::default();
        let pats = patterns(t, &mut cache, &pairs);
        let nf = NameFreeKeys::new(&l.cfg.blocking, &l.index);
        let flags: Vec<u8> = pairs.iter().map(|&(a, b)| nf.flags(a, b)).collect();
        assert!(flags.contains(&0) && flags.iter().any(|&f| f != 0), "both kinds of pairs");
        let plain = crate::model::train_with_sources(t, &mut NameCache::default(), &pairs, &pats, &flags, &l.cfg.train);
        assert_eq!(plain, l.scorer.params);
        assert!(
            plain.name_free_pairs.iter().any(|&n| n >= crate::model::NAME_FREE_MIN_PAIRS),
            "{:?}",
            plain.name_free_pairs
        );
        let one_group = crate::model::train(t, &mut NameCache::default(), &pats, &l.cfg.train);
        let counted = crate::model::train_counted(t, &mut NameCache::default(), &count_patterns(&pats), &l.cfg.train);
        assert_eq!(counted, one_group);
        let w = Weigher::new(t, &l.scorer);
        for (&(a, b), &p) in pairs.iter().zip(&pats) {
            assert_eq!(w.weight(t, a, b, p).to_bits(), l.scorer.weight(t, a, b, p).to_bits());
        }
        // The kept pairs are those at or above the floor, with those weights.
        let kept: Vec<(Rec, Rec, u64)> = {
            let mut v: Vec<_> = pairs
                .iter()
                .zip(&pats)
                .map(|(&(a, b), &p)| (a, b, l.scorer.weight(t, a, b, p)))
                .filter(|e| probability(e.2) >= l.cfg.review_low)
                .map(|(a, b, w)| (a, b, w.to_bits()))
                .collect();
            v.sort_unstable();
            v
        };
        let mut got: Vec<(Rec, Rec, u64)> = l.pairs.iter().map(|p| (p.a, p.b, p.weight.to_bits())).collect();
        got.sort_unstable();
        assert_eq!(got, kept);
    }
}
