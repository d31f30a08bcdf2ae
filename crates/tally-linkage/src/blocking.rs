//! Blocking: which pairs are compared at all.
//!
//! Several rules are unioned. Each rule is a conjunction of key fields (cross-script name keys,
//! birth year, day-precise birth date, settlement); two records are a candidate pair under a rule
//! when all its fields are present and equal. A pair found by an earlier rule is not emitted
//! again by a later one (checked by recomputing the earlier keys, so no global pair set is
//! needed). A block larger than `max_block` is skipped and reported, never compared
//! quadratically unnoticed; the other rules still see its records.

use crate::levels::DateCode;
use crate::table::{fnv64, Rec, Table, NONE, ROLE_GIVEN, ROLE_INITIALS, ROLE_PATRONYMIC};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A field a blocking rule may require to agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyField {
    Surname,
    Given,
    Patronymic,
    BirthYear,
    BirthDay,
    Settlement,
    /// Day-precise date of death or disappearance.
    DeathDay,
    /// The first three letters of the surname's cross-script key: survives a slip late in
    /// the name that changes the full key.
    SurnamePrefix,
    /// The last three letters of the surname's cross-script key: survives an early slip.
    SurnameSuffix,
    /// The initial of the given name (agrees between «Г.» and Георгій).
    GivenInitial,
    /// Surname and given-name keys as an unordered pair, so a list that swapped the two
    /// columns still blocks with the others.
    NameSet,
    /// The last four letters of the surname's cross-script key: finer than the suffix of
    /// three, which every -enko surname shares.
    SurnameSuffix4,
    /// Year and month of death, when the date gives at least the month.
    DeathMonth,
    /// The first letter of the given name as written, Cyrillic read as Latin (Ю, Є, Я, Ї, Й
    /// as y): «Y.» agrees with Yurii, Yevhen and Yaroslav, whose canonical forms start with
    /// the vowel (`uri`, `evgen`, `aroslav`) while «Y.» gives `i`.
    GivenInitialWritten,
    /// Region (oblast, republic): coarse, but most lists give it, even those that give little
    /// else (a media list: a name and a region).
    Region,
}

