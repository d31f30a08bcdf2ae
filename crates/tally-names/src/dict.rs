//! Dictionaries of Ukrainian and Russian name forms (embedded, parsed at first use).
//!
//! A *group* is one name in its Ukrainian and Russian forms (Олександр/Александр), with the Latin
//! spellings under the main standards, English equivalents and diminutives. Groups are indexed by the
//! canonical Latin form of every member, so a Cyrillic form and any Latin spelling of it find the same
//! group. Given names and patronymics are kept apart.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::canon::{canon_latin, raw_key};
use crate::{normalize, Lang, PartKind};

const GIVEN_NAMES_CSV: &str = include_str!("../data/given_names.csv");
const NAME_PAIRS_TSV: &str = include_str!("../data/uk_ru_names.tsv");

/// Sex of a name form, where the dictionary knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    M,
    F,
}

/// A small multiplicative hasher (the FxHash recipe): the dictionary is looked up once or more per name
/// part on million-name lists, where SipHash's DoS resistance buys nothing (the keys are our own data).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[derive(Debug, Default)]
pub(crate) struct Group {
    /// Every Cyrillic member, normalised (for exact-form checks without normalising each time).
    pub norms: Vec<String>,
    /// From the curated table (given_names.csv), not only the larger dictionary.
    pub curated: bool,
    pub sex: Option<Sex>,
    /// Cyrillic forms, Ukrainian first; the first of each is the dictionary's headword.
    pub uk: Vec<String>,
    pub ru: Vec<String>,
}

pub(crate) struct Dict {
    pub groups: Vec<Group>,
    /// CL of a member form -> groups, per kind (given, patronymic).
    given: FxMap<String, Vec<u32>>,
    patronymic: FxMap<String, Vec<u32>>,
    surname: FxMap<String, Vec<u32>>,
    /// CL of a diminutive -> given-name groups it may stand for (weak evidence).
    diminutive: FxMap<String, Vec<u32>>,
    /// CL of an English equivalent -> given-name groups.
    english: FxMap<String, Vec<u32>>,
    /// Normalised form -> the one language it belongs to (None: both).
    lang_of: FxMap<String, Option<Lang>>,
    /// Raw key -> folded key: Ukrainian and Russian forms whose consonants differ (Микола/Николай).
    pub key_fold: FxMap<String, String>,
}

fn push_unique(v: &mut Vec<u32>, g: u32) {
    if !v.contains(&g) {
        v.push(g);
    }
}

impl Dict {
    fn add_form(&mut self, g: u32, kind: PartKind, form: &str, lang: Option<Lang>) {
        let n = normalize(form);
        if n.is_empty() || n.ends_with('?') {
            return;
        }
        let cl = canon_latin(&n);
        if cl.is_empty() {
            return;
        }
        let idx = match kind {
            PartKind::Patronymic => &mut self.patronymic,
            PartKind::Surname => &mut self.surname,
            PartKind::Given => &mut self.given,
        };
        push_unique(idx.entry(cl).or_default(), g);
        if let Some(l) = lang {
            note_lang(&mut self.lang_of, n, l);
        }
    }
}

fn note_lang(map: &mut FxMap<String, Option<Lang>>, n: String, l: Lang) {
    // A form both languages write the same way (Роман, Roman) gives no language signal: None.
    let e = map.entry(n).or_insert(Some(l));
    if *e != Some(l) {
        *e = None;
    }
}

