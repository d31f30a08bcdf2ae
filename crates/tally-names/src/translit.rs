//! Cyrillic -> Latin transliteration under the 19 standards of `data/translit.json`.
//!
//! One table-driven engine covers both families of rules found in the standards:
//! - translitua-style (Ukrainian): characters to omit first (soft sign, apostrophes), then multi-letter
//!   sequences (`зг` -> `zgh`, `<consonant>й` -> `'j`), then word-initial forms (`є ї й ю я` at the start
//!   of a word), then the letter table;
//! - iuliia-style (Russian): a letter's replacement may depend on the previous letter (`after_previous`,
//!   keyed by the two-letter Cyrillic pair; a one-letter key means "at the start of a word"), on the next
//!   letter (`before_next`), and the last two letters of a word may have their own form (`word_ending`).
//!
//! A "word" is a run of alphanumeric characters (Python's `\w`, which both reference implementations use):
//! an apostrophe therefore ends a word, which is why KMU 2010 deletes apostrophes *before* looking for
//! word-initial letters (`Дар'я` -> `Daria`) while the 1996 system does not (`Dar'ya`).
//!
//! Case: an uppercase Cyrillic letter gives a capitalised Latin group (`Щ` -> `Shch`), and a word written
//! wholly in capitals (two letters or more) is written wholly in capitals (`ШЕВЧЕНКО` -> `SHEVCHENKO`),
//! which lists in capitals need. Output is NFC.
//!
//! Letters that a standard's table lacks (Ukrainian `і ї є ґ` under a Russian standard, Russian `ы э ё ъ`
//! under a Ukrainian one) are first replaced by their phonetic counterpart in the standard's language
//! (`і`->`и`, `ї`->`йи`, `є`->`е`, `ґ`->`г`; `ы`->`и`, `э`->`е`, `ё`->`йо`/`ьо`, `ъ`->apostrophe), so that a
//! Ukrainian name under a Russian passport standard gives a Latin string, not a mixed-script one. The
//! reference implementations pass such letters through unchanged.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::{Lang, NamesError};

const TRANSLIT_JSON: &str = include_str!("../data/translit.json");

/// Apostrophe variants typed for the Ukrainian apostrophe; a table rule for any one applies to all.
pub(crate) const APOSTROPHES: [char; 5] = ['\'', '\u{2019}', '\u{02BC}', '\u{2018}', '`'];

/// One transliteration standard as listed by [`standards`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardInfo {
    /// Stable id, the key used on the command line (`ua_kmu_2010`, `ru_icao_9303`, ...).
    pub id: String,
    /// The language whose alphabet the standard is defined for.
    pub lang: Lang,
    /// Full name of the standard.
    pub name: String,
    /// Where and when it is used (passports of which years, libraries, press).
    pub usage: String,
}

#[derive(Deserialize)]
struct RawFile {
    standards: Vec<RawStandard>,
}

#[derive(Deserialize)]
struct RawStandard {
    id: String,
    language: String,
    name: String,
    #[serde(default)]
    usage: String,
    letters: HashMap<String, String>,
    #[serde(default)]
    word_initial: HashMap<String, String>,
    #[serde(default)]
    sequences: HashMap<String, String>,
    #[serde(default)]
    omit: Vec<String>,
    #[serde(default)]
    after_previous: HashMap<String, String>,
    #[serde(default)]
    before_next: HashMap<String, String>,
    #[serde(default)]
    word_ending: HashMap<String, String>,
    #[serde(default)]
    official_samples: Vec<(String, String)>,
}

/// A compiled standard: every key is a lowercase Cyrillic letter (or an apostrophe).
pub(crate) struct Standard {
    pub info: StandardInfo,
    letters: FxHashMap<char, String>,
    word_initial: FxHashMap<char, String>,
    /// Two-letter sequences replaced as a unit (`зг`).
    pairs: Vec<([char; 2], String)>,
    /// Replacement for `й` after a consonant (DSTU 9112: `'j`).
    consonant_j: Option<String>,
    omit: Vec<char>,
    /// (previous letter or '\0' at the start of a word, letter) -> replacement.
    after_prev: FxHashMap<(char, char), String>,
    /// (letter, next letter) -> replacement.
    before_next: FxHashMap<(char, char), String>,
    ending: FxHashMap<(char, char), String>,
    pub samples: Vec<(String, String)>,
}

