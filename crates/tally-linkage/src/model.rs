//! The Fellegi-Sunter model: u-probabilities from seeded random pairs, m-probabilities and the
//! prior by EM on counted comparison patterns (as fastLink does), term-frequency adjustment for
//! names (a match on Шевченко is worth less than on a rare surname), and the trained parameters,
//! saved with the seed and a hash of the input so a run can be reproduced.
//!
//! Conditional independence is relaxed where it fails worst: namesakes share patronymic, place,
//! unit and sex far more often than random pairs, so those fields take u given the pair's name
//! class, estimated from namesakes whose birth dates are years apart
//! ([`estimate_u_given_names`]); without it, pairs resting on names and place came out
//! over-confident.

use crate::close::{group_and_log_k, CloseTells, PooledTells};
use crate::compare::{patterns, NameCache};
use crate::levels::{level, CmpField, NameLevel, Pattern, BIRTH_SAME_MONTH, NF};
use crate::table::{fnv64, Rec, Table};
use rand::{Rng, SeedableRng};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the parameter format. Version 2 added [`Params::u_given_names`], version 3
/// [`Params::source_tf`], version 4 [`Params::source_tf_shape`] and
/// [`Params::close_surname_counts`] (and two spellings of one name take the commoner's
/// frequency), version 5 [`Params::u_place_given_unit`] and [`Params::u_death_given_unit`],
/// version 6 the birth date's "same_month" level, version 7 [`Params::close_tells`]; parameters
/// of versions 1 to 6 still load and score as they did ([`Params::upgraded`]).
pub const PARAMS_VERSION: u32 = 7;

/// Oldest parameter version this crate still scores exactly as it was scored when saved.
pub const PARAMS_VERSION_MIN: u32 = 1;

/// Trained parameters. `m[f][l]` and `u[f][l]` are probabilities of level `l` of field `f`
/// among matches and non-matches (level 0, missing, is not used).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub version: u32,
    pub seed: u64,
    /// SHA-256 over the canonical rendering of the records trained on.
    pub input_hash: String,
    pub n_records: usize,
    pub n_candidate_pairs: u64,
    pub n_random_pairs: u64,
    /// Prior probability that two random records are a match (from EM's match share among
    /// the candidate pairs, times their number, over all pairs).
    pub lambda: f64,
    /// Share of candidate pairs that EM takes for matches.
    pub candidate_match_share: f64,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub em_iterations: u32,
    pub em_converged: bool,
    /// Term frequencies for the surname and given-name keys: (key hash, count), sorted.
    pub tf: [Vec<(u64, u32)>; 2],
    pub tf_total: u64,
    /// The prior per pair of sources (EM's match share among that pair's candidates, times
    /// their number, over all pairs of their records), sorted by source names. Pairs of
    /// sources not listed (new sources) use `lambda`.
    #[serde(default)]
    pub source_priors: Vec<SourcePrior>,
    /// u-probabilities given the pair's name class ([`name_class`]): `[class][field][level]`,
    /// class 0 (neither surname nor given name agrees) equal to `u`. Empty in version-1
    /// parameters: then every class scores with `u`. See [`estimate_u_given_names`].
    #[serde(default)]
    pub u_given_names: Vec<Vec<Vec<f64>>>,
    /// Namesake pairs (birth years far apart) behind each class's conditional u.
    #[serde(default)]
    pub namesake_pairs: Vec<u64>,
    /// From version 5: u of the place level given that the unit agrees, from strangers of one
    /// unit ([`estimate_u_given_unit`]); empty before.
    #[serde(default)]
    pub u_place_given_unit: Vec<f64>,
    /// From version 5: u of the death-date level given that the unit agrees, by place level
    /// (row 0: place missing on a side, the death date given the unit alone).
    #[serde(default)]
    pub u_death_given_unit: Vec<Vec<f64>>,
    /// Strangers of one unit behind the two.
    #[serde(default)]
    pub comrade_pairs: u64,
    /// Term frequencies per source, sorted by source name (see [`Scorer::tf_pair`]). Empty
    /// before version 3: then every pair uses `tf`, as do records of sources not listed.
    #[serde(default)]
    pub source_tf: Vec<SourceTf>,
    /// How much a name's frequency varies from source to source, per part (surname, given
    /// name): the shape of a gamma law around the roll-wide frequency, estimated by
    /// [`source_tf_shape`]. Small: lists draw on different peoples. Empty before version 4:
    /// then a source's frequencies are shrunk by a fixed 1,000 pseudo-records.
    #[serde(default)]
    pub source_tf_shape: Vec<f64>,
    /// For the random pairs (of the u sample) whose surnames are close but not equal: the roll's
    /// count of the commoner of the two spellings, sorted. They centre the adjustment of close
    /// surnames ([`Scorer::close_adjust`]). Empty before version 4: then close surnames score
    /// with their level's weight alone.
    #[serde(default)]
    pub close_surname_counts: Vec<u32>,
    /// Candidate pairs the surname's and the given name's m were fitted on, from blocking rules
    /// not keyed on that part ([`train_grouped`]); 0 (or empty, in parameters from before
    /// 2026-11-29) where the part's m comes from the fit on all candidates. Scoring does not
    /// read it.
    #[serde(default)]
    pub name_free_pairs: Vec<u64>,
    /// From version 7: per pair of sources, the split of close surnames by the count of the
    /// spelling that tells ([`crate::close`]), fitted after a first scoring pass. Empty (a
    /// small roll, or older parameters): close surnames score with their level's weight and
    /// the adjustment of [`Params::close_surname_counts`].
    #[serde(default)]
    pub close_tells: Vec<CloseTells>,
    /// The same pooled over every pair of sources, for pairs of sources not listed.
    #[serde(default)]
    pub close_pooled: Option<PooledTells>,
}

impl Params {
    /// Parameters of versions before 6, which had no birth-date level "same_month", with that
    /// level inserted before "different" at "different"'s m and u, so that such a pair scores
    /// as it did when they were saved. (The shares over levels then no longer sum to one; only
    /// the ratios are read.) Parameters that have the level are returned as they are.
    pub fn upgraded(mut self) -> Params {
        let f = CmpField::BirthDate.index();
        let n = CmpField::BirthDate.n_levels();
        let widen = |v: &mut Vec<f64>| {
            if v.len() + 1 == n {
                let different = *v.last().expect("a level");
                v.insert(n - 2, different);
            }
        };
        if let Some(m) = self.m.get_mut(f) {
            widen(m);
        }
        if let Some(u) = self.u.get_mut(f) {
            widen(u);
        }
        for class in &mut self.u_given_names {
            if let Some(u) = class.get_mut(f) {
                widen(u);
            }
        }
        self
    }
}

/// The term frequencies of one source's surname and given-name keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceTf {
    pub source: String,
    /// Records of the source (the denominator of its frequencies).
    pub records: u64,
    /// (key hash, count), sorted, for the surname and the given name.
    pub tf: [Vec<(u64, u32)>; 2],
}

/// The prior of one pair of sources (`a` <= `b`; `a == b` for pairs within one source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourcePrior {
    pub a: String,
    pub b: String,
    pub candidate_pairs: u64,
    pub expected_matches: f64,
    pub prior: f64,
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub seed: u64,
    /// Random pairs drawn for the u-probabilities.
    pub u_pairs: usize,
    pub em_max_iter: u32,
    pub em_tolerance: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { seed: 42, u_pairs: 200_000, em_max_iter: 200, em_tolerance: 1e-7 }
    }
}

/// Starting m-probabilities (when no candidate pattern anchors EM), and the reference m of EM's
/// weak prior ([`EM_REFERENCE_PAIRS`]): agreement likely among matches, with room for slips.
fn initial_m(f: CmpField) -> Vec<f64> {
    match f {
        CmpField::Surname | CmpField::GivenName | CmpField::Patronymic => vec![0.0, 0.6, 0.2, 0.1, 0.05, 0.05],
        CmpField::BirthDate => vec![0.0, 0.6, 0.2, 0.05, 0.1, 0.02, 0.03],
        CmpField::DeathDate => vec![0.0, 0.5, 0.25, 0.15, 0.1],
        CmpField::Place => vec![0.0, 0.5, 0.2, 0.2, 0.1],
        CmpField::Rank => vec![0.0, 0.85, 0.1, 0.05],
        CmpField::Unit | CmpField::Sex => vec![0.0, 0.9, 0.1],
    }
}

/// Normalise counts over levels 1.. with a pseudo-count, so no level gets probability 0
/// (a zero would make one field veto any pair).
fn normalise(counts: &[f64], pseudo: f64) -> Vec<f64> {
    let total: f64 = counts[1..].iter().map(|c| c + pseudo).sum();
    let mut out = vec![0.0; counts.len()];
    for l in 1..counts.len() {
        out[l] = (counts[l] + pseudo) / total;
    }
    out
}

/// u-probabilities of a reference roll, by field and level (level 0 unused): the random pairs of
/// the synthetic 100,000-record cross-script world (`tally synth --records 100000 --script mixed
/// --seed 1`), rounded. A weak prior for u ([`U_REFERENCE_PAIRS`]) and for EM's candidate
/// non-matches: a roll of a few records has too few pairs to say how rarely strangers share a
/// birth date, and its "random" pairs are largely its matches.
const REFERENCE_U: [&[f64]; NF] = [
    &[0.0, 1.5e-4, 1.2e-4, 1.1e-3, 1e-5, 0.9986],
    &[0.0, 0.010, 0.016, 0.0009, 0.006, 0.966],
    &[0.0, 0.017, 0.011, 0.0013, 0.0055, 0.965],
    &[0.0, 5e-5, 0.024, 3e-5, 0.043, 0.0005, 0.932],
    &[0.0, 5e-4, 0.011, 0.061, 0.927],
    &[0.0, 0.0037, 0.00076, 0.018, 0.977],
    &[0.0, 0.024, 0.976],
    &[0.0, 0.19, 0.22, 0.59],
    &[0.0, 0.93, 0.07],
];

