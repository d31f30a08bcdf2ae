//! The comparator: grade a pair of names and say why.
//!
//! Part by part ([`compare_part`], or [`compare_prepared`] on cached [`NameForm`]s), a pair falls into the
//! first [`Level`] that holds, from `exact` down to `different`. Scores are fixed per level (a few move
//! with string similarity inside `fuzzy_close` and `different`), chosen so that every level ranks above
//! the ones after it: a caller that wants probabilities should learn them per level (the linkage crate
//! does, from its own m/u estimates), and use the score only to rank.
//!
//! Whole names ([`compare`]) are split into surname, given name, patronymic and initials (the order is
//! guessed from patronymic suffixes, the given-name dictionary and the position), aligned, compared part
//! by part and combined with weights 0.45 / 0.35 / 0.20. A part that is `different` caps the whole at 0.4:
//! a namesake (Шевченко Олександр vs Шевченко Олексій) must never look like the same person's name.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::canon::{canon_latin, gender_pair_folded, raw_key, ukru_fold};
use crate::dict::{diminutive_groups, english_groups, fold_key, group, groups_of};
use crate::{detect_script, normalize, Script};

/// Which part of a name a string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Surname,
    Given,
    Patronymic,
}

impl std::str::FromStr for PartKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "surname" | "last" | "family" => Ok(PartKind::Surname),
            "given" | "first" => Ok(PartKind::Given),
            "patronymic" | "middle" => Ok(PartKind::Patronymic),
            _ => Err(format!("unknown name part {s:?}; expected surname, given or patronymic")),
        }
    }
}

/// How two names relate, from the strongest evidence to none. The snake_case names are stable: they are
/// stored with link decisions and printed by `tally name compare --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The same string.
    Exact,
    /// The same after [`normalize`] (case, apostrophes, look-alike letters, ё, spacing).
    Normalized,
    /// The same name under a transliteration standard or between two standards (Shevchenko / Шевченко,
    /// Serhii / Sergii).
    Translit,
    /// Ukrainian and Russian forms of one name (Олександр / Александр / Aleksandr, Олійник / Олейник).
    UkRuEquivalent,
    /// A declined form of the other (Шевченка / Шевченко).
    Inflected,
    /// An English equivalent (Alexander / Oleksandr is `translit`; Nicholas / Mykola is this).
    Translation,
    /// The masculine and feminine forms of one surname (Андрєєв / Андрєєва), or a man's genitive.
    GenderVariant,
    /// Close spelling: a typo or an unusual transliteration.
    FuzzyClose,
    /// An initial consistent with the full name (О. / Олександр).
    Initials,
    /// A diminutive of the other (Саша / Олександр): weak evidence, never identity.
    Diminutive,
    /// One side is empty.
    Missing,
    /// Nothing ties them.
    Different,
}

impl Level {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Exact => "exact",
            Level::Normalized => "normalized",
            Level::Translit => "translit",
            Level::UkRuEquivalent => "uk_ru_equivalent",
            Level::Inflected => "inflected",
            Level::Translation => "translation",
            Level::GenderVariant => "gender_variant",
            Level::FuzzyClose => "fuzzy_close",
            Level::Initials => "initials",
            Level::Diminutive => "diminutive",
            Level::Missing => "missing",
            Level::Different => "different",
        }
    }

    /// Every level, strongest first.
    pub const ALL: [Level; 12] = [
        Level::Exact,
        Level::Normalized,
        Level::Translit,
        Level::UkRuEquivalent,
        Level::Inflected,
        Level::Translation,
        Level::GenderVariant,
        Level::FuzzyClose,
        Level::Initials,
        Level::Diminutive,
        Level::Missing,
        Level::Different,
    ];
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The grade of a pair: `score` in 0..=1 (higher: more likely the same person's name), the `level`, and a
/// sentence saying why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub score: f64,
    pub level: Level,
    pub why: String,
}

impl Comparison {
    fn new(score: f64, level: Level, why: String) -> Comparison {
        Comparison { score, level, why }
    }
}

/// A name part prepared once for many comparisons: callers comparing millions of pairs cache these.
#[derive(Debug, Clone)]
pub struct NameForm {
    /// As given, trimmed.
    pub raw: String,
    /// [`normalize`]d.
    pub norm: String,
    /// Script of the normalised form.
    pub script: Script,
    /// Canonical Latin form (script- and standard-neutral; see the `canon` module).
    pub canonical: String,
    /// The blocking key, as [`name_key`] gives it.
    pub key: String,
    ukru: String,
    initial: bool,
    first_classes: [u8; 2],
    given_groups: &'static [u32],
    patronymic_groups: &'static [u32],
    surname_groups: &'static [u32],
    diminutive_of: &'static [u32],
    english_of: &'static [u32],
    /// For a Cyrillic form, the distinct normalised transliterations of `raw` under every standard, each
    /// with the set of standards (bit i: the i-th of the table) that give it. Filled at the first
    /// cross-script comparison that needs it, so each name is transliterated once, not once per pair.
    translits: OnceLock<Vec<(String, u32)>>,
    /// For a Cyrillic form, the nominatives it may be a declined form of, each with what [`inflected`]
    /// compares: filled at the first comparison that needs them, so each name is declined once, not once
    /// per pair.
    nominatives: OnceLock<Vec<Nominative>>,
}

/// One nominative reading of a declined form, prepared for [`inflected`].
#[derive(Debug, Clone)]
struct Nominative {
    nom: String,
    /// Canonical Latin of `nom`, and its Ukrainian/Russian fold.
    canonical: String,
    ukru: String,
    /// Dictionary groups of `canonical` as a given name and as a patronymic.
    given_groups: &'static [u32],
    patronymic_groups: &'static [u32],
}

impl NameForm {
    fn groups(&self, kind: PartKind) -> &'static [u32] {
        match kind {
            PartKind::Given => self.given_groups,
            PartKind::Patronymic => self.patronymic_groups,
            PartKind::Surname => self.surname_groups,
        }
    }
}

