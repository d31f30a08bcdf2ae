//! Close surnames: which spelling tells, per pair of lists.
//!
//! Two surnames one slip apart (Shevchenko / Shevchneko) are either one person's name with a
//! slip of the pen or two neighbouring names of two persons. One weight for the "close" level
//! cannot tell the two apart, and the evidence of the pair goes with how many other records hold
//! the spelling that tells (Fellegi-Sunter with the close level split by that count):
//! - when the rarer spelling is held by that record alone (group 0, "lone"), it is most likely a
//!   slip, and a stranger shows a slip close to a name about as often as he bears the name: the
//!   commoner spelling's count tells;
//! - when both spellings are held by others (group 1, "shared"), they are two names, and a
//!   stranger shows the pair as often as the rarer one is borne: the rarer spelling's count
//!   tells.
//!
//! The surname's weight for a close pair of group g in the pair of lists L is
//! `log2(m[L,g] / u[L,g]) + log2 E_M[k] - log2 k`, k the telling count less the record itself
//! (at least 1) and E_M[k] its mean among matches. It is taken per pair of lists because
//! matches with close surnames come mostly from pairs of lists where close surnames are rare
//! among strangers (a Russian list against a Russian list), and random pairs mostly from the big
//! Ukrainian lists: pooled over lists, u was about a bit too high for the pairs whose matches
//! count (bench/README, "Close surnames: the shape holds, its offsets do not yet").
//!
//! No labels are needed: u comes from random pairs drawn within each pair of lists
//! ([`random_close`], the lone group by stratified draws, since it is rare among strangers), m
//! and E_M[k] from the present model's match probabilities over the candidate pairs
//! ([`CandidateSums`]: the group's summed probability over all the pair of lists' summed
//! probability). The linker scores the candidates once with the model without this split,
//! sums, fits the offsets ([`fit`]) and weighs the close pairs again.

use crate::compare::name_level_of;
use crate::model::{SourceGroups, CLOSE};
use crate::table::{Rec, Table, NONE};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Bound on an offset (bits). The linker keeps, while the offsets are unknown, only the close
/// pairs that could reach the review floor with an offset this large.
pub const OFFSET_CAP: f64 = 40.0;

/// Pseudo-matches at the pooled share that each pair of lists' m is shrunk with: a pair of lists
/// with few matches keeps about the pooled m (and not 0.5 from one close pair among two
/// expected matches).
const M_SHRINK: f64 = 10.0;

/// Pseudo-matches at the pooled mean that E_M[k] is shrunk with.
const K_SHRINK: f64 = 5.0;

/// Pseudo-hits at the pooled u that each pair of lists' u is shrunk with.
const U_SHRINK_HITS: f64 = 0.5;

/// Random close pairs (over all pairs of lists and both groups) needed to fit the offsets; a
/// smaller roll keeps the close level's single weight (and its roll-wide adjustment).
pub const MIN_RANDOM_CLOSE: u64 = 30;

/// The group of a close pair whose surnames' roll counts are `ca` and `cb` (0: the rarer spelling
/// is held by one record, 1: not), and log2 of the count that tells less one (at least 1).
#[inline]
pub fn group_and_log_k(ca: u32, cb: u32) -> (usize, f64) {
    let (r, c) = (ca.min(cb), ca.max(cb));
    let lone = r <= 1;
    let k = if lone { c } else { r }.saturating_sub(1).max(1);
    (usize::from(!lone), f64::from(k).log2())
}

/// The fitted split of one pair of lists (`a` <= `b` by name; `a == b` within one list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloseTells {
    pub a: String,
    pub b: String,
    /// Random pairs drawn per stratum ([`random_close`]).
    pub random_pairs: u64,
    /// Per group: the share of random pairs (surnames present) whose surnames are close in it,
    /// shrunk towards the pooled share by half a hit (so that `offset` is log2(m / u) + log2
    /// `mean_k`, within the cap).
    pub u: [f64; 2],
    /// Summed match probability over the pair of lists' candidate pairs (the present model).
    pub expected_matches: f64,
    /// Per group: summed match probability over its close candidate pairs.
    pub close_matches: [f64; 2],
    /// Per group: the shrunk m, E_M[k] and the offset log2(m / u) + log2 E_M[k] (bits).
    pub m: [f64; 2],
    pub mean_k: [f64; 2],
    pub offset: [f64; 2],
}

