//! Evaluation against a truth mapping (record -> true person): pairwise and B-cubed precision,
//! recall and F1, and calibration of link probabilities on labelled pairs.
//!
//! Pairwise: the predicted pairs are all pairs of records put in one person; a pair is right
//! when the truth also has them as one person. B-cubed (Bagga & Baldwin 1998): for each
//! record, precision is the share of its predicted cluster that truly belongs with it and recall
//! the share of its true cluster that was predicted with it, averaged over records.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::hash::Hash;

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(p: f64, r: f64) -> Prf {
        let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        Prf { precision: p, recall: r, f1 }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Evaluation {
    /// Records present in both the prediction and the truth.
    pub records: u64,
    /// Records of the prediction missing from the truth (not scored).
    pub unlabelled: u64,
    pub predicted_persons: u64,
    pub true_persons: u64,
    pub predicted_pairs: u64,
    pub true_pairs: u64,
    pub correct_pairs: u64,
    pub pairwise: Prf,
    pub bcubed: Prf,
}

fn c2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Evaluate a predicted clustering against the truth. Both map a record to a cluster label;
/// only records in both are scored.
pub fn evaluate<R: Eq + Hash, P: Eq + Hash + Clone, T: Eq + Hash + Clone>(
    predicted: &[(R, P)],
    truth: &FxHashMap<R, T>,
) -> Evaluation {
    let mut ev = Evaluation::default();
    let mut joint: FxHashMap<(P, T), u64> = FxHashMap::default();
    let mut pred: FxHashMap<P, u64> = FxHashMap::default();
    let mut tru: FxHashMap<T, u64> = FxHashMap::default();
    for (r, p) in predicted {
        match truth.get(r) {
            Some(t) => {
                ev.records += 1;
                *joint.entry((p.clone(), t.clone())).or_insert(0) += 1;
                *pred.entry(p.clone()).or_insert(0) += 1;
                *tru.entry(t.clone()).or_insert(0) += 1;
            }
            None => ev.unlabelled += 1,
        }
    }
    ev.predicted_persons = pred.len() as u64;
    ev.true_persons = tru.len() as u64;
    ev.predicted_pairs = pred.values().map(|&n| c2(n)).sum();
    ev.true_pairs = tru.values().map(|&n| c2(n)).sum();
    ev.correct_pairs = joint.values().map(|&n| c2(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    ev.pairwise = Prf::new(ratio(ev.correct_pairs, ev.predicted_pairs), ratio(ev.correct_pairs, ev.true_pairs));
    // B-cubed: sum over records of |pred ∩ truth| / |pred|, i.e. per (p, t) cell n²/|p|.
    let (mut bp, mut br) = (0.0, 0.0);
    for ((p, t), &n) in &joint {
        let n = n as f64;
        bp += n * n / pred[p] as f64;
        br += n * n / tru[t] as f64;
    }
    let total = ev.records.max(1) as f64;
    ev.bcubed = Prf::new(bp / total, br / total);
    ev
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub pairs: u64,
    pub mean_predicted: f64,
    pub observed: f64,
    /// Wilson score 95% interval of the observed match rate (Wilson 1927, JASA 22:209-212):
    /// how far the observed rate of a bin with few pairs may lie from the true one by chance.
    #[serde(default)]
    pub observed_low: f64,
    #[serde(default)]
    pub observed_high: f64,
}

/// Calibration by deciles of predicted probability on labelled pairs (probability, is match).
pub fn calibration(pairs: &[(f64, bool)], bins: usize) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut acc = vec![(0u64, 0.0f64, 0u64); bins];
    for &(p, y) in pairs {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += p;
        acc[b].2 += u64::from(y);
    }
    acc.iter()
        .enumerate()
        .map(|(i, &(n, s, y))| CalibrationBin {
            from: i as f64 / bins as f64,
            to: (i + 1) as f64 / bins as f64,
            pairs: n,
            mean_predicted: if n == 0 { 0.0 } else { s / n as f64 },
            observed: if n == 0 { 0.0 } else { y as f64 / n as f64 },
            observed_low: wilson(y, n).0,
            observed_high: wilson(y, n).1,
        })
        .collect()
}

/// Where a pair stands in the roll, which pairwise scoring does not see: its two records
/// already in one person through other links; in two persons, one of which already holds
/// another record of the other record's list (a list names a person about once, so the pair is
/// then rarely a match); or in two persons, neither of which does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairContext {
    OnePerson,
    /// Two persons, a record of each that can never be one person (the chaining guard's hard
    /// conflicts): the merge the pair asks for is one the roll refuses. Before `ListHeld`.
    Conflict,
    ListHeld,
    Apart,
}

impl PairContext {
    pub const ALL: [PairContext; 4] =
        [PairContext::OnePerson, PairContext::Conflict, PairContext::ListHeld, PairContext::Apart];

    pub fn describe(self) -> &'static str {
        match self {
            PairContext::OnePerson => "one person through other links",
            PairContext::Conflict => "two persons holding records that cannot be one",
            PairContext::ListHeld => "two persons, one already has a record of the other's list",
            PairContext::Apart => "two persons, neither has one",
        }
    }
}