fn class_of(c: u8) -> u8 {
    match c {
        b'a' | b'o' => b'A',
        b'e' | b'i' => b'E',
        b'u' => b'U',
        b'x' | b'g' => b'G',
        c => c,
    }
}

fn first_classes(norm: &str, cl: &str) -> [u8; 2] {
    let a = cl.as_bytes().first().map_or(0, |&c| class_of(c));
    // A iotated first letter (Я, Ю, Є, Ї, Й; Latin Y, I, J before a vowel) also reads as an i/y initial.
    let mut it = norm.chars();
    let f = it.next().unwrap_or(' ');
    let s = it.next().unwrap_or(' ');
    let glide = matches!(f, 'я' | 'ю' | 'є' | 'ї' | 'й')
        || (matches!(f, 'y' | 'i' | 'j') && matches!(s, 'a' | 'e' | 'o' | 'u' | 'i'));
    [a, if glide { b'E' } else { a }]
}

/// Prepare one name part (a surname, a given name, a patronymic or an initial).
pub fn prepare(part: &str) -> NameForm {
    let raw = part.trim().to_string();
    let norm = normalize(&raw);
    let canonical = canon_latin(&norm);
    prepare_normalized(raw, norm, canonical)
}

/// [`prepare`] from the normalised and canonical forms it made before for `raw` (a saved
/// linker keeps them): skips normalising and canonicalising, the costly part of preparing a
/// name. `norm` and `canonical` must be what [`prepare`] gives for `raw` (its `norm` and
/// `canonical` fields), or comparisons go wrong.
pub fn prepare_normalized(raw: String, norm: String, canonical: String) -> NameForm {
    let key = if canonical.is_empty() { String::new() } else { fold_key(raw_key(&canonical)) };
    let ukru = ukru_fold(&canonical);
    let initial = norm.chars().count() == 1;
    let first_classes = first_classes(&norm, &canonical);
    NameForm {
        script: detect_script(&norm),
        given_groups: groups_of(PartKind::Given, &canonical),
        patronymic_groups: groups_of(PartKind::Patronymic, &canonical),
        surname_groups: groups_of(PartKind::Surname, &canonical),
        diminutive_of: diminutive_groups(&canonical),
        english_of: english_groups(&canonical),
        raw,
        norm,
        canonical,
        key,
        ukru,
        initial,
        first_classes,
        translits: OnceLock::new(),
        nominatives: OnceLock::new(),
    }
}

/// The cross-script blocking key of one name part: every spelling of a name (its Ukrainian and Russian
/// Cyrillic forms, its Latin forms under any standard) gives the same key, and typos often do, while
/// different names rarely do. The key is a consonant skeleton (see the `canon` module), folded through the
/// Ukrainian/Russian dictionary where consonants differ (Микола/Николай).
///
/// ```
/// use tally_names::name_key;
/// let k = name_key("Олександр");
/// for s in ["Александр", "Oleksandr", "Olexandr", "Aleksandr", "Alexander", "ОЛЕКСАНДР"] {
///     assert_eq!(name_key(s), k, "{s}");
/// }
/// assert_eq!(name_key("Шевченко"), name_key("Ševčenko"));
/// assert_ne!(name_key("Олександр"), name_key("Олексій"));
/// ```
pub fn name_key(part: &str) -> String {
    let cl = canon_latin(&normalize(part));
    if cl.is_empty() {
        return String::new();
    }
    fold_key(raw_key(&cl))
}

fn intersects(a: &[u32], b: &[u32]) -> Option<u32> {
    a.iter().copied().find(|g| b.contains(g))
}

fn headword(g: u32) -> String {
    let gr = group(g);
    match (gr.uk.first(), gr.ru.first()) {
        (Some(u), Some(r)) if u != r => format!("{u}/{r}"),
        (Some(u), _) => u.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => String::new(),
    }
}

impl NameForm {
    /// The nominatives this (Cyrillic) form may be a declined form of, in the inflection rules' order,
    /// prepared once.
    fn nominatives(&self) -> &[Nominative] {
        self.nominatives.get_or_init(|| {
            crate::inflect::nominatives(&self.norm)
                .into_iter()
                .map(|(nom, _)| {
                    let canonical = canon_latin(&nom);
                    Nominative {
                        ukru: ukru_fold(&canonical),
                        given_groups: groups_of(PartKind::Given, &canonical),
                        patronymic_groups: groups_of(PartKind::Patronymic, &canonical),
                        canonical,
                        nom,
                    }
                })
                .collect()
        })
    }

    /// The distinct normalised transliterations of this (Cyrillic) form's raw text, with the standards
    /// giving each, computed once.
    fn translits(&self) -> &[(String, u32)] {
        self.translits.get_or_init(|| {
            let mut v: Vec<(String, u32)> = Vec::with_capacity(8);
            for (i, s) in crate::translit::table().iter().enumerate() {
                let t = normalize(&s.apply(&self.raw));
                match v.iter_mut().find(|(x, _)| *x == t) {
                    Some((_, m)) => *m |= 1 << i,
                    None => v.push((t, 1 << i)),
                }
            }
            v
        })
    }
}

/// Which standards (a bit set over the table, in its order) turn the Cyrillic side into exactly the
/// Latin side (compared after normalising).
fn standards_producing(cyr: &NameForm, latin_norm: &str) -> u32 {
    let latin_nfc: Cow<str> =
        if latin_norm.is_ascii() { Cow::Borrowed(latin_norm) } else { Cow::Owned(latin_norm.nfc().collect()) };
    cyr.translits().iter().find(|(t, _)| *t == *latin_nfc).map_or(0, |&(_, m)| m)
}

