//! Turning candidate pairs into comparison patterns, fast.
//!
//! Names dominate the cost, so each distinct pair of differing name values is compared once:
//! the pairs' name-id pairs are collected, sorted, deduplicated, compared in parallel, and
//! looked up while the pairs are scored. Everything else is integer work on columns.

use crate::levels::{birth_level, death_level, pack, NameLevel, Pattern, NF};
use crate::names::{self, NamePart};
use crate::table::{Rec, Table, NONE};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

const PARTS: [NamePart; 3] = [NamePart::Surname, NamePart::Given, NamePart::Patronymic];

/// Levels of every distinct pair of differing name values that the pairs need.
#[derive(Debug, Default)]
pub struct NameCache {
    maps: [FxHashMap<u64, u8>; 3],
}

#[inline]
fn pair_id(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

/// Compare two names by value, in an order fixed by the values themselves, so that an
/// asymmetric comparator still gives the same answer whatever the dictionary ids are.
pub fn compare_names(t: &Table, k: usize, a: u32, b: u32) -> (NameLevel, String) {
    let d = &t.names[k];
    let (x, y) = if d.raw[a as usize] <= d.raw[b as usize] { (a, b) } else { (b, a) };
    let (px, py) = (&d.prepared[x as usize], &d.prepared[y as usize]);
    // Most differing pairs that blocking brings (namesakes by date, by patronymic) are plainly
    // different names. When their cross-script keys differ and their canonical Latin forms are
    // far apart, skip the full comparator (which tries every transliteration standard): it
    // would say "different" at a hundred times the cost. Initials always go to the comparator.
    if d.key_hash[x as usize] != d.key_hash[y as usize] {
        let (cx, cy) = (&px.form.canonical, &py.form.canonical);
        if cx.len() > 2 && cy.len() > 2 {
            let jw = strsim::jaro_winkler(cx, cy);
            if jw < FAR_APART {
                return (NameLevel::Different, format!("different: canonical forms far apart (jaro-winkler {jw:.2})"));
            }
        }
    }
    names::compare(PARTS[k], px, py)
}

/// Jaro-Winkler similarity of canonical Latin forms below which two names with different keys
/// are taken as different without the full comparator.
const FAR_APART: f64 = 0.7;

impl NameCache {
    /// Fill the cache with every differing name pair among `pairs` not already in it.
    pub fn fill(&mut self, t: &Table, pairs: &[(Rec, Rec)]) {
        for k in 0..3 {
            let ids = &t.name_ids[k];
            let known = &self.maps[k];
            let mut need: Vec<u64> = pairs
                .par_iter()
                .filter_map(|&(a, b)| {
                    let (x, y) = (ids[a as usize], ids[b as usize]);
                    if x == NONE || y == NONE || x == y {
                        return None;
                    }
                    let p = pair_id(x, y);
                    (!known.contains_key(&p)).then_some(p)
                })
                .collect();
            need.par_sort_unstable();
            need.dedup();
            let levels: Vec<(u64, u8)> = need
                .par_iter()
                .map(|&p| {
                    let (x, y) = ((p >> 32) as u32, p as u32);
                    (p, compare_names(t, k, x, y).0 as u8)
                })
                .collect();
            self.maps[k].extend(levels);
        }
    }

    #[inline]
    fn name_level(&self, t: &Table, k: usize, a: Rec, b: Rec) -> u8 {
        let ids = &t.name_ids[k];
        let (x, y) = (ids[a as usize], ids[b as usize]);
        if x == NONE || y == NONE {
            0
        } else if x == y {
            NameLevel::Exact as u8
        } else {
            match self.maps[k].get(&pair_id(x, y)) {
                Some(&l) => l,
                None => compare_names(t, k, x, y).0 as u8,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.maps.iter().map(|m| m.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[inline]
fn eq_level(a: u64, b: u64) -> u8 {
    if a == 0 || b == 0 {
        0
    } else if a == b {
        1
    } else {
        2
    }
}

/// Disagreement between values written in different scripts is no evidence: lists in Latin
/// translate ranks and unit names rather than transliterate them.
#[inline]
fn cross_eq(level: u8, d: &crate::table::StrDict, a: u32, b: u32) -> u8 {
    if level == 2 && d.script[a as usize] != d.script[b as usize] {
        0
    } else {
        level
    }
}

/// Place: settlement and region, hierarchically. Settlement names repeat across regions
/// (there are dozens of Миколаївка), so agreement on both is stronger than on the settlement.
#[inline]
fn place_level(t: &Table, a: Rec, b: Rec) -> u8 {
    let (sa, sb) = (t.place_key(t.settlement[a as usize]), t.place_key(t.settlement[b as usize]));
    let (ra, rb) = (t.place_key(t.region[a as usize]), t.place_key(t.region[b as usize]));
    let s = cross_eq(eq_level(sa, sb), &t.places, t.settlement[a as usize], t.settlement[b as usize]);
    let r = cross_eq(eq_level(ra, rb), &t.places, t.region[a as usize], t.region[b as usize]);
    match (s, r) {
        (0, 0) => 0,
        (1, 1) => 1,
        (1, 0) => 2,
        (1, 2) => 4,
        (_, 1) => 3,
        (0, 2) | (2, _) => 4,
        _ => 0,
    }
}

/// The comparison levels of one pair.
#[inline]
pub fn levels(t: &Table, cache: &NameCache, a: Rec, b: Rec) -> [u8; NF] {
    let mut l = levels_with(t, a, b, cache.name_level(t, 0, a, b), cache.name_level(t, 1, a, b));
    l[2] = cache.name_level(t, 2, a, b);
    l
}

/// The levels of one pair given its surname and given-name levels (the patronymic level is
/// left 0 for the caller to fill).
#[inline]
fn levels_with(t: &Table, a: Rec, b: Rec, sur: u8, giv: u8) -> [u8; NF] {
    let (ai, bi) = (a as usize, b as usize);
    let sex = match (t.sex[ai], t.sex[bi]) {
        (0, _) | (_, 0) => 0,
        (x, y) if x == y => 1,
        _ => 2,
    };
    let (mut sur, mut giv) = (sur, giv);
    // Surname and given name swapped by one list: the keys agree across the columns.
    if sur == NameLevel::Different as u8 && giv == NameLevel::Different as u8 {
        let (sa, ga, sb, gb) = (t.name_key(0, a), t.name_key(1, a), t.name_key(0, b), t.name_key(1, b));
        if sa != 0 && ga != 0 && sa == gb && ga == sb {
            sur = NameLevel::Equivalent as u8;
            giv = NameLevel::Equivalent as u8;
        }
    }
    [
        sur,
        giv,
        0,
        birth_level(&t.birth[ai], &t.birth[bi]),
        death_level(&t.death[ai], &t.death[bi]),
        place_level(t, a, b),
        cross_eq(eq_level(t.code_key(t.unit[ai]), t.code_key(t.unit[bi])), &t.codes, t.unit[ai], t.unit[bi]),
        cross_eq(eq_level(t.rank_key(t.rank[ai]), t.rank_key(t.rank[bi])), &t.ranks, t.rank[ai], t.rank[bi]),
        sex,
    ]
}

#[inline]
pub fn pattern(t: &Table, cache: &NameCache, a: Rec, b: Rec) -> Pattern {
    pack(&levels(t, cache, a, b))
}

/// Below this many pairs the hash-map cache is used (incremental runs, random pairs); above
/// it, name levels are computed by sorting the pairs' name-id pairs, which touches memory in
/// order instead of probing a table of millions of entries twice per pair.
const SORTED_FROM: usize = 1 << 20;

/// Name levels of part `k` for every pair: each distinct pair of differing names is compared
/// once (in parallel), found by sorting (name pair, pair index) entries.
fn name_levels_sorted(t: &Table, k: usize, pairs: &[(Rec, Rec)], cache: &mut NameCache) -> Vec<u8> {
    let ids = &t.name_ids[k];
    let mut out: Vec<u8> = pairs
        .par_iter()
        .with_min_len(4096)
        .map(|&(a, b)| {
            let (x, y) = (ids[a as usize], ids[b as usize]);
            if x == NONE || y == NONE {
                0
            } else if x == y {
                NameLevel::Exact as u8
            } else {
                u8::MAX
            }
        })
        .collect();
    let mut e: Vec<(u64, u32)> = out
        .par_iter()
        .enumerate()
        .filter(|(_, &l)| l == u8::MAX)
        .map(|(i, _)| {
            let (a, b) = pairs[i];
            (pair_id(ids[a as usize], ids[b as usize]), i as u32)
        })
        .collect();
    e.par_sort_unstable();
    let mut starts = Vec::new();
    for i in 0..e.len() {
        if i == 0 || e[i].0 != e[i - 1].0 {
            starts.push(i);
        }
    }
    let levels: Vec<u8> = starts
        .par_iter()
        .map(|&s| {
            let p = e[s].0;
            compare_names(t, k, (p >> 32) as u32, p as u32).0 as u8
        })
        .collect();
    for (g, &s) in starts.iter().enumerate() {
        let end = starts.get(g + 1).copied().unwrap_or(e.len());
        for &(_, i) in &e[s..end] {
            out[i as usize] = levels[g];
        }
    }
    // Keep the verdicts: records added later (incremental linking) meet mostly the same name
    // pairs, and the comparator is the expensive part.
    cache.maps[k].reserve(starts.len());
    cache.maps[k].extend(starts.iter().zip(&levels).map(|(&s, &l)| (e[s].0, l)));
    out
}

/// Patterns of many pairs, in parallel.
pub fn patterns(t: &Table, cache: &mut NameCache, pairs: &[(Rec, Rec)]) -> Vec<Pattern> {
    if pairs.len() >= SORTED_FROM {
        let lv: Vec<Vec<u8>> = (0..3).map(|k| name_levels_sorted(t, k, pairs, cache)).collect();
        return pairs
            .par_iter()
            .enumerate()
            .with_min_len(4096)
            .map(|(i, &(a, b))| {
                let mut l = levels_with(t, a, b, lv[0][i], lv[1][i]);
                l[2] = lv[2][i];
                pack(&l)
            })
            .collect();
    }
    cache.fill(t, pairs);
    let cache = &*cache;
    pairs.par_iter().with_min_len(4096).map(|&(a, b)| pattern(t, cache, a, b)).collect()
}
