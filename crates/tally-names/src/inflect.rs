//! Names declined in running text, brought back to the nominative.
//!
//! Obituaries and reports decline names: «попрощалися з Олександром Шевченком», «тіло Андрєєва Олексія»
//! (a man, genitive), «загибель Шевченка О.С.». [`to_nominative`] analyses each capitalised Cyrillic word
//! of a name phrase with suffix rules for the common Ukrainian and Russian patterns (surnames in -енко, -ук,
//! -ов/-ев/-ін, -ський/-цький, adjectival -ий; given names in a consonant, -о, -ій/-ей/-ий, -а/-я;
//! patronymics), then picks the reading on which the words of the phrase agree in sex and case, using the
//! given-name and patronymic dictionary as the strongest evidence. Words it cannot analyse are kept.

use crate::dict::{groups_of, Sex};
use crate::{canon::canon_latin, normalize, Lang, PartKind};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Nom,
    Obl,
}

/// (oblique suffix, nominative suffix, sex of the person the nominative names).
/// Longest suffixes first within each family; all forms are lowercase, normalised (ё -> е).
const RULES: &[(&str, &str, Option<Sex>)] = &[
    // Patronymics.
    ("овичеві", "ович", Some(Sex::M)),
    ("овичем", "ович", Some(Sex::M)),
    ("овича", "ович", Some(Sex::M)),
    ("овичу", "ович", Some(Sex::M)),
    ("евичем", "евич", Some(Sex::M)),
    ("евича", "евич", Some(Sex::M)),
    ("евичу", "евич", Some(Sex::M)),
    ("ичем", "ич", Some(Sex::M)),
    ("ича", "ич", Some(Sex::M)),
    ("ичу", "ич", Some(Sex::M)),
    ("івною", "івна", Some(Sex::F)),
    ("івни", "івна", Some(Sex::F)),
    ("івні", "івна", Some(Sex::F)),
    ("івну", "івна", Some(Sex::F)),
    ("овной", "овна", Some(Sex::F)),
    ("овны", "овна", Some(Sex::F)),
    ("овне", "овна", Some(Sex::F)),
    ("овну", "овна", Some(Sex::F)),
    ("евной", "евна", Some(Sex::F)),
    ("евны", "евна", Some(Sex::F)),
    ("евне", "евна", Some(Sex::F)),
    ("евну", "евна", Some(Sex::F)),
    ("ичной", "ична", Some(Sex::F)),
    ("ичны", "ична", Some(Sex::F)),
    ("ичне", "ична", Some(Sex::F)),
    // Adjectival surnames, Ukrainian and Russian.
    ("ського", "ський", Some(Sex::M)),
    ("ському", "ський", Some(Sex::M)),
    ("ським", "ський", Some(Sex::M)),
    ("ськім", "ський", Some(Sex::M)),
    ("цького", "цький", Some(Sex::M)),
    ("цькому", "цький", Some(Sex::M)),
    ("цьким", "цький", Some(Sex::M)),
    ("ської", "ська", Some(Sex::F)),
    ("ською", "ська", Some(Sex::F)),
    ("ській", "ська", Some(Sex::F)),
    ("ську", "ська", Some(Sex::F)),
    ("цької", "цька", Some(Sex::F)),
    ("цькою", "цька", Some(Sex::F)),
    ("цькій", "цька", Some(Sex::F)),
    ("цьку", "цька", Some(Sex::F)),
    ("ского", "ский", Some(Sex::M)),
    ("скому", "ский", Some(Sex::M)),
    ("ским", "ский", Some(Sex::M)),
    ("ском", "ский", Some(Sex::M)),
    ("цкого", "цкий", Some(Sex::M)),
    ("цкому", "цкий", Some(Sex::M)),
    ("цким", "цкий", Some(Sex::M)),
    ("ской", "ская", Some(Sex::F)),
    ("скую", "ская", Some(Sex::F)),
    ("цкой", "цкая", Some(Sex::F)),
    ("цкую", "цкая", Some(Sex::F)),
    ("ього", "ій", Some(Sex::M)),
    ("ьому", "ій", Some(Sex::M)),
    ("ого", "ий", Some(Sex::M)),
    ("ому", "ий", Some(Sex::M)),
    ("ого", "ый", Some(Sex::M)),
    ("ого", "ой", Some(Sex::M)),
    ("его", "ий", Some(Sex::M)),
    ("ему", "ий", Some(Sex::M)),
    ("ым", "ый", Some(Sex::M)),
    ("ою", "а", Some(Sex::F)),
    ("ої", "а", Some(Sex::F)),
    ("ій", "а", Some(Sex::F)),
    ("ой", "ая", Some(Sex::F)),
    ("ую", "ая", Some(Sex::F)),
    // -ов/-ев/-єв/-ін/-ин surnames: masculine oblique cases, feminine oblique cases.
    ("овим", "ов", Some(Sex::M)),
    ("овым", "ов", Some(Sex::M)),
    ("ова", "ов", Some(Sex::M)),
    ("ову", "ов", Some(Sex::M)),
    ("ові", "ов", Some(Sex::M)),
    ("ове", "ов", Some(Sex::M)),
    ("евим", "ев", Some(Sex::M)),
    ("евым", "ев", Some(Sex::M)),
    ("ева", "ев", Some(Sex::M)),
    ("еву", "ев", Some(Sex::M)),
    ("еві", "ев", Some(Sex::M)),
    ("єва", "єв", Some(Sex::M)),
    ("єву", "єв", Some(Sex::M)),
    ("євим", "єв", Some(Sex::M)),
    ("єві", "єв", Some(Sex::M)),
    ("іним", "ін", Some(Sex::M)),
    ("іна", "ін", Some(Sex::M)),
    ("іну", "ін", Some(Sex::M)),
    ("іні", "ін", Some(Sex::M)),
    ("иным", "ин", Some(Sex::M)),
    ("ина", "ин", Some(Sex::M)),
    ("ину", "ин", Some(Sex::M)),
    ("ине", "ин", Some(Sex::M)),
    ("ової", "ова", Some(Sex::F)),
    ("овою", "ова", Some(Sex::F)),
    ("овій", "ова", Some(Sex::F)),
    ("овой", "ова", Some(Sex::F)),
    ("евой", "ева", Some(Sex::F)),
    ("євої", "єва", Some(Sex::F)),
    ("євою", "єва", Some(Sex::F)),
    ("іної", "іна", Some(Sex::F)),
    ("іною", "іна", Some(Sex::F)),
    ("иной", "ина", Some(Sex::F)),
    // -енко / -ко (men's forms decline; women's do not).
    ("енкові", "енко", Some(Sex::M)),
    ("енком", "енко", Some(Sex::M)),
    ("енка", "енко", Some(Sex::M)),
    ("енку", "енко", Some(Sex::M)),
    ("укові", "ук", Some(Sex::M)),
    ("уком", "ук", Some(Sex::M)),
    ("ука", "ук", Some(Sex::M)),
    ("уку", "ук", Some(Sex::M)),
    ("юкові", "юк", Some(Sex::M)),
    ("юком", "юк", Some(Sex::M)),
    ("юка", "юк", Some(Sex::M)),
    ("юку", "юк", Some(Sex::M)),
    ("кові", "ко", Some(Sex::M)),
    ("ком", "ко", Some(Sex::M)),
    ("ка", "ко", Some(Sex::M)),
    ("ку", "ко", Some(Sex::M)),
    // -ець (fleeting е): Кравця -> Кравець, Russian Кравца -> Кравец.
    ("цеві", "ець", Some(Sex::M)),
    ("цем", "ець", Some(Sex::M)),
    ("ця", "ець", Some(Sex::M)),
    ("цю", "ець", Some(Sex::M)),
    ("цом", "ец", Some(Sex::M)),
    ("ца", "ец", Some(Sex::M)),
    ("цу", "ец", Some(Sex::M)),
    // Given names in -ій / -ей / -ий.
    ("ієві", "ій", Some(Sex::M)),
    ("ієм", "ій", Some(Sex::M)),
    ("ія", "ій", Some(Sex::M)),
    ("ію", "ій", Some(Sex::M)),
    ("еем", "ей", Some(Sex::M)),
    ("ея", "ей", Some(Sex::M)),
    ("ею", "ей", Some(Sex::M)),
    ("ием", "ий", Some(Sex::M)),
    ("ия", "ий", Some(Sex::M)),
    ("ию", "ий", Some(Sex::M)),
    // Feminine -ія/-ия: Марії -> Марія, Марией -> Мария.
    ("ією", "ія", Some(Sex::F)),
    ("ії", "ія", Some(Sex::F)),
    ("ию", "ия", Some(Sex::F)),
    ("ией", "ия", Some(Sex::F)),
    ("ии", "ия", Some(Sex::F)),
    // Masculine consonant stems and -о names: Олександра/у/ом/ові, Дмитра -> Дмитро.
    ("ові", "", Some(Sex::M)),
    ("еві", "ь", Some(Sex::M)),
    ("ом", "", Some(Sex::M)),
    ("ом", "о", Some(Sex::M)),
    ("ем", "ь", Some(Sex::M)),
    ("ем", "", Some(Sex::M)),
    ("а", "", Some(Sex::M)),
    ("а", "о", Some(Sex::M)),
    ("у", "", Some(Sex::M)),
    ("у", "о", Some(Sex::M)),
    ("я", "ь", Some(Sex::M)),
    ("я", "", Some(Sex::M)),
    ("ю", "ь", Some(Sex::M)),
    // Feminine -а/-я: Олени/Олені/Олену/Оленою -> Олена; Russian Елены/Еленой.
    ("ою", "а", Some(Sex::F)),
    ("ею", "я", Some(Sex::F)),
    ("єю", "я", Some(Sex::F)),
    ("ой", "а", Some(Sex::F)),
    ("ей", "я", Some(Sex::F)),
    ("и", "а", Some(Sex::F)),
    ("і", "а", Some(Sex::F)),
    ("ы", "а", Some(Sex::F)),
    ("у", "а", Some(Sex::F)),
    ("е", "а", Some(Sex::F)),
    ("і", "я", Some(Sex::F)),
    ("ю", "я", Some(Sex::F)),
    ("ї", "я", Some(Sex::F)),
];