/// The ids of the first three standards in the set `mask`, comma-separated.
fn standard_ids(mask: u32) -> String {
    let ids: Vec<&str> = crate::translit::table()
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, s)| s.info.id.as_str())
        .take(3)
        .collect();
    ids.join(", ")
}

/// Compare two name parts of the given kind.
///
/// ```
/// use tally_names::{compare_part, Level, PartKind};
/// assert_eq!(compare_part(PartKind::Given, "Олександр", "Aleksandr").level, Level::UkRuEquivalent);
/// assert_eq!(compare_part(PartKind::Given, "Олександр", "Олексій").level, Level::Different);
/// assert_eq!(compare_part(PartKind::Surname, "Андрєєв", "Andrieiev").level, Level::Translit);
/// ```
pub fn compare_part(kind: PartKind, a: &str, b: &str) -> Comparison {
    compare_prepared(kind, &prepare(a), &prepare(b))
}

/// Compare two prepared name parts. See [`Level`] for the cascade.
pub fn compare_prepared(kind: PartKind, a: &NameForm, b: &NameForm) -> Comparison {
    grade::<true>(kind, a, b, true)
}

/// A grade without its explanation: what [`compare_prepared`] gives, less the `why`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grade {
    pub score: f64,
    pub level: Level,
}

/// [`compare_prepared`] without the explanation: the same level and score, bit for bit, without building
/// a sentence per pair (what record linkage, which keeps only the level, should call).
pub fn grade_prepared(kind: PartKind, a: &NameForm, b: &NameForm) -> Grade {
    let c = grade::<false>(kind, a, b, true);
    Grade { score: c.score, level: c.level }
}

/// The level alone (what record linkage keeps): [`grade_prepared`]'s level, always, but without the
/// work that only refines the score. A Latin form whose canonical form equals a Cyrillic one's is a
/// transliteration whether or not some standard gives it letter for letter (that only moves the score
/// from 0.95 to 0.97), so that pair is not transliterated under every standard here.
pub fn level_prepared(kind: PartKind, a: &NameForm, b: &NameForm) -> Level {
    grade::<false>(kind, a, b, false).level
}

/// The explanation, built only when `E` (explain) holds; otherwise an empty, unallocated string.
macro_rules! why {
    ($($t:tt)*) => {
        if E { format!($($t)*) } else { String::new() }
    };
}