/// The split pooled over every pair of lists, for pairs of sources the fit did not see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PooledTells {
    pub u: [f64; 2],
    pub m: [f64; 2],
    pub mean_k: [f64; 2],
    pub offset: [f64; 2],
}

/// Random close pairs of one pair of lists (table source ids `x`, `y`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomClose {
    pub x: u32,
    pub y: u32,
    /// Pairs drawn per stratum.
    pub pairs: u64,
    /// Per group: the estimated share of random pairs with close surnames in the group.
    pub u: [f64; 2],
    /// Close pairs found over the three strata.
    pub hits: u64,
    /// The share of all pairs of records (surnames present) that this pair of lists holds.
    pub weight: f64,
}

/// u per pair of lists and group from random pairs of records with surnames, `n` per stratum:
/// - uniform pairs give the shared group (and the share of pairs);
/// - the lone group is rare among strangers (a few in 100,000 pairs at a million records), so it
///   is drawn stratified: pairs whose first record holds its spelling alone, and pairs whose
///   first record does not and whose second does; u = s_x P(close | first lone) + (1 - s_x)
///   s_y P(close | first not lone, second lone), s the lists' shares of lone spellings.
///
/// `count[id]` is the roll count of surname dictionary value `id`. Records are drawn by their
/// rank in canonical order within each list, lists in name order, each stratum of each pair of
/// lists from a generator seeded by `seed` and its place: the draw depends neither on input
/// order nor on the threads.
pub fn random_close(t: &Table, count: &[u32], n: usize, seed: u64) -> Vec<RandomClose> {
    let sg = SourceGroups::new(t);
    let ns = t.sources.len();
    // Per list, its records with a surname as (record, surname id): shared spellings, lone ones.
    let mut by_src: Vec<[Vec<(Rec, u32)>; 2]> = vec![[Vec::new(), Vec::new()]; ns];
    for r in t.canonical_order() {
        let id = t.name_ids[0][r as usize];
        if id != NONE {
            by_src[t.source[r as usize] as usize][usize::from(count[id as usize] <= 1)].push((r, id));
        }
    }
    let total: f64 = by_src.iter().map(|s| (s[0].len() + s[1].len()) as f64).sum();
    let all_pairs = (total * (total - 1.0) / 2.0).max(1.0);
    type Side<'a> = (&'a [(Rec, u32)], &'a [(Rec, u32)]);
    let empty: Vec<(Rec, u32)> = Vec::new();
    let mut cells: Vec<(u32, u32, f64, f64, f64)> = Vec::new();
    let mut tasks: Vec<(u32, Side, Side)> = Vec::new();
    for (i, &x) in sg.by_name.iter().enumerate() {
        for &y in &sg.by_name[i..] {
            let ([xs, xl], [ys, yl]) = (&by_src[x as usize], &by_src[y as usize]);
            let (nx, ny) = ((xs.len() + xl.len()) as f64, (ys.len() + yl.len()) as f64);
            let pairs_here = if x == y { nx * (nx - 1.0) / 2.0 } else { nx * ny };
            if pairs_here <= 0.0 {
                continue;
            }
            let cell = cells.len() as u32;
            cells.push((x, y, pairs_here, xl.len() as f64 / nx, yl.len() as f64 / ny));
            tasks.push((cell * 3, (xs, xl), (ys, yl)));
            tasks.push((cell * 3 + 1, (&empty, xl), (ys, yl)));
            tasks.push((cell * 3 + 2, (xs, &empty), (&empty, yl)));
        }
    }
    // Every draw, as (surname id, surname id, stratum cell), each stratum of each pair of lists
    // from its own generator (seeded by the seed and the cell, so the draws do not depend on
    // the threads); compared after all are drawn.
    let mut draws: Vec<(u32, u32, u32)> = tasks
        .par_iter()
        .flat_map_iter(|&(cell, from, to)| {
            // A record of a side by its rank among the side's records (shared spellings first).
            let pick = |v: Side, i: usize| if i < v.0.len() { v.0[i] } else { v.1[i - v.0.len()] };
            let (lf, lt) = (from.0.len() + from.1.len(), to.0.len() + to.1.len());
            let mut out = Vec::new();
            if lf == 0 || lt == 0 || (lf == 1 && lt == 1 && pick(from, 0).0 == pick(to, 0).0) {
                return out;
            }
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xc105e ^ (u64::from(cell) << 32));
            out.reserve(n);
            let mut tries = 0usize;
            while out.len() < n && tries < 4 * n {
                tries += 1;
                let (a, b) = (pick(from, rng.gen_range(0..lf)), pick(to, rng.gen_range(0..lt)));
                if a.0 != b.0 {
                    out.push((a.1.min(b.1), a.1.max(b.1), cell));
                }
            }
            out
        })
        .collect();
    // Sorted by surname values, so that one side is read in dictionary order (a random pair's
    // comparison costs its cache misses) and a pair of values drawn again is compared once.
    draws.par_sort_unstable();
    let n_cells = cells.len() * 3;
    let (hits, drawn) = draws
        .par_chunks(4096)
        .map(|piece| {
            let (mut hits, mut drawn) = (vec![[0u64; 2]; n_cells], vec![0u64; n_cells]);
            let mut last = (NONE, NONE, false);
            for &(ia, ib, c) in piece {
                if (ia, ib) != (last.0, last.1) {
                    last = (ia, ib, ia != ib && name_level_of(t, 0, ia, ib) == CLOSE);
                }
                drawn[c as usize] += 1;
                if last.2 {
                    hits[c as usize][group_and_log_k(count[ia as usize], count[ib as usize]).0] += 1;
                }
            }
            (hits, drawn)
        })
        .reduce(
            || (vec![[0u64; 2]; n_cells], vec![0u64; n_cells]),
            |(mut h, mut d), (h2, d2)| {
                for c in 0..n_cells {
                    h[c][0] += h2[c][0];
                    h[c][1] += h2[c][1];
                    d[c] += d2[c];
                }
                (h, d)
            },
        );
    let share = |h: u64, n: u64| if n == 0 { 0.0 } else { h as f64 / n as f64 };
    cells
        .iter()
        .enumerate()
        .map(|(c, &(x, y, pairs_here, sx, sy))| {
            let (u, l1, l2) = (3 * c, 3 * c + 1, 3 * c + 2);
            let lone = sx * share(hits[l1][0], drawn[l1]) + (1.0 - sx) * sy * share(hits[l2][0], drawn[l2]);
            RandomClose {
                x,
                y,
                pairs: drawn[u],
                u: [lone, share(hits[u][1], drawn[u])],
                hits: hits[u][1] + hits[l1][0] + hits[l2][0],
                weight: pairs_here / all_pairs,
            }
        })
        .collect()
}