#[derive(Clone, Debug)]
struct Reading {
    nominative: String,
    sex: Option<Sex>,
    case: Case,
    /// The nominative is a given name or patronymic the dictionary knows.
    known: bool,
    /// ... and the curated table (not only the larger, noisier dictionary) lists it.
    curated: bool,
    /// The oblique ending is also a common nominative ending (Андрєєва, Марія, Ілля): weak evidence of
    /// a declined form when nothing else in the phrase says so.
    weak: bool,
}

/// Oblique endings that are also nominative endings of some names.
const WEAK_ENDINGS: [&str; 19] =
    ["а", "я", "ова", "ева", "єва", "іна", "ина", "ія", "ея", "ия", "ка", "ца", "ця", "і", "и", "ї", "е", "у", "ю"];

/// If `n` is a known given name or patronymic: (its sex if unambiguous, whether the curated table has it).
fn known_name(n: &str) -> Option<(Option<Sex>, bool)> {
    let cl = canon_latin(n);
    let mut found = false;
    let mut curated = false;
    let mut sex: Option<Sex> = None;
    let mut clash = false;
    for kind in [PartKind::Given, PartKind::Patronymic] {
        for &g in groups_of(kind, &cl) {
            let gr = crate::dict::group(g);
            // Only an exact Cyrillic member counts: CL is too lenient to tell Олександр from Олександра.
            if !gr.norms.iter().any(|f| f == n) {
                continue;
            }
            found = true;
            curated |= gr.curated;
            match (sex, gr.sex) {
                (None, s) if !clash => sex = s,
                (Some(a), Some(b)) if a != b => {
                    clash = true;
                    sex = None;
                }
                _ => {}
            }
        }
    }
    found.then_some((sex, curated))
}