/// The cascade; `E` says whether to build the `why` sentences (the level and score never depend on it),
/// `score` whether the score must be exact (the level never depends on it).
fn grade<const E: bool>(kind: PartKind, a: &NameForm, b: &NameForm, score: bool) -> Comparison {
    let (ra, rb) = (&a.raw, &b.raw);
    if a.norm.is_empty() || b.norm.is_empty() {
        return Comparison::new(0.5, Level::Missing, why!("one side is empty"));
    }
    if ra == rb {
        return Comparison::new(1.0, Level::Exact, why!("{ra} = {rb}"));
    }
    if a.norm == b.norm {
        return Comparison::new(0.99, Level::Normalized, why!("{ra} = {rb} after normalising"));
    }
    if a.initial || b.initial {
        return compare_initial::<E>(kind, a, b);
    }
    if kind == PartKind::Given {
        if let Some(c) = given_with_more::<E>(a, b).or_else(|| given_with_more::<E>(b, a)) {
            return c;
        }
    }
    if a.canonical == b.canonical {
        let (cyr, lat) = match (a.script, b.script) {
            (Script::Cyrillic, Script::Latin) => (Some(a), Some(b)),
            (Script::Latin, Script::Cyrillic) => (Some(b), Some(a)),
            _ => (None, None),
        };
        if let (Some(c), Some(l)) = (cyr, lat) {
            if !score && !E {
                return Comparison::new(0.95, Level::Translit, String::new());
            }
            let stds = standards_producing(c, &l.norm);
            return if stds == 0 {
                Comparison::new(0.95, Level::Translit, why!("{} is a transliteration of {}", l.raw, c.raw))
            } else {
                Comparison::new(0.97, Level::Translit, why!("{} = {} of {}", l.raw, standard_ids(stds), c.raw))
            };
        }
        if a.script == Script::Cyrillic && b.script == Script::Cyrillic {
            return Comparison::new(
                0.95,
                Level::UkRuEquivalent,
                why!("{ra} ~ {rb}: the same name in Ukrainian and Russian letters (і/и, є/е, ь/')"),
            );
        }
        return Comparison::new(0.95, Level::Translit, why!("{ra} ~ {rb}: the same name under two standards"));
    }
    let (ga, gb) = (a.groups(kind), b.groups(kind));
    if let Some(g) = intersects(ga, gb) {
        return Comparison::new(
            0.93,
            Level::UkRuEquivalent,
            why!("{ra} ~ {rb}: Ukrainian and Russian forms of {}", headword(g)),
        );
    }
    // One part of a double surname (Петренко-Шевченко / Шевченко): a woman who added her husband's
    // name, or a list that kept only one part.
    if kind == PartKind::Surname {
        let part_of = |whole: &NameForm, part: &NameForm| {
            whole.canonical.contains('-') && whole.canonical.split('-').any(|p| p == part.canonical)
        };
        if part_of(a, b) || part_of(b, a) {
            return Comparison::new(0.7, Level::FuzzyClose, why!("{ra} ~ {rb}: one part of a double surname"));
        }
    }
    let jw = crate::jaro_winkler(&a.canonical, &b.canonical);
    // Most pairs a linkage run compares are plainly different: skip the costly rules for them. Every
    // rule below but the dictionary's needs a shared stem, so a dissimilar pair with different keys can
    // only be a diminutive, an English equivalent, or different. A typo can move the canonical forms
    // further apart than the written ones (Polin / Pojin: polin / pon), so a pair the normalised forms
    // still find alike goes on to the typo rule.
    if jw < 0.7 && a.key != b.key && !written_alike(a, b, jw) {
        if kind == PartKind::Given {
            if let Some(c) = diminutive::<E>(a, b, ga, gb) {
                return c;
            }
            if let Some(c) = translation::<E>(a, b, ga, gb) {
                return c;
            }
        }
        if kind != PartKind::Surname && !ga.is_empty() && !gb.is_empty() {
            return Comparison::new(
                0.05,
                Level::Different,
                why!("{ra} and {rb} are different names ({} vs {})", headword(ga[0]), headword(gb[0])),
            );
        }
        return Comparison::new(0.3 * jw * jw, Level::Different, why!("{ra} and {rb} differ (similarity {jw:.2})"));
    }
    if kind == PartKind::Patronymic {
        if let Some(why) = patronymics_agree::<E>(&a.canonical, &b.canonical) {
            return Comparison::new(0.92, Level::UkRuEquivalent, why!("{ra} ~ {rb}: {why}"));
        }
    }
    if kind == PartKind::Surname && a.ukru == b.ukru {
        return Comparison::new(
            0.92,
            Level::UkRuEquivalent,
            why!("{ra} ~ {rb}: Ukrainian and Russian spellings of one surname"),
        );
    }
    if kind == PartKind::Surname {
        if let Some((m, f)) = gender_pair_folded(&a.ukru, &b.ukru) {
            return Comparison::new(
                0.75,
                Level::GenderVariant,
                why!("{ra} ~ {rb}: masculine (-{m}) and feminine (-{f}) forms of one surname, or a man's genitive"),
            );
        }
    }
    if kind == PartKind::Given {
        if let Some(c) = diminutive::<E>(a, b, ga, gb) {
            return c;
        }
    }
    // Two names the dictionary knows as different are different, however alike they look (Олександр /
    // Олексій; Олександр / Олександра, where only the feminine ending differs). When their skeletons
    // agree and no ending tells the sexes apart they are more likely spellings of one name (the
    // dictionary is noisy: it lists Александер beside Александр), and fall through.
    let fem = |cl: &str| cl.ends_with('a');
    // Nor when one is a slip of the other as written, in a name of five letters or more: the
    // dictionary also lists register misspellings as names of their own (Олесандр, Олексан
    // beside Олександр), so a slip can land on one (Олеъсандр, ъ for к, reads as Олесандр).
    // Shorter names are too often one letter from another real one (Юрій / Юлій).
    let long = |f: &NameForm| f.norm.chars().filter(|c| c.is_alphabetic()).count() >= 5;
    let slip =
        long(a) && long(b) && fem(&a.canonical) == fem(&b.canonical) && osa_within(&a.norm, &b.norm, 1).is_some();
    if kind != PartKind::Surname
        && !ga.is_empty()
        && !gb.is_empty()
        && (a.key != b.key || fem(&a.canonical) != fem(&b.canonical))
        && !slip
    {
        // Олександра is both the genitive of Олександр (an obituary's «пам'яті Олександра») and a
        // woman's name; Віктора the genitive of Віктор and a form the dictionary lists for Вікторія.
        // Without the sex, the pair is as ambiguous as a surname's -а: a gender variant, not different.
        if kind == PartKind::Given && fem(&a.canonical) != fem(&b.canonical) {
            let inf = inflected::<E>(kind, a, b).or_else(|| inflected::<E>(kind, b, a));
            if let Some(c) = inf {
                return Comparison::new(
                    0.7,
                    Level::GenderVariant,
                    why!("{ra} ~ {rb}: a declined form of one name, or a woman's name ({})", c.why),
                );
            }
        }
        return Comparison::new(
            0.05,
            Level::Different,
            why!("{ra} and {rb} are different names ({} vs {})", headword(ga[0]), headword(gb[0])),
        );
    }
    // After the gender forms: a list's Андрєєва is a woman more often than a man in the genitive.
    if let Some(c) = inflected::<E>(kind, a, b).or_else(|| inflected::<E>(kind, b, a)) {
        return c;
    }
    if kind == PartKind::Given {
        if let Some(c) = translation::<E>(a, b, ga, gb) {
            return c;
        }
    }
    // A Latin spelling that some standard gives exactly, though its canonical form differs (BGN/PCGN
    // writes зг as zh: Згурський -> Zhurs'kyy). Checked only for plausible pairs: it costs 19 passes.
    if jw >= 0.75 {
        let pair = match (a.script, b.script) {
            (Script::Cyrillic, Script::Latin) => Some((a, b)),
            (Script::Latin, Script::Cyrillic) => Some((b, a)),
            _ => None,
        };
        if let Some((c, l)) = pair {
            let stds = standards_producing(c, &l.norm);
            if stds != 0 {
                return Comparison::new(0.96, Level::Translit, why!("{} = {} of {}", l.raw, standard_ids(stds), c.raw));
            }
        }
    }
    if a.key == b.key && jw >= 0.8 {
        return Comparison::new(
            0.55 + 0.19 * jw,
            Level::FuzzyClose,
            why!("{ra} ~ {rb}: same consonant skeleton {}, similarity {jw:.2}", a.key),
        );
    }
    if let Some((dl, jw)) = typo(a, b, jw) {
        return Comparison::new(
            0.5 + 0.2 * jw,
            Level::FuzzyClose,
            why!("{ra} ~ {rb}: {dl} edit(s), similarity {jw:.2}"),
        );
    }
    Comparison::new(0.3 * jw * jw, Level::Different, why!("{ra} and {rb} differ (similarity {jw:.2})"))
}

/// Whether two names whose canonical forms are far apart (similarity `jw` below 0.7) are still
/// alike as written, in one script: a slip inside a consonant cluster can change the canonical
/// form more than the written one. Only looked at from 0.5, where one slip can have done it.
/// Latin forms are alike from a Jaro-Winkler similarity of 0.7; Cyrillic ones within two edits
/// (Jaro-Winkler on non-ASCII text allocates, and linkage asks this of millions of pairs).
fn written_alike(a: &NameForm, b: &NameForm, jw: f64) -> bool {
    jw >= 0.5
        && a.script == b.script
        && if a.norm.is_ascii() && b.norm.is_ascii() {
            crate::jaro_winkler(&a.norm, &b.norm) >= 0.7
        } else {
            osa_within(&a.norm, &b.norm, 2).is_some()
        }
}

