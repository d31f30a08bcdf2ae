//! Records encoded for linkage: one column per field, dictionary-encoded, so that a name is
//! prepared (and later compared) once per distinct value, not once per record or pair.
//!
//! The table is append-only, which is what incremental linking needs. Dictionary ids depend on
//! insertion order, but nothing downstream does: comparisons go by value and ties are broken
//! by record key, so the result is independent of input order.

use crate::levels::DateCode;
use crate::names::{self, NamePart, PreparedName};
use rustc_hash::FxHashMap;
use tally_domain::{Record, RecordKey, Sex};

/// Marks a missing value in an id column.
pub const NONE: u32 = u32::MAX;

/// Stable 64-bit FNV-1a: blocking keys and input hashes must not change between runs or
/// platforms (std's `DefaultHasher` makes no such promise).
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A dictionary of distinct name values of one part (surname, given or patronymic).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NameDict {
    map: FxHashMap<String, u32>,
    pub raw: Vec<String>,
    /// In a snapshot as [`names::SavedName`]s (a form borrows static tables of the names
    /// crate), finished again on load, in parallel.
    #[serde(with = "saved_names")]
    pub prepared: Vec<PreparedName>,
    /// FNV hash of each value's cross-script key (never 0).
    pub key_hash: Vec<u64>,
    /// FNV hash of the first three characters of the key (never 0).
    pub prefix_hash: Vec<u64>,
    /// FNV hash of the last three characters of the key (never 0).
    pub suffix_hash: Vec<u64>,
    /// FNV hash of the first letter of the canonical Latin form, so an initial ("Г.") and the
    /// full name (Георгій, Heorhii) agree (never 0).
    pub initial_hash: Vec<u64>,
    /// The first eight bytes of each raw value, big-endian (zero-padded): orders two values as
    /// their strings do whenever the two differ (equal prefixes need the strings themselves).
    pub raw_prefix: Vec<u64>,
    /// FNV hash of the canonical Latin form (never 0): finer than the blocking key, which is a
    /// consonant skeleton shared by many different surnames.
    pub canon_hash: Vec<u64>,
    /// Per value, the roles it reads as (bit 0 a given name, bit 1 a patronymic, bit 2
    /// initials only; see [`PreparedName`]), packed one byte a value so that blocking, which
    /// asks for every record and rule, does not walk the prepared forms. Made on first use;
    /// a new value resets it.
    #[serde(skip)]
    roles: std::sync::OnceLock<Vec<u8>>,
}

/// Prepared names in a snapshot: what costs most to make again is kept (see
/// [`names::SavedName`]).
mod saved_names {
    use super::PreparedName;
    use crate::names::SavedName;
    use rayon::prelude::*;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[PreparedName], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(PreparedName::saved))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PreparedName>, D::Error> {
        let saved = Vec::<SavedName>::deserialize(d)?;
        Ok(saved.into_par_iter().with_min_len(256).map(PreparedName::from_saved).collect())
    }
}

/// Bits of [`NameDict::roles`].
pub const ROLE_GIVEN: u8 = 1;
pub const ROLE_PATRONYMIC: u8 = 2;
pub const ROLE_INITIALS: u8 = 4;

impl NameDict {
    /// Whether value `a` sorts before or equal to value `b` (by string), mostly without
    /// touching the strings.
    #[inline]
    pub fn raw_le(&self, a: u32, b: u32) -> bool {
        let (x, y) = (self.raw_prefix[a as usize], self.raw_prefix[b as usize]);
        if x != y {
            x < y
        } else {
            self.raw[a as usize] <= self.raw[b as usize]
        }
    }
}

impl NameDict {
    /// The role bits of value `id` (`ROLE_*`).
    #[inline]
    pub fn roles(&self, id: u32) -> u8 {
        self.roles.get_or_init(|| {
            self.prepared
                .iter()
                .map(|p| {
                    [(p.given_like, ROLE_GIVEN), (p.patronymic_like, ROLE_PATRONYMIC), (p.initials, ROLE_INITIALS)]
                        .iter()
                        .filter(|x| x.0)
                        .fold(0, |b, x| b | x.1)
                })
                .collect()
        })[id as usize]
    }