/// Ukrainian і in a closed last syllable alternates with о/е in oblique cases (Федір -> Федора):
/// offer the і form of a stem ending in о/е + consonant.
fn ikavism(stem: &str) -> Option<String> {
    let v: Vec<char> = stem.chars().collect();
    let n = v.len();
    if n >= 3 && matches!(v[n - 2], 'о' | 'е') && crate::translit::is_cyr_consonant(v[n - 1]) {
        let mut w = v.clone();
        w[n - 2] = 'і';
        return Some(w.into_iter().collect());
    }
    None
}

fn readings(word: &str) -> Vec<Reading> {
    let mut out = Vec::new();
    let as_is_known = known_name(word);
    out.push(Reading {
        nominative: word.to_string(),
        sex: as_is_known.and_then(|k| k.0),
        case: Case::Nom,
        known: as_is_known.is_some(),
        curated: as_is_known.is_some_and(|k| k.1),
        weak: false,
    });
    let len = word.chars().count();
    for &(obl, nom, sex) in RULES {
        if !word.ends_with(obl) || len < obl.chars().count() + 2 {
            continue;
        }
        let stem = &word[..word.len() - obl.len()];
        // -ко surnames have a consonant before к (Бойко, Ляшко); after a vowel the stem ends in к
        // (Щербака -> Щербак, Мельника -> Мельник).
        if nom == "ко" && stem.chars().last().is_some_and(|c| "аеиіоуюяєї".contains(c)) {
            continue;
        }
        let mut cands = vec![format!("{stem}{nom}")];
        // The і/о alternation is offered only where it gives a known name (Федора -> Федір), never to
        // surnames (Андреева is not Андреів).
        if nom.is_empty() {
            if let Some(i) = ikavism(stem).filter(|i| known_name(i).is_some()) {
                cands.push(i);
            }
        }
        for c in cands {
            if out.iter().any(|r: &Reading| r.nominative == c && r.case == Case::Obl) {
                continue;
            }
            let k = known_name(&c);
            // A bare -о nominative (Дмитра -> Дмитро) only for names the dictionary knows; surnames in
            // -ко have their own rules.
            if nom == "о" && k.is_none() {
                continue;
            }
            out.push(Reading {
                nominative: c,
                sex: k.and_then(|k| k.0).or(sex),
                case: Case::Obl,
                known: k.is_some(),
                curated: k.is_some_and(|k| k.1),
                weak: WEAK_ENDINGS.contains(&obl),
            });
        }
    }
    out
}