fn one_char(s: &str, what: &str, id: &str) -> char {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => c,
        // The table ships inside the crate and is checked by its tests: a malformed key is a build defect.
        _ => panic!("translit.json: standard {id}: {what} key {s:?} is not one character"),
    }
}

fn two_chars(s: &str, what: &str, id: &str) -> (char, char) {
    let v: Vec<char> = s.chars().collect();
    match v.as_slice() {
        [a] => ('\0', *a),
        [a, b] => (*a, *b),
        _ => panic!("translit.json: standard {id}: {what} key {s:?} is not one or two characters"),
    }
}

impl Standard {
    fn compile(r: RawStandard) -> Standard {
        let id = r.id.clone();
        let lang = match r.language.as_str() {
            "uk" => Lang::Uk,
            "ru" => Lang::Ru,
            other => panic!("translit.json: standard {id}: unknown language {other:?}"),
        };
        let mut letters = FxHashMap::default();
        for (k, v) in &r.letters {
            let c = one_char(k, "letters", &id);
            letters.insert(c, v.nfc().collect::<String>());
        }
        // A rule for one apostrophe variant holds for all of them: data mixes ' ’ ʼ freely.
        if let Some(v) = APOSTROPHES.iter().find_map(|a| letters.get(a).cloned()) {
            for a in APOSTROPHES {
                letters.entry(a).or_insert_with(|| v.clone());
            }
        }
        let mut omit: Vec<char> = r.omit.iter().map(|k| one_char(k, "omit", &id)).collect();
        if omit.iter().any(|c| APOSTROPHES.contains(c)) {
            for a in APOSTROPHES {
                if !omit.contains(&a) {
                    omit.push(a);
                }
            }
        }
        for c in omit.clone() {
            let u = to_upper(c);
            if u != c && !omit.contains(&u) {
                omit.push(u);
            }
        }
        let word_initial = r.word_initial.iter().map(|(k, v)| (one_char(k, "word_initial", &id), v.clone())).collect();
        let mut pairs = Vec::new();
        let mut consonant_j = None;
        for (k, v) in &r.sequences {
            if k == "<consonant>й" {
                consonant_j = Some(v.clone());
            } else {
                let (a, b) = two_chars(k, "sequences", &id);
                assert!(a != '\0', "translit.json: standard {id}: sequence {k:?} must have two letters");
                pairs.push(([a, b], v.clone()));
            }
        }
        let nfc = |m: &HashMap<String, String>, what: &str| -> FxHashMap<(char, char), String> {
            m.iter().map(|(k, v)| (two_chars(k, what, &id), v.nfc().collect())).collect()
        };
        let after_prev = nfc(&r.after_previous, "after_previous");
        // before_next keys are (letter, next); a one-letter key would mean "at the end of a word".
        let before_next = r
            .before_next
            .iter()
            .map(|(k, v)| {
                let (a, b) = two_chars(k, "before_next", &id);
                let key = if a == '\0' { (b, '\0') } else { (a, b) };
                (key, v.nfc().collect())
            })
            .collect();
        let ending = nfc(&r.word_ending, "word_ending");
        Standard {
            info: StandardInfo { id: r.id, lang, name: r.name, usage: r.usage },
            letters,
            word_initial,
            pairs,
            consonant_j,
            omit,
            after_prev,
            before_next,
            ending,
            samples: r.official_samples,
        }
    }

    /// Transliterate a whole text.
    pub(crate) fn apply(&self, text: &str) -> String {
        // Stress marks (а́, о̀) over Cyrillic are not letters of any standard: drop them, or they would split
        // the word and move its word-initial context.
        let mut prev_cyr = false;
        let text: String = text
            .nfc()
            .filter(|&c| {
                let stress = prev_cyr && matches!(c, '\u{0300}' | '\u{0301}');
                if !stress {
                    prev_cyr = is_cyrillic_letter(c);
                }
                !stress && !self.omit.contains(&c)
            })
            .collect();
        let mut out = String::with_capacity(text.len() * 2);
        let mut word: Vec<char> = Vec::new();
        for c in text.chars() {
            if is_word_char(c) {
                word.push(c);
            } else {
                if !word.is_empty() {
                    self.word(&word, &mut out);
                    word.clear();
                }
                match self.letters.get(&c) {
                    Some(v) => out.push_str(v),
                    None => out.push(c),
                }
            }
        }
        if !word.is_empty() {
            self.word(&word, &mut out);
        }
        if out.is_ascii() {
            out
        } else {
            out.nfc().collect()
        }
    }