impl KeyField {
    pub const ALL: [KeyField; 15] = [
        KeyField::Surname,
        KeyField::Given,
        KeyField::Patronymic,
        KeyField::BirthYear,
        KeyField::BirthDay,
        KeyField::Settlement,
        KeyField::DeathDay,
        KeyField::SurnamePrefix,
        KeyField::SurnameSuffix,
        KeyField::GivenInitial,
        KeyField::NameSet,
        KeyField::SurnameSuffix4,
        KeyField::DeathMonth,
        KeyField::GivenInitialWritten,
        KeyField::Region,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyField::Surname => "surname_key",
            KeyField::Given => "given_key",
            KeyField::Patronymic => "patronymic_key",
            KeyField::BirthYear => "birth_year",
            KeyField::BirthDay => "birth_date",
            KeyField::Settlement => "settlement_key",
            KeyField::DeathDay => "death_date",
            KeyField::SurnamePrefix => "surname_key_prefix",
            KeyField::SurnameSuffix => "surname_key_suffix",
            KeyField::GivenInitial => "given_initial",
            KeyField::NameSet => "name_keys_any_order",
            KeyField::SurnameSuffix4 => "surname_key_suffix4",
            KeyField::DeathMonth => "death_month",
            KeyField::GivenInitialWritten => "given_initial_written",
            KeyField::Region => "region_key",
        }
    }

    /// A coarse field: a region, a month of death, a written initial, four letters of a
    /// surname. Rules keyed on one pair many records whose names mostly disagree, to catch the
    /// garbled matches among them; a low score there is weak evidence that two records are
    /// different people, so those pairs do not veto merges (see `Linker::veto`).
    pub fn coarse(self) -> bool {
        matches!(
            self,
            KeyField::Region | KeyField::DeathMonth | KeyField::GivenInitialWritten | KeyField::SurnameSuffix4
        )
    }

    /// The record's value of this key field; 0 when missing. Name fields read the column
    /// that holds the role ([`name_roles`]), so a list that wrote the parts in another order
    /// blocks with the others.
    #[inline]
    pub fn value(self, t: &Table, i: Rec) -> u64 {
        let d: &DateCode = &t.birth[i as usize];
        let role = |r: usize| name_roles(t, i)[r];
        match self {
            KeyField::Surname => t.name_key(role(0), i),
            KeyField::Given => t.name_key(role(1), i),
            KeyField::Patronymic => t.name_key(role(2), i),
            // Only a single year is a usable block; age-derived and ranges span two or more.
            KeyField::BirthYear if d.present && d.hi - d.lo <= 365 => (d.year as u64) | 1 << 40,
            KeyField::BirthYear => 0,
            KeyField::BirthDay if d.is_day() => (d.lo as i64 as u64) | 1 << 41,
            KeyField::BirthDay => 0,
            KeyField::Settlement => t.place_key(t.settlement[i as usize]),
            KeyField::Region => t.place_key(t.region[i as usize]),
            KeyField::DeathDay => {
                let d = &t.death[i as usize];
                if d.is_day() {
                    (d.lo as i64 as u64) | 1 << 42
                } else {
                    0
                }
            }
            KeyField::SurnamePrefix => t.name_prefix(role(0), i),
            KeyField::SurnameSuffix => t.name_suffix(role(0), i),
            KeyField::GivenInitial => t.name_initial(role(1), i),
            KeyField::SurnameSuffix4 => {
                let c = role(0);
                let id = t.name_ids[c][i as usize];
                if id == NONE {
                    return 0;
                }
                // Keys are ASCII (a consonant skeleton, `/` and vowel classes); computed here,
                // not stored, so the saved table keeps its shape.
                let key = t.names[c].prepared[id as usize].key.as_bytes();
                fnv64(&[b">", &key[key.len().saturating_sub(4)..]].concat()).max(1)
            }
            KeyField::GivenInitialWritten => {
                let c = role(1);
                let id = t.name_ids[c][i as usize];
                if id == NONE {
                    return 0;
                }
                let first = t.names[c].prepared[id as usize].form.norm.chars().find(|c| c.is_alphabetic());
                match first.map(written_initial) {
                    Some(l) if l.is_ascii_alphabetic() => fnv64(&[b'^', b'=', l as u8]),
                    _ => 0,
                }
            }
            KeyField::DeathMonth => {
                let d = &t.death[i as usize];
                if d.present && d.month != 0 {
                    (d.year as i64 as u64 & 0xffff) << 4 | u64::from(d.month) | 1 << 43
                } else {
                    0
                }
            }
            KeyField::NameSet => {
                let (x, y) = (t.name_key(0, i), t.name_key(1, i));
                if x == 0 || y == 0 {
                    0
                } else {
                    let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
                    fnv64(&[lo.to_le_bytes(), hi.to_le_bytes()].concat()).max(1)
                }
            }
        }
    }
}

/// Which column holds each name role, as `[surname, given, patronymic]` column indices. A
/// list that writes «Ivan Mykolaiovych Sychovych» into surname, given name and patronymic, or
/// «Ruslan Pulko» into surname and given name, has a known given name outside the given-name
/// column and none in it: the roles follow the given name (and a patronymic ending, where one
/// is). A record whose given-name column holds a known given name, or nothing, is read as
/// written, and so is one whose given-name column holds initials.
#[inline]
pub fn name_roles(t: &Table, i: Rec) -> [usize; 3] {
    let bits = |c: usize| {
        let id = t.name_ids[c][i as usize];
        if id == NONE {
            0
        } else {
            t.names[c].roles(id)
        }
    };
    let flags = |c: usize| {
        let b = bits(c);
        (b & ROLE_GIVEN != 0, b & ROLE_PATRONYMIC != 0)
    };
    let given = bits(1);
    // Initials in the given-name column are a given name too («Markko A. M.»: Marko is also
    // a given name, yet the list wrote it as the surname).
    if t.name_ids[1][i as usize] == NONE || given & (ROLE_GIVEN | ROLE_INITIALS) != 0 {
        return [0, 1, 2];
    }
    let p1 = given & ROLE_PATRONYMIC != 0;
    let (g0, p0) = flags(0);
    if g0 && !p0 {
        // Given name first: «Ivan Mykolaiovych Sychovych» or «Ruslan Pulko».
        return if p1 { [2, 0, 1] } else { [1, 0, 2] };
    }
    let (g2, p2) = flags(2);
    if g2 && !p2 {
        return if p0 { [1, 2, 0] } else { [0, 2, 1] };
    }
    [0, 1, 2]
}