    fn intern(&mut self, part: NamePart, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        self.roles.take();
        let id = self.raw.len() as u32;
        let p = names::prepare(part, s);
        let kh = fnv64(p.key.as_bytes()).max(1);
        let prefix: String = p.key.chars().take(3).collect();
        self.prefix_hash.push(fnv64(prefix.as_bytes()).max(1));
        let initial: String = p.form.canonical.chars().take(1).collect();
        self.initial_hash.push(fnv64(format!("^{initial}").as_bytes()).max(1));
        self.canon_hash.push(fnv64(p.form.canonical.as_bytes()).max(1));
        let chars: Vec<char> = p.key.chars().collect();
        let suffix: String = chars[chars.len().saturating_sub(3)..].iter().collect();
        self.suffix_hash.push(fnv64(format!("~{suffix}").as_bytes()).max(1));
        let mut prefix = [0u8; 8];
        let n = s.len().min(8);
        prefix[..n].copy_from_slice(&s.as_bytes()[..n]);
        self.raw_prefix.push(u64::from_be_bytes(prefix));
        self.map.insert(s.to_string(), id);
        self.raw.push(s.to_string());
        self.prepared.push(p);
        self.key_hash.push(kh);
        id
    }
}

/// A dictionary of short categorical strings (settlement, region, unit, rank), each with a
/// comparison key: the cross-script name key for places, a folded code for units and ranks.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct StrDict {
    map: FxHashMap<String, u32>,
    pub raw: Vec<String>,
    pub key_hash: Vec<u64>,
    /// Script of the value: 1 Latin, 2 Cyrillic, 0 neither or both. Values in different
    /// scripts whose keys differ are not evidence either way (a Latin list translates ranks
    /// and unit names, it does not transliterate them).
    pub script: Vec<u8>,
    /// Order of a rank's grade (privates 1 up to generals), 0 when the value is not a known
    /// rank: two ranks one grade apart are "adjacent".
    pub grade: Vec<i16>,
    /// For a region code that is a city with region status or the region around one, a hash of
    /// their shared area ([`tally_names::region_area`]); 0 otherwise. Two values of one area that
    /// differ are no evidence: lists write "Kyiv" for Kyiv Oblast.
    pub area: Vec<u64>,
}

/// Order of a rank key's NATO grade (`@OR-1` .. `@OR-9`, then the three lieutenant ranks, then
/// `@OF-2` .. `@OF-9`), 0 for any other key.
pub fn grade_order(key: &str) -> i16 {
    let Some(g) = key.strip_prefix('@') else { return 0 };
    let num = |s: &str| s.parse::<i16>().ok();
    if let Some(n) = g.strip_prefix("OR-").and_then(num) {
        return n;
    }
    match g.strip_prefix("OF-") {
        Some("1a") => 10,
        Some("1b") => 11,
        Some("1c") => 12,
        Some(n) => num(n).map_or(0, |n| 11 + n),
        None => 0,
    }
}

fn script_of(s: &str) -> u8 {
    let (mut lat, mut cyr) = (false, false);
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            lat = true;
        } else if ('\u{0400}'..='\u{04ff}').contains(&c) {
            cyr = true;
        }
    }
    match (lat, cyr) {
        (true, false) => 1,
        (false, true) => 2,
        _ => 0,
    }
}

impl StrDict {
    fn intern(&mut self, s: &str, key: impl Fn(&str) -> String) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.raw.len() as u32;
        self.map.insert(s.to_string(), id);
        self.raw.push(s.to_string());
        let k = key(s);
        // A key from a reference table or a number means the same in every script.
        self.script.push(if is_coded(&k) { 0 } else { script_of(s) });
        self.grade.push(grade_order(&k));
        self.area
            .push(k.strip_prefix('@').and_then(tally_names::region_area).map_or(0, |a| fnv64(a.as_bytes()).max(1)));
        self.key_hash.push(fnv64(k.as_bytes()).max(1));
        id
    }
}