/// Pseudo random pairs at [`REFERENCE_U`] added to the random pairs' level counts. Against the
/// 200,000 pairs a roll of a thousand records or more gives, it weighs 0.1%; in a roll of eight
/// records (28 pairs, four of them matches) it keeps agreement as rare as among strangers.
const U_REFERENCE_PAIRS: f64 = 200.0;

/// Pseudo-matches at [`initial_m`] added to EM's expected match counts, and pseudo candidate
/// non-matches at [`REFERENCE_U`] added to its candidate non-match counts: with four candidate
/// pairs the two-class mixture is not identified, and EM had put every candidate, however well it
/// agreed, among the non-matches (the prior came out at 2^-31). Against the thousands of expected
/// matches of any roll worth the name, twenty weigh nothing.
const EM_REFERENCE_PAIRS: f64 = 20.0;

/// `counts` normalised over levels 1.. with a pseudo-count per level and `weight` pseudo-counts
/// spread as `reference` is (renormalised over levels 1..).
fn with_reference(counts: &[f64], pseudo: f64, reference: &[f64], weight: f64) -> Vec<f64> {
    let rsum: f64 = reference[1..].iter().sum();
    let total: f64 = counts[1..].iter().map(|c| c + pseudo).sum::<f64>() + weight;
    let mut out = vec![0.0; counts.len()];
    for l in 1..counts.len() {
        out[l] = (counts[l] + pseudo + weight * reference[l] / rsum) / total;
    }
    out
}

/// Upper bounds on the m-probability of the "different" level of fields a person keeps for life:
/// a birth date and a patronymic. Among the records of one person, a birth date that is neither
/// the same, compatible (year-only against a day), a day/month swap nor near (off by a year or a
/// digit), or a patronymic that is neither the same, an equivalent form nor close, is a clerical
/// error, and lists make such errors in a few records in a hundred, not in most. Without the
/// bound, EM on a roll of dense namesakes can settle on the mode where "match" means "same
/// name": the core bench's world at 1M (50 given names, patronymics from the same 50, Zipf
/// surnames) trained m(birth date different) = 0.69 (−0.4 bits), and 34% of its links at
/// 0.95-0.99 were namesakes. The `tally synth` worlds train 0.001 and 0.0000, far below it.
/// Death dates are not bounded: lists date a death differently often enough (the day a person went
/// missing against the day the death was established), and a bound of 0.2 made the bench world
/// worse (precision 0.9914 to 0.9857).
pub const M_DIFFERENT_MAX: [(CmpField, f64); 2] = [(CmpField::Patronymic, 0.05), (CmpField::BirthDate, 0.05)];

/// Hold `m` to [`M_DIFFERENT_MAX`]: mass above the bound moves to the field's other observed
/// levels in proportion to their own.
pub fn bound_different(m: &mut [Vec<f64>]) {
    for &(field, cap) in &M_DIFFERENT_MAX {
        let v = &mut m[field as usize];
        let last = v.len() - 1;
        let total: f64 = v[1..].iter().sum();
        let excess = v[last] - cap * total;
        if excess <= 0.0 {
            continue;
        }
        let rest: f64 = v[1..last].iter().sum();
        v[last] -= excess;
        for x in &mut v[1..last] {
            *x += if rest > 0.0 { excess * *x / rest } else { excess / (last - 1) as f64 };
        }
    }
}

/// Pseudo-count per level added to EM's expected match counts: the posterior mean under the
/// Jeffreys prior, Dirichlet(1/2, ..., 1/2) (Jeffreys 1946, Proc. R. Soc. A 186:453-461). A
/// level never seen among the expected matches then gets m of about 0.5 / (expected matches),
/// a veto that weakens as the evidence for it thins (-20 bits at 500,000 matches, -12 at
/// 2,500), where a pseudo-count of 1e-3 gave about 1e-9 whatever the size: a -28-bit veto that
/// a single clerical slip in a unit code could not overcome however much else agreed.
const M_PSEUDO: f64 = 0.5;

/// Name levels whose Bayes factors are tied: "exact" (the same string) and "equivalent" (the same
/// name in another script, standard or Ukrainian/Russian form) say the same about identity; which
/// of the two a pair gets says whether its records share a script. That is shared by the surname,
/// given name and patronymic of a pair, so with separate factors conditional independence fails:
/// a cross-script match has every name "equivalent" at once, and the product of per-field m's
/// (0.6 x 0.6) understates how often that happens among matches (0.6), biasing cross-script
/// pairs towards non-match. Tying the two levels (one ratio (m1+m2)/(u1+u2) for both, the mass
/// split between them in proportion to u) removes the script from the evidence.
pub const TIED: [usize; 2] = [1, 2];

/// Tie the "exact" and "equivalent" levels of the name fields (see [`TIED`]), keeping the sum
/// of m over the two.
pub fn tie_name_levels(m: &mut [Vec<f64>], u: &[Vec<f64>]) {
    for f in 0..3 {
        let (a, b) = (TIED[0], TIED[1]);
        let (ms, us) = (m[f][a] + m[f][b], u[f][a] + u[f][b]);
        if us > 0.0 {
            m[f][a] = ms * u[f][a] / us;
            m[f][b] = ms * u[f][b] / us;
        }
    }
}

/// Hash of the input: records in canonical order with every field linkage reads.
pub fn input_hash(t: &Table) -> String {
    let mut h = Sha256::new();
    for i in t.canonical_order() {
        let k = &t.keys[i as usize];
        h.update(k.source.as_bytes());
        h.update([0]);
        h.update(k.source_record_id.as_bytes());
        h.update([0]);
        for part in 0..3 {
            h.update(t.name_value(part, i).as_bytes());
            h.update([0]);
        }
        let (b, d) = (&t.birth[i as usize], &t.death[i as usize]);
        for x in [b.lo, b.hi, d.lo, d.hi, i32::from(b.present), i32::from(d.present)] {
            h.update(x.to_le_bytes());
        }
        for (dict, id) in [
            (&t.places, t.settlement[i as usize]),
            (&t.places, t.region[i as usize]),
            (&t.codes, t.unit[i as usize]),
            (&t.ranks, t.rank[i as usize]),
        ] {
            h.update(t.str_value(dict, id).as_bytes());
            h.update([0]);
        }
        h.update([t.sex[i as usize]]);
    }
    hex::encode(h.finalize())
}

/// Count patterns.
pub fn count_patterns(pats: &[Pattern]) -> Vec<(Pattern, u64)> {
    let mut m: FxHashMap<Pattern, u64> = FxHashMap::default();
    for &p in pats {
        *m.entry(p).or_insert(0) += 1;
    }
    let mut v: Vec<(Pattern, u64)> = m.into_iter().collect();
    v.sort_unstable();
    v
}

/// u-probabilities from `n` random pairs drawn with a seeded generator over the records in
/// canonical order (so the draw does not depend on input order).
pub fn estimate_u(t: &Table, cache: &mut NameCache, n: usize, seed: u64) -> (Vec<Vec<f64>>, u64) {
    let (u, n, _) = estimate_u_close(t, cache, n, seed);
    (u, n)
}

/// [`estimate_u`], and the random pairs whose surnames are close (level "close").
pub fn estimate_u_close(
    t: &Table,
    cache: &mut NameCache,
    n: usize,
    seed: u64,
) -> (Vec<Vec<f64>>, u64, Vec<(Rec, Rec)>) {
    let order = t.canonical_order();
    let len = order.len() as u64;
    let mut pairs: Vec<(Rec, Rec)> = Vec::new();
    if len >= 2 {
        let all = len * (len - 1) / 2;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        if all <= n as u64 {
            for a in 0..order.len() {
                for b in a + 1..order.len() {
                    pairs.push((order[a], order[b]));
                }
            }
        } else {
            while pairs.len() < n {
                let a = rng.gen_range(0..len) as usize;
                let b = rng.gen_range(0..len) as usize;
                if a != b {
                    pairs.push((order[a], order[b]));
                }
            }
        }
    }
    let pats = patterns(t, cache, &pairs);
    let mut counts: Vec<Vec<f64>> = CmpField::ALL.iter().map(|f| vec![0.0; f.n_levels()]).collect();
    for &p in &pats {
        for (f, c) in counts.iter_mut().enumerate() {
            c[level(p, f) as usize] += 1.0;
        }
    }
    let u = counts.iter().zip(REFERENCE_U).map(|(c, r)| with_reference(c, 0.5, r, U_REFERENCE_PAIRS)).collect();
    let close = pairs.iter().zip(&pats).filter(|(_, &p)| level(p, 0) == CLOSE).map(|(&ab, _)| ab).collect();
    (u, pairs.len() as u64, close)
}

/// The surname level whose weight [`Scorer::close_adjust`] adjusts.
pub const CLOSE: u8 = NameLevel::Close as u8;

/// The roll's count of a name key in part `k` (0 if the roll does not hold it).
fn roll_count(tf: &[Vec<(u64, u32)>; 2], k: usize, h: u64) -> u32 {
    tf[k].binary_search_by_key(&h, |x| x.0).map_or(0, |i| tf[k][i].1)
}