/// Whether two records wrote their names in the same columns: both as written (no role moved,
/// see [`name_roles`]) and not each other's surname and given name swapped.
pub fn columns_aligned(t: &Table, a: Rec, b: Rec) -> bool {
    const AS_WRITTEN: [usize; 3] = [0, 1, 2];
    let swapped = |x: Rec, y: Rec| {
        let k = t.name_key(0, x);
        k != 0 && k == t.name_key(1, y) && k != t.name_key(0, y)
    };
    name_roles(t, a) == AS_WRITTEN && name_roles(t, b) == AS_WRITTEN && !swapped(a, b) && !swapped(b, a)
}

/// The Latin letter a name written with `c` first starts with in most transliterations
/// (Ukrainian and Russian); `c` itself when it is not Cyrillic.
fn written_initial(c: char) -> char {
    const CYR: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёэы";
    const LAT: &str = "abvhgdeyzzyiyyklmnoprstufkccssyyyeey";
    match CYR.chars().position(|x| x == c) {
        Some(n) => LAT.chars().nth(n).unwrap_or(c),
        None => c,
    }
}

/// One blocking rule: all of its fields must be present and agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub fields: Vec<KeyField>,
}

impl Rule {
    pub fn new(fields: &[KeyField]) -> Rule {
        Rule { fields: fields.to_vec() }
    }

    pub fn name(&self) -> String {
        self.fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" & ")
    }

    /// The rule's key for a record; 0 when any field is missing. 32 bits: the index holds
    /// one per rule and record (16 rules over a million records: 64 MB, not 128, in memory
    /// and in the linker cache); two keys that collide only join two blocks of one rule
    /// (some tens of a million records' blocks), never lose a pair.
    #[inline]
    pub fn key(&self, t: &Table, i: Rec) -> BlockKey {
        let mut buf = [0u8; 8 * KeyField::ALL.len()];
        for (n, f) in self.fields.iter().enumerate() {
            let v = f.value(t, i);
            if v == 0 {
                return 0;
            }
            buf[8 * n..8 * n + 8].copy_from_slice(&v.to_le_bytes());
        }
        let h = fnv64(&buf[..8 * self.fields.len()]);
        ((h ^ (h >> 32)) as u32).max(1)
    }
}

/// Blocking settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockingConfig {
    pub rules: Vec<Rule>,
    /// Blocks with more records are skipped (and reported).
    pub max_block: usize,
}

impl Default for BlockingConfig {
    fn default() -> Self {
        use KeyField::*;
        BlockingConfig {
            rules: vec![
                // Names alone, in either column order: the rule that finds most matches
                // whatever else is missing.
                Rule::new(&[NameSet]),
                // Initials for the given name (obituaries: «Шевченко О.С.»).
                Rule::new(&[Surname, GivenInitial]),
                // The same initial as written: «Y.» beside Yurii, Yevhen, Yaroslav.
                Rule::new(&[Surname, GivenInitialWritten]),
                Rule::new(&[Surname, BirthDay]),
                Rule::new(&[Given, BirthDay]),
                Rule::new(&[Given, Patronymic, BirthYear]),
                Rule::new(&[SurnamePrefix, Given, BirthYear]),
                Rule::new(&[SurnameSuffix, Given, BirthYear]),
                // A slip in the surname, in a list that gives only names and a region.
                Rule::new(&[SurnamePrefix, Given, Region]),
                Rule::new(&[SurnameSuffix4, Given, Region]),
                Rule::new(&[Given, Settlement, BirthYear]),
                Rule::new(&[BirthDay, Settlement]),
                Rule::new(&[Given, DeathDay]),
                // A garbled surname where the death is known to the month only (media lists).
                Rule::new(&[Given, Region, DeathMonth]),
                Rule::new(&[Surname, DeathDay]),
                Rule::new(&[BirthDay, DeathDay]),
            ],
            max_block: 2000,
        }
    }
}