/// Whether a comparison key is script-neutral: a code from a reference table (`@`) or a unit's
/// number (`#`), so that values in different scripts that differ do disagree.
fn is_coded(k: &str) -> bool {
    k.starts_with('@') || k.starts_with('#')
}

/// Key for a place: a region's ISO 3166-2 code when the names crate knows the region (however a
/// list writes it: «Одеська область», "Odesa Oblast", «Одесская обл.»); else the names crate's cross-script key of its first word, without the
/// administrative words ("область", "oblast", "с.", "village") that sources add or omit, and
/// without the adjectival ending of a region's name (Полтавська / Poltava, Київська / Kyiv).
pub fn place_key(s: &str) -> String {
    const NOISE: &[&str] = &[
        "область",
        "обл",
        "обл.",
        "oblast",
        "region",
        "raion",
        "район",
        "р-н",
        "с.",
        "смт",
        "м.",
        "г.",
        "село",
        "селище",
        "місто",
        "город",
        "village",
        "city",
        "town",
        "v.",
        "s.",
        "m.",
        "selo",
        "misto",
    ];
    if let Some(code) = tally_names::region_code(s) {
        return format!("@{code}");
    }
    let word = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .find(|w| !NOISE.contains(&w.to_lowercase().as_str()))
        .unwrap_or(s);
    let key = names::prepare(NamePart::Surname, word).key;
    let key = key.split('/').next().unwrap_or("").to_string();
    for suffix in ["SK", "K"] {
        if let Some(stem) = key.strip_suffix(suffix) {
            if stem.len() >= 2 {
                return stem.to_string();
            }
        }
    }
    key
}

/// Key for units: the unit's number where it has one ("47th Mechanized Brigade", "47 ОМБр",
/// "в/ч А0123" -> the digits), else the cross-script key of its name.
pub fn unit_key(s: &str) -> String {
    let digits: String = s.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return format!("#{}", digits.trim_start_matches('0'));
    }
    // Named formations are written in the list's script ("Storm-Z" / «Шторм-Z», "Wagner PMC" /
    // «ЧВК Вагнер»): the cross-script key of the name, without the words for what it is. Not a
    // code: descriptive names are translated, so names in two scripts that differ are no evidence.
    const NOISE: &[&str] = &["чвк", "пвк", "pmc", "group", "группа", "група", "отряд", "загін", "detachment"];
    let norm = tally_names::normalize(s);
    let words: Vec<&str> =
        norm.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && !NOISE.contains(w)).collect();
    let key: String = words.iter().map(|w| tally_names::name_key(w)).collect::<Vec<_>>().join(" ");
    if key.trim().is_empty() {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    } else {
        format!("%{key}")
    }
}

/// Key for ranks: the NATO grade when the names crate knows the rank (in Ukrainian, Russian or
/// English: «старший солдат», «ефрейтор», "Senior Private"), else the cross-script key of the
/// whole rank, so loanwords agree across scripts (лейтенант / Lieutenant).
pub fn rank_key(s: &str) -> String {
    if let Some(grade) = tally_names::rank_grade(s) {
        return format!("@{grade}");
    }
    let k = tally_names::name_key(s);
    k.split('/').next().unwrap_or("").to_string()
}