fn build() -> Dict {
    let mut d = Dict {
        groups: Vec::new(),
        given: FxMap::default(),
        patronymic: FxMap::default(),
        surname: FxMap::default(),
        diminutive: FxMap::default(),
        english: FxMap::default(),
        lang_of: FxMap::default(),
        key_fold: FxMap::default(),
    };
    let mut shared: Vec<String> = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();

    // 1. The curated table: 68 names with Latin forms, English equivalents, diminutives, patronymics.
    let mut rdr = csv::ReaderBuilder::new().from_reader(GIVEN_NAMES_CSV.as_bytes());
    for rec in rdr.records() {
        let rec = rec.expect("embedded given_names.csv parses");
        let f = |i: usize| rec.get(i).unwrap_or("").to_string();
        let sex = match f(0).as_str() {
            "m" => Some(Sex::M),
            "f" => Some(Sex::F),
            _ => None,
        };
        let g = d.groups.len() as u32;
        d.groups.push(Group { norms: Vec::new(), curated: true, sex, uk: vec![f(1)], ru: vec![f(2)] });
        d.add_form(g, PartKind::Given, &f(1), Some(Lang::Uk));
        d.add_form(g, PartKind::Given, &f(2), Some(Lang::Ru));
        pairs.push((f(1), f(2)));
        for (col, lang) in [(3, Lang::Uk), (4, Lang::Uk), (5, Lang::Uk), (6, Lang::Ru), (7, Lang::Ru), (8, Lang::Ru)] {
            d.add_form(g, PartKind::Given, &f(col), Some(lang));
        }
        for e in f(9).split('|') {
            let n = normalize(e);
            if !n.is_empty() && !e.ends_with('?') {
                push_unique(d.english.entry(canon_latin(&n)).or_default(), g);
            }
        }
        for col in [10, 11] {
            for e in f(col).split('|') {
                let n = normalize(e);
                if !n.is_empty() && !e.ends_with('?') {
                    push_unique(d.diminutive.entry(canon_latin(&n)).or_default(), g);
                }
            }
        }
        for (uk_col, ru_col, psex) in [(12, 14, Sex::M), (13, 15, Sex::F)] {
            let (u, r) = (f(uk_col), f(ru_col));
            if u.is_empty() && r.is_empty() {
                continue;
            }
            let pg = d.groups.len() as u32;
            d.groups.push(Group {
                norms: Vec::new(),
                curated: true,
                sex: Some(psex),
                uk: vec![u.clone()],
                ru: vec![r.clone()],
            });
            d.add_form(pg, PartKind::Patronymic, &u, Some(Lang::Uk));
            d.add_form(pg, PartKind::Patronymic, &r, Some(Lang::Ru));
            pairs.push((u, r));
        }
        if f(1) == f(2) {
            shared.push(normalize(&f(1)));
        }
    }

    // The curated table's language of a form wins over the larger dictionary's, which lists some
    // Ukrainian forms among the Russian ones (Петро beside Петр).
    let curated_lang = d.lang_of.clone();

    // 2. The larger Ukrainian -> Russian dictionary (see data/README.md): kind, sex, uk, ru forms.
    for line in NAME_PAIRS_TSV.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            continue;
        }
        let kind = match cols[0] {
            "g" => PartKind::Given,
            "p" => PartKind::Patronymic,
            "s" => PartKind::Surname,
            _ => continue,
        };
        let sex = match cols[1] {
            "m" => Some(Sex::M),
            "f" => Some(Sex::F),
            _ => None,
        };
        let uk = cols[2].to_string();
        let ru: Vec<String> =
            if cols[3] == "=" { vec![uk.clone()] } else { cols[3].split('|').map(str::to_string).collect() };
        // Join an existing group when the Ukrainian form is already known for this kind.
        let ucl = canon_latin(&normalize(&uk));
        let idx = match kind {
            PartKind::Patronymic => &d.patronymic,
            PartKind::Surname => &d.surname,
            PartKind::Given => &d.given,
        };
        let existing = idx.get(&ucl).and_then(|v| {
            v.iter().copied().find(|&g| d.groups[g as usize].uk.iter().any(|u| normalize(u) == normalize(&uk)))
        });
        let g = match existing {
            Some(g) => g,
            None => {
                let g = d.groups.len() as u32;
                d.groups.push(Group { norms: Vec::new(), curated: false, sex, uk: vec![uk.clone()], ru: Vec::new() });
                d.add_form(g, kind, &uk, Some(Lang::Uk));
                g
            }
        };
        for r in &ru {
            if !d.groups[g as usize].ru.contains(r) {
                d.groups[g as usize].ru.push(r.clone());
            }
            d.add_form(g, kind, r, Some(Lang::Ru));
            // Surnames are keyed by rule (consonant skeletons already agree); only names are folded.
            if kind != PartKind::Surname {
                pairs.push((uk.clone(), r.clone()));
            }
            if normalize(r) == normalize(&uk) {
                shared.push(normalize(r));
            }
        }
    }

    for s in shared {
        d.lang_of.insert(s, None);
    }
    // Forms that are the same string in both languages carry no language signal.
    let mut by_form: HashMap<String, (bool, bool)> = HashMap::new();
    for g in &d.groups {
        for u in &g.uk {
            by_form.entry(normalize(u)).or_default().0 = true;
        }
        for r in &g.ru {
            by_form.entry(normalize(r)).or_default().1 = true;
        }
    }
    for (f, (u, r)) in by_form {
        if u && r {
            d.lang_of.insert(f, None);
        }
    }

    for (f, l) in curated_lang {
        if l.is_some() {
            d.lang_of.insert(f, l);
        }
    }

    d.key_fold = fold_keys(&pairs);
    for g in &mut d.groups {
        g.norms = g.uk.iter().chain(g.ru.iter()).map(|f| normalize(f)).collect();
    }
    d
}

