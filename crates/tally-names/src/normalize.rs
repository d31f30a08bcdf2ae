//! Normalisation of a name as typed, and detection of its script and language.
//!
//! [`normalize`] makes the spellings that are the *same* text agree, without guessing at anything that
//! would change the name: Unicode composition (a decomposed `й` is `й`), apostrophe and hyphen variants,
//! Latin look-alikes typed inside a Cyrillic word (`Олiйник` with a Latin `i`) and Cyrillic look-alikes
//! inside a Latin word, OCR confusions that only make sense inside a Cyrillic word (`3`->`з`, `0`->`о`,
//! `6`->`б`, `l`->`і`), stress marks, `ё`->`е`, case (lowercase) and spacing. Punctuation that is not part
//! of a word (dots after initials, commas, quotes «») becomes a space. The result is idempotent.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::translit::{is_cyrillic, is_cyrillic_letter, is_word_char, to_lower};
use crate::Lang;

/// The writing system of a string's letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Cyrillic,
    Latin,
    /// Letters of both scripts (after look-alikes were resolved, if measured on a normalised string).
    Mixed,
    /// No Cyrillic or Latin letter at all.
    Unknown,
}

/// Marks used for the Ukrainian apostrophe, and for soft/hard signs in Latin transliterations.
fn is_apostrophe_like(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{02BC}'
            | '\u{2018}'
            | '`'
            | '\u{00B4}'
            | '\u{02B9}'
            | '\u{2032}'
            | '\u{02BA}'
            | '\u{2033}'
            | '"'
            | '\u{201D}'
    )
}

fn is_hyphen_like(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}')
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Latin letters, including the extended blocks, so that a letter and its lowercase form (Ⱥ, ⱥ) are
/// counted alike.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (!c.is_ascii()
            && !is_cyrillic(c)
            && c.is_alphabetic()
            && matches!(c, '\u{00C0}'..='\u{02AF}' | '\u{1D00}'..='\u{1DBF}' | '\u{1E00}'..='\u{1EFF}'
                | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}'
                | '\u{FF21}'..='\u{FF5A}'))
}

/// Latin letters that look like Cyrillic ones, as typed inside Cyrillic words (and OCR `l` for `і`).
fn latin_to_cyr(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'ï' => 'ї',
        'l' => 'і',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        'Ï' => 'Ї',
        '3' => 'з',
        '0' => 'о',
        '6' => 'б',
        _ => return None,
    })
}

/// Cyrillic letters that look like Latin ones, as typed inside Latin words.
fn cyr_to_latin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'і' => 'i',
        'о' => 'o',
        'р' => 'p',
        'х' => 'x',
        'у' => 'y',
        'ї' => 'ï',
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'Ї' => 'Ï',
        _ => return None,
    })
}

// Decisions are made on a character or its lowercase form, so that a second pass over the (lowercase)
// output never converts more than the first did: that keeps `normalize` idempotent.
fn latin_cyr(c: char) -> Option<char> {
    latin_to_cyr(c).or_else(|| latin_to_cyr(c.to_lowercase().next()?))
}

fn cyr_latin(c: char) -> Option<char> {
    cyr_to_latin(c).or_else(|| cyr_to_latin(c.to_lowercase().next()?))
}

/// Normalise a name (or a short phrase of names) for comparison. See the module documentation.
///
/// ```
/// use tally_names::normalize;
/// assert_eq!(normalize("  ОЛIЙНИК   Петро "), "олійник петро"); // Latin I inside Cyrillic
/// assert_eq!(normalize("Дар’я"), "дар'я");
/// assert_eq!(normalize("Соловьёв"), "соловьев");
/// assert_eq!(normalize("«Шевченка О.С.»"), "шевченка о с");
/// ```
pub fn normalize(s: &str) -> String {
    let composed;
    // Without combining marks, text of these blocks is already composed: skip the Unicode tables.
    let plain = |c: char| {
        (c as u32) < 0x0300 || is_cyrillic_letter(c) || matches!(c, '\u{2000}'..='\u{206F}' | '\u{00AB}' | '\u{00BB}')
    };
    let s = if s.chars().all(plain) || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        composed = s.nfc().collect::<String>();
        &composed
    };
    let mut out = String::with_capacity(s.len());
    let mut word: Vec<char> = Vec::with_capacity(32);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let inner = |i: usize| {
            i > 0 && is_word_char(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| is_word_char(n) || is_combining(n))
        };
        if is_word_char(c) || (is_combining(c) && !word.is_empty()) {
            word.push(c);
        } else if is_apostrophe_like(c) && inner(i) {
            word.push('\'');
        } else if is_hyphen_like(c) && inner(i) {
            word.push('-');
        } else if !word.is_empty() {
            flush_word(&mut word, &mut out);
        }
        i += 1;
    }
    if !word.is_empty() {
        flush_word(&mut word, &mut out);
    }
    out
}

