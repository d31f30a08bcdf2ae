//! Surname forms: masculine and feminine, Ukrainian and Russian.
//!
//! A surname changes with the bearer's sex (Андрєєв/Андрєєва, Ковалевський/Ковалевська; Russian
//! Ковалевский/Ковалевская) unless its type does not decline (-енко, -ко, -ук/-юк, -ич, -ець, -ів, -их), and
//! it is spelled differently in Ukrainian and Russian (Олійник/Олейник, Білоус/Белоус, Ковальов/Ковалёв).
//! [`surname_forms`] gives all four forms of a surname. The language change is partly a guess (Ukrainian
//! `і` is Russian `и` in Поліщук/Полищук but `е` in Білоус/Белоус), so the other language's forms are
//! ranked candidates: the larger dictionary's form first where it has one, then rule-based ones.

use serde::Serialize;

use crate::canon::canon_latin;
use crate::dict::{group, groups_of};
use crate::{normalize, Lang, PartKind};

/// The four forms of a surname, each a ranked list (best first; one entry where the rules are certain).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SurnameForms {
    /// The language the input was read as.
    pub lang: Option<Lang>,
    pub uk_m: Vec<String>,
    pub uk_f: Vec<String>,
    pub ru_m: Vec<String>,
    pub ru_f: Vec<String>,
}

/// (masculine ending, feminine ending), longest first, per language.
const UK_GENDER: &[(&str, &str)] = &[
    ("ський", "ська"),
    ("цький", "цька"),
    ("зький", "зька"),
    ("ній", "ня"),
    ("чий", "ча"),
    ("жий", "жа"),
    ("ший", "ша"),
    ("щий", "ща"),
    ("ий", "а"),
    ("ов", "ова"),
    ("ев", "ева"),
    ("єв", "єва"),
    ("ін", "іна"),
    ("їн", "їна"),
    ("ин", "ина"),
];
const RU_GENDER: &[(&str, &str)] = &[
    ("ский", "ская"),
    ("цкий", "цкая"),
    ("ний", "няя"),
    ("ий", "ая"),
    ("ый", "ая"),
    ("ой", "ая"),
    ("ов", "ова"),
    ("ев", "ева"),
    ("ёв", "ёва"),
    ("ин", "ина"),
    ("ын", "ына"),
];

/// Masculine and feminine forms in one language: (masculine, feminine). A form the rules do not know
/// is taken as invariant.
fn gender_pair(word: &str, lang: Lang) -> (String, String) {
    let table = if lang == Lang::Uk { UK_GENDER } else { RU_GENDER };
    let long = |w: &str, suf: &str| w.chars().count() > suf.chars().count() + 1;
    for &(m, f) in table {
        if word.ends_with(f) && long(word, f) {
            // A bare -а after a vowel or in -ка/-ко types is not a feminine adjective (Заїка, Сорока).
            if f == "а" && !word[..word.len() - f.len()].ends_with(['н', 'л', 'р', 'д', 'т', 'в', 'б', 'п', 'м'])
            {
                continue;
            }
            return (format!("{}{m}", &word[..word.len() - f.len()]), word.to_string());
        }
        if word.ends_with(m) && long(word, m) {
            return (word.to_string(), format!("{}{f}", &word[..word.len() - m.len()]));
        }
    }
    (word.to_string(), word.to_string())
}

/// Russian spellings of a Ukrainian masculine surname, most likely first.
fn uk_to_ru(uk: &str) -> Vec<String> {
    // Endings first: they have fixed counterparts.
    let (stem, ending) = split_ending(
        uk,
        &[
            ("ський", "ский"),
            ("цький", "цкий"),
            ("зький", "зкий"),
            ("ній", "ний"),
            ("ьов", "ев"),
            ("йов", "ьев"),
            ("ець", "ец"),
            ("єв", "ев"),
            ("их", "ых"),
            ("ий", "ый"),
        ],
    );
    // Russian writes -ий, not -ый, after г к х ж ч ш щ (Осадчий).
    let ending = if ending == "ый" && stem.ends_with(['г', 'к', 'х', 'ж', 'ч', 'ш', 'щ']) {
        "ий".to_string()
    } else {
        ending
    };
    let ending = if ending == "ых" && stem.ends_with(['г', 'к', 'х', 'ж', 'ч', 'ш', 'щ']) {
        "их".to_string()
    } else {
        ending
    };
    let mut stems: Vec<String> = vec![String::new()];
    let chars: Vec<char> = stem.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let opts: Vec<&str> = match c {
            'і' if next == Some('й') => vec!["е"],
            // Ukrainian і is Russian и in most roots, е where it stands for an old ѣ (Білоус/Белоус).
            'і' => vec!["и", "е"],
            'ї' => vec!["и"],
            'є' => vec!["е"],
            'ґ' => vec!["г"],
            '\'' => vec!["ь"],
            'о' if matches!(prev, Some('ч' | 'ж' | 'ш' | 'щ')) => vec!["е", "о"],
            'и' => vec!["и", "ы"],
            'ь' if next == Some('о') => vec![""],
            'о' if prev == Some('ь') => vec!["е"],
            'й' if next == Some('о') && prev.is_some() => vec!["ь"],
            'о' if prev == Some('й') && i > 1 => vec!["е"],
            c => {
                for s in &mut stems {
                    s.push(c);
                }
                continue;
            }
        };
        stems = branch(&stems, &opts);
    }
    stems.into_iter().map(|s| format!("{s}{ending}")).collect()
}