    /// Replace letters the table lacks by their counterpart in the standard's own alphabet.
    fn substitute_foreign(&self, word: &[char]) -> Vec<char> {
        let mut res = Vec::with_capacity(word.len() + 2);
        for (i, &c) in word.iter().enumerate() {
            let lower = to_lower(c);
            if self.letters.contains_key(&lower) || !is_cyrillic(lower) {
                res.push(c);
                continue;
            }
            let prev_is_consonant = i > 0 && is_cyr_consonant(to_lower(word[i - 1]));
            let sub: &str = match (self.info.lang, lower) {
                (Lang::Ru, 'і') => "и",
                (Lang::Ru, 'ї') => "йи",
                (Lang::Ru, 'є') => "е",
                (Lang::Ru, 'ґ') => "г",
                (Lang::Uk, 'ы') => "и",
                (Lang::Uk, 'э') => "е",
                (Lang::Uk, 'ё') if prev_is_consonant => "ьо",
                (Lang::Uk, 'ё') => "йо",
                (Lang::Uk, 'ъ') => "'",
                _ => {
                    res.push(c);
                    continue;
                }
            };
            let upper = c != lower;
            for (j, s) in sub.chars().enumerate() {
                res.push(if upper && j == 0 { to_upper(s) } else { s });
            }
        }
        res
    }

    fn word(&self, word: &[char], out: &mut String) {
        let subst;
        let word = if word.iter().any(|&c| is_cyrillic(to_lower(c)) && !self.letters.contains_key(&to_lower(c))) {
            // The substitutes may contain letters this standard omits (ь in ьо for KMU).
            subst = self.substitute_foreign(word).into_iter().filter(|c| !self.omit.contains(c)).collect::<Vec<_>>();
            &subst[..]
        } else {
            word
        };
        let all_caps =
            word.iter().filter(|&&c| is_alpha(c)).count() >= 2 && word.iter().all(|&c| !is_alpha(c) || !is_lower(c));
        let n = word.len();
        // iuliia: the ending is replaced only if it is wholly lowercase or wholly uppercase, and the
        // stem is then transliterated as a word of its own.
        if n > 2 && !self.ending.is_empty() {
            let (e1, e2) = (word[n - 2], word[n - 1]);
            let same_case = (is_lower(e1) && is_lower(e2)) || (is_upper(e1) && is_upper(e2));
            if same_case {
                if let Some(rep) = self.ending.get(&(to_lower(e1), to_lower(e2))) {
                    self.letters_of(&word[..n - 2], all_caps, out);
                    if is_upper(e1) {
                        out.push_str(&rep.to_uppercase());
                    } else {
                        out.push_str(rep);
                    }
                    return;
                }
            }
        }
        self.letters_of(word, all_caps, out);
    }

    fn letters_of(&self, word: &[char], all_caps: bool, out: &mut String) {
        let lower: Vec<char> = word.iter().map(|&c| to_lower(c)).collect();
        let mut i = 0;
        while i < word.len() {
            let c = lower[i];
            let prev = if i > 0 { lower[i - 1] } else { '\0' };
            let next = lower.get(i + 1).copied().unwrap_or('\0');
            let mut consumed = 1;
            let rep: Option<&str> = 'found: {
                for (pair, v) in &self.pairs {
                    if pair[0] == c && pair[1] == next {
                        consumed = 2;
                        break 'found Some(v);
                    }
                }
                if c == 'й' && is_cyr_consonant(prev) {
                    if let Some(v) = &self.consonant_j {
                        break 'found Some(v);
                    }
                }
                if i == 0 {
                    if let Some(v) = self.word_initial.get(&c) {
                        break 'found Some(v);
                    }
                }
                if let Some(v) = self.after_prev.get(&(prev, c)) {
                    break 'found Some(v);
                }
                if let Some(v) = self.before_next.get(&(c, next)) {
                    break 'found Some(v);
                }
                self.letters.get(&c).map(String::as_str)
            };
            match rep {
                Some(r) => {
                    if all_caps {
                        out.push_str(&r.to_uppercase());
                    } else if word[i] != c {
                        push_capitalized(r, out);
                    } else {
                        out.push_str(r);
                    }
                }
                None => out.push(word[i]),
            }
            i += consumed;
        }
    }
}