/// Calibration of one context's labelled pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextCalibration {
    pub context: PairContext,
    pub pairs: u64,
    pub mean_predicted: f64,
    pub observed: f64,
    /// Wilson score 95% interval of the observed rate (see [`CalibrationBin`]).
    pub observed_low: f64,
    pub observed_high: f64,
}

/// Calibration per [`PairContext`] of the labelled pairs (probability, is match, context) whose
/// probability lies in `[from, to)`: the grey zone, where the contexts part most.
pub fn calibration_by_context(pairs: &[(f64, bool, PairContext)], from: f64, to: f64) -> Vec<ContextCalibration> {
    PairContext::ALL
        .iter()
        .map(|&c| {
            let (mut n, mut s, mut y) = (0u64, 0.0, 0u64);
            for &(p, m, _) in pairs.iter().filter(|x| x.2 == c && x.0 >= from && x.0 < to) {
                n += 1;
                s += p;
                y += u64::from(m);
            }
            let (observed_low, observed_high) = wilson(y, n);
            ContextCalibration {
                context: c,
                pairs: n,
                mean_predicted: if n == 0 { 0.0 } else { s / n as f64 },
                observed: if n == 0 { 0.0 } else { y as f64 / n as f64 },
                observed_low,
                observed_high,
            }
        })
        .collect()
}

/// Wilson score 95% interval for `y` successes in `n` trials; (0, 1) when `n` is 0.
pub fn wilson(y: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (n, p) = (n as f64, y as f64 / n as f64);
    let z2n = Z * Z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = Z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Largest gap between mean predicted probability and observed match rate over the bins with
/// at least `min_pairs` pairs (0 when there are none). With about 70 pairs a bin (a 100,000
/// record world) the observed rate alone has a standard deviation near 0.06, so a gap is only
/// telling over bins of some hundreds of pairs.
pub fn max_calibration_gap(bins: &[CalibrationBin], min_pairs: u64) -> f64 {
    bins.iter().filter(|b| b.pairs >= min_pairs).map(|b| (b.mean_predicted - b.observed).abs()).fold(0.0, f64::max)
}

/// Label-free error estimates from the model's own probabilities (as fastLink reports them):
/// expected false links among pairs at or above the threshold, and expected matches left
/// below it, among candidate pairs. Missed-by-blocking matches are added by the caller from
/// the blocking recall estimate.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorEstimate {
    pub threshold: f64,
    pub links: u64,
    pub expected_false_links: f64,
    pub false_link_rate: f64,
    pub expected_matches: f64,
    pub expected_missed: f64,
    pub missed_link_rate: f64,
}

pub fn error_estimate(probs: impl Iterator<Item = f64>, threshold: f64) -> ErrorEstimate {
    let mut e = ErrorEstimate { threshold, ..Default::default() };
    for p in probs {
        e.expected_matches += p;
        if p >= threshold {
            e.links += 1;
            e.expected_false_links += 1.0 - p;
        } else {
            e.expected_missed += p;
        }
    }
    e.false_link_rate = if e.links == 0 { 0.0 } else { e.expected_false_links / e.links as f64 };
    e.missed_link_rate = if e.expected_matches == 0.0 { 0.0 } else { e.expected_missed / e.expected_matches };
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_the_published_example() {
        // Newcombe (1998, Statistics in Medicine 17:857-872), Table I: 81 of 263 gives the
        // Wilson interval 0.2553 to 0.3662; 15 of 148 gives 0.0624 to 0.1605.
        let (lo, hi) = wilson(81, 263);
        assert!((lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4, "{lo} {hi}");
        let (lo, hi) = wilson(15, 148);
        assert!((lo - 0.0624).abs() < 5e-4 && (hi - 0.1605).abs() < 5e-4, "{lo} {hi}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
        let (lo, hi) = wilson(0, 10);
        assert!(lo == 0.0 && hi > 0.2 && hi < 0.35);
    }

    #[test]
    fn gap_over_large_bins_ignores_small_ones() {
        let mut pairs = vec![(0.95, true); 600];
        pairs.extend([(0.55, false); 10]);
        let bins = calibration(&pairs, 10);
        assert!((max_calibration_gap(&bins, 1) - 0.55).abs() < 1e-9);
        assert!((max_calibration_gap(&bins, 500) - 0.05).abs() < 1e-9);
        assert_eq!(max_calibration_gap(&bins, 1000), 0.0);
        let b = &bins[9];
        assert!(b.observed_low < 1.0 && b.observed_high == 1.0);
    }
}