/// What blocking did, per rule and in total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockingReport {
    pub rules: Vec<RuleReport>,
    pub records: usize,
    pub pairs: u64,
    pub pairs_per_record: f64,
    /// Label-free estimate of the share of true matches that some rule finds; filled in after
    /// training (it needs the m-probabilities of key agreement), before clustering.
    pub estimated_recall: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    pub rule: String,
    /// New pairs this rule contributed (not found by an earlier rule).
    pub pairs: u64,
    pub blocks: u64,
    pub largest_block: u64,
    pub skipped_blocks: u64,
    pub skipped_pairs: u64,
}

/// The per-rule sorted key index, kept so new records can be blocked against it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BlockIndex {
    /// Per rule: the records with a key, sorted by (key, record). The keys themselves are
    /// looked up in `rec_keys`, so an entry costs 4 bytes instead of 8 (16 rules over a
    /// million records: 64 MB instead of 128).
    pub sorted: Vec<Vec<Rec>>,
    /// Per rule: each record's key (0 = missing), so the earlier-rule check is two loads.
    pub rec_keys: Vec<Vec<BlockKey>>,
    /// Per rule: keys of blocks larger than `max_block`.
    pub big: Vec<rustc_hash::FxHashSet<BlockKey>>,
}

/// A rule's key of a record's block (0: the record has no key under the rule).
pub type BlockKey = u32;

impl BlockIndex {
    pub fn build(t: &Table, cfg: &BlockingConfig) -> BlockIndex {
        let mut idx = BlockIndex::default();
        // Rules are independent: two at a time on two cores beats splitting each rule's
        // small sort across them.
        let built: Vec<(Vec<Rec>, Vec<BlockKey>)> = cfg
            .rules
            .par_iter()
            .with_max_len(1)
            .map(|r| {
                let keys: Vec<BlockKey> = (0..t.len() as Rec).map(|i| r.key(t, i)).collect();
                // Sorting (key, record) tuples is faster than sorting records by a looked-up
                // key; the tuples live for one rule at a time.
                let mut v: Vec<(BlockKey, Rec)> =
                    keys.iter().enumerate().filter(|e| *e.1 != 0).map(|(i, &k)| (k, i as Rec)).collect();
                v.sort_unstable();
                (v.into_iter().map(|e| e.1).collect(), keys)
            })
            .collect();
        for (sorted, keys) in built {
            idx.sorted.push(sorted);
            idx.rec_keys.push(keys);
        }
        idx.refresh_big(cfg);
        idx
    }

    fn refresh_big(&mut self, cfg: &BlockingConfig) {
        self.big = self
            .sorted
            .par_iter()
            .zip(&self.rec_keys)
            .map(|(v, keys)| {
                let mut big = rustc_hash::FxHashSet::default();
                // One linear scan: most blocks are a record or two, so stepping beats a binary
                // search for each block's end (which probed the key column at random).
                let mut i = 0;
                while i < v.len() {
                    let k = keys[v[i] as usize];
                    let mut j = i + 1;
                    while j < v.len() && keys[v[j] as usize] == k {
                        j += 1;
                    }
                    if j - i > cfg.max_block {
                        big.insert(k);
                    }
                    i = j;
                }
                big
            })
            .collect();
    }

    fn block(&self, rule: usize, key: BlockKey) -> &[Rec] {
        let (v, keys) = (&self.sorted[rule], &self.rec_keys[rule]);
        let lo = v.partition_point(|&r| keys[r as usize] < key);
        let hi = v.partition_point(|&r| keys[r as usize] <= key);
        &v[lo..hi]
    }

