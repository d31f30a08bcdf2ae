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

/// Rank: equal, one grade apart ("adjacent_grade"), different; values in two scripts that are
/// not known ranks are no evidence (see [`cross_eq`]).
#[inline]
fn rank_level(t: &Table, a: u32, b: u32) -> u8 {
    match cross_eq(eq_level(t.rank_key(a), t.rank_key(b)), &t.ranks, a, b) {
        2 => {
            let (x, y) = (t.ranks.grade[a as usize], t.ranks.grade[b as usize]);
            if x != 0 && y != 0 && (x - y).abs() == 1 {
                2
            } else {
                3
            }
        }
        l => l,
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
        rank_level(t, t.rank[ai], t.rank[bi]),
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
    let out: Vec<u8> = pairs
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
    // The sort buffer is the largest allocation of a big run: when both name ids and the pair
    // index fit in 64 bits (a million records: 17 + 17 + 26), each entry is one u64 packing
    // (smaller id, larger id, pair index), half the size of a (u64, u32) tuple.
    let bits = |n: usize| (usize::BITS - n.leading_zeros()).max(1);
    let (name_bits, idx_bits) = (bits(t.names[k].raw.len()), bits(pairs.len()));
    if 2 * name_bits + idx_bits <= 64 {
        let (nb, ib) = (name_bits, idx_bits);
        let idx_mask = (1u64 << ib) - 1;
        name_levels_by_sort(
            t,
            k,
            pairs,
            out,
            cache,
            move |p, i| ((p >> 32) << (nb + ib)) | ((p & 0xffff_ffff) << ib) | u64::from(i),
            move |e: u64| ((e >> (nb + ib)) << 32) | ((e >> ib) & ((1u64 << nb) - 1)),
            move |e: u64| (e & idx_mask) as u32,
        )
    } else {
        name_levels_by_sort(
            t,
            k,
            pairs,
            out,
            cache,
            |p, i| (u128::from(p) << 32) | u128::from(i),
            |e: u128| (e >> 32) as u64,
            |e: u128| e as u32,
        )
    }
}

/// The sorted pass itself, over entries `make(name pair id, pair index)` of type `E` whose
/// order is that of (name pair id, pair index).
#[allow(clippy::too_many_arguments)]
fn name_levels_by_sort<E: Copy + Ord + Send + Sync>(
    t: &Table,
    k: usize,
    pairs: &[(Rec, Rec)],
    mut out: Vec<u8>,
    cache: &mut NameCache,
    make: impl Fn(u64, u32) -> E + Sync + Send,
    pair_of: impl Fn(E) -> u64 + Sync + Send,
    idx_of: impl Fn(E) -> u32 + Sync + Send,
) -> Vec<u8> {
    let ids = &t.name_ids[k];
    let mut e: Vec<E> = out
        .par_iter()
        .enumerate()
        .filter(|(_, &l)| l == u8::MAX)
        .map(|(i, _)| {
            let (a, b) = pairs[i];
            make(pair_id(ids[a as usize], ids[b as usize]), i as u32)
        })
        .collect();
    e.par_sort_unstable();
    let mut starts = Vec::new();
    for i in 0..e.len() {
        if i == 0 || pair_of(e[i]) != pair_of(e[i - 1]) {
            starts.push(i as u32);
        }
    }
    let levels: Vec<u8> = starts
        .par_iter()
        .map(|&s| {
            let p = pair_of(e[s as usize]);
            compare_names(t, k, (p >> 32) as u32, p as u32).0 as u8
        })
        .collect();
    for (g, &s) in starts.iter().enumerate() {
        let end = starts.get(g + 1).map_or(e.len(), |&x| x as usize);
        for &x in &e[s as usize..end] {
            out[idx_of(x) as usize] = levels[g];
        }
    }
    // Keep the verdicts: records added later (incremental linking) meet mostly the same name
    // pairs, and the comparator is the expensive part.
    cache.maps[k].reserve(starts.len());
    cache.maps[k].extend(starts.iter().zip(&levels).map(|(&s, &l)| (pair_of(e[s as usize]), l)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use tally_domain::{ParsedFields, Record, RecordKey};

    fn table() -> Table {
        let sur = ["Shevchenko", "Shevchenco", "Шевченко", "Kovalenko", "Kovalenka", "Bondar", "Бондар", "Tkachuk"];
        let giv = ["Oleksandr", "Олександр", "Aleksandr", "Serhii", "Sergei", "Petro", "О."];
        let records: Vec<Record> = (0..60)
            .map(|i| Record {
                id: i,
                key: RecordKey { source: "s".into(), source_record_id: i.to_string() },
                line: 1,
                raw: vec![],
                fields: ParsedFields {
                    surname: Some(sur[(i * 7 % 8) as usize].into()),
                    given_name: (i % 5 != 0).then(|| giv[(i * 3 % 7) as usize].into()),
                    patronymic: (i % 2 == 0).then(|| ["Ivanovych", "Іванович", "Petrovych"][(i % 3) as usize].into()),
                    ..Default::default()
                },
            })
            .collect();
        Table::from_records(&records).unwrap()
    }

    /// The sorted pass (packed u64 entries and the wide u128 fallback) gives each pair the
    /// level the per-pair comparator gives.
    #[test]
    fn sorted_name_levels_equal_pairwise_comparison() {
        let t = table();
        let n = t.len() as Rec;
        let pairs: Vec<(Rec, Rec)> = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect();
        let plain = NameCache::default();
        for k in 0..3 {
            let want: Vec<u8> = pairs.iter().map(|&(a, b)| plain.name_level(&t, k, a, b)).collect();
            let mut cache = NameCache::default();
            assert_eq!(name_levels_sorted(&t, k, &pairs, &mut cache), want, "part {k}, packed");
            let marks: Vec<u8> = name_levels_sorted(&t, k, &pairs, &mut NameCache::default())
                .iter()
                .zip(&pairs)
                .map(|(&l, &(a, b))| {
                    let (x, y) = (t.name_ids[k][a as usize], t.name_ids[k][b as usize]);
                    if x != NONE && y != NONE && x != y {
                        u8::MAX
                    } else {
                        l
                    }
                })
                .collect();
            let wide = name_levels_by_sort(
                &t,
                k,
                &pairs,
                marks,
                &mut NameCache::default(),
                |p, i| (u128::from(p) << 32) | u128::from(i),
                |e: u128| (e >> 32) as u64,
                |e: u128| e as u32,
            );
            assert_eq!(wide, want, "part {k}, wide");
            assert!(want.iter().any(|&l| l > NameLevel::Exact as u8), "part {k}: some names differ");
            for (&(a, b), &l) in pairs.iter().zip(&want) {
                assert_eq!(cache.name_level(&t, k, a, b), l, "the cache keeps the verdicts");
            }
        }
    }
}