fn flush_word(word: &mut Vec<char>, out: &mut String) {
    // ё -> е first, so that the look-alike decisions below see what a second pass would see.
    for c in word.iter_mut() {
        match *c {
            'ё' => *c = 'е',
            'Ё' => *c = 'Е',
            _ => {}
        }
    }
    let mut cyr = 0usize;
    let mut lat = 0usize;
    for &c in word.iter() {
        if is_cyrillic(c) {
            cyr += 1;
        } else if is_latin_letter(c) {
            lat += 1;
        }
    }
    let to_cyr = cyr > 0 && (lat > 0 || word.iter().any(|c| c.is_ascii_digit()));
    let to_cyr = to_cyr
        && cyr >= lat
        && word.iter().all(|&c| !(is_latin_letter(c) || c.is_ascii_digit()) || latin_cyr(c).is_some());
    let to_lat = !to_cyr && cyr > 0 && lat > cyr && word.iter().all(|&c| !is_cyrillic(c) || cyr_latin(c).is_some());
    let is_cyr_word = to_cyr || (cyr > 0 && lat == 0);
    if !out.is_empty() {
        out.push(' ');
    }
    for &c in word.iter() {
        let c = if to_cyr {
            latin_cyr(c).unwrap_or(c)
        } else if to_lat {
            cyr_latin(c).unwrap_or(c)
        } else {
            c
        };
        // Stress marks and other stray accents over Cyrillic carry no identity.
        if is_cyr_word && is_combining(c) {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if is_cyrillic(c) {
            let l = to_lower(c);
            out.push(if l == 'ё' { 'е' } else { l });
            continue;
        }
        for l in c.to_lowercase() {
            out.push(if l == 'ё' { 'е' } else { l });
        }
    }
    word.clear();
}

/// The script of a string's letters.
///
/// ```
/// use tally_names::{detect_script, Script};
/// assert_eq!(detect_script("Шевченко"), Script::Cyrillic);
/// assert_eq!(detect_script("Ševčenko"), Script::Latin);
/// assert_eq!(detect_script("Олiйник"), Script::Mixed);
/// assert_eq!(detect_script(&tally_names::normalize("Олiйник")), Script::Cyrillic);
/// ```
pub fn detect_script(s: &str) -> Script {
    let (mut cyr, mut lat) = (false, false);
    for c in s.chars() {
        if is_cyrillic_letter(c) {
            cyr = true;
        } else if is_latin_letter(c) {
            lat = true;
        }
    }
    match (cyr, lat) {
        (true, true) => Script::Mixed,
        (true, false) => Script::Cyrillic,
        (false, true) => Script::Latin,
        (false, false) => Script::Unknown,
    }
}

/// Guess whether a Cyrillic name is written in Ukrainian or Russian, from letters only one alphabet has
/// (`і ї є ґ` and the apostrophe vs `ы э ъ ё`), from suffixes (`-івна`, `-ський`, `-ович` with `и`...),
/// and, failing that, from the dictionary of given names and patronymics. `None` when nothing decides,
/// which is common: `Шевченко`, `Роман`, `Бойко` are written the same in both.
///
/// A Latin name gets a language only when its form is a known given name or patronymic of one language
/// (`Oleksandr` -> uk, `Aleksandr` -> ru) or has a telling suffix (`-ovych`/`-ivna` vs `-ovich`/`-ovna`).
///
/// ```
/// use tally_names::{detect_lang, Lang};
/// assert_eq!(detect_lang("Олійник"), Some(Lang::Uk));
/// assert_eq!(detect_lang("Олейник Дмитрий"), Some(Lang::Ru));
/// assert_eq!(detect_lang("Шевченко"), None);
/// assert_eq!(detect_lang("Oleksandr Shevchenko"), Some(Lang::Uk));
/// assert_eq!(detect_lang("Aleksandr Sergeevich"), Some(Lang::Ru));
/// ```
pub fn detect_lang(s: &str) -> Option<Lang> {
    let n = normalize(s);
    let (mut uk, mut ru) = (0i32, 0i32);
    for c in n.chars() {
        match c {
            'і' | 'ї' | 'є' | 'ґ' => uk += 2,
            'ы' | 'э' | 'ъ' => ru += 2,
            _ => {}
        }
    }
    if s.contains(['ё', 'Ё']) {
        ru += 2;
    }
    for w in n.split(' ') {
        let cyr = w.chars().any(is_cyrillic);
        if cyr && w.contains('\'') {
            uk += 2;
        }
        if cyr {
            // Ukrainian и is Russian ы; Russian и is Ukrainian і: suffixes tell them apart.
            if w.ends_with("ський") || w.ends_with("цький") || w.ends_with("ська") || w.ends_with("цька")
            {
                uk += 2;
            }
            if w.ends_with("ский") || w.ends_with("цкий") || w.ends_with("ская") || w.ends_with("цкая")
            {
                ru += 2;
            }
            if w.ends_with("ович") || w.ends_with("евич") {
                // Both languages; only "-ьевич"/"-иевич" lean Russian.
                if w.ends_with("ьевич") || w.ends_with("иевич") || w.ends_with("еевич") {
                    ru += 1;
                }
            }
            if w.ends_with("овна") || w.ends_with("евна") {
                ru += 2;
            }
            if w.ends_with("ий") && !w.ends_with("ський") && !w.ends_with("цький") {
                // Russian -ий (Дмитрий, Юрий) vs Ukrainian -ій (Дмитрій is Russian-style; Юрій).
                ru += 1;
            }
        } else {
            if w.ends_with("ovych") || w.ends_with("ivna") || w.ends_with("yivna") {
                uk += 2;
            }
            if w.ends_with("ovich") || w.ends_with("evich") || w.ends_with("ovna") || w.ends_with("evna") {
                ru += 2;
            }
        }
        if let Some(l) = crate::dict::lang_of_form(w) {
            match l {
                Lang::Uk => uk += 1,
                Lang::Ru => ru += 1,
            }
        }
    }
    match uk.cmp(&ru) {
        std::cmp::Ordering::Greater => Some(Lang::Uk),
        std::cmp::Ordering::Less => Some(Lang::Ru),
        std::cmp::Ordering::Equal => None,
    }
}