/// Number of name classes ([`name_class`]).
pub const NAME_CLASSES: usize = 4;

/// The name class of a pattern: bit 0 set when the surnames agree (exact or equivalent), bit 1
/// when the given names do. A pair's u-probabilities for the fields in [`CONDITIONED`] depend on
/// it (see [`estimate_u_given_names`]).
#[inline]
pub fn name_class(p: Pattern) -> usize {
    usize::from(TIED.contains(&(level(p, 0) as usize))) | usize::from(TIED.contains(&(level(p, 1) as usize))) << 1
}

/// Fields whose u-probabilities are taken given the name class. Not the surname and given
/// name (they define the class) and not the birth date (it picks the namesakes).
pub const CONDITIONED: [CmpField; 6] =
    [CmpField::Patronymic, CmpField::DeathDate, CmpField::Place, CmpField::Unit, CmpField::Rank, CmpField::Sex];

/// Birth dates whose spans lie more than this many days apart (five years) mark two namesakes
/// as different persons: no list slips a birth year by five.
const NAMESAKE_BIRTH_GAP_DAYS: i32 = 5 * 365;

/// Pseudo-pairs, at the random-pair u, added to each class's namesake counts: a class with few
/// namesakes keeps about the random-pair u.
const NAMESAKE_SHRINK: f64 = 200.0;

/// The namesakes [`estimate_u_given_names`] learns from: about `n` pairs of records sharing a
/// surname key (half the draws) or a given-name key (the other half), drawn uniformly over such
/// pairs with a seeded generator, kept when their birth dates lie more than five years apart.
pub fn namesake_pairs(t: &Table, n: usize, seed: u64) -> Vec<(Rec, Rec)> {
    let order = t.canonical_order();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x6e61_6d65_7361_6b65);
    let far = |a: Rec, b: Rec| {
        let (x, y) = (&t.birth[a as usize], &t.birth[b as usize]);
        x.present && y.present && (x.lo - y.hi).max(y.lo - x.hi) > NAMESAKE_BIRTH_GAP_DAYS
    };
    let mut pairs: Vec<(Rec, Rec)> = Vec::new();
    for k in 0..2 {
        // Records with a birth date by name key ([`draw_within_groups`]).
        let mut keyed: Vec<(u64, Rec)> = order
            .iter()
            .map(|&i| (t.name_tf_key(k, i), i))
            .filter(|&(h, i)| h != 0 && t.birth[i as usize].present)
            .collect();
        draw_within_groups(&mut keyed, n / 2, &mut rng, far, &mut pairs);
    }
    pairs
}

/// u-probabilities given the name class, from namesakes rather than random pairs.
///
/// Fellegi-Sunter multiplies per-field Bayes factors, assuming the fields independent given
/// match status. Among non-matches they are not: people who share a surname (brothers, cousins,
/// a village's families) share a patronymic, region, settlement and often a unit far more than
/// random pairs do, so a namesake's agreement on region is weaker evidence than the random-pair
/// u says, and pairs with agreeing names and little else came out over-confident. By the chain
/// rule, P(fields | non-match) = P(names | non-match) x P(rest | names, non-match): the names
/// keep their random-pair u (with term frequencies), and the rest take u given the name class.
/// Thibaudeau (1993, Survey Methodology 19:3-14) and Winkler (1993, ASA Proc. Survey Research
/// Methods) model such dependence among non-matches with log-linear interaction terms; here the
/// interaction is with the name class alone, estimated without labels.
///
/// The namesakes: pairs of records sharing a surname key (or a given-name key), drawn uniformly
/// over such pairs with a seeded generator, whose birth dates lie more than five years apart
/// (non-matches by a field that is not conditioned, independent of place and service). Their
/// level counts per class, shrunk towards the random-pair u by 200 pseudo-pairs,
/// give the class's u. Returns `[class][field][level]` (class 0 equal to `u`) and the
/// namesakes counted per class.
pub fn estimate_u_given_names(
    t: &Table,
    cache: &mut NameCache,
    u: &[Vec<f64>],
    n: usize,
    seed: u64,
) -> (Vec<Vec<Vec<f64>>>, Vec<u64>) {
    let pairs = namesake_pairs(t, n, seed);
    let pats = patterns(t, cache, &pairs);
    let mut counts: Vec<Vec<Vec<f64>>> =
        vec![CmpField::ALL.iter().map(|f| vec![0.0; f.n_levels()]).collect(); NAME_CLASSES];
    let mut n_class = vec![0u64; NAME_CLASSES];
    for &p in &pats {
        let c = name_class(p);
        n_class[c] += 1;
        for f in CONDITIONED {
            counts[c][f.index()][level(p, f.index()) as usize] += 1.0;
        }
    }
    let mut out = vec![u.to_vec(); NAME_CLASSES];
    for c in 1..NAME_CLASSES {
        for f in CONDITIONED {
            let (f, k) = (f.index(), &counts[c][f.index()]);
            let present: f64 = k[1..].iter().sum();
            for l in 1..k.len() {
                out[c][f][l] = (k[l] + NAMESAKE_SHRINK * u[f][l]) / (present + NAMESAKE_SHRINK);
            }
        }
    }
    (out, n_class)
}

/// Pairs of strangers who served in one unit: about `n` pairs of records sharing a unit key,
/// drawn uniformly over such pairs with a seeded generator (records in canonical order), kept
/// when both have surnames and their surname keys differ, and their given-name keys differ or
/// one is missing (so that they are almost never one person).
pub fn comrade_pairs(t: &Table, n: usize, seed: u64) -> Vec<(Rec, Rec)> {
    let order = t.canonical_order();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x636f_6d72_6164_6573);
    let strangers = |a: Rec, b: Rec| {
        let (sa, sb) = (t.name_tf_key(0, a), t.name_tf_key(0, b));
        let (ga, gb) = (t.name_tf_key(1, a), t.name_tf_key(1, b));
        sa != 0 && sb != 0 && sa != sb && (ga == 0 || gb == 0 || ga != gb)
    };
    let mut keyed: Vec<(u64, Rec)> =
        order.iter().map(|&i| (t.code_key(t.unit[i as usize]), i)).filter(|&(h, _)| h != 0).collect();
    let mut pairs = Vec::new();
    draw_within_groups(&mut keyed, n, &mut rng, strangers, &mut pairs);
    pairs
}

/// `draws` pairs of records that share a key, uniform over all such pairs: `keyed` holds
/// (key, record) with records in canonical order (so the draw does not depend on input order);
/// sorted by key (stably), its runs of one key are the groups. A pair is drawn by its rank among
/// all pairs, then its two members within the group. Those `keep` accepts go to `out`. A sorted
/// vector of (key, record) holds a million records in 16 MB, where a map of vectors took 50.
fn draw_within_groups(
    keyed: &mut [(u64, Rec)],
    draws: usize,
    rng: &mut rand_chacha::ChaCha8Rng,
    keep: impl Fn(Rec, Rec) -> bool,
    out: &mut Vec<(Rec, Rec)>,
) {
    keyed.sort_by_key(|x| x.0);
    let groups: Vec<&[(u64, Rec)]> = keyed.chunk_by(|x, y| x.0 == y.0).filter(|g| g.len() >= 2).collect();
    let mut cum: Vec<u64> = Vec::with_capacity(groups.len());
    let mut total = 0u64;
    for g in &groups {
        let m = g.len() as u64;
        total += m * (m - 1) / 2;
        cum.push(total);
    }
    if total == 0 {
        return;
    }
    for _ in 0..draws {
        let r = rng.gen_range(0..total);
        let g = groups[cum.partition_point(|&c| c <= r)];
        let x = rng.gen_range(0..g.len());
        let y = rng.gen_range(0..g.len() - 1);
        let (a, b) = (g[x].1, g[if y >= x { y + 1 } else { y }].1);
        if keep(a, b) {
            out.push((a, b));
        }
    }
}

/// Death date and place given that the unit agrees, from strangers of one unit.
///
/// Men of one unit fall together: strangers who served in one unit share a region and a death
/// date far more often than strangers at large, so with conditional independence the unit,
/// the region and the day each counted in full, and grey pairs of one unit, region and day of
/// death came out over-confident (1M latin world: 0.55 predicted, 0.37 observed; mixed 0.56,
/// 0.33), while pairs of one unit and nearly one day but different places were under-confident
/// (0.73, 0.83), the place's disagreement being stronger evidence among comrades than among
/// strangers at large. By the chain rule, P(unit, place, death | non-match) = P(unit) x
/// P(place | unit) x P(death | unit, place): the unit keeps its u, and place and death date take
/// u given the unit from [`comrade_pairs`], the death date by place level. Each is shrunk
/// towards the random-pair u by NAMESAKE_SHRINK pseudo-pairs. Returns (place | unit,
/// death | unit and place level, pairs); empty when no unit is shared.
pub fn estimate_u_given_unit(
    t: &Table,
    cache: &mut NameCache,
    u: &[Vec<f64>],
    n: usize,
    seed: u64,
) -> (Vec<f64>, Vec<Vec<f64>>, u64) {
    let pairs = comrade_pairs(t, n, seed);
    if pairs.is_empty() {
        return (Vec::new(), Vec::new(), 0);
    }
    let pats = patterns(t, cache, &pairs);
    let (place, death) = (CmpField::Place.index(), CmpField::DeathDate.index());
    let (np, nd) = (CmpField::Place.n_levels(), CmpField::DeathDate.n_levels());
    let mut pc = vec![0.0; np];
    let mut dc = vec![vec![0.0; nd]; np];
    for &p in &pats {
        let (pl, dl) = (level(p, place) as usize, level(p, death) as usize);
        pc[pl] += 1.0;
        dc[pl][dl] += 1.0;
        if pl > 0 {
            // Row 0 also holds the death date given the unit alone, over every comrade pair.
            dc[0][dl] += 1.0;
        }
    }
    let shrink = |c: &[f64], r: &[f64]| -> Vec<f64> {
        let present: f64 = c[1..].iter().sum();
        (0..c.len())
            .map(|l| if l == 0 { 0.0 } else { (c[l] + NAMESAKE_SHRINK * r[l]) / (present + NAMESAKE_SHRINK) })
            .collect()
    };
    let u_place = shrink(&pc, &u[place]);
    let d0 = shrink(&dc[0], &u[death]);
    let mut u_death = vec![d0.clone()];
    for row in &dc[1..] {
        u_death.push(shrink(row, &d0));
    }
    (u_place, u_death, pairs.len() as u64)
}