/// Ukrainian spellings of a Russian masculine surname, most likely first. `had_yo`: the Russian form was
/// written with ё (Соловьёв -> Соловйов; Григорьев, without ё, -> Григор'єв).
fn ru_to_uk(ru: &str, had_yo: bool) -> Vec<String> {
    let endings: &[(&str, &[&str])] = &[
        ("ский", &["ський"]),
        ("цкий", &["цький"]),
        ("зкий", &["зький"]),
        ("ний", &["ній"]),
        ("еев", &["єєв"]),
        ("аев", &["аєв"]),
        ("иев", &["ієв"]),
        ("ьев", if had_yo { &["йов"] } else { &["'єв", "йов"] }),
        ("ев", if had_yo { &["ьов"] } else { &["ев", "ьов"] }),
        ("ец", &["ець"]),
        ("ых", &["их"]),
        ("ый", &["ий"]),
        ("ий", &["ий"]),
        ("ич", &["ич"]),
        ("ин", &["ин"]),
        ("ик", &["ик"]),
        ("ив", &["ів"]),
    ];
    let (stem, alts): (&str, Vec<&str>) = endings
        .iter()
        .find(|(from, _)| ru.ends_with(from) && ru.chars().count() > from.chars().count() + 1)
        .map(|(from, to)| (&ru[..ru.len() - from.len()], to.to_vec()))
        .unwrap_or((ru, vec![""]));
    let mut stems: Vec<String> = vec![String::new()];
    let chars: Vec<char> = stem.chars().collect();
    let vowel = |c: Option<char>| c.is_some_and(|c| "аеиоуыэюяё".contains(c));
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let opts: Vec<&str> = match c {
            // Russian и is Ukrainian ї after a vowel (Заика/Заїка), else і in most roots
            // (Полищук/Поліщук, Мирошниченко/Мірошниченко), sometimes и.
            'и' if vowel(prev) => vec!["ї", "і"],
            // In the root (the first syllable) и is mostly і; in suffixes it is mostly и (Мирошниченко).
            'и' if !chars[..i].iter().any(|&c| vowel(Some(c))) => vec!["і", "и"],
            'и' => vec!["и", "і"],
            'е' if next == Some('й') => vec!["і"],
            'е' if i == 0 || vowel(prev) || prev == Some('ь') => vec!["є", "е"],
            'е' if matches!(prev, Some('ч' | 'ж' | 'ш' | 'щ')) => vec!["е", "о"],
            'е' => vec!["е", "і"],
            'ы' => vec!["и"],
            'э' => vec!["е"],
            'ё' => vec!["ьо"],
            'ь' if matches!(next, Some('е' | 'ё' | 'ю' | 'я' | 'и')) => vec!["'"],
            'ъ' => vec!["'"],
            c => {
                for s in &mut stems {
                    s.push(c);
                }
                continue;
            }
        };
        stems = branch(&stems, &opts);
    }
    let mut out = Vec::new();
    for e in alts {
        for s in &stems {
            out.push(format!("{s}{e}"));
        }
    }
    out.truncate(8);
    out
}