    /// Add newly pushed records `new` (indices into the table) to the index: their entries are
    /// sorted and merged in (linear in the index, not a re-sort), and only their blocks are
    /// checked against the cap (blocks only grow). Returns the blocks, as (rule, key), that the
    /// new records pushed over the cap: pairs of old records in them are no candidates any more.
    pub fn add(&mut self, t: &Table, cfg: &BlockingConfig, new: &[Rec]) -> Vec<(usize, BlockKey)> {
        let max_block = cfg.max_block;
        // Rules are independent: one per thread. Each merge is in place (see below), so adding
        // a thousand records to a million builds no new index (sixteen fresh vectors of 4 MB,
        // page-faulted in).
        let grown: Vec<Vec<(usize, BlockKey)>> = self
            .sorted
            .par_iter_mut()
            .zip(self.rec_keys.par_iter_mut())
            .zip(self.big.par_iter_mut())
            .zip(cfg.rules.par_iter())
            .enumerate()
            .with_max_len(1)
            .map(|(r, (((sorted, keys), big), rule))| {
                let mut fresh: Vec<(BlockKey, Rec)> = Vec::with_capacity(new.len());
                for &i in new {
                    let k = rule.key(t, i);
                    if keys.len() <= i as usize {
                        keys.resize(i as usize + 1, 0);
                    }
                    keys[i as usize] = k;
                    if k != 0 {
                        fresh.push((k, i));
                    }
                }
                fresh.sort_unstable();
                // Each new entry's place among the old ones by binary search (a few probes of
                // the key column each), then the runs between places move up as blocks: no
                // comparison touches the million old entries one by one.
                let old_len = sorted.len();
                let at: Vec<usize> =
                    fresh.iter().map(|&e| sorted[..old_len].partition_point(|&s| (keys[s as usize], s) < e)).collect();
                sorted.resize(old_len + fresh.len(), 0);
                let mut end = old_len;
                for (j, (&p, e)) in at.iter().zip(&fresh).enumerate().rev() {
                    sorted.copy_within(p..end, p + j + 1);
                    sorted[p + j] = e.1;
                    end = p;
                }
                let mut grown = Vec::new();
                for &(k, _) in &fresh {
                    let lo = sorted.partition_point(|&i| keys[i as usize] < k);
                    let hi = sorted.partition_point(|&i| keys[i as usize] <= k);
                    if hi - lo > max_block && big.insert(k) {
                        grown.push((r, k));
                    }
                }
                grown
            })
            .collect();
        grown.into_iter().flatten().collect()
    }
}

/// Whether an earlier rule (one that ran before `rule`) already produced the pair.
#[inline]
fn earlier(idx: &BlockIndex, rule: usize, a: Rec, b: Rec) -> bool {
    (0..rule).any(|r| {
        let k = idx.rec_keys[r][a as usize];
        k != 0 && k == idx.rec_keys[r][b as usize] && !idx.big[r].contains(&k)
    })
}

/// Pairs are oriented by table index: comparison is symmetric, and everything that depends
/// on order (clustering, stored pairs) sorts by record key itself, so no string comparison is
/// spent per pair here.
#[inline]
fn ordered(a: Rec, b: Rec) -> (Rec, Rec) {
    (a.min(b), a.max(b))
}

/// Raw pairs (before the earlier-rule check) per chunk of blocks: big enough that the work
/// per chunk dwarfs its setup, small enough that a chunk's pairs and their sort buffers stay
/// some tens of MB however many records there are.
pub const CHUNK_PAIRS: u64 = 1 << 21;

/// A run of whole blocks of one rule: positions `lo..hi` of `BlockIndex::sorted[rule]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub rule: usize,
    pub lo: usize,
    pub hi: usize,
}

/// How the candidate pairs of a table are cut into chunks, with the report's block counts
/// (the pair counts are filled in by whoever generates the pairs).
#[derive(Debug, Clone, Default)]
pub struct PairPlan {
    pub chunks: Vec<Chunk>,
    pub report: BlockingReport,
}