/// Term frequencies of surname and given-name keys per source, in the order of the sources'
/// names.
fn term_frequencies_by_source(t: &Table) -> Vec<SourceTf> {
    let ns = t.sources.len();
    let mut maps: Vec<[FxHashMap<u64, u32>; 2]> = (0..ns).map(|_| Default::default()).collect();
    let mut records = vec![0u64; ns];
    for i in 0..t.len() as Rec {
        let s = t.source[i as usize] as usize;
        records[s] += 1;
        for (k, m) in maps[s].iter_mut().enumerate() {
            let h = t.name_tf_key(k, i);
            if h != 0 {
                *m.entry(h).or_insert(0) += 1;
            }
        }
    }
    let mut out: Vec<SourceTf> = maps
        .into_iter()
        .enumerate()
        .map(|(s, m)| SourceTf {
            source: t.sources[s].to_string(),
            records: records[s],
            tf: m.map(|m| {
                let mut v: Vec<(u64, u32)> = m.into_iter().collect();
                v.sort_unstable();
                v
            }),
        })
        .collect();
    out.sort_by(|a, b| a.source.cmp(&b.source));
    out
}

/// Term frequencies of surname and given-name keys over the whole roll: the sources' counts
/// summed (the records are counted once, by source).
fn term_frequencies(by_source: &[SourceTf]) -> ([Vec<(u64, u32)>; 2], u64) {
    let out = [0, 1].map(|k| {
        let mut m: FxHashMap<u64, u32> = FxHashMap::default();
        for st in by_source {
            for &(h, c) in &st.tf[k] {
                *m.entry(h).or_insert(0) += c;
            }
        }
        let mut v: Vec<(u64, u32)> = m.into_iter().collect();
        v.sort_unstable();
        v
    });
    (out, by_source.iter().map(|s| s.records).sum())
}

/// Names seen at least this often in the roll inform [`source_tf_shape`]: rarer ones say more
/// about sampling than about how peoples differ.
const SHAPE_MIN_COUNT: u32 = 10;

/// The bounds of [`source_tf_shape`]: below, one list's name would say nothing of another's;
/// above, the sources' frequencies are the roll's.
const SHAPE_RANGE: (f64, f64) = (0.05, 1e6);

/// The shape α, per part (surname, given name), of a gamma law of a name's frequency in a source
/// around its frequency in the rest of the roll, by the method of moments.
///
/// A source's count of a name is Poisson with mean n_s f_s, and f_s is gamma with mean f (the
/// name's frequency in the roll's other sources) and shape α, so
/// E[(c_s - n_s f)^2] = n_s f + (n_s f)^2 / α: the excess of the squared deviation over the
/// Poisson variance measures 1 / α. Summed over names of [`SHAPE_MIN_COUNT`] records or more and
/// over sources. The posterior mean of f_s given c_s is then (c_s + α) / (n_s + α / f) (see
/// [`Scorer::new`]): a list's own count decides for names it holds often, the roll's frequency
/// for names it holds rarely or never. Lists of different peoples (Russian and Ukrainian
/// surnames) give a small α for surnames; the given names, shared across scripts by their keys,
/// a large one.
pub fn source_tf_shape(by_source: &[SourceTf], roll: &[Vec<(u64, u32)>; 2], total: u64) -> Vec<f64> {
    let n = total as f64;
    let shape = |k: usize| {
        let (mut excess, mut scale) = (0.0f64, 0.0f64);
        for st in by_source {
            let ns = st.records as f64;
            if n - ns <= 0.0 {
                continue;
            }
            let own: FxHashMap<u64, u32> = st.tf[k].iter().copied().collect();
            for &(h, c) in roll[k].iter().filter(|x| x.1 >= SHAPE_MIN_COUNT) {
                let cs = own.get(&h).copied().unwrap_or(0);
                let e = ns * f64::from(c - cs) / (n - ns);
                excess += (f64::from(cs) - e).powi(2) - e;
                scale += e * e;
            }
        }
        if excess <= 0.0 || scale <= 0.0 {
            SHAPE_RANGE.1
        } else {
            (scale / excess).clamp(SHAPE_RANGE.0, SHAPE_RANGE.1)
        }
    };
    vec![shape(0), shape(1)]
}

/// Result of EM on the candidate pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct EmFit {
    pub m: Vec<Vec<f64>>,
    /// Level probabilities among candidate non-matches (not used for scoring: blocking makes
    /// candidate non-matches agree more than random pairs do).
    pub u_candidates: Vec<Vec<f64>>,
    /// Share of candidate pairs that are matches.
    pub lambda: f64,
    /// Share of candidate pairs that are matches, per group (see [`em_grouped`]).
    pub group_lambda: Vec<f64>,
    pub iterations: u32,
    pub converged: bool,
}

/// EM on counted patterns (fastLink): a two-class mixture over the candidate pairs with
/// conditionally independent fields, estimating m, the candidate non-match distribution and
/// the match share. Runs on distinct patterns weighted by their counts, so its cost does not
/// grow with the number of pairs.
pub fn em(counts: &[(Pattern, u64)], max_iter: u32, tol: f64) -> EmFit {
    let grouped: Vec<(u32, Pattern, u64)> = counts.iter().map(|&(p, c)| (0, p, c)).collect();
    em_grouped(&grouped, 1, max_iter, tol)
}

/// [`em`] with a match share of its own for each group of pairs (Tally groups by the pair of
/// sources): m and u are shared, only the mixing weight differs. Lists overlap very unequally
/// (a list of the killed and the obituaries of the same men overlap heavily, two registers of
/// different armies hardly at all, and a list rarely repeats a person), so one share for all
/// pairs makes a pair with the same evidence too likely in one pair of lists and too unlikely
/// in another. `counts` holds (group, pattern, count).
pub fn em_grouped(counts: &[(u32, Pattern, u64)], n_groups: usize, max_iter: u32, tol: f64) -> EmFit {
    // Start from an anchor: patterns where both names agree (at least "close") and no date or
    // sex disagrees are taken as matches, the rest as non-matches. Among millions of
    // candidate pairs that are mostly namesakes, this keeps EM on the mode that means "same
    // person" rather than "same name".
    let anchor = |p: Pattern| {
        let name_ok = |f: usize| (1..=3).contains(&level(p, f));
        let not_diff = |f: usize, diff: u8| level(p, f) != diff;
        name_ok(0)
            && name_ok(1)
            && not_diff(2, 5)
            && level(p, 3) < BIRTH_SAME_MONTH // neither "same_month" nor "different" (one level before version 6)
            && not_diff(4, 4)
            && not_diff(8, 2)
            && (matches!(level(p, 3), 1 | 2) || matches!(level(p, 4), 1 | 2))
    };
    let n_groups = n_groups.max(1);
    let mut mc: Vec<Vec<f64>> = CmpField::ALL.iter().map(|f| vec![0.0; f.n_levels()]).collect();
    let mut uc = mc.clone();
    let mut anchored = vec![0.0; n_groups];
    let mut group_total = vec![0.0; n_groups];
    for &(g, p, c) in counts {
        group_total[g as usize] += c as f64;
        let target = if anchor(p) {
            anchored[g as usize] += c as f64;
            &mut mc
        } else {
            &mut uc
        };
        for (f, t) in target.iter_mut().enumerate() {
            t[level(p, f) as usize] += c as f64;
        }
    }
    let any_anchor = anchored.iter().sum::<f64>() > 0.0;
    let mut m: Vec<Vec<f64>> = if any_anchor {
        mc.iter().map(|c| normalise(c, 1.0)).collect()
    } else {
        CmpField::ALL.iter().map(|&f| initial_m(f)).collect()
    };
    let mut u: Vec<Vec<f64>> = uc.iter().map(|c| normalise(c, 1.0)).collect();
    let mut lambdas: Vec<f64> = anchored
        .iter()
        .zip(&group_total)
        .map(|(&a, &n)| if n > 0.0 { (a / n).clamp(0.01, 0.99) } else { 0.5 })
        .collect();
    let total: f64 = group_total.iter().sum();
    if total == 0.0 {
        return EmFit {
            m,
            u_candidates: u,
            lambda: 0.0,
            group_lambda: vec![0.0; n_groups],
            iterations: 0,
            converged: true,
        };
    }
    let overall = |l: &[f64]| l.iter().zip(&group_total).map(|(l, n)| l * n).sum::<f64>() / total;
    for it in 1..=max_iter {
        let mut mc: Vec<Vec<f64>> = m.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut uc: Vec<Vec<f64>> = m.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut matches = vec![0.0; n_groups];
        let (ln_l, ln_1l): (Vec<f64>, Vec<f64>) = lambdas.iter().map(|l| (l.ln(), (1.0 - l).ln())).unzip();
        for &(g, p, c) in counts {
            let (mut lm, mut lu) = (0.0f64, 0.0f64);
            for f in 0..NF {
                let l = level(p, f) as usize;
                if l > 0 {
                    lm += m[f][l].ln();
                    lu += u[f][l].ln();
                }
            }
            let a = ln_l[g as usize] + lm;
            let b = ln_1l[g as usize] + lu;
            let post = 1.0 / (1.0 + (b - a).exp());
            let w = post * c as f64;
            let wn = (1.0 - post) * c as f64;
            matches[g as usize] += w;
            for f in 0..NF {
                let l = level(p, f) as usize;
                mc[f][l] += w;
                uc[f][l] += wn;
            }
        }
        let new_lambdas: Vec<f64> = matches
            .iter()
            .zip(&group_total)
            .map(|(&w, &n)| if n > 0.0 { (w / n).clamp(1e-9, 1.0 - 1e-9) } else { 0.0 })
            .collect();
        let mut new_m: Vec<Vec<f64>> = mc
            .iter()
            .zip(CmpField::ALL)
            .map(|(c, f)| with_reference(c, M_PSEUDO, &initial_m(f), EM_REFERENCE_PAIRS))
            .collect();
        let new_u: Vec<Vec<f64>> =
            uc.iter().zip(REFERENCE_U).map(|(c, r)| with_reference(c, 1e-3, r, EM_REFERENCE_PAIRS)).collect();
        tie_name_levels(&mut new_m, &new_u);
        bound_different(&mut new_m);
        let mut delta = new_lambdas.iter().zip(&lambdas).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        for (a, b) in new_m.iter().zip(&m).chain(new_u.iter().zip(&u)) {
            for (x, y) in a.iter().zip(b) {
                delta = delta.max((x - y).abs());
            }
        }
        m = new_m;
        u = new_u;
        lambdas = new_lambdas;
        if delta < tol {
            let lambda = overall(&lambdas);
            return EmFit { m, u_candidates: u, lambda, group_lambda: lambdas, iterations: it, converged: true };
        }
    }
    let lambda = overall(&lambdas);
    EmFit { m, u_candidates: u, lambda, group_lambda: lambdas, iterations: max_iter, converged: false }
}