/// A typing slip: the two forms lie one edit apart (optimal string alignment, so a transposition
/// is one edit), or two apart in long names, compared as canonical forms, as written (same script),
/// or as the Latin side against the Cyrillic side's transliterations. The canonical forms alone
/// missed slips that canonicalisation magnifies (Romanovych / Romanoych: romanoviq / romanoq) and
/// transpositions near the start, which Jaro-Winkler scores low (Yehor / Yheor: 0.78). A name of
/// three letters against one of four is a dropped letter (Oleh / Ole) when one edit apart; shorter
/// names are too easily one edit from another name. Returns the edits and the similarity of the
/// forms that showed them.
fn typo(a: &NameForm, b: &NameForm, jw: f64) -> Option<(usize, f64)> {
    // One or two slips leave two names alike: the edit distance is only taken for forms at
    // least this similar (in the form compared). Down to 0.7 it found 10 more of the 9,300
    // golden pairs and cost a million-record Latin run half a second (7.6 -> 8.1 s linking).
    const ALIKE: f64 = 0.85;
    // Transliterating the Cyrillic side (once per name, a pass per standard) is taken for pairs
    // whose canonical forms are this alike: at 0.7 it cost a million-record cross-script run
    // half a second more; 0.8 loses 6 golden pairs (slips that also change a letter's
    // transliteration: Желлзний / Zelizniy).
    const TRANSLIT_ALIKE: f64 = 0.8;
    // `sim`: the pair's similarity in the forms compared, or None to skip the gate.
    let slip = |x: &str, y: &str, sim: Option<f64>| -> Option<usize> {
        let (lx, ly) = (x.chars().count(), y.chars().count());
        let (lo, hi) = (lx.min(ly), lx.max(ly));
        if hi - lo > 2 || sim.is_some_and(|s| s < ALIKE) {
            return None;
        }
        let d = osa_within(x, y, if lo >= 8 { 2 } else { 1 })?;
        (lo >= 4 || (lo == 3 && hi == 4)).then_some(d)
    };
    if let Some(d) = slip(&a.canonical, &b.canonical, Some(jw)) {
        return Some((d, jw));
    }
    if a.script == b.script {
        if a.norm.is_ascii() && b.norm.is_ascii() {
            let s = crate::jaro_winkler(&a.norm, &b.norm);
            return slip(&a.norm, &b.norm, Some(s)).map(|d| (d, s));
        }
        // Cyrillic forms skip the similarity gate (see `written_alike`): the bounded edit
        // distance on the stack is the cheaper of the two there.
        return slip(&a.norm, &b.norm, None).map(|d| (d, jw));
    }
    let (c, l) = match (a.script, b.script) {
        (Script::Cyrillic, Script::Latin) => (a, b),
        (Script::Latin, Script::Cyrillic) => (b, a),
        _ => return None,
    };
    // Transliterating costs a pass per standard (once per name): only for pairs whose canonical
    // forms are already alike, or one edit apart (a dropped letter moves a short name's
    // canonical form far: Деис / Denis, deis / denis, 0.69).
    if jw < TRANSLIT_ALIKE && osa_within(&c.canonical, &l.canonical, 1).is_none() {
        return None;
    }
    c.translits()
        .iter()
        .filter_map(|(t, _)| {
            let s = crate::jaro_winkler(t, &l.norm);
            slip(t, &l.norm, Some(s)).map(|d| (d, s))
        })
        .min_by_key(|&(d, _)| d)
}

/// Optimal string alignment distance (a transposition counts one edit) over characters, on the
/// stack for names of up to 32 characters: the typo rule runs on millions of name pairs in a
/// linkage run, and strsim's version allocates three rows each time.
pub fn osa_distance(a: &str, b: &str) -> usize {
    osa_within(a, b, usize::MAX - 1).unwrap_or(usize::MAX)
}

/// [`osa_distance`] if it is at most `k`, else `None`, stopping as soon as a whole row of the
/// programme exceeds `k` (most name pairs differ by more than two edits within a few letters).
pub fn osa_within(a: &str, b: &str, k: usize) -> Option<usize> {
    const N: usize = 32;
    let (mut ca, mut cb) = (['\0'; N], ['\0'; N]);
    let (mut la, mut lb) = (0, 0);
    for c in a.chars() {
        if la == N {
            return Some(strsim::osa_distance(a, b)).filter(|&d| d <= k);
        }
        ca[la] = c;
        la += 1;
    }
    for c in b.chars() {
        if lb == N {
            return Some(strsim::osa_distance(a, b)).filter(|&d| d <= k);
        }
        cb[lb] = c;
        lb += 1;
    }
    // Three rows of the dynamic programme: two back (for transpositions), one back, this one.
    let (mut r2, mut r1, mut r0) = ([0usize; N + 1], [0usize; N + 1], [0usize; N + 1]);
    for (j, x) in r1.iter_mut().enumerate().take(lb + 1) {
        *x = j;
    }
    for i in 1..=la {
        r0[0] = i;
        for j in 1..=lb {
            let cost = usize::from(ca[i - 1] != cb[j - 1]);
            let mut v = (r1[j] + 1).min(r0[j - 1] + 1).min(r1[j - 1] + cost);
            if i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] {
                v = v.min(r2[j - 2] + 1);
            }
            r0[j] = v;
        }
        // A row's minimum never falls in later rows except through a transposition, which
        // reaches back one row: two rows above `k` in a row settle it.
        if r0[..=lb].iter().min().is_some_and(|&m| m > k) && r1[..=lb].iter().min().is_some_and(|&m| m > k) {
            return None;
        }
        r2 = r1;
        r1 = r0;
    }
    Some(r1[lb]).filter(|&d| d <= k)
}