/// Fixed-point scale of [`CandidateSums`]: sums of probabilities in integers add up to the same
/// bits in any order, so the offsets do not depend on how the pairs were split among threads.
const SCALE: f64 = (1u64 << 32) as f64;

/// Per pair of lists (group of [`SourceGroups::group`]): the summed match probability of all
/// candidate pairs, and per close group of the close ones, and of the close ones times k.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidateSums {
    pub all: Vec<u128>,
    pub close: Vec<[u128; 2]>,
    pub close_k: Vec<[u128; 2]>,
}

impl CandidateSums {
    pub fn new(groups: usize) -> CandidateSums {
        CandidateSums { all: vec![0; groups], close: vec![[0; 2]; groups], close_k: vec![[0; 2]; groups] }
    }

    /// One candidate pair of group `g` with match probability `p`; `close`: its surnames' group
    /// and log2 k when they are close.
    #[inline]
    pub fn add(&mut self, g: usize, p: f64, close: Option<(usize, f64)>) {
        // Through u64 (p k 2^32 < 2^64 for any roll count): a float's conversion to u128 is a
        // library call, and this runs for every candidate pair.
        let x = (p * SCALE) as u64;
        if x == 0 {
            return;
        }
        self.all[g] += u128::from(x);
        if let Some((c, lk)) = close {
            self.close[g][c] += u128::from(x);
            self.close_k[g][c] += u128::from((p * lk.exp2() * SCALE) as u64);
        }
    }