/// Train on the candidate pairs' patterns, with one prior for all pairs of sources.
pub fn train(t: &Table, cache: &mut NameCache, pats: &[Pattern], cfg: &TrainConfig) -> Params {
    train_inner(t, cache, None, pats, cfg)
}

/// Train on the candidate pairs and their patterns, with a prior per pair of sources (see
/// [`em_grouped`]): the prior that two records match is estimated from the data for their two
/// lists, shrunk towards the overall prior where a pair of lists has few candidates.
/// `name_free` holds each pair's [`crate::blocking::NameFreeKeys::flags`] (empty: the name
/// parts' m come from the fit on all pairs).
pub fn train_with_sources(
    t: &Table,
    cache: &mut NameCache,
    pairs: &[(Rec, Rec)],
    pats: &[Pattern],
    name_free: &[u8],
    cfg: &TrainConfig,
) -> Params {
    train_inner(t, cache, Some((pairs, name_free)), pats, cfg)
}

/// Candidate pairs a name part's own EM needs before its m is taken from them rather than from
/// the fit on all candidates (a roll of a few hundred records keeps the latter).
pub const NAME_FREE_MIN_PAIRS: u64 = 1000;

/// Pairs of sources as groups of candidate pairs, numbered in the order of the sources' names
/// (not of the table's ids, which follow input order), so a run does not depend on input order.
#[derive(Debug, Clone)]
pub struct SourceGroups {
    /// Table source ids in name order.
    pub by_name: Vec<u32>,
    /// Each table source id's place in `by_name`.
    pos: Vec<u32>,
    /// Number of sources (at least 1).
    pub ns: u32,
}

impl SourceGroups {
    pub fn new(t: &Table) -> SourceGroups {
        let mut by_name: Vec<u32> = (0..t.sources.len() as u32).collect();
        by_name.sort_by(|&a, &b| t.sources[a as usize].cmp(&t.sources[b as usize]));
        let mut pos = vec![0u32; t.sources.len()];
        for (i, &s) in by_name.iter().enumerate() {
            pos[s as usize] = i as u32;
        }
        SourceGroups { by_name, pos, ns: t.sources.len().max(1) as u32 }
    }