/// A given name written with more after it (a patronymic, often misspelt, that a list put in the
/// given-name column: «Valentyn Yuriiovychh»), against a one-word given name: the first word is
/// the given name, and the pair is graded on it.
fn given_with_more<const E: bool>(multi: &NameForm, one: &NameForm) -> Option<Comparison> {
    let first = multi.norm.split_whitespace().next()?;
    if first.len() == multi.norm.len() || one.norm.contains(char::is_whitespace) {
        return None;
    }
    // From the normalised form's first word: the raw form may split elsewhere (a dot, an
    // underscore), and a head that still holds several words would come back here.
    let head = prepare(first);
    if head.initial || head.norm.contains(char::is_whitespace) || head.norm.is_empty() {
        return None;
    }
    let c = grade::<E>(PartKind::Given, &head, one, true);
    Some(Comparison::new(
        c.score,
        c.level,
        why!("{} ~ {}: the given name is {}, the rest another word ({})", multi.raw, one.raw, head.raw, c.why),
    ))
}

/// Patronymic suffixes in canonical Latin (ович, евич, івна, овна, евна, ич, ична, ...), longest first.
const PATRONYMIC_CL: [&str; 8] = ["ovna", "evna", "ivna", "iqna", "oviq", "eviq", "na", "iq"];

/// The given-name stem of a patronymic in canonical Latin: Сергійович and Сергеевич give `serg`.
/// One given name is a dictionary diminutive of the other's headwords `gb`/`ga` (weak evidence only).
fn diminutive<const E: bool>(a: &NameForm, b: &NameForm, ga: &[u32], gb: &[u32]) -> Option<Comparison> {
    let g = intersects(a.diminutive_of, gb).or_else(|| intersects(b.diminutive_of, ga))?;
    Some(Comparison::new(
        0.55,
        Level::Diminutive,
        why!("{} ~ {}: diminutive of {} (weak evidence)", a.raw, b.raw, headword(g)),
    ))
}

/// One given name is the English equivalent of the other's headword (Alexander ~ Олександр).
fn translation<const E: bool>(a: &NameForm, b: &NameForm, ga: &[u32], gb: &[u32]) -> Option<Comparison> {
    let g = intersects(a.english_of, gb).or_else(|| intersects(b.english_of, ga))?;
    Some(Comparison::new(
        0.85,
        Level::Translation,
        why!("{} ~ {}: English equivalent of {}", a.raw, b.raw, headword(g)),
    ))
}

fn patronymic_stem(cl: &str) -> Option<(&str, bool)> {
    for s in PATRONYMIC_CL {
        if cl.len() > s.len() + 1 && cl.ends_with(s) {
            return Some((&cl[..cl.len() - s.len()], s.ends_with('a')));
        }
    }
    None
}

/// Two patronymics agree when their stems do, directly or through the given names they come from
/// (Миколайович/Николаевич: Микола/Николай).
fn patronymics_agree<const E: bool>(a: &str, b: &str) -> Option<String> {
    let ((sa, fa), (sb, fb)) = (patronymic_stem(a)?, patronymic_stem(b)?);
    if fa != fb {
        return None;
    }
    if ukru_fold(sa) == ukru_fold(sb) {
        return Some(why!("the same patronymic in Ukrainian and Russian form"));
    }
    let given = |s: &str| -> Vec<u32> {
        let mut v = Vec::new();
        for tail in ["", "a", "i", "o", "e", "ei", "ii"] {
            let mut c = String::with_capacity(s.len() + 2);
            c.push_str(s);
            c.push_str(tail);
            v.extend_from_slice(groups_of(PartKind::Given, &c));
        }
        v
    };
    let g = intersects(&given(sa), &given(sb))?;
    Some(why!("patronymics from one given name, {}", headword(g)))
}

fn compare_initial<const E: bool>(kind: PartKind, a: &NameForm, b: &NameForm) -> Comparison {
    let (ra, rb) = (&a.raw, &b.raw);
    let loose = a.first_classes.iter().any(|c| *c != 0 && b.first_classes.contains(c));
    let consistent = match (a.initial, b.initial) {
        (true, false) => initial_of_known(kind, a, b).unwrap_or(loose),
        (false, true) => initial_of_known(kind, b, a).unwrap_or(loose),
        _ => loose,
    };
    match (a.initial && b.initial, consistent) {
        (true, true) => Comparison::new(0.66, Level::Initials, why!("{ra} and {rb}: the same initial")),
        (false, true) => Comparison::new(0.66, Level::Initials, why!("{ra} ~ {rb}: the initial is consistent")),
        (_, false) => Comparison::new(0.05, Level::Different, why!("{ra} and {rb}: the initial does not match")),
    }
}

/// Whether `ini` can be the initial of `full`, when the dictionary knows `full` as a given name or
/// patronymic (None otherwise, and for surnames): the letter classes of [`first_classes`] take О
/// and А for one letter, because Олександр is Александр in Russian, which made «А.» agree with
/// Олег and «О.» with Анатолій. Against a known name, a Cyrillic initial must be the first
/// letter of one of its Ukrainian or Russian forms (Є. and Е. for Євген/Евгений, І. and И. for
/// Ігор/Игорь, not Е. for Іван), and a Latin A or O the first letter of one of their canonical
/// Latin forms (A. and O. for Oleksandr, only O. for Oleh). Other Latin letters keep their classes,
/// which stand for transliteration's own ambiguities (H for Г or Х, I or Y for И).
fn initial_of_known(kind: PartKind, ini: &NameForm, full: &NameForm) -> Option<bool> {
    if kind == PartKind::Surname {
        return None;
    }
    let groups = full.groups(kind);
    if groups.is_empty() {
        return None;
    }
    let letter = ini.norm.chars().next()?;
    let forms = || groups.iter().flat_map(|&g| group(g).norms.iter()).map(String::as_str);
    match ini.script {
        Script::Cyrillic => {
            let own = (full.script == Script::Cyrillic).then_some(full.norm.as_str());
            Some(own.into_iter().chain(forms()).any(|f| f.starts_with(letter)))
        }
        Script::Latin if matches!(ini.canonical.as_bytes().first(), Some(b'a' | b'o')) => {
            let l = ini.canonical.as_bytes()[0];
            let own = std::iter::once(full.canonical.clone());
            Some(own.chain(forms().map(canon_latin)).any(|c| c.as_bytes().first() == Some(&l)))
        }
        _ => None,
    }
}