/// Union the raw keys of each Ukrainian/Russian pair whose keys differ, and map every key of a
/// component to one representative (the smallest). Components are capped: a pair that would join
/// two components of more than a handful of keys is skipped, so one noisy pair cannot chain many names
/// into one block.
fn fold_keys(pairs: &[(String, String)]) -> FxMap<String, String> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut size: Vec<usize> = Vec::new();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut id = |k: String, parent: &mut Vec<usize>, size: &mut Vec<usize>| -> usize {
        *ids.entry(k).or_insert_with(|| {
            parent.push(parent.len());
            size.push(1);
            parent.len() - 1
        })
    };
    for (u, r) in pairs {
        let ku = raw_key(&canon_latin(&normalize(u)));
        let kr = raw_key(&canon_latin(&normalize(r)));
        if ku == kr || ku.is_empty() || kr.is_empty() {
            continue;
        }
        let a = id(ku, &mut parent, &mut size);
        let b = id(kr, &mut parent, &mut size);
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb || size[ra] + size[rb] > 4 {
            continue;
        }
        parent[rb] = ra;
        size[ra] += size[rb];
    }
    let keys: Vec<(String, usize)> = ids.into_iter().collect();
    let mut rep: HashMap<usize, String> = HashMap::new();
    for (k, i) in &keys {
        let r = find(&mut parent, *i);
        let e = rep.entry(r).or_insert_with(|| k.clone());
        if k < e {
            *e = k.clone();
        }
    }
    let mut out = FxMap::default();
    for (k, i) in keys {
        let r = find(&mut parent, i);
        let rk = &rep[&r];
        if *rk != k {
            out.insert(k, rk.clone());
        }
    }
    out
}

pub(crate) fn dict() -> &'static Dict {
    static D: OnceLock<Dict> = OnceLock::new();
    D.get_or_init(build)
}

/// The language a normalised name form belongs to, if only one.
pub(crate) fn lang_of_form(normalized: &str) -> Option<Lang> {
    dict().lang_of.get(normalized).copied().flatten()
}

/// Dictionary groups whose member has this canonical Latin form.
pub(crate) fn groups_of(kind: PartKind, cl: &str) -> &'static [u32] {
    let d = dict();
    let idx = match kind {
        PartKind::Patronymic => &d.patronymic,
        PartKind::Surname => &d.surname,
        PartKind::Given => &d.given,
    };
    idx.get(cl).map(Vec::as_slice).unwrap_or(&[])
}

pub(crate) fn diminutive_groups(cl: &str) -> &'static [u32] {
    dict().diminutive.get(cl).map(Vec::as_slice).unwrap_or(&[])
}

pub(crate) fn english_groups(cl: &str) -> &'static [u32] {
    dict().english.get(cl).map(Vec::as_slice).unwrap_or(&[])
}

pub(crate) fn group(g: u32) -> &'static Group {
    &dict().groups[g as usize]
}

/// Fold a raw key through the dictionary of Ukrainian/Russian pairs.
pub(crate) fn fold_key(raw: String) -> String {
    match dict().key_fold.get(&raw) {
        Some(k) => k.clone(),
        None => raw,
    }
}

/// Ukrainian <-> Russian forms of a given name or patronymic (Cyrillic), ranked as the dictionary
/// ranks them: the form itself is not included.
pub fn equivalents(kind: PartKind, name: &str) -> Vec<(Lang, String)> {
    let n = normalize(name);
    let cl = canon_latin(&n);
    let mut out: Vec<(Lang, String)> = Vec::new();
    // Groups that list this very form; only if none does, groups of any spelling with its canonical form.
    let all = groups_of(kind, &cl);
    let exact: Vec<u32> = all.iter().copied().filter(|&g| group(g).norms.contains(&n)).collect();
    let chosen: &[u32] = if exact.is_empty() { all } else { &exact };
    for &g in chosen {
        let gr = group(g);
        for (lang, forms) in [(Lang::Uk, &gr.uk), (Lang::Ru, &gr.ru)] {
            for f in forms {
                if normalize(f) != n && !out.iter().any(|(_, x)| x == f) {
                    out.push((lang, f.clone()));
                }
            }
        }
    }
    out
}

/// The sex the dictionary gives a given name or patronymic form, if it knows one.
pub fn sex_of(kind: PartKind, name: &str) -> Option<Sex> {
    let cl = canon_latin(&normalize(name));
    let mut sex = None;
    for &g in groups_of(kind, &cl) {
        match (sex, group(g).sex) {
            (None, s) => sex = s,
            (Some(a), Some(b)) if a != b => return None,
            _ => {}
        }
    }
    sex
}