    /// Number of groups (ns x ns; only those with the smaller place first occur).
    pub fn len(&self) -> usize {
        (self.ns * self.ns) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The group of the pair of records `a`, `b`.
    #[inline]
    pub fn group(&self, t: &Table, a: Rec, b: Rec) -> u32 {
        self.group_of_sources(t.source[a as usize], t.source[b as usize])
    }

    /// The group of the pairs of records of the table's sources `x` and `y`.
    #[inline]
    pub fn group_of_sources(&self, x: u32, y: u32) -> u32 {
        let (x, y) = (self.pos[x as usize], self.pos[y as usize]);
        x.min(y) * self.ns + x.max(y)
    }
}

/// Candidate pairs and, per pair, its [`crate::blocking::NameFreeKeys::flags`] (empty: none).
type PairsAndFlags<'a> = (&'a [(Rec, Rec)], &'a [u8]);

fn train_inner(
    t: &Table,
    cache: &mut NameCache,
    pairs: Option<PairsAndFlags>,
    pats: &[Pattern],
    cfg: &TrainConfig,
) -> Params {
    let sg = SourceGroups::new(t);
    let mut grouped: FxHashMap<(u32, Pattern), u64> = FxHashMap::default();
    let mut name_free: [FxHashMap<(u32, Pattern), u64>; 2] = Default::default();
    match pairs {
        Some((pairs, flags)) => {
            for (i, (&(a, b), &p)) in pairs.iter().zip(pats).enumerate() {
                let g = sg.group(t, a, b);
                *grouped.entry((g, p)).or_insert(0) += 1;
                let f = flags.get(i).copied().unwrap_or(0);
                for (k, m) in name_free.iter_mut().enumerate() {
                    if f & (1 << k) != 0 {
                        *m.entry((g, p)).or_insert(0) += 1;
                    }
                }
            }
        }
        None => {
            for &p in pats {
                *grouped.entry((0, p)).or_insert(0) += 1;
            }
        }
    }
    let name_free = [sorted_counts(&name_free[0]), sorted_counts(&name_free[1])];
    train_grouped(t, cache, &sorted_counts(&grouped), &name_free, pairs.is_some(), cfg)
}

/// Counts per (group, pattern) as [`train_grouped`] takes them: `(group, pattern, count)`, sorted.
pub fn sorted_counts(m: &FxHashMap<(u32, Pattern), u64>) -> Vec<(u32, Pattern, u64)> {
    let mut v: Vec<(u32, Pattern, u64)> = m.iter().map(|(&(g, p), &c)| (g, p, c)).collect();
    v.sort_unstable();
    v
}

/// Train on candidate patterns already counted per group, `(group, pattern, count)` sorted, as
/// [`SourceGroups::group`] numbers them when `by_source` (else every count is in group 0): a
/// streaming run counts chunk by chunk and never holds one pattern per pair.
///
/// `name_free[k]` counts the same way the candidate pairs that some blocking rule not keyed on
/// name part `k` (0 surname, 1 given name) finds ([`crate::blocking::NameFreeKeys`]); when it
/// holds enough pairs, that part's m comes from EM on them (see [`NAME_FREE_MIN_PAIRS`]).
pub fn train_grouped(
    t: &Table,
    cache: &mut NameCache,
    counts: &[(u32, Pattern, u64)],
    name_free: &[Vec<(u32, Pattern, u64)>; 2],
    by_source: bool,
    cfg: &TrainConfig,
) -> Params {
    let (u, n_random, close_pairs) = estimate_u_close(t, cache, cfg.u_pairs, cfg.seed);
    let (u_given_names, namesake_pairs) = estimate_u_given_names(t, cache, &u, cfg.u_pairs, cfg.seed);
    let (u_place_given_unit, u_death_given_unit, comrade_pairs) =
        estimate_u_given_unit(t, cache, &u, cfg.u_pairs, cfg.seed);
    let sg = SourceGroups::new(t);
    let (by_name, ns) = (&sg.by_name, sg.ns);
    let pos = &sg.pos;
    let n_groups = if by_source { sg.len() } else { 1 };
    let n_pairs: u64 = counts.iter().map(|c| c.2).sum();
    let mut fit = em_grouped(counts, n_groups, cfg.em_max_iter, cfg.em_tolerance);
    // Each name part's m from the pairs that blocking would have found without it: the
    // candidates are mostly found by name keys, so among them a slip in a name is rarer than
    // among all the pairs of one person, and EM on them learns "different" and "close" as
    // rarer among matches than they are (Splink trains each comparison on blocking rules that
    // do not use it, for the same reason).
    let mut name_free_pairs = vec![0u64; 2];
    for (k, c) in name_free.iter().enumerate() {
        let n: u64 = c.iter().map(|x| x.2).sum();
        if n >= NAME_FREE_MIN_PAIRS {
            let f = em_grouped(c, n_groups, cfg.em_max_iter, cfg.em_tolerance);
            fit.m[k] = f.m[k].clone();
            name_free_pairs[k] = n;
        }
    }
    let by_source_tf = term_frequencies_by_source(t);
    let (tf, tf_total) = term_frequencies(&by_source_tf);
    let source_tf_shape = if by_source { source_tf_shape(&by_source_tf, &tf, tf_total) } else { Vec::new() };
    let source_tf = if by_source { by_source_tf } else { Vec::new() };
    let mut close_surname_counts: Vec<u32> = close_pairs
        .iter()
        .map(|&(a, b)| roll_count(&tf, 0, t.name_tf_key(0, a)).max(roll_count(&tf, 0, t.name_tf_key(0, b))))
        .collect();
    close_surname_counts.sort_unstable();
    tie_name_levels(&mut fit.m, &u);
    // The prior for scoring is the chance that two random records match: u comes from random
    // pairs, so the Bayes factors are relative to random pairs and already count the agreement
    // that made a pair a candidate. Matches outside the candidates are taken as negligible here
    // (the blocking recall estimate says how far that holds).
    let n = t.len() as f64;
    let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
    let expected_matches = fit.lambda * n_pairs as f64;
    let prior = (expected_matches / all_pairs).clamp(1e-12, 0.5);
    let mut source_priors = Vec::new();
    if by_source {
        let mut n_src = vec![0f64; t.sources.len()];
        for &s in &t.source {
            n_src[pos[s as usize] as usize] += 1.0;
        }
        let mut cand = vec![0u64; n_groups];
        for &(g, _, c) in counts {
            cand[g as usize] += c;
        }
        for x in 0..ns {
            for y in x..ns {
                let g = (x * ns + y) as usize;
                let (na, nb) = (n_src[x as usize], n_src[y as usize]);
                let all = if x == y { na * (na - 1.0) / 2.0 } else { na * nb };
                if all <= 0.0 {
                    continue;
                }
                let e = fit.group_lambda[g] * cand[g] as f64;
                // One pseudo-match spread at the overall prior: a pair of lists with few
                // candidates keeps about the overall prior.
                let p = ((e + 1.0) / (all + 1.0 / prior)).clamp(1e-12, 0.5);
                source_priors.push(SourcePrior {
                    a: t.sources[by_name[x as usize] as usize].clone(),
                    b: t.sources[by_name[y as usize] as usize].clone(),
                    candidate_pairs: cand[g],
                    expected_matches: e,
                    prior: p,
                });
            }
        }
    }
    Params {
        version: PARAMS_VERSION,
        seed: cfg.seed,
        input_hash: input_hash(t),
        n_records: t.len(),
        n_candidate_pairs: n_pairs,
        n_random_pairs: n_random,
        lambda: prior,
        candidate_match_share: fit.lambda,
        m: fit.m,
        u,
        em_iterations: fit.iterations,
        em_converged: fit.converged,
        tf,
        tf_total,
        source_priors,
        u_given_names,
        namesake_pairs,
        u_place_given_unit,
        u_death_given_unit,
        comrade_pairs,
        source_tf,
        source_tf_shape,
        close_surname_counts,
        name_free_pairs,
        close_tells: Vec::new(),
        close_pooled: None,
    }
}

/// A model ready to score: weights per field and level, prior log-odds and tf lookups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scorer {
    /// Version 4: a pair of two spellings takes the commoner's source frequency
    /// ([`Scorer::tf_from_logs`]).
    #[serde(default)]
    commoner_of_two_spellings: bool,
    /// The centre of [`Scorer::close_adjust`] (bits), when the parameters have one.
    #[serde(default)]
    close_offset: Option<f64>,
    /// Version 7, per pair of sources (keyed by their name hashes, smaller first) and close
    /// group: a close pair's surname term before `- log2 k`, the offset of [`crate::close`] less
    /// the close level's weight (which the sum of the fields' weights already holds). Empty
    /// without [`Params::close_tells`].
    #[serde(default)]
    close_add: FxHashMap<(u64, u64), [f64; 2]>,
    /// The same, pooled, for pairs of sources not in `close_add`.
    #[serde(default)]
    close_add_pooled: Option<[f64; 2]>,
    /// log2(m/u) per field and level; 0 for missing.
    pub w: Vec<Vec<f64>>,
    /// The weights by name class ([`name_class`]): `wc[c][f][l]`, log2(m / u given the class);
    /// `wc[0]` is `w`.
    pub wc: Vec<Vec<Vec<f64>>>,
    /// Version 5: for pairs whose units agree, per name class, place level and death-date level,
    /// the bits that take the place and the death date to their u given the unit
    /// ([`estimate_u_given_unit`]); empty without.
    #[serde(default)]
    comrade: Vec<Vec<Vec<f64>>>,
    pub prior: f64,
    /// Prior log2 odds per pair of sources, keyed by the sources' name hashes (smaller first).
    source_prior: FxHashMap<(u64, u64), f64>,
    tf: [FxHashMap<u64, f64>; 2],
    /// The frequency of a name key the parameters never saw, per part.
    tf_floor: [f64; 2],
    /// Per source (keyed by its name's hash): log2 of each name key's frequency in it, and the
    /// log2 floor (one record in the source). Empty before version 3.
    source_tf: FxHashMap<u64, SourceLogTf>,
    /// log2 of the chance that two random records agree on part k's cross-script key.
    log_u_agree: [f64; 2],
    pub params: Params,
}

/// Whether one of the records has its surname and given name swapped against the other (the
/// pair agrees across the columns, as `compare::levels` reads it): then a record's part-k key is
/// not the name the pair agrees on, and its source frequency says nothing about it.
#[inline]
pub fn swapped(t: &Table, a: Rec, b: Rec, p: Pattern) -> bool {
    // Only a swap makes both names "equivalent" with the keys crossed; test the pattern first,
    // which the scoring pass has at hand, before reading four keys.
    if level(p, 0) != 2 || level(p, 1) != 2 {
        return false;
    }
    let (sa, sb) = (t.name_key(0, a), t.name_key(0, b));
    sa != sb && sa != 0 && sa == t.name_key(1, b) && t.name_key(1, a) == sb
}

/// Pseudo-records at the roll-wide frequency added to a source's name counts (see
/// [`Scorer::new`]).
const SOURCE_TF_SHRINK: f64 = 1000.0;

/// Pseudo-records at the average chance of agreeing on a name (u of its "exact" and "equivalent"
/// levels) added to the roll's name counts (see [`Scorer::new`]).
const TF_REFERENCE_RECORDS: f64 = 200.0;

/// Random pairs with close surnames needed to centre [`Scorer::close_adjust`] (a roll of a few
/// hundred records has none, and no adjustment).
const CLOSE_MIN_PAIRS: usize = 30;

/// A source's log2 term frequencies (see [`Scorer::tf_pair`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SourceLogTf {
    lf: [FxHashMap<u64, f32>; 2],
    floor: f32,
}

/// Levels at which a name counts as agreeing for term-frequency adjustment.
const TF_LEVELS: [u8; 2] = [1, 2];