impl PairPlan {
    /// Plan the chunks: one scan over each rule's sorted records. Oversized blocks are counted
    /// and left inside a chunk's range, where generation skips them.
    pub fn new(t: &Table, cfg: &BlockingConfig, idx: &BlockIndex) -> PairPlan {
        let mut plan =
            PairPlan { report: BlockingReport { records: t.len(), ..Default::default() }, ..Default::default() };
        for (r, rule) in cfg.rules.iter().enumerate() {
            let (v, keys) = (&idx.sorted[r], &idx.rec_keys[r]);
            let mut rr = RuleReport { rule: rule.name(), ..Default::default() };
            let (mut lo, mut raw) = (0usize, 0u64);
            let mut i = 0;
            while i < v.len() {
                let k = keys[v[i] as usize];
                let mut j = i + 1;
                while j < v.len() && keys[v[j] as usize] == k {
                    j += 1;
                }
                let n = (j - i) as u64;
                if n > 1 {
                    rr.blocks += 1;
                    rr.largest_block = rr.largest_block.max(n);
                    if n as usize > cfg.max_block {
                        rr.skipped_blocks += 1;
                        rr.skipped_pairs += n * (n - 1) / 2;
                    } else {
                        raw += n * (n - 1) / 2;
                    }
                }
                i = j;
                if raw >= CHUNK_PAIRS {
                    plan.chunks.push(Chunk { rule: r, lo, hi: i });
                    (lo, raw) = (i, 0);
                }
            }
            if raw > 0 {
                plan.chunks.push(Chunk { rule: r, lo, hi: v.len() });
            }
            plan.report.rules.push(rr);
        }
        plan
    }
}

/// The candidate pairs of one chunk, each pair once over all chunks (a pair an earlier rule
/// finds is left to that rule), in an order fixed by the table: the same on every call.
pub fn chunk_pairs(cfg: &BlockingConfig, idx: &BlockIndex, c: Chunk) -> Vec<(Rec, Rec)> {
    let (v, keys) = (&idx.sorted[c.rule], &idx.rec_keys[c.rule]);
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = c.lo;
    while i < c.hi {
        let k = keys[v[i] as usize];
        let mut j = i + 1;
        while j < c.hi && keys[v[j] as usize] == k {
            j += 1;
        }
        if j - i > 1 && j - i <= cfg.max_block {
            blocks.push((i, j));
        }
        i = j;
    }
    let r = c.rule;
    // Each worker fills one vector over a run of blocks (not one per block: most blocks hold
    // a pair or two); runs are concatenated in order, so the pairs' order is fixed.
    blocks
        .par_iter()
        .with_min_len(256)
        .fold(Vec::new, |mut out, &(i, j)| {
            let block = &v[i..j];
            for x in 0..block.len() {
                for y in x + 1..block.len() {
                    let (a, b) = (block[x], block[y]);
                    if !earlier(idx, r, a, b) {
                        out.push(ordered(a, b));
                    }
                }
            }
            out
        })
        .reduce(Vec::new, |mut x, mut y| {
            if x.is_empty() {
                return y;
            }
            x.append(&mut y);
            x
        })
}

/// All candidate pairs of the table, each once, as (smaller index, larger index). Holds them
/// all: the linker itself streams them chunk by chunk ([`PairPlan`], [`chunk_pairs`]).
pub fn candidate_pairs(t: &Table, cfg: &BlockingConfig, idx: &BlockIndex) -> (Vec<(Rec, Rec)>, BlockingReport) {
    let plan = PairPlan::new(t, cfg, idx);
    let mut report = plan.report;
    let mut all = Vec::new();
    for &c in &plan.chunks {
        let pairs = chunk_pairs(cfg, idx, c);
        report.rules[c.rule].pairs += pairs.len() as u64;
        all.extend(pairs);
    }
    report.pairs = all.len() as u64;
    report.pairs_per_record = if t.is_empty() { 0.0 } else { all.len() as f64 / t.len() as f64 };
    (all, report)
}

/// Whether two records are a candidate pair: some rule's key agrees and its block is not
/// oversized. The pair set of [`candidate_pairs`] is exactly the pairs this holds for.
pub fn is_candidate(idx: &BlockIndex, a: Rec, b: Rec) -> bool {
    a != b
        && (0..idx.rec_keys.len()).any(|r| {
            let k = idx.rec_keys[r][a as usize];
            k != 0 && k == idx.rec_keys[r][b as usize] && !idx.big[r].contains(&k)
        })
}

/// Whether some of the rules `rules` (indices) pairs the two records in a block within the cap.
pub fn is_candidate_under(idx: &BlockIndex, rules: &[usize], a: Rec, b: Rec) -> bool {
    a != b
        && rules.iter().any(|&r| {
            let k = idx.rec_keys[r][a as usize];
            k != 0 && k == idx.rec_keys[r][b as usize] && !idx.big[r].contains(&k)
        })
}