/// The columns. Serialised in two parts ([`TableNames`] and the rest), which a linker snapshot
/// writes and reads side by side: deserialising a million keys and names is half the work.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Table {
    #[serde(skip)]
    pub keys: Vec<RecordKey>,
    /// Store row ids (0 when not stored), carried through for the caller.
    #[serde(skip)]
    pub ids: Vec<i64>,
    #[serde(skip)]
    pub names: [NameDict; 3],
    /// Name ids per part: `name_ids[part][record]`, `NONE` when missing.
    pub name_ids: [Vec<u32>; 3],
    pub birth: Vec<DateCode>,
    pub death: Vec<DateCode>,
    pub places: StrDict,
    pub settlement: Vec<u32>,
    pub region: Vec<u32>,
    pub codes: StrDict,
    pub ranks: StrDict,
    pub unit: Vec<u32>,
    pub rank: Vec<u32>,
    /// 0 unknown, 1 male, 2 female.
    pub sex: Vec<u8>,
    /// Source of each record, an index into `sources` (the model's prior depends on the pair of
    /// sources: lists overlap unequally).
    pub source: Vec<u32>,
    /// Distinct source names, in order of first appearance, and their FNV hashes.
    pub sources: Vec<String>,
    pub source_hash: Vec<u64>,
    source_ids: FxHashMap<String, u32>,
    /// Record lookup by a 64-bit hash of its key, so the keys are not held twice (a million
    /// keys cost some 180 MB as map keys, the hashes 32 MB). A key whose hash another key
    /// already has goes to `collide`.
    index: FxHashMap<u64, u32>,
    collide: FxHashMap<RecordKey, u32>,
    /// The canonical order, sorted once: training and the linker all need it, and sorting a
    /// million keys by string costs a second each time. Reset by `push`.
    #[serde(skip)]
    order: std::sync::OnceLock<Vec<Rec>>,
}

/// The part of a [`Table`] its own serialisation leaves out: the record keys, store ids and name
/// dictionaries.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TableNames {
    pub keys: Vec<RecordKey>,
    pub ids: Vec<i64>,
    pub names: [NameDict; 3],
}

/// [`TableNames`] borrowed from a table, to serialise.
#[derive(serde::Serialize)]
pub struct TableNamesRef<'a> {
    pub keys: &'a [RecordKey],
    pub ids: &'a [i64],
    pub names: &'a [NameDict; 3],
}

impl Table {
    /// The part its serialisation leaves out (see [`Table`]).
    pub fn names_part(&self) -> TableNamesRef<'_> {
        TableNamesRef { keys: &self.keys, ids: &self.ids, names: &self.names }
    }

    /// Put back the part its serialisation leaves out.
    pub fn set_names_part(&mut self, p: TableNames) {
        (self.keys, self.ids, self.names) = (p.keys, p.ids, p.names);
    }
}

#[inline]
fn key_hash(k: &RecordKey) -> u64 {
    use std::hash::BuildHasher;
    let h = rustc_hash::FxBuildHasher.hash_one(k);
    // Unit tests squeeze the hashes into four values, so the collision path is what they use.
    if cfg!(test) {
        h & 3
    } else {
        h
    }
}