impl Scorer {
    pub fn new(params: Params) -> Scorer {
        let params = params.upgraded();
        let w: Vec<Vec<f64>> = params
            .m
            .iter()
            .zip(&params.u)
            .map(|(m, u)| {
                m.iter().zip(u).enumerate().map(|(l, (m, u))| if l == 0 { 0.0 } else { (m / u).log2() }).collect()
            })
            .collect();
        let wc: Vec<Vec<Vec<f64>>> = (0..NAME_CLASSES).map(|c| class_weights(&params, c, &w)).collect();
        let comrade = comrade_weights(&params, &wc);
        let n = params.tf_total.max(1) as f64;
        // Leave one out: the chance that another record has this name is (count - 1) / n. The
        // record's own count would double the frequency of every name held by two records
        // (most often one person in two lists), understating the evidence of rare names.
        // TF_REFERENCE_RECORDS pseudo-records at the average chance of agreeing keep a small
        // roll's counts from passing for frequencies: in a roll of eight records every name is
        // "one in eight", which made each agreeing name cost 6 bits; from a few thousand
        // records on they shift nothing that the cap at 6 bits does not already hold.
        let u_agree = [0, 1].map(|k| params.u[k][TIED[0]] + params.u[k][TIED[1]]);
        let freq = |k: usize, c: f64| (c + TF_REFERENCE_RECORDS * u_agree[k]) / (n + TF_REFERENCE_RECORDS);
        // A name's roll-wide frequency from its count, leaving the record itself out.
        let loo_freq = |k: usize, c: u32| freq(k, f64::from(c.saturating_sub(1).max(1)));
        let tf: [FxHashMap<u64, f64>; 2] =
            [0, 1].map(|k| params.tf[k].iter().map(|&(h, c)| (h, loo_freq(k, c))).collect());
        let tf_floor = [0, 1].map(|k| freq(k, 1.0));
        let lambda = params.lambda.clamp(1e-12, 1.0 - 1e-12);
        let log_odds = |l: f64| {
            let l = l.clamp(1e-12, 1.0 - 1e-12);
            (l / (1.0 - l)).log2()
        };
        let source_prior = params
            .source_priors
            .iter()
            .map(|sp| (source_pair(fnv64(sp.a.as_bytes()), fnv64(sp.b.as_bytes())), log_odds(sp.prior)))
            .collect();
        let roll_tf = |k: usize, h: u64| tf[k].get(&h).copied().unwrap_or(tf_floor[k]).max(tf_floor[k]);
        let source_tf = params
            .source_tf
            .iter()
            .map(|st| {
                let ns = st.records as f64;
                let (lf, floor) = match params.source_tf_shape.as_slice() {
                    // Version 4: the posterior mean of the name's frequency in the source under
                    // the gamma law of [`source_tf_shape`], leaving the record itself out. A name
                    // the list holds once (the record) takes the roll's frequency, shrunk by
                    // how little the list's size made it likely to hold it again.
                    &[a0, a1] => {
                        let alpha = [a0, a1];
                        let f = |k: usize, h: u64, c: u32| {
                            ((f64::from(c.saturating_sub(1)) + alpha[k]) / (ns + alpha[k] / roll_tf(k, h))).log2()
                                as f32
                        };
                        let lf = [0, 1].map(|k| st.tf[k].iter().map(|&(h, c)| (h, f(k, h, c))).collect());
                        // A name unknown at training: no record of the list, the roll's floor.
                        // The rarer part's floor stands for both.
                        let floor = (0..2)
                            .map(|k| ((alpha[k] / (ns + alpha[k] / tf_floor[k])).log2()) as f32)
                            .fold(f32::INFINITY, f32::min);
                        (lf, floor)
                    }
                    // Before version 4: leave one out, as for `tf`, and shrink towards the
                    // roll-wide frequency by SOURCE_TF_SHRINK pseudo-records: a list of a few
                    // records says little about how common a name is (four records of one name
                    // are not a people where every man has it), while a list of 100,000 keeps
                    // its own frequencies. This floored every name at one record of the list:
                    // rare names (two to five records in a 100,000-record roll) scored 1 to 2
                    // bits too weak, and their pairs were matches 0.87 to 0.95 of the time at
                    // 0.77 to 0.83 predicted.
                    _ => {
                        let f = |k: usize, h: u64, c: u32| {
                            ((f64::from(c.saturating_sub(1).max(1)) + SOURCE_TF_SHRINK * roll_tf(k, h))
                                / (ns + SOURCE_TF_SHRINK))
                                .log2() as f32
                        };
                        let lf = [0, 1].map(|k| st.tf[k].iter().map(|&(h, c)| (h, f(k, h, c))).collect());
                        // One record's worth; the rarer part's floor (the surname's) stands for both.
                        let floor = ((1.0 + SOURCE_TF_SHRINK * tf_floor[0].min(tf_floor[1])) / (ns + SOURCE_TF_SHRINK))
                            .log2() as f32;
                        (lf, floor)
                    }
                };
                (fnv64(st.source.as_bytes()), SourceLogTf { lf, floor })
            })
            .collect();
        let log_u_agree = [0, 1].map(|k| (params.u[k][TIED[0]] + params.u[k][TIED[1]]).log2());
        // The close-surname adjustment's centre: minus log2 of the mean of 2^-adjustment over
        // random pairs with close surnames, so that over them the adjusted u still averages the
        // level's u. A few dozen pairs at least, or no adjustment.
        let close_offset = (params.close_surname_counts.len() >= CLOSE_MIN_PAIRS).then(|| {
            let adj = |c: u32| (u_agree[0] / loo_freq(0, c)).log2().clamp(-6.0, 6.0);
            let n = params.close_surname_counts.len() as f64;
            -(params.close_surname_counts.iter().map(|&c| (-adj(c)).exp2()).sum::<f64>() / n).log2()
        });
        let (close_add, close_add_pooled) = close_adds(&params, &w);
        Scorer {
            commoner_of_two_spellings: params.version >= 4,
            close_offset,
            close_add,
            close_add_pooled,
            w,
            wc,
            comrade,
            prior: log_odds(lambda),
            source_prior,
            tf,
            tf_floor,
            source_tf,
            log_u_agree,
            params,
        }
    }

    /// Prior log2 odds that records `a` and `b` match: that of their pair of sources, else the
    /// overall one.
    #[inline]
    pub fn prior_for(&self, t: &Table, a: Rec, b: Rec) -> f64 {
        if self.source_prior.is_empty() {
            return self.prior;
        }
        let h = |r: Rec| t.source_hash[t.source[r as usize] as usize];
        self.source_prior.get(&source_pair(h(a), h(b))).copied().unwrap_or(self.prior)
    }

    /// [`Scorer::prior_for`] by the table's source ids rather than by records.
    #[inline]
    pub fn prior_for_sources(&self, t: &Table, x: u32, y: u32) -> f64 {
        if self.source_prior.is_empty() {
            return self.prior;
        }
        let (hx, hy) = (t.source_hash[x as usize], t.source_hash[y as usize]);
        self.source_prior.get(&source_pair(hx, hy)).copied().unwrap_or(self.prior)
    }

    /// Term-frequency adjustment (bits) for agreeing on the name with key `h` in part `k`:
    /// Splink's log2(u_agree / tf(value)), where u_agree is the average chance that two random
    /// records agree on the name's cross-script key, i.e. at either tied level (exact or
    /// equivalent), which is the event whose chance tf(value) gives for this name. Capped so
    /// one rare name cannot outweigh the rest.
    #[inline]
    pub fn tf_adjust(&self, k: usize, h: u64) -> f64 {
        let u_exact = self.params.u[k][TIED[0]] + self.params.u[k][TIED[1]];
        let tf = self.tf[k].get(&h).copied().unwrap_or(self.tf_floor[k]).max(self.tf_floor[k]);
        (u_exact / tf).log2().clamp(-6.0, 6.0)
    }

    /// Term-frequency adjustment of a pair that agrees on part `k`.
    ///
    /// With frequencies per source (version 3): two non-matching records of sources x and y
    /// share a name with chance f_x(name) f_y(name), and a matching pair shows it with chance
    /// m times the name's frequency among the persons the two lists share. Lists draw on
    /// different peoples (a Russian list, Ukrainian obituaries, a media list of both), and the
    /// persons they share come from the people of the list where the name is commoner, so that
    /// frequency is taken as the larger of f_x and f_y: the Bayes factor is m / min(f_x, f_y),
    /// the adjustment log2(u_agree / min(f_x, f_y)). The roll-wide frequency had made Ivanov
    /// (79 in 10,000 records of the Russian list, 30 in the whole roll) look 2.6 times rarer
    /// than it is between Russian lists: mid-range pairs within the Russian list came out
    /// over-confident (0.49 predicted, 0.22 observed, 1M Latin world), pairs of the media list
    /// and Ukrainian obituaries under-confident (0.56 against 0.67). The geometric mean of the
    /// two frequencies left the media list's pairs under-confident by 0.06 to 0.1 (six 1M
    /// worlds); the larger brought the pooled largest gap per decile from 0.020 to 0.018.
    /// Otherwise (a source the parameters do not know, older parameters, or a pair whose
    /// surname and given name are swapped, where a record's key in part `k` is not the name
    /// the pair agrees on) the roll-wide adjustment of the more common of the two spellings,
    /// the conservative choice when two spellings agree only after transliteration.
    ///
    /// `p` is the pair's pattern: a swap shows in it as both names "equivalent".
    #[inline]
    pub fn tf_pair(&self, t: &Table, k: usize, a: Rec, b: Rec, p: Pattern) -> f64 {
        match (self.log_tf(t, k, a), self.log_tf(t, k, b)) {
            (Some(la), Some(lb)) if !swapped(t, a, b, p) => {
                // "Exact" is one spelling; only "equivalent" may join two.
                let same = level(p, k) == NameLevel::Exact as u8 || t.name_tf_key(k, a) == t.name_tf_key(k, b);
                self.tf_from_logs(k, la, lb, same)
            }
            _ => self.tf_adjust(k, t.name_tf_key(k, a)).min(self.tf_adjust(k, t.name_tf_key(k, b))),
        }
    }

    /// log2 of the frequency of record `r`'s part-`k` key in its source, if the parameters
    /// have frequencies for that source. Single precision: the scoring pass holds one pair of
    /// them per record, and reads them for most pairs.
    #[inline]
    pub fn log_tf(&self, t: &Table, k: usize, r: Rec) -> Option<f32> {
        if self.source_tf.is_empty() {
            return None;
        }
        let st = self.source_tf.get(&t.source_hash[t.source[r as usize] as usize])?;
        Some(st.lf[k].get(&t.name_tf_key(k, r)).copied().unwrap_or(st.floor).max(st.floor))
    }

    /// The adjustment from the two records' log2 source frequencies (see [`Scorer::tf_pair`]),
    /// capped as [`Scorer::tf_adjust`] is. `same`: the two records spell the name alike (one
    /// key); else the pair agrees only through an equivalence (a Russian and a Ukrainian form,
    /// two transliterations that do not meet in one canonical form).
    ///
    /// Two spellings: a stranger matches the name by bearing any form of it, so the chance is
    /// at least that of the commoner spelling, and from version 4 that is the one taken, as the
    /// roll-wide adjustment already did. The rarer one had made such pairs over-confident, the
    /// more so the rarer it was: 1M latin world, grey pairs with equivalent surnames and an
    /// adjustment of 2 to 7 bits were matches 0.43 to 0.50 of the time at 0.65 predicted.
    #[inline]
    pub fn tf_from_logs(&self, k: usize, la: f32, lb: f32, same: bool) -> f64 {
        let f = if same || !self.commoner_of_two_spellings { la.min(lb) } else { la.max(lb) };
        (self.log_u_agree[k] - f64::from(f)).clamp(-6.0, 6.0)
    }