/// Each record's keys under the rules that a name part's m is trained on (see
/// `model::train_grouped`): the rules keyed on no field of the surname (for part 0), or on
/// neither the given name nor the name set (for part 1; an initial is allowed, a slip in the
/// rest of the name keeps it), coarse rules left out as training leaves them out. Packed per
/// record, so that telling which of them pair two records reads two cache lines, not two per
/// rule: over the 37 million candidate pairs of a million records, looking the keys up rule by
/// rule in the index added about 2 s to a run; packed, the cost is within a run's noise.
pub struct NameFreeKeys {
    width: usize,
    /// Record-major: `keys[i * width + j]` is record `i`'s key under the `j`-th rule taken,
    /// 0 when it has none or its block is over the cap.
    keys: Vec<BlockKey>,
    /// Per name part, the bits of the rules free of it.
    masks: [u32; 2],
}

impl NameFreeKeys {
    pub fn new(cfg: &BlockingConfig, idx: &BlockIndex) -> NameFreeKeys {
        use KeyField::*;
        let uses = |k: usize, f: KeyField| match k {
            0 => matches!(f, Surname | SurnamePrefix | SurnameSuffix | SurnameSuffix4 | NameSet),
            _ => matches!(f, Given | NameSet),
        };
        let mut taken = Vec::new();
        let mut masks = [0u32; 2];
        for (r, rule) in cfg.rules.iter().enumerate() {
            if rule.fields.iter().any(|f| f.coarse()) || taken.len() == 32 {
                continue;
            }
            let free: Vec<usize> = (0..2).filter(|&k| !rule.fields.iter().any(|&f| uses(k, f))).collect();
            if free.is_empty() {
                continue;
            }
            for k in free {
                masks[k] |= 1 << taken.len();
            }
            taken.push(r);
        }
        let width = taken.len();
        let n = idx.rec_keys.first().map_or(0, Vec::len);
        let keys: Vec<BlockKey> = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .flat_map_iter(|i| {
                taken.iter().map(move |&r| {
                    let k = idx.rec_keys[r][i];
                    if k != 0 && idx.big[r].contains(&k) {
                        0
                    } else {
                        k
                    }
                })
            })
            .collect();
        NameFreeKeys { width, keys, masks }
    }

    /// Bit `k` set when some rule free of name part `k` pairs records `a` and `b`.
    #[inline]
    pub fn flags(&self, a: Rec, b: Rec) -> u8 {
        let w = self.width;
        let (ka, kb) = (&self.keys[a as usize * w..][..w], &self.keys[b as usize * w..][..w]);
        let mut agree = 0u32;
        for (j, (x, y)) in ka.iter().zip(kb).enumerate() {
            agree |= u32::from(*x != 0 && x == y) << j;
        }
        u8::from(agree & self.masks[0] != 0) | (u8::from(agree & self.masks[1] != 0) << 1)
    }
}

/// Candidate pairs that involve at least one of `new` (already added to `idx`), each once.
/// Equal to the subset of [`candidate_pairs`] touching `new`, as long as no block crossed
/// `max_block` because of the new records.
pub fn candidate_pairs_for(t: &Table, cfg: &BlockingConfig, idx: &BlockIndex, new: &[Rec]) -> Vec<(Rec, Rec)> {
    let is_new: rustc_hash::FxHashSet<Rec> = new.iter().copied().collect();
    let mut out: Vec<(Rec, Rec)> = new
        .par_iter()
        .flat_map_iter(|&a| {
            let mut out = Vec::new();
            for (r, rule) in cfg.rules.iter().enumerate() {
                let k = rule.key(t, a);
                if k == 0 {
                    continue;
                }
                let block = idx.block(r, k);
                if block.len() > cfg.max_block {
                    continue;
                }
                for &b in block {
                    // A pair of two new records is emitted by the smaller index only.
                    if b == a || (is_new.contains(&b) && b < a) {
                        continue;
                    }
                    if !earlier(idx, r, a, b) {
                        out.push(ordered(a, b));
                    }
                }
            }
            out
        })
        .collect();
    out.par_sort_unstable();
    out.dedup();
    out
}