/// Index of a record in a [`Table`].
pub type Rec = u32;

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("record {0}:{1} appears twice")]
    Duplicate(String, String),
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> Result<Table, TableError> {
        let mut t = Table::new();
        for r in records {
            t.push(r)?;
        }
        Ok(t)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn find(&self, key: &RecordKey) -> Option<Rec> {
        match self.index.get(&key_hash(key)) {
            Some(&i) if self.keys[i as usize] == *key => Some(i),
            Some(_) => self.collide.get(key).copied(),
            None => None,
        }
    }

    /// Append one record; returns its index.
    pub fn push(&mut self, r: &Record) -> Result<Rec, TableError> {
        if self.find(&r.key).is_some() {
            return Err(TableError::Duplicate(r.key.source.to_string(), r.key.source_record_id.to_string()));
        }
        let i = self.keys.len() as Rec;
        self.order.take();
        let f = &r.fields;
        let parts =
            [(NamePart::Surname, &f.surname), (NamePart::Given, &f.given_name), (NamePart::Patronymic, &f.patronymic)];
        for (k, (part, v)) in parts.into_iter().enumerate() {
            let id = match v.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => self.names[k].intern(part, s),
                _ => NONE,
            };
            self.name_ids[k].push(id);
        }
        self.birth.push(f.birth_date.as_ref().map(DateCode::from_partial).unwrap_or_default());
        self.death.push(f.death_date.as_ref().map(DateCode::from_partial).unwrap_or_default());
        let strcol = |v: Option<&str>, dict: &mut StrDict, key: fn(&str) -> String| match v.map(str::trim) {
            Some(s) if !s.is_empty() => dict.intern(s, key),
            _ => NONE,
        };
        // A list without a region column often writes the region into the settlement
        // («с. Іванівка, Донецька обл.»): compare it as the region it is.
        let (mut settlement, mut region) = (f.settlement.as_deref(), f.region.as_deref());
        if let (Some(p), None | Some("")) = (settlement, region.map(str::trim)) {
            if let Some((place, r)) = tally_names::region_in_place(p) {
                (settlement, region) = (Some(place), Some(r));
            }
        }
        let s = strcol(settlement, &mut self.places, place_key);
        let rg = strcol(region, &mut self.places, place_key);
        let u = strcol(f.unit.as_deref(), &mut self.codes, unit_key);
        let rk = strcol(f.rank.as_deref(), &mut self.ranks, rank_key);
        self.settlement.push(s);
        self.region.push(rg);
        self.unit.push(u);
        self.rank.push(rk);
        self.sex.push(match f.sex {
            None => 0,
            Some(Sex::Male) => 1,
            Some(Sex::Female) => 2,
        });
        let src = match self.source_ids.get(r.key.source.as_str()) {
            Some(&id) => id,
            None => {
                let id = self.sources.len() as u32;
                self.sources.push(r.key.source.to_string());
                self.source_hash.push(fnv64(r.key.source.as_bytes()));
                self.source_ids.insert(r.key.source.to_string(), id);
                id
            }
        };
        self.source.push(src);
        self.keys.push(r.key.clone());
        self.ids.push(r.id);
        match self.index.entry(key_hash(&r.key)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collide.insert(r.key.clone(), i);
            }
        }
        Ok(i)
    }

    /// Name key hash of record `i`'s part `k`, 0 when missing.
    #[inline]
    pub fn name_key(&self, k: usize, i: Rec) -> u64 {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            0
        } else {
            self.names[k].key_hash[id as usize]
        }
    }

    /// The value whose frequency weighs agreement on record `i`'s part `k` (term-frequency
    /// adjustment), 0 when missing: the canonical Latin form of a surname (the cross-script key
    /// is a consonant skeleton that many surnames share, so its frequency would overstate how
    /// often two people share a surname), the cross-script key of a given name (a small
    /// vocabulary, where the key joins the Ukrainian and Russian forms of one name).
    #[inline]
    pub fn name_tf_key(&self, k: usize, i: Rec) -> u64 {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            0
        } else if k == 0 {
            self.names[k].canon_hash[id as usize]
        } else {
            self.names[k].key_hash[id as usize]
        }
    }

    /// Hash of the first three characters of record `i`'s part-`k` key, 0 when missing.
    #[inline]
    pub fn name_prefix(&self, k: usize, i: Rec) -> u64 {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            0
        } else {
            self.names[k].prefix_hash[id as usize]
        }
    }

    /// Hash of the last three characters of record `i`'s part-`k` key, 0 when missing.
    #[inline]
    pub fn name_suffix(&self, k: usize, i: Rec) -> u64 {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            0
        } else {
            self.names[k].suffix_hash[id as usize]
        }
    }

    /// Hash of the initial of record `i`'s part-`k` name, 0 when missing.
    #[inline]
    pub fn name_initial(&self, k: usize, i: Rec) -> u64 {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            0
        } else {
            self.names[k].initial_hash[id as usize]
        }
    }

    #[inline]
    pub fn place_key(&self, id: u32) -> u64 {
        if id == NONE {
            0
        } else {
            self.places.key_hash[id as usize]
        }
    }

    #[inline]
    pub fn code_key(&self, id: u32) -> u64 {
        if id == NONE {
            0
        } else {
            self.codes.key_hash[id as usize]
        }
    }

    #[inline]
    pub fn rank_key(&self, id: u32) -> u64 {
        if id == NONE {
            0
        } else {
            self.ranks.key_hash[id as usize]
        }
    }

    /// Record indices in canonical (record key) order.
    pub fn canonical_order(&self) -> Vec<Rec> {
        use rayon::prelude::*;
        self.order
            .get_or_init(|| {
                let mut v: Vec<Rec> = (0..self.len() as Rec).collect();
                v.par_sort_unstable_by(|&a, &b| self.keys[a as usize].cmp(&self.keys[b as usize]));
                v
            })
            .clone()
    }

    /// `rank[r]`: record `r`'s position in canonical order.
    pub fn ranks_of(order: &[Rec]) -> Vec<u32> {
        let mut rank = vec![0u32; order.len()];
        for (pos, &r) in order.iter().enumerate() {
            rank[r as usize] = pos as u32;
        }
        rank
    }

    /// Merge records `new` (just pushed) into a canonical `order` of the others.
    pub fn merge_order(&self, order: &[Rec], new: &[Rec]) -> Vec<Rec> {
        let mut fresh = new.to_vec();
        fresh.sort_unstable_by(|&a, &b| self.keys[a as usize].cmp(&self.keys[b as usize]));
        let mut out = Vec::with_capacity(order.len() + fresh.len());
        let mut y = 0;
        for &r in order {
            while y < fresh.len() && self.keys[fresh[y] as usize] < self.keys[r as usize] {
                out.push(fresh[y]);
                y += 1;
            }
            out.push(r);
        }
        out.extend_from_slice(&fresh[y..]);
        out
    }

    /// A short human-readable rendering of the value of a field, for explanations.
    pub fn name_value(&self, k: usize, i: Rec) -> &str {
        let id = self.name_ids[k][i as usize];
        if id == NONE {
            ""
        } else {
            &self.names[k].raw[id as usize]
        }
    }

    pub fn str_value(&self, dict: &StrDict, id: u32) -> String {
        if id == NONE {
            String::new()
        } else {
            dict.raw[id as usize].clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_domain::ParsedFields;

    fn rec(src: &str, id: usize) -> Record {
        Record {
            id: id as i64,
            key: RecordKey::new(src, id.to_string()),
            line: 1,
            raw: vec![],
            fields: ParsedFields { surname: Some(format!("Name{id}")), ..Default::default() },
        }
    }

    /// Regions and ranks get script-neutral codes; units their numbers or a cross-script key.
    #[test]
    fn keys_across_scripts() {
        assert_eq!(place_key("Одеська область"), place_key("Odesa Oblast"));
        assert_eq!(place_key("Одеська"), "@UA-51");
        assert_ne!(place_key("Kyiv Oblast"), place_key("м. Київ"));
        assert_eq!(rank_key("ефрейтор"), rank_key("Senior Private"));
        assert_eq!(unit_key("47 ОМБр"), unit_key("47th Mechanized Brigade"));
        assert_eq!(unit_key("ЧВК Вагнер"), unit_key("Wagner PMC"));
        assert!(is_coded(&place_key("Odesa Oblast")) && is_coded(&unit_key("в/ч А0123")));
        assert!(!is_coded(&unit_key("Storm-Z")), "named units are translated: not a code");
        assert_eq!(grade_order(&rank_key("Private")), 1);
        assert_eq!(grade_order(&rank_key("старший лейтенант")), 12);
        assert_eq!(grade_order(&rank_key("Captain")), 13);
        assert_eq!(grade_order(&rank_key("волонтер")), 0);
    }

    /// Lookup by key hash stays exact when hashes collide (here: always, see `key_hash`).
    #[test]
    fn find_is_exact_under_hash_collisions() {
        let recs: Vec<Record> = (0..40).flat_map(|i| [rec("a", i), rec("b", i)]).collect();
        let mut t = Table::from_records(&recs).unwrap();
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(t.find(&r.key), Some(i as Rec));
        }
        assert_eq!(t.find(&RecordKey::new("a", "40")), None);
        assert!(matches!(t.push(&recs[17]), Err(TableError::Duplicate(..))));
        assert_eq!(t.push(&rec("c", 1)).unwrap(), 80);
        assert_eq!(t.find(&rec("c", 1).key), Some(80));
    }
}
