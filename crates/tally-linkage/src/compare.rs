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

/// Levels of every distinct pair of differing name values that the pairs need, per name part.
#[derive(Debug, Default)]
pub struct NameCache {
    parts: [PartCache; 3],
}

#[inline]
fn pair_id(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

/// Compare two names by value, in an order fixed by the values themselves, so that an
/// asymmetric comparator still gives the same answer whatever the dictionary ids are.
pub fn compare_names(t: &Table, k: usize, a: u32, b: u32) -> (NameLevel, String) {
    let (x, y) = ordered(t, k, a, b);
    let d = &t.names[k];
    if far_apart(t, k, x, y) {
        let jw =
            tally_names::jaro_winkler(&d.prepared[x as usize].form.canonical, &d.prepared[y as usize].form.canonical);
        return (NameLevel::Different, format!("different: canonical forms far apart (jaro-winkler {jw:.2})"));
    }
    names::compare(PARTS[k], &d.prepared[x as usize], &d.prepared[y as usize])
}

/// The two names in the order [`compare_names`] compares them (by their strings).
#[inline]
fn ordered(t: &Table, k: usize, a: u32, b: u32) -> (u32, u32) {
    if t.names[k].raw_le(a, b) {
        (a, b)
    } else {
        (b, a)
    }
}

/// Most differing pairs that blocking brings (namesakes by date, by patronymic) are plainly
/// different names. When their cross-script keys differ and their canonical Latin forms are
/// far apart, the full comparator (which tries every transliteration standard) is skipped: it
/// would say "different" at a hundred times the cost. Initials always go to the comparator.
/// Most pairs are decided by their letter counts alone ([`names::surely_far_apart`]), the
/// others by the (allocation-free) Jaro-Winkler itself.
#[inline]
fn far_apart(t: &Table, k: usize, x: u32, y: u32) -> bool {
    let d = &t.names[k];
    if d.key_hash[x as usize] == d.key_hash[y as usize] {
        return false;
    }
    let (px, py) = (&d.prepared[x as usize], &d.prepared[y as usize]);
    let (cx, cy) = (&px.form.canonical, &py.form.canonical);
    if cx.len() <= 2 || cy.len() <= 2 {
        return false;
    }
    let far = names::surely_far_apart(px, py, FAR_APART) || tally_names::jaro_winkler(cx, cy) < FAR_APART;
    // A slip of one letter in a short name moves its canonical form far (Василь / Ваиль:
    // vasil / val, 0.69); the comparator calls such pairs close, and so must its shortcut.
    far && !one_edit_apart(cx.as_bytes(), cy.as_bytes()) && !one_letter_apart_written(&px.form.norm, &py.form.norm)
}

/// Whether two written forms are one slip apart: Latin ones one edit, others (Cyrillic) differ
/// in one place by at most two letters on each side (a letter changed, dropped, added, or two
/// swapped; the comparator's own rule decides what that is). The canonical form collapses
/// vowels and clusters, so a slip can move it two or more edits (Ваиль: val against vasil;
/// Ivln: ivln against ivn). Compared as bytes, without decoding: a Cyrillic letter is two.
fn one_letter_apart_written(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_apart(a, b);
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - p;
    let s = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    a.len() - p - s <= 4 && b.len() - p - s <= 4
}

/// Whether two strings are at most one edit apart (a letter changed, dropped or added, or two
/// neighbours swapped): one linear pass that stops at the first difference, where the names
/// crate's `osa_within` runs the whole dynamic programme; the shortcut asks it of millions of
/// pairs.
fn one_edit_apart<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > 1 {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if i == a.len() {
        return true;
    }
    if a.len() == b.len() {
        // Changed at i, or i and i + 1 swapped.
        a[i + 1..] == b[i + 1..]
            || (i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..])
    } else {
        a[i..] == b[i + 1..]
    }
}

/// Jaro-Winkler similarity of canonical Latin forms below which two names with different keys
/// are taken as different without the full comparator. The comparator would still call a few
/// of them typing slips, on their written forms (the names crate's typo rule: Polin / Pojin,
/// canonical polin / pon); letting those through cost a million-record Latin run 0.5 to 0.8 s
/// and found 69 more true pairs of its 570,000.
const FAR_APART: f64 = 0.7;

/// The level [`compare_names`] gives two differing names, without building its explanation
/// (the names crate's level-only grade; a test holds the two together).
#[inline]
pub fn name_level_of(t: &Table, k: usize, a: u32, b: u32) -> u8 {
    let (x, y) = ordered(t, k, a, b);
    if far_apart(t, k, x, y) {
        return NameLevel::Different as u8;
    }
    let d = &t.names[k];
    names::level(PARTS[k], &d.prepared[x as usize], &d.prepared[y as usize]) as u8
}