/// Python's `\w`: letters, digits and underscore. ASCII and Cyrillic letters are answered without the
/// Unicode tables (the slow path costs more than the rest of normalisation together).
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if is_cyrillic_letter(c) {
        return true;
    }
    c.is_alphanumeric()
}

/// `char::is_alphabetic`, answered without the Unicode tables for ASCII and Cyrillic letters (the table
/// lookup, core's `lookup_slow`, was a visible share of a cross-script linkage run).
#[inline]
pub(crate) fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    is_cyrillic_letter(c) || c.is_alphabetic()
}

/// `char::is_lowercase`, with the basic Cyrillic block answered directly.
#[inline]
pub(crate) fn is_lower(c: char) -> bool {
    match c {
        'а'..='я' | 'ѐ'..='џ' => true,
        'А'..='Я' | 'Ѐ'..='Џ' => false,
        _ => c.is_lowercase(),
    }
}

/// `char::is_uppercase`, with the basic Cyrillic block answered directly.
#[inline]
pub(crate) fn is_upper(c: char) -> bool {
    match c {
        'А'..='Я' | 'Ѐ'..='Џ' => true,
        'а'..='я' | 'ѐ'..='џ' => false,
        _ => c.is_uppercase(),
    }
}

/// A Cyrillic letter (not a Cyrillic sign or combining mark).
pub(crate) fn is_cyrillic_letter(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{052F}')
}

pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

pub(crate) fn is_cyr_consonant(c: char) -> bool {
    "бвгґджзклмнпрстфхцчшщ".contains(c)
}

pub(crate) fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    match c {
        'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50).unwrap_or(c),
        'а'..='я' | 'ѐ'..='џ' => c,
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

fn to_upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Uppercase the first alphabetic character (`'j` -> `'J`, `i͡a` -> `I͡a`).
fn push_capitalized(s: &str, out: &mut String) {
    let mut done = false;
    for ch in s.chars() {
        if !done && ch.is_alphabetic() {
            out.extend(ch.to_uppercase());
            done = true;
        } else {
            out.push(ch);
        }
    }
}

pub(crate) fn table() -> &'static [Standard] {
    static TABLE: OnceLock<Vec<Standard>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: RawFile = serde_json::from_str(TRANSLIT_JSON).expect("embedded translit.json parses");
        raw.standards.into_iter().map(Standard::compile).collect()
    })
}

pub(crate) fn find(id: &str) -> Result<&'static Standard, NamesError> {
    table().iter().find(|s| s.info.id == id).ok_or_else(|| NamesError::UnknownStandard {
        id: id.to_string(),
        known: table().iter().map(|s| s.info.id.clone()).collect::<Vec<_>>().join(", "),
    })
}

/// Transliterate Cyrillic `text` to Latin under the standard `standard` (an id from [`standards`]).
///
/// ```
/// assert_eq!(tally_names::transliterate("ua_kmu_2010", "Юрій Щербак").unwrap(), "Yurii Shcherbak");
/// assert_eq!(tally_names::transliterate("ru_icao_9303", "Юлия Щеглова").unwrap(), "Iuliia Shcheglova");
/// ```
pub fn transliterate(standard: &str, text: &str) -> Result<String, NamesError> {
    Ok(find(standard)?.apply(text))
}

/// Every standard, Ukrainian first, in the order of `data/translit.json`.
pub fn standards() -> Vec<StandardInfo> {
    table().iter().map(|s| s.info.clone()).collect()
}

/// The official samples that the standards' own documents print, as (Cyrillic, Latin) pairs.
pub fn official_samples(standard: &str) -> Result<Vec<(String, String)>, NamesError> {
    Ok(find(standard)?.samples.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths answer exactly as the Unicode tables do, for every code point they shortcut.
    #[test]
    fn fast_char_classes_agree_with_core() {
        for c in ('\0'..='\u{07FF}').chain('\u{1E00}'..='\u{1EFF}') {
            assert_eq!(is_alpha(c), c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(is_lower(c), c.is_lowercase(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(is_upper(c), c.is_uppercase(), "{c:?} U+{:04X}", c as u32);
        }
    }
}