    pub fn merge(&mut self, o: &CandidateSums) {
        for (i, x) in o.all.iter().enumerate() {
            self.all[i] += x;
            for c in 0..2 {
                self.close[i][c] += o.close[i][c];
                self.close_k[i][c] += o.close_k[i][c];
            }
        }
    }

    fn get(&self, g: usize) -> (f64, [f64; 2], [f64; 2]) {
        let f = |x: u128| x as f64 / SCALE;
        (f(self.all[g]), self.close[g].map(f), self.close_k[g].map(f))
    }
}

/// Fit the offsets from the random close pairs and the candidate sums: per pair of lists and
/// group, m = (close matches + M_SHRINK pooled m) / (matches + M_SHRINK), u shrunk towards the
/// pooled u by half a hit, E_M[k] = (sum of p k + K_SHRINK pooled mean) / (sum of p + K_SHRINK),
/// offset = log2(m / u) + log2 E_M[k], within +-[`OFFSET_CAP`]. None when there is too little
/// to fit on (a small roll): then close surnames keep the level's single weight.
pub fn fit(t: &Table, random: &[RandomClose], sums: &CandidateSums) -> Option<(Vec<CloseTells>, PooledTells)> {
    let sg = SourceGroups::new(t);
    let hits: u64 = random.iter().map(|r| r.hits).sum();
    let (mut all, mut close, mut close_k) = (0.0, [0.0; 2], [0.0; 2]);
    let mut u_pool = [0.0; 2];
    for r in random {
        let (a, c, ck) = sums.get(sg.group_of_sources(r.x, r.y) as usize);
        all += a;
        for g in 0..2 {
            close[g] += c[g];
            close_k[g] += ck[g];
            u_pool[g] += r.weight * r.u[g];
        }
    }
    if hits < MIN_RANDOM_CLOSE || all <= 0.0 || (0..2).any(|g| close[g] <= 0.0 || u_pool[g] <= 0.0) {
        return None;
    }
    let m_pool = close.map(|c| c / all);
    let k_pool = [close_k[0] / close[0], close_k[1] / close[1]];
    let offset = |m: f64, u: f64, k: f64| ((m / u).log2() + k.log2()).clamp(-OFFSET_CAP, OFFSET_CAP);
    let pooled = PooledTells {
        u: u_pool,
        m: m_pool,
        mean_k: k_pool,
        offset: [0, 1].map(|g| offset(m_pool[g], u_pool[g], k_pool[g])),
    };
    let tells = random
        .iter()
        .map(|r| {
            // Random pairs of a one-record list: none; its u is the pooled one.
            let (a, c, ck) = sums.get(sg.group_of_sources(r.x, r.y) as usize);
            let n = r.pairs as f64;
            let m = [0, 1].map(|g| (c[g] + M_SHRINK * m_pool[g]) / (a + M_SHRINK));
            let u = [0, 1].map(|g| (r.u[g] * n + U_SHRINK_HITS) / (n + U_SHRINK_HITS / u_pool[g]));
            let k = [0, 1].map(|g| (ck[g] + K_SHRINK * k_pool[g]) / (c[g] + K_SHRINK));
            let (sa, sb) = (&t.sources[r.x as usize], &t.sources[r.y as usize]);
            CloseTells {
                a: sa.min(sb).clone(),
                b: sa.max(sb).clone(),
                random_pairs: r.pairs,
                u,
                expected_matches: a,
                close_matches: c,
                m,
                mean_k: k,
                offset: [0, 1].map(|g| offset(m[g], u[g], k[g])),
            }
        })
        .collect();
    Some((tells, pooled))
}