/// The verdicts of one name part, in two stores: a sorted one filled chunk by chunk by the
/// streaming pass (9 bytes a verdict, merged in place, looked up by a merge-join with a chunk's
/// sorted name pairs, so millions of verdicts cost neither a hash table's slack nor its random
/// probes), and a hash map for small batches (incremental runs, random pairs, explanations).
#[derive(Debug, Default)]
struct PartCache {
    map: FxHashMap<u64, u8>,
    sorted: Vec<u64>,
    sorted_lv: Vec<u8>,
}

impl PartCache {
    #[inline]
    fn get(&self, p: u64) -> Option<u8> {
        if let Some(&l) = self.map.get(&p) {
            return Some(l);
        }
        self.sorted.binary_search(&p).ok().map(|i| self.sorted_lv[i])
    }

    /// Known levels of `ps` (sorted, distinct), `u8::MAX` where unknown.
    fn lookup_sorted(&self, ps: &[u64]) -> Vec<u8> {
        let (keys, lv, map) = (&self.sorted, &self.sorted_lv, &self.map);
        if ps.is_empty() {
            return Vec::new();
        }
        ps.par_chunks(1 << 14)
            .flat_map_iter(|part| {
                let mut out = Vec::with_capacity(part.len());
                let mut j = keys.partition_point(|&x| x < part[0]);
                for &p in part {
                    while j < keys.len() && keys[j] < p {
                        j += 1;
                    }
                    let l = if j < keys.len() && keys[j] == p {
                        lv[j]
                    } else if map.is_empty() {
                        u8::MAX
                    } else {
                        map.get(&p).copied().unwrap_or(u8::MAX)
                    };
                    out.push(l);
                }
                out
            })
            .collect()
    }

    /// Merge new verdicts (sorted by pair id, none already known) into the sorted store, in
    /// place from the back.
    fn merge_sorted(&mut self, new: &[(u64, u8)]) {
        let (keys, lv) = (&mut self.sorted, &mut self.sorted_lv);
        let (n, m) = (keys.len(), new.len());
        // Grow by an eighth, not the doubling `resize` would do: the store reaches some
        // 10 million verdicts at a million records, and its slack set the peak memory.
        // (Large blocks are remapped, not copied, when they grow.)
        if keys.capacity() < n + m {
            let more = m.max(n / 8);
            keys.reserve_exact(more);
            lv.reserve_exact(more);
        }
        keys.resize(n + m, 0);
        lv.resize(n + m, 0);
        let (mut i, mut j, mut w) = (n, m, n + m);
        while j > 0 {
            w -= 1;
            if i > 0 && keys[i - 1] > new[j - 1].0 {
                keys[w] = keys[i - 1];
                lv[w] = lv[i - 1];
                i -= 1;
            } else {
                keys[w] = new[j - 1].0;
                lv[w] = new[j - 1].1;
                j -= 1;
            }
        }
    }

    fn len(&self) -> usize {
        self.map.len() + self.sorted.len()
    }
}

impl NameCache {
    /// Fill the cache with every differing name pair among `pairs` not already in it.
    pub fn fill(&mut self, t: &Table, pairs: &[(Rec, Rec)]) {
        for (k, part) in self.parts.iter_mut().enumerate() {
            let ids = &t.name_ids[k];
            let known = &*part;
            let mut need: Vec<u64> = pairs
                .par_iter()
                .filter_map(|&(a, b)| {
                    let (x, y) = (ids[a as usize], ids[b as usize]);
                    if x == NONE || y == NONE || x == y {
                        return None;
                    }
                    let p = pair_id(x, y);
                    known.get(p).is_none().then_some(p)
                })
                .collect();
            need.par_sort_unstable();
            need.dedup();
            let levels: Vec<(u64, u8)> = need
                .par_iter()
                .map(|&p| {
                    let (x, y) = ((p >> 32) as u32, p as u32);
                    (p, name_level_of(t, k, x, y))
                })
                .collect();
            part.map.extend(levels);
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
            match self.parts[k].get(pair_id(x, y)) {
                Some(l) => l,
                None => name_level_of(t, k, x, y),
            }
        }
    }