    /// Weight of field `f` in a pair with pattern `p` (given the pair's name class).
    #[inline]
    pub fn field_weight(&self, p: Pattern, f: usize) -> f64 {
        self.wc[name_class(p)][f][level(p, f) as usize]
    }

    /// u-probability of field `f`'s level in a pair with pattern `p`, given its name class.
    pub fn field_u(&self, p: Pattern, f: usize) -> f64 {
        let l = level(p, f) as usize;
        match self.params.u_given_names.get(name_class(p)) {
            Some(u) => u[f][l],
            None => self.params.u[f][l],
        }
    }

    /// Adjustment (bits) of a pair whose surnames are close, from the roll-wide adjustments
    /// ([`Scorer::tf_adjust`]) of its two spellings; 0 for parameters without one.
    ///
    /// One weight for "close" cannot tell a slip of the pen from a neighbouring name. A slip
    /// makes a spelling no one else has, and a stranger shows a slip of the pen close to a name
    /// about as often as he bears the name, so, as for agreeing names, the evidence goes with
    /// the frequency of the commoner spelling (the name slipped from): the adjustment is its
    /// term-frequency adjustment less the centre that keeps the level's u on average over the u
    /// sample's random pairs with close surnames. Sixty 100k worlds, before: grey pairs with close
    /// surnames 0.668 predicted, 0.785 observed (a spelling held by that record alone: 0.70
    /// predicted, 0.93 observed; two spellings held by six to twenty records each: 0.55, 0.16);
    /// with it 0.656 and 0.663. At 1M it over-corrects (bench/README, "Name frequencies per
    /// source").
    #[inline]
    pub fn close_adjust(&self, tf_a: f64, tf_b: f64) -> f64 {
        self.close_offset.map_or(0.0, |c| (tf_a.min(tf_b) - c).clamp(-6.0, 6.0))
    }

    /// The surname term of records `a` and `b` if pattern `p` has their surnames close, beyond
    /// the close level's weight: with [`Params::close_tells`] (version 7) the split of
    /// [`crate::close`], `offset - w_close - log2 k` for the pair's sources and group;
    /// else [`Scorer::close_adjust`].
    #[inline]
    pub fn close_pair(&self, t: &Table, a: Rec, b: Rec, p: Pattern) -> f64 {
        if level(p, 0) != CLOSE {
            return 0.0;
        }
        if let Some(add) = self
            .close_add_for(t.source_hash[t.source[a as usize] as usize], t.source_hash[t.source[b as usize] as usize])
        {
            let (g, lk) = group_and_log_k(self.surname_count(t, a), self.surname_count(t, b));
            return add[g] - lk;
        }
        if self.close_offset.is_none() {
            return 0.0;
        }
        self.close_adjust(self.tf_adjust(0, t.name_tf_key(0, a)), self.tf_adjust(0, t.name_tf_key(0, b)))
    }

    /// Whether close surnames score by the split of [`crate::close`] (version 7 parameters that
    /// have one).
    pub fn splits_close(&self) -> bool {
        self.close_add_pooled.is_some()
    }

    /// The close terms of [`Scorer::close_pair`] per group for sources with name hashes `x` and
    /// `y`, when the parameters split close surnames.
    #[inline]
    pub fn close_add_for(&self, x: u64, y: u64) -> Option<[f64; 2]> {
        self.close_add_pooled?;
        self.close_add.get(&source_pair(x, y)).copied().or(self.close_add_pooled)
    }

    /// The roll's count of record `r`'s surname key (as trained; 0 for a key not seen then).
    #[inline]
    pub fn surname_count(&self, t: &Table, r: Rec) -> u32 {
        self.count_of_key(t.name_tf_key(0, r))
    }

    /// The roll's count of surname key `h` (as trained; 0 for a key not seen then).
    #[inline]
    pub fn count_of_key(&self, h: u64) -> u32 {
        roll_count(&self.params.tf, 0, h)
    }

    /// This scorer with the close split fitted ([`crate::close::fit`]) in its parameters.
    pub fn with_close_tells(mut self, tells: Vec<CloseTells>, pooled: PooledTells) -> Scorer {
        self.params.close_tells = tells;
        self.params.close_pooled = Some(pooled);
        (self.close_add, self.close_add_pooled) = close_adds(&self.params, &self.w);
        self
    }

    /// Bits that take a pair's place and death date to their u given the unit, when pattern `p`
    /// has the units agreeing ([`estimate_u_given_unit`]); 0 otherwise and for older parameters.
    #[inline]
    pub fn comrade_adjust(&self, p: Pattern) -> f64 {
        if self.comrade.is_empty() || level(p, CmpField::Unit.index()) != 1 {
            return 0.0;
        }
        let (pl, dl) = (level(p, CmpField::Place.index()) as usize, level(p, CmpField::DeathDate.index()) as usize);
        self.comrade[name_class(p)][pl][dl]
    }

    /// Match weight (log2 odds, prior included) of a pair with pattern `p`.
    #[inline]
    pub fn weight(&self, t: &Table, a: Rec, b: Rec, p: Pattern) -> f64 {
        let mut s = self.prior_for(t, a, b);
        let w = &self.wc[name_class(p)];
        for (f, w) in w.iter().enumerate() {
            s += w[level(p, f) as usize];
        }
        for k in 0..2 {
            if TF_LEVELS.contains(&level(p, k)) {
                s += self.tf_pair(t, k, a, b, p);
            }
        }
        s + self.close_pair(t, a, b, p) + self.comrade_adjust(p)
    }
}

/// The close terms per pair of sources (by name hashes), and pooled.
type CloseAdds = (FxHashMap<(u64, u64), [f64; 2]>, Option<[f64; 2]>);

/// [`Scorer`]'s close terms from the parameters' split: offset less the close level's weight,
/// per pair of sources (by name hashes) and pooled.
fn close_adds(params: &Params, w: &[Vec<f64>]) -> CloseAdds {
    let Some(pooled) = &params.close_pooled else { return (FxHashMap::default(), None) };
    let wc = w[0][CLOSE as usize];
    let by_pair = params
        .close_tells
        .iter()
        .map(|ct| (source_pair(fnv64(ct.a.as_bytes()), fnv64(ct.b.as_bytes())), ct.offset.map(|o| o - wc)))
        .collect();
    (by_pair, Some(pooled.offset.map(|o| o - wc)))
}

/// The corrections of [`Scorer::comrade_adjust`]: per name class, place level and death-date
/// level, log2(m / u given the unit) of the place and the death date less their weights in the
/// class. Empty for parameters without u given the unit.
fn comrade_weights(params: &Params, wc: &[Vec<Vec<f64>>]) -> Vec<Vec<Vec<f64>>> {
    let (up, ud) = (&params.u_place_given_unit, &params.u_death_given_unit);
    let (place, death) = (CmpField::Place.index(), CmpField::DeathDate.index());
    if up.len() != CmpField::Place.n_levels() || ud.len() != up.len() {
        return Vec::new();
    }
    let bits = |m: f64, u: f64| if u > 0.0 && m > 0.0 { (m / u).log2() } else { 0.0 };
    wc.iter()
        .map(|w| {
            (0..up.len())
                .map(|pl| {
                    (0..CmpField::DeathDate.n_levels())
                        .map(|dl| {
                            let wp = if pl == 0 { 0.0 } else { bits(params.m[place][pl], up[pl]) - w[place][pl] };
                            let wd = if dl == 0 { 0.0 } else { bits(params.m[death][dl], ud[pl][dl]) - w[death][dl] };
                            wp + wd
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// The weights of name class `c`: log2(m / u given the class), the tied name levels (see
/// [`TIED`]) sharing one ratio. Version-1 parameters (no conditional u) give `w` for every class.
fn class_weights(params: &Params, c: usize, w: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let Some(u) = params.u_given_names.get(c).filter(|_| c > 0) else { return w.to_vec() };
    let mut out: Vec<Vec<f64>> = params
        .m
        .iter()
        .zip(u)
        .map(|(m, u)| {
            m.iter().zip(u).enumerate().map(|(l, (m, u))| if l == 0 { 0.0 } else { (m / u).log2() }).collect()
        })
        .collect();
    for f in 0..3 {
        let (a, b) = (TIED[0], TIED[1]);
        let tied = ((params.m[f][a] + params.m[f][b]) / (u[f][a] + u[f][b])).log2();
        out[f][a] = tied;
        out[f][b] = tied;
    }
    out
}

#[inline]
fn source_pair(x: u64, y: u64) -> (u64, u64) {
    (x.min(y), x.max(y))
}

/// Probability from a log2-odds weight.
#[inline]
pub fn probability(w: f64) -> f64 {
    1.0 / (1.0 + (-w).exp2())
}

/// Reproducibility id of a parameter set (hash of its JSON).
pub fn params_id(p: &Params) -> String {
    let s = serde_json::to_string(p).unwrap_or_default();
    format!("{:016x}", fnv64(s.as_bytes()))
}

/// [`train`] on candidate patterns already counted (as [`count_patterns`] counts them: sorted
/// by pattern), so a streaming run never holds one pattern per pair. Gives the same
/// parameters as `train` on the patterns themselves (a test in linker.rs holds the two
/// together); `train` could become `train_counted(t, cache, &count_patterns(pats), cfg)`.
pub fn train_counted(t: &Table, cache: &mut NameCache, counts: &[(Pattern, u64)], cfg: &TrainConfig) -> Params {
    let grouped: Vec<(u32, Pattern, u64)> = counts.iter().map(|&(p, c)| (0, p, c)).collect();
    train_grouped(t, cache, &grouped, &Default::default(), false, cfg)
}