fn split_ending(word: &str, table: &[(&str, &str)]) -> (String, String) {
    for &(from, to) in table {
        if word.ends_with(from) && word.chars().count() > from.chars().count() + 1 {
            return (word[..word.len() - from.len()].to_string(), to.to_string());
        }
    }
    (word.to_string(), String::new())
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

/// All four forms of a Cyrillic surname given in any of them.
///
/// ```
/// use tally_names::surname_forms;
/// let f = surname_forms("Ковалевська");
/// assert_eq!(f.uk_m[0], "Ковалевський");
/// assert_eq!(f.ru_f[0], "Ковалевская");
/// assert_eq!(surname_forms("Соловьёв").uk_f[0], "Соловйова");
/// // Андреев could be written so in either language: both readings are offered, the form itself first.
/// assert_eq!(surname_forms("Андреев").uk_m[..2], ["Андреев", "Андрєєв"]);
/// assert_eq!(surname_forms("Шевченко").ru_f, ["Шевченко"]);
/// ```
pub fn surname_forms(surname: &str) -> SurnameForms {
    let n = normalize(surname).replace(' ', "-");
    if n.is_empty() || !n.chars().any(crate::translit::is_cyrillic) {
        return SurnameForms::default();
    }
    // The letters decide where they can: і ї є ґ and the apostrophe are Ukrainian; ы э ъ ё, a soft sign
    // before a vowel and the -ский/-ая endings are Russian. Otherwise (Шевченко, Полищук) the form may be
    // either language's, and both directions are offered.
    let uk_marks = n.contains(['і', 'ї', 'є', 'ґ', '\'']) || ["ськ", "цьк", "зьк"].iter().any(|x| n.contains(x));
    let ru_marks = n.contains(['ы', 'э', 'ъ'])
        || surname.contains(['ё', 'Ё'])
        || ["ья", "ью", "ье", "ьи"].iter().any(|x| n.contains(x))
        || ["ский", "ская", "цкий", "цкая", "ый", "ая", "ой"].iter().any(|e| n.ends_with(e));
    let lang = match (uk_marks, ru_marks) {
        (true, false) => Some(Lang::Uk),
        (false, true) => Some(Lang::Ru),
        _ => None,
    };
    let mut out = SurnameForms { lang: lang.or_else(|| crate::detect_lang(surname)), ..Default::default() };
    // The masculine form, read in each language the input may be in.
    let m_uk = gender_pair(&n, Lang::Uk).0;
    let m_ru = gender_pair(&n, Lang::Ru).0;
    // The larger dictionary's counterparts of the masculine form come first.
    let dict_forms = |m: &str, want_uk: bool| -> Vec<String> {
        let mut v = Vec::new();
        for &g in groups_of(PartKind::Surname, &canon_latin(m)) {
            let gr = group(g);
            if !gr.norms.iter().any(|f| f == m) {
                continue;
            }
            for f in if want_uk { &gr.uk } else { &gr.ru } {
                v.push(normalize(f));
            }
        }
        v
    };
    let had_yo = surname.contains(['ё', 'Ё']);
    let mut uk_ms: Vec<String> = Vec::new();
    let mut ru_ms: Vec<String> = Vec::new();
    if lang != Some(Lang::Ru) {
        push_unique(&mut uk_ms, m_uk.clone());
    }
    if lang != Some(Lang::Uk) {
        push_unique(&mut ru_ms, m_ru.clone());
    }
    if lang != Some(Lang::Ru) {
        for r in dict_forms(&m_uk, false).into_iter().chain(uk_to_ru(&m_uk)) {
            push_unique(&mut ru_ms, r);
        }
    }
    if lang != Some(Lang::Uk) {
        // The dictionary maps Ukrainian to Russian; read backwards it is one-to-many (Андреев is the
        // Russian of Андрєєв and of Андреїв), so the rules rank first here.
        for u in ru_to_uk(&m_ru, had_yo).into_iter().chain(dict_forms(&m_ru, true)) {
            push_unique(&mut uk_ms, u);
        }
    }
    for u in uk_ms {
        let (um, uf) = gender_pair(&u, Lang::Uk);
        push_unique(&mut out.uk_m, title(&um));
        push_unique(&mut out.uk_f, title(&uf));
    }
    for r in ru_ms {
        let (rm, rf) = gender_pair(&r, Lang::Ru);
        push_unique(&mut out.ru_m, title(&rm));
        push_unique(&mut out.ru_f, title(&rf));
    }
    out
}

/// Every stem extended by every option, options first: the likely spellings come first, and
/// only six are kept so the combinatorics stay small.
fn branch(stems: &[String], opts: &[&str]) -> Vec<String> {
    opts.iter().flat_map(|o| stems.iter().map(move |s| format!("{s}{o}"))).take(6).collect()
}