    pub fn len(&self) -> usize {
        self.parts.iter().map(PartCache::len).sum()
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

/// Whether two region values are a city with region status and the region around it (or the
/// other way round), which lists write for one another.
#[inline]
pub(crate) fn same_area(d: &crate::table::StrDict, a: u32, b: u32) -> bool {
    let x = d.area.get(a as usize).copied().unwrap_or(0);
    x != 0 && Some(&x) == d.area.get(b as usize)
}

/// Place: settlement and region, hierarchically. Settlement names repeat across regions
/// (there are dozens of Миколаївка), so agreement on both is stronger than on the settlement.
#[inline]
fn place_level(t: &Table, a: Rec, b: Rec) -> u8 {
    let (sa, sb) = (t.place_key(t.settlement[a as usize]), t.place_key(t.settlement[b as usize]));
    let (ra, rb) = (t.place_key(t.region[a as usize]), t.place_key(t.region[b as usize]));
    let s = cross_eq(eq_level(sa, sb), &t.places, t.settlement[a as usize], t.settlement[b as usize]);
    let r = match cross_eq(eq_level(ra, rb), &t.places, t.region[a as usize], t.region[b as usize]) {
        2 if same_area(&t.places, t.region[a as usize], t.region[b as usize]) => 0,
        r => r,
    };
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
fn name_levels_sorted(t: &Table, k: usize, pairs: &[(Rec, Rec)], cache: &mut PartCache) -> Vec<u8> {
    // The sort buffer is the largest allocation of a chunk: when both name ids and the pair
    // index fit in 64 bits (a million records: 17 + 17 + 22), each entry is one u64 packing
    // (smaller id, larger id, pair index), half the size of a (u64, u32) tuple, and sorted by
    // radix on the name bits alone.
    let bits = |n: usize| (usize::BITS - n.leading_zeros()).max(1);
    let (name_bits, idx_bits) = (bits(t.names[k].raw.len()), bits(pairs.len()));
    if 2 * name_bits + idx_bits <= 64 {
        let (nb, ib) = (name_bits, idx_bits);
        let idx_mask = (1u64 << ib) - 1;
        name_levels_by_sort(
            t,
            k,
            pairs,
            cache,
            move |p, i| ((p >> 32) << (nb + ib)) | ((p & 0xffff_ffff) << ib) | u64::from(i),
            move |e: &mut Vec<u64>| radix_sort_bits(e, ib, 2 * nb + ib),
            move |e: u64| ((e >> (nb + ib)) << 32) | ((e >> ib) & ((1u64 << nb) - 1)),
            move |e: u64| (e & idx_mask) as u32,
        )
    } else {
        name_levels_by_sort(
            t,
            k,
            pairs,
            cache,
            |p, i| (u128::from(p) << 32) | u128::from(i),
            |e: &mut Vec<u128>| e.par_sort_unstable(),
            |e: u128| (e >> 32) as u64,
            |e: u128| e as u32,
        )
    }
}

/// Stable LSD radix sort of `v` by bits `lo..hi` of each value (bits outside are carried but
/// not sorted on): groups equal name pairs without comparing, some times faster than a
/// comparison sort on the millions of entries of a chunk.
fn radix_sort_bits(v: &mut Vec<u64>, lo: u32, hi: u32) {
    const DIGIT: u32 = 11;
    if v.len() < 2 || hi <= lo {
        return;
    }
    let mut buf = vec![0u64; v.len()];
    let mut shift = lo;
    while shift < hi {
        let width = (hi - shift).min(DIGIT);
        let mask = (1u64 << width) - 1;
        let mut count = vec![0usize; 1 << width];
        for &x in v.iter() {
            count[((x >> shift) & mask) as usize] += 1;
        }
        // A digit all entries share moves nothing.
        if count.contains(&v.len()) {
            shift += width;
            continue;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &x in v.iter() {
            let d = ((x >> shift) & mask) as usize;
            buf[count[d]] = x;
            count[d] += 1;
        }
        std::mem::swap(v, &mut buf);
        shift += width;
    }
}

/// The sorted pass itself, over entries `make(name pair id, pair index)` of type `E` which
/// `sort` groups by name pair id (`pair_of`).
#[allow(clippy::too_many_arguments)]
fn name_levels_by_sort<E: Copy + Ord + Send + Sync>(
    t: &Table,
    k: usize,
    pairs: &[(Rec, Rec)],
    cache: &mut PartCache,
    make: impl Fn(u64, u32) -> E + Sync + Send,
    sort: impl Fn(&mut Vec<E>),
    pair_of: impl Fn(E) -> u64 + Sync + Send,
    idx_of: impl Fn(E) -> u32 + Sync + Send,
) -> Vec<u8> {
    let ids = &t.name_ids[k];
    // Missing and equal names are settled here; the others become entries.
    let mut out = vec![0u8; pairs.len()];
    let mut e: Vec<E> = out
        .par_iter_mut()
        .zip(pairs.par_iter())
        .enumerate()
        .with_min_len(4096)
        .filter_map(|(i, (o, &(a, b)))| {
            let (x, y) = (ids[a as usize], ids[b as usize]);
            if x == NONE || y == NONE {
                None
            } else if x == y {
                *o = NameLevel::Exact as u8;
                None
            } else {
                Some(make(pair_id(x, y), i as u32))
            }
        })
        .collect();
    sort(&mut e);
    let mut starts = Vec::new();
    for i in 0..e.len() {
        if i == 0 || pair_of(e[i]) != pair_of(e[i - 1]) {
            starts.push(i as u32);
        }
    }
    // Each distinct name pair: known from an earlier chunk, or compared now (in parallel).
    let distinct: Vec<u64> = starts.iter().map(|&s| pair_of(e[s as usize])).collect();
    let known = cache.lookup_sorted(&distinct);
    let levels: Vec<u8> = distinct
        .par_iter()
        .zip(known.par_iter())
        .map(|(&p, &l)| if l != u8::MAX { l } else { name_level_of(t, k, (p >> 32) as u32, p as u32) })
        .collect();
    for (g, &s) in starts.iter().enumerate() {
        let end = starts.get(g + 1).map_or(e.len(), |&x| x as usize);
        for &x in &e[s as usize..end] {
            out[idx_of(x) as usize] = levels[g];
        }
    }
    drop(e);
    // Keep the new verdicts: later chunks and records added later (incremental linking) meet
    // mostly the same name pairs, and the comparator is the expensive part.
    let new: Vec<(u64, u8)> =
        distinct.iter().zip(&known).zip(&levels).filter(|e| *e.0 .1 == u8::MAX).map(|((&p, _), &l)| (p, l)).collect();
    cache.merge_sorted(&new);
    out
}

/// Patterns of many pairs, in parallel.
pub fn patterns(t: &Table, cache: &mut NameCache, pairs: &[(Rec, Rec)]) -> Vec<Pattern> {
    if pairs.len() >= SORTED_FROM {
        return patterns_sorted(t, cache, pairs);
    }
    cache.fill(t, pairs);
    let cache = &*cache;
    pairs.par_iter().with_min_len(4096).map(|&(a, b)| pattern(t, cache, a, b)).collect()
}

/// Patterns of a chunk of pairs by the sorted pass (what the streaming linker uses for every
/// chunk, whatever its size): name verdicts go to the cache's sorted store.
pub fn patterns_sorted(t: &Table, cache: &mut NameCache, pairs: &[(Rec, Rec)]) -> Vec<Pattern> {
    // The three parts at once: each has its own store, and a part's sort is one thread's work.
    let lv: Vec<Vec<u8>> =
        cache.parts.par_iter_mut().enumerate().map(|(k, part)| name_levels_sorted(t, k, pairs, part)).collect();
    pairs
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .map(|(i, &(a, b))| {
            let mut l = levels_with(t, a, b, lv[0][i], lv[1][i]);
            l[2] = lv[2][i];
            pack(&l)
        })
        .collect()
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
                key: RecordKey::new("s", i.to_string()),
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
            assert_eq!(name_levels_sorted(&t, k, &pairs, &mut cache.parts[k]), want, "part {k}, packed");
            let wide = name_levels_by_sort(
                &t,
                k,
                &pairs,
                &mut PartCache::default(),
                |p, i| (u128::from(p) << 32) | u128::from(i),
                |e: &mut Vec<u128>| e.par_sort_unstable(),
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

    /// The level-only path answers as the explaining comparator behind `strsim`'s Jaro-Winkler
    /// gate did: every pair of a few hundred names (Latin with slips, Cyrillic, initials, short
    /// ones) gets the same level both ways, and the allocation-free Jaro-Winkler equals
    /// `strsim`'s to the bit.
    #[test]
    fn fast_name_levels_equal_the_comparator() {
        let syl = ["ko", "va", "len", "shev", "chen", "bon", "dar", "tka", "mo", "roz", "ly", "o", "yi"];
        let suf = ["enko", "uk", "yk", "ak", "ets", "iv", "chuk", ""];
        let mut names: Vec<String> = Vec::new();
        for (i, a) in syl.iter().enumerate() {
            for (j, b) in syl.iter().enumerate().step_by(2) {
                names.push(format!("{}{}{}", a.to_uppercase(), b, suf[(i + j) % suf.len()]));
            }
        }
        names.extend(
            [
                "Шевченко",
                "Шевчинко",
                "Коваленко",
                "Бондар",
                "Ткачук",
                "О.",
                "Ol",
                "Yi",
                "Oleksandr",
                "Олександр",
                "Василь",
                "Ваиль",
                "Вадим",
                "Ваиим",
            ]
            .map(String::from),
        );
        let records: Vec<Record> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Record {
                id: i as i64,
                key: RecordKey::new("s", i.to_string()),
                line: 1,
                raw: vec![],
                fields: ParsedFields { surname: Some(n.clone()), given_name: Some(n.clone()), ..Default::default() },
            })
            .collect();
        let t = Table::from_records(&records).unwrap();
        let mut gated = 0;
        for (k, &part) in PARTS.iter().enumerate().take(2) {
            let n = t.names[k].raw.len() as u32;
            for a in 0..n {
                for b in 0..n {
                    if a == b {
                        continue;
                    }
                    // The comparison as it was first written: strsim's Jaro-Winkler for the gate,
                    // the explaining comparator for the level.
                    let d = &t.names[k];
                    let (x, y) = if d.raw[a as usize] <= d.raw[b as usize] { (a, b) } else { (b, a) };
                    let (px, py) = (&d.prepared[x as usize], &d.prepared[y as usize]);
                    let (cx, cy) = (&px.form.canonical, &py.form.canonical);
                    let gate = d.key_hash[x as usize] != d.key_hash[y as usize]
                        && cx.len() > 2
                        && cy.len() > 2
                        && strsim::jaro_winkler(cx, cy) < FAR_APART
                        && strsim::osa_distance(cx, cy) > 1
                        && !one_letter_apart_written(&px.form.norm, &py.form.norm);
                    let want = if gate { NameLevel::Different as u8 } else { names::compare(part, px, py).0 as u8 };
                    assert_eq!(name_level_of(&t, k, a, b), want, "{} / {}", d.raw[a as usize], d.raw[b as usize]);
                    assert_eq!(compare_names(&t, k, a, b).0 as u8, want);
                    gated += usize::from(gate);
                    assert_eq!(tally_names::jaro_winkler(cx, cy).to_bits(), strsim::jaro_winkler(cx, cy).to_bits());
                }
            }
        }
        assert!(gated > 1000, "the gate decides most pairs: {gated}");
    }

    /// A slip of one letter that moves a short name's canonical form far from the other's is
    /// still handed to the comparator, which calls it close (Василь / Ваиль: canonical vasil / val).
    #[test]
    fn one_slip_in_a_short_name_is_close_not_far_apart() {
        for (a, b, want) in [
            ("vasil", "vail", true),
            ("vail", "vasil", true),
            ("vadim", "vaiim", true),
            ("ivan", "iavn", true),
            ("ivan", "ivan", true),
            ("ivan", "oleh", false),
            ("vasil", "vai", false),
            ("abcd", "badc", false),
        ] {
            assert_eq!(one_edit_apart(a.as_bytes(), b.as_bytes()), want, "{a} / {b}");
            assert_eq!(one_letter_apart_written(a, b), want, "{a} / {b}");
            let d = strsim::osa_distance(a, b);
            assert_eq!(d <= 1, want, "{a} / {b}: osa {d}");
        }
        for (a, b, want) in [
            ("василь", "ваиль", true),
            ("вадим", "ваиим", true),
            ("іван", "іавн", true),
            ("василь", "віталій", false),
            ("шевченко", "шевчеко", true),
            ("шевченко", "коваленко", false),
        ] {
            assert_eq!(one_letter_apart_written(a, b), want, "{a} / {b}");
        }
        let records: Vec<Record> = ["Василь", "Ваиль"]
            .iter()
            .enumerate()
            .map(|(i, n)| Record {
                id: i as i64,
                key: RecordKey::new("s", i.to_string()),
                line: 1,
                raw: vec![],
                fields: ParsedFields {
                    surname: Some("Bondar".into()),
                    given_name: Some((*n).into()),
                    ..Default::default()
                },
            })
            .collect();
        let t = Table::from_records(&records).unwrap();
        assert_eq!(name_level_of(&t, 1, 0, 1), NameLevel::Close as u8);
    }

    /// The radix sort groups by the chosen bits and keeps the others' order (stable).
    #[test]
    fn radix_sort_sorts_by_the_chosen_bits() {
        let mut x = 0x9e3779b97f4a7c15u64;
        let v: Vec<u64> = (0..5000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x % 300) << 20) | i
            })
            .collect();
        let mut got = v.clone();
        radix_sort_bits(&mut got, 20, 29);
        let mut want = v;
        want.sort_by_key(|e| e >> 20);
        assert_eq!(got, want);
    }
}