/// `a` is a declined form of `b` (Шевченка -> Шевченко; Олександром -> Олександр).
fn inflected<const E: bool>(kind: PartKind, a: &NameForm, b: &NameForm) -> Option<Comparison> {
    if a.script != Script::Cyrillic {
        return None;
    }
    for n in a.nominatives() {
        // A given name or patronymic must decline into a name the dictionary knows as the other's.
        let same = match kind {
            PartKind::Surname => n.canonical == b.canonical || n.ukru == b.ukru,
            PartKind::Given => intersects(n.given_groups, b.groups(kind)).is_some(),
            PartKind::Patronymic => intersects(n.patronymic_groups, b.groups(kind)).is_some(),
        };
        if same {
            return Some(Comparison::new(
                0.9,
                Level::Inflected,
                why!("{} is a declined form of {} (nominative {})", a.raw, b.raw, n.nom),
            ));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------
// Whole names.

/// A whole name split into its parts (as far as the split can be guessed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameParts {
    pub surname: Option<String>,
    pub given: Option<String>,
    pub patronymic: Option<String>,
    /// Initials in order (given, then patronymic), when only initials are given.
    pub initials: Vec<String>,
}

const PATRONYMIC_SUFFIXES: [&str; 16] = [
    "ович", "евич", "івна", "ївна", "овна", "евна", "ична", "ovych", "ovich", "evich", "ivna", "ovna", "evna",
    "ovitch", "ievych", "yevych",
];

fn is_patronymic(norm: &str) -> bool {
    let cl = canon_latin(norm);
    !groups_of(PartKind::Patronymic, &cl).is_empty()
        || (norm.chars().count() > 5 && PATRONYMIC_SUFFIXES.iter().any(|s| norm.ends_with(s)))
}

fn is_known_given(norm: &str) -> bool {
    !groups_of(PartKind::Given, &canon_latin(norm)).is_empty()
}

/// Split a whole name into parts. Every reading the text allows is returned, the likeliest first: a name
/// of two words with no patronymic and no dictionary hint can be "given surname" or "surname given".
pub fn split_name(name: &str) -> Vec<NameParts> {
    // A URL slug (andryeyev-oleksij-oleksandrovych) has hyphens for spaces; a double surname has one.
    let slug = !name.trim().contains(char::is_whitespace) && name.matches('-').count() >= 2;
    let toks: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '«' || c == '»' || (slug && c == '-'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut words: Vec<(String, String)> = Vec::new(); // (raw, norm)
    let mut initials: Vec<String> = Vec::new();
    let mut patr: Option<(usize, String)> = None;
    for t in toks {
        let n = normalize(t);
        if n.is_empty() {
            continue;
        }
        if n.chars().count() == 1 {
            initials.push(t.to_string());
            continue;
        }
        if patr.is_none() && is_patronymic(&n) && !words.is_empty() {
            patr = Some((words.len(), t.to_string()));
            continue;
        }
        words.push((t.to_string(), n));
    }
    // A patronymic recognised by its suffix alone (not in the dictionary) may be a surname in -ович/-евич
    // (Їжакевич, Якимович): with only one other word, read it as the surname.
    if let Some((_, p)) = &patr {
        let known = !groups_of(PartKind::Patronymic, &canon_latin(&normalize(p))).is_empty();
        if !known && words.len() == 1 && initials.is_empty() {
            words.push((p.clone(), normalize(p)));
            patr = None;
        }
    }
    let patronymic = patr.as_ref().map(|(_, p)| p.clone());
    let base = NameParts { patronymic: patronymic.clone(), initials: initials.clone(), ..Default::default() };
    let mk = |s: Option<&str>, g: Option<&str>| NameParts {
        surname: s.map(str::to_string),
        given: g.map(str::to_string),
        ..base.clone()
    };
    match words.len() {
        0 => vec![base],
        1 => {
            let (w, n) = &words[0];
            if initials.is_empty() && is_known_given(n) {
                // A lone known given name (with or without patronymic) is the given name; but a surname
                // can look like a given name (Роман, Марко), so offer that reading too.
                vec![mk(None, Some(w)), mk(Some(w), None)]
            } else {
                vec![mk(Some(w), None)]
            }
        }
        _ => {
            let first = &words[0];
            let last = &words[words.len() - 1];
            let joined = |ws: &[(String, String)]| ws.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(" ");
            // Surname first (lists: Шевченко Олександр Сергійович) or last (Олександр Сергійович Шевченко,
            // Oleksandr Shevchenko).
            let s_first = mk(Some(&first.0), Some(&joined(&words[1..])));
            let s_last = mk(Some(&last.0), Some(&joined(&words[..words.len() - 1])));
            let kf = is_known_given(&first.1);
            let kl = is_known_given(&last.1);
            // The dictionary decides when exactly one end is a known given name; the other reading is then
            // not offered (it would let Іван be compared as a surname with Іванна).
            let decided = kf != kl;
            let surname_first = match &patr {
                // A patronymic right after the first word: given patronymic surname.
                Some((1, _)) if words.len() == 2 => false,
                Some(_) => true,
                None => !kf || kl,
            };
            match (surname_first, decided && patr.is_none()) {
                (true, true) => vec![s_first],
                (false, true) => vec![s_last],
                (true, false) => vec![s_first, s_last],
                (false, false) => vec![s_last, s_first],
            }
        }
    }
}

const W_SURNAME: f64 = 0.45;
const W_GIVEN: f64 = 0.35;
const W_PATRONYMIC: f64 = 0.20;

fn score_parts(a: &NameParts, b: &NameParts) -> Comparison {
    let mut parts: Vec<(&str, f64, Comparison)> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    let full_or_initial = |full: &Option<String>, idx: usize, p: &NameParts| -> Option<String> {
        full.clone().or_else(|| if full.is_none() { p.initials.get(idx).cloned() } else { None })
    };
    // Surname.
    match (&a.surname, &b.surname) {
        (Some(x), Some(y)) => parts.push(("surname", W_SURNAME, compare_part(PartKind::Surname, x, y))),
        _ => missing.push("surname"),
    }
    // Given name: full or first initial.
    let ga = full_or_initial(&a.given, 0, a);
    let gb = full_or_initial(&b.given, 0, b);
    match (&ga, &gb) {
        (Some(x), Some(y)) => parts.push(("given", W_GIVEN, compare_part(PartKind::Given, x, y))),
        _ => missing.push("given"),
    }
    // Patronymic: full, or the initial after the given name's (or the only one, if the given is full).
    let pi = |p: &NameParts| if p.given.is_some() { 0 } else { 1 };
    let pa = full_or_initial(&a.patronymic, pi(a), a);
    let pb = full_or_initial(&b.patronymic, pi(b), b);
    match (&pa, &pb) {
        (Some(x), Some(y)) => parts.push(("patronymic", W_PATRONYMIC, compare_part(PartKind::Patronymic, x, y))),
        _ => missing.push("patronymic"),
    }
    if parts.is_empty() {
        return Comparison::new(0.5, Level::Missing, "no part of the names can be compared".into());
    }
    let wsum: f64 = parts.iter().map(|p| p.1).sum();
    let mut score = parts.iter().map(|p| p.1 * p.2.score).sum::<f64>() / wsum;
    let n_diff = parts.iter().filter(|p| p.2.level == Level::Different).count();
    if n_diff >= 2 {
        score = score.min(0.2);
    } else if n_diff == 1 {
        score = score.min(0.4);
    }
    // Fewer parts compared is less evidence.
    score *= 0.7 + 0.3 * wsum;
    let level = parts.iter().map(|p| p.2.level).max().unwrap_or(Level::Missing);
    let mut why: Vec<String> = parts.iter().map(|(n, _, c)| format!("{n}: {} ({})", c.level, c.why)).collect();
    if !missing.is_empty() {
        why.push(format!("not compared: {}", missing.join(", ")));
    }
    Comparison::new((score * 1000.0).round() / 1000.0, level, why.join("; "))
}

/// Compare two whole names (any order of surname, given name and patronymic; initials allowed; either
/// script). The best-scoring alignment of the possible splits is taken.
///
/// ```
/// use tally_names::compare;
/// let same = compare("Олександр Сергійович Шевченко", "Oleksandr Shevchenko");
/// let namesake = compare("Шевченко Олександр", "Шевченко Олексій");
/// assert!(same.score > 0.85 && namesake.score < 0.5, "{same:?} {namesake:?}");
/// ```
pub fn compare(a: &str, b: &str) -> Comparison {
    // Each side as written and, if it reads as a declined phrase (an obituary's «Андрєєва Олексія»), in
    // the nominative; then every split of each. The likeliest reading gets a small edge.
    let readings = |s: &str| -> Vec<(NameParts, usize, Option<String>)> {
        let mut v: Vec<(NameParts, usize, Option<String>)> =
            split_name(s).into_iter().enumerate().map(|(i, p)| (p, i, None)).collect();
        let nom = crate::inflect::to_nominative(s);
        if nom != s {
            v.extend(split_name(&nom).into_iter().enumerate().map(|(i, p)| (p, i + 1, Some(nom.clone()))));
        }
        v
    };
    let (sa, sb) = (readings(a), readings(b));
    let mut best: Option<Comparison> = None;
    for (pa, i, na) in &sa {
        for (pb, j, nb) in &sb {
            let mut c = score_parts(pa, pb);
            if i + j > 0 {
                c.score = ((c.score - 0.01 * (i + j) as f64).max(0.0) * 1000.0).round() / 1000.0;
            }
            // Compared in the nominative: say so, and never call it better than inflected.
            for (n, orig) in [(na, a), (nb, b)] {
                if let Some(n) = n {
                    c.level = c.level.max(Level::Inflected);
                    c.why = format!("{orig} read as the declined form of {n}; {}", c.why);
                }
            }
            if best.as_ref().is_none_or(|b| c.score > b.score) {
                best = Some(c);
            }
        }
    }
    best.unwrap_or_else(|| Comparison::new(0.5, Level::Missing, "empty names".into()))
}

#[cfg(test)]
mod osa_tests {
    /// The stack version agrees with strsim's on names, typos, transpositions, Cyrillic and
    /// empty strings.
    #[test]
    fn osa_distance_equals_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "ivan",
            "iva",
            "ivna",
            "yehor",
            "yheor",
            "romanovych",
            "romanoych",
            "ca",
            "abc",
            "олег",
            "оле",
            "олеж",
            "зушчук",
            "зушкуч",
            "abcdefghijklmnopqrstuvwxyzabcdefghij",
        ];
        for a in words {
            for b in words {
                let d = strsim::osa_distance(a, b);
                assert_eq!(super::osa_distance(a, b), d, "{a} / {b}");
                for k in 0..4 {
                    assert_eq!(super::osa_within(a, b, k), Some(d).filter(|&d| d <= k), "{a} / {b} within {k}");
                }
            }
        }
    }
}