fn weight(r: &Reading) -> f64 {
    match (r.known, r.case) {
        (true, _) if r.curated => 2.5,
        (true, _) => 2.0,
        (false, Case::Obl) if r.weak => 0.4,
        (false, Case::Obl) => 1.0,
        (false, Case::Nom) => 0.5,
    }
}

/// Among readings of equal weight, the one in the phrase's language (Петра: Петро in a Ukrainian
/// phrase, Петр in a Russian one; Ukrainian when the phrase does not tell).
fn lang_bonus(r: &Reading, lang: Lang) -> f64 {
    match crate::dict::lang_of_form(&r.nominative) {
        Some(l) if l == lang => 0.01,
        Some(_) => -0.01,
        None => 0.0,
    }
}

/// Bring a declined name phrase to the nominative: «Олександром Шевченком» -> «Олександр Шевченко»,
/// «Андрєєва Олексія» -> «Андрєєв Олексій» (a man in the genitive), «Шевченка О.С.» -> «Шевченко О.С.».
/// Only capitalised Cyrillic words of two letters or more are touched; initials, lowercase words and
/// punctuation are kept as they are. A phrase already in the nominative comes back unchanged.
///
/// ```
/// use tally_names::to_nominative;
/// assert_eq!(to_nominative("Олександром Шевченком"), "Олександр Шевченко");
/// assert_eq!(to_nominative("Андрєєва Олексія"), "Андрєєв Олексій");
/// assert_eq!(to_nominative("Андрєєва Олена"), "Андрєєва Олена");
/// ```
pub fn to_nominative(phrase: &str) -> String {
    // Split into (is_word, text) runs.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for c in phrase.chars() {
        let w = c.is_alphabetic() || c == '\'' || c == '’' || c == 'ʼ' || c == '-';
        match runs.last_mut() {
            Some((lw, s)) if *lw == w => s.push(c),
            _ => runs.push((w, c.to_string())),
        }
    }
    let is_name = |s: &str| {
        let mut it = s.chars();
        let first = it.next();
        first.is_some_and(|f| f.is_uppercase() && crate::translit::is_cyrillic(f)) && s.chars().count() >= 2
    };
    let analysed: Vec<Option<Vec<Reading>>> = runs
        .iter()
        .map(|(w, s)| if *w && is_name(s) { Some(readings(&normalize(s).replace(' ', ""))) } else { None })
        .collect();
    let mut best = (f64::MIN, Case::Nom, None);
    for (case, sex) in [
        (Case::Nom, None),
        (Case::Nom, Some(Sex::M)),
        (Case::Nom, Some(Sex::F)),
        (Case::Obl, Some(Sex::M)),
        (Case::Obl, Some(Sex::F)),
    ] {
        let mut score = 0.0;
        for rs in analysed.iter().flatten() {
            let w = rs
                .iter()
                .filter(|r| r.case == case && (sex.is_none() || r.sex.is_none() || r.sex == sex))
                .map(weight)
                .fold(0.0, f64::max);
            score += w;
        }
        // Ties keep the phrase as written.
        if score > best.0 + 1e-9 {
            best = (score, case, sex);
        }
    }
    let (_, case, sex) = best;
    // The phrase's language: from its letters, else from the known names among the chosen readings
    // (Алексея -> Алексей is Russian), else Ukrainian.
    let lang = crate::detect_lang(phrase).or_else(|| {
        let mut tally = (0, 0);
        for rs in analysed.iter().flatten() {
            for r in rs.iter().filter(|r| r.known && r.case == case) {
                match crate::dict::lang_of_form(&r.nominative) {
                    Some(Lang::Uk) => tally.0 += 1,
                    Some(Lang::Ru) => tally.1 += 1,
                    None => {}
                }
            }
        }
        (tally.1 > tally.0).then_some(Lang::Ru)
    });
    let lang = lang.unwrap_or(Lang::Uk);
    let mut out = String::with_capacity(phrase.len());
    for ((_, s), rs) in runs.iter().zip(&analysed) {
        let Some(rs) = rs else {
            out.push_str(s);
            continue;
        };
        // The first reading of the highest weight: rules are listed most specific first.
        let pick = rs.iter().filter(|r| r.case == case && (sex.is_none() || r.sex.is_none() || r.sex == sex)).fold(
            None::<&Reading>,
            |best, r| match best {
                Some(b) if weight(b) + lang_bonus(b, lang) >= weight(r) + lang_bonus(r, lang) => Some(b),
                _ => Some(r),
            },
        );
        match pick {
            Some(r) if case == Case::Obl => out.push_str(&recase(s, &r.nominative)),
            _ => out.push_str(s),
        }
    }
    out
}

/// Give `nominative` (lowercase) the capitalisation of `original`.
fn recase(original: &str, nominative: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return nominative.to_uppercase();
    }
    let mut out = String::with_capacity(nominative.len());
    let mut cap_next = true;
    for c in nominative.chars() {
        if cap_next && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            cap_next = false;
        } else {
            out.push(c);
        }
        if c == '-' {
            cap_next = true;
        }
    }
    out
}

/// Nominative readings of one normalised Cyrillic word, for the comparator: `(nominative, sex)`.
pub(crate) fn nominatives(word_norm: &str) -> Vec<(String, Option<Sex>)> {
    readings(word_norm).into_iter().filter(|r| r.case == Case::Obl).map(|r| (r.nominative, r.sex)).collect()
}
