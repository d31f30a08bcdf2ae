//! Latin -> Cyrillic: ranked candidate Cyrillic forms of a Latin-only name, so that a record from an
//! English list can be looked up against Cyrillic ones.
//!
//! Transliteration loses information (KMU 2010 drops `ь` and the apostrophe; `i` can be `і`, `и` or `й`),
//! so this is a search, not an inverse: reverse rules with costs generate candidates (beam search over the
//! Latin string), each candidate is transliterated forward under every standard of its language, and the
//! candidates that give the input back exactly are preferred. Forms from the name dictionary (Oleksandr ->
//! Олександр, Aleksandr -> Александр) rank first.

use std::collections::HashMap;

use crate::canon::canon_latin;
use crate::dict::{group, groups_of};
use crate::{normalize, Lang, PartKind};

/// (Latin pattern, Cyrillic replacement, cost, language it applies to (None: both), context).
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Any,
    /// Only at the start of a word.
    Start,
    /// Only at the end of a word.
    End,
    /// Only after a consonant letter (of the Latin input).
    AfterConsonant,
    /// Only before a consonant letter (of the Latin input).
    BeforeConsonant,
    /// Only after b, p, v, m, f or r: where Ukrainian writes the apostrophe (В'ячеслав, Дар'я).
    AfterLabial,
    /// Between a vowel and a consonant (or the end): a diphthong's й (Бойко, Зайцев, Андрій).
    Diphthong,
}

use Ctx::*;

const RULES: &[(&str, &str, f64, Option<Lang>, Ctx)] = &[
    ("shch", "щ", 0.0, None, Any),
    ("sch", "щ", 0.3, Some(Lang::Uk), Any),
    ("shh", "щ", 0.5, Some(Lang::Ru), Any),
    ("šč", "щ", 0.0, None, Any),
    ("ŝ", "щ", 0.0, None, Any),
    ("zgh", "зг", 0.0, Some(Lang::Uk), Any),
    ("zh", "ж", 0.0, None, Any),
    ("ž", "ж", 0.0, None, Any),
    ("kh", "х", 0.0, None, Any),
    ("ch", "ч", 0.0, None, Any),
    ("č", "ч", 0.0, None, Any),
    ("sh", "ш", 0.0, None, Any),
    ("š", "ш", 0.0, None, Any),
    ("ts", "ць", 0.6, Some(Lang::Uk), End),
    ("ts", "ц", 0.1, None, Any),
    ("ts", "тс", 1.5, None, Any),
    ("tc", "ц", 0.3, Some(Lang::Ru), Any),
    ("cz", "ц", 0.5, Some(Lang::Ru), Any),
    ("yu", "ю", 0.0, None, Any),
    ("iu", "ю", 0.2, None, Any),
    ("ju", "ю", 0.3, None, Any),
    ("û", "ю", 0.0, None, Any),
    ("ya", "я", 0.0, None, Any),
    ("ia", "я", 0.2, None, Any),
    ("ia", "'я", 0.2, Some(Lang::Uk), AfterLabial),
    ("iu", "'ю", 0.4, Some(Lang::Uk), AfterLabial),
    ("ie", "'є", 0.4, Some(Lang::Uk), AfterLabial),
    ("ia", "'я", 1.0, Some(Lang::Uk), AfterConsonant),
    ("ia", "ья", 0.6, Some(Lang::Ru), AfterConsonant),
    ("ya", "ья", 0.3, Some(Lang::Ru), AfterConsonant),
    ("ia", "ія", 1.0, Some(Lang::Uk), Any),
    ("ia", "ия", 0.6, Some(Lang::Ru), Any),
    ("ja", "я", 0.3, None, Any),
    ("â", "я", 0.0, None, Any),
    ("ye", "є", 0.0, Some(Lang::Uk), Any),
    ("ye", "е", 0.2, Some(Lang::Ru), Any),
    ("ye", "ье", 0.8, Some(Lang::Ru), AfterConsonant),
    ("ie", "є", 0.3, Some(Lang::Uk), Any),
    ("ie", "іє", 1.2, Some(Lang::Uk), Any),
    ("ie", "ие", 0.8, Some(Lang::Ru), Any),
    ("je", "є", 0.4, Some(Lang::Uk), Any),
    ("ê", "є", 0.0, Some(Lang::Uk), Any),
    ("yi", "ий", 0.0, Some(Lang::Uk), End),
    ("yi", "ї", 0.1, Some(Lang::Uk), Any),
    ("ji", "ї", 0.4, Some(Lang::Uk), Any),
    ("ï", "ї", 0.0, Some(Lang::Uk), Any),
    ("yy", "ий", 0.2, Some(Lang::Uk), End),
    ("iy", "ій", 0.1, Some(Lang::Uk), End),
    ("iy", "ий", 0.1, Some(Lang::Ru), End),
    ("ii", "ій", 0.0, Some(Lang::Uk), End),
    ("ii", "ий", 0.1, Some(Lang::Ru), End),
    ("ii", "ії", 0.8, Some(Lang::Uk), Any),
    ("ii", "ії", 0.5, Some(Lang::Uk), End),
    ("ij", "ій", 0.2, Some(Lang::Uk), End),
    ("ij", "ий", 0.2, Some(Lang::Ru), End),
    ("yo", "йо", 0.3, Some(Lang::Uk), Any),
    ("yo", "ьо", 0.4, Some(Lang::Uk), AfterConsonant),
    ("yo", "ё", 0.4, Some(Lang::Ru), Any),
    ("io", "йо", 0.5, Some(Lang::Uk), Any),
    ("io", "ьо", 0.5, Some(Lang::Uk), AfterConsonant),
    ("ë", "ё", 0.0, Some(Lang::Ru), Any),
    ("y", "и", 0.1, Some(Lang::Uk), Any),
    ("y", "й", 0.4, Some(Lang::Uk), Any),
    ("y", "ы", 0.4, Some(Lang::Ru), AfterConsonant),
    ("y", "й", 0.2, Some(Lang::Ru), Any),
    ("y", "ий", 0.3, Some(Lang::Ru), End),
    ("i", "й", -0.1, None, Diphthong),
    ("y", "й", -0.1, None, Diphthong),
    ("i", "і", 0.0, Some(Lang::Uk), Any),
    ("i", "и", 0.9, Some(Lang::Uk), Any),
    ("i", "й", 0.5, Some(Lang::Uk), Any),
    ("i", "и", 0.0, Some(Lang::Ru), Any),
    ("i", "й", 0.4, Some(Lang::Ru), Any),
    ("ì", "і", 0.0, Some(Lang::Uk), Any),
    ("ĭ", "й", 0.0, None, Any),
    ("j", "й", 0.2, None, Any),
    ("j", "ь", 0.4, Some(Lang::Uk), BeforeConsonant),
    ("h", "г", 0.0, Some(Lang::Uk), Any),
    ("h", "х", 1.0, None, Any),
    ("gh", "г", 0.4, Some(Lang::Uk), Any),
    ("ğ", "г", 0.0, Some(Lang::Uk), Any),
    ("g", "г", 0.4, Some(Lang::Uk), Any),
    ("g", "ґ", 0.9, Some(Lang::Uk), Any),
    ("g", "г", 0.0, Some(Lang::Ru), Any),
    ("e", "е", 0.0, None, Any),
    ("e", "є", 1.2, Some(Lang::Uk), Any),
    ("e", "э", 0.8, Some(Lang::Ru), Start),
    ("e", "э", 1.5, Some(Lang::Ru), Any),
    ("è", "э", 0.0, Some(Lang::Ru), Any),
    ("x", "кс", 0.2, None, Any),
    ("x", "х", 0.8, None, Any),
    ("c", "ц", 0.4, None, Any),
    ("c", "к", 0.9, None, Any),
    ("w", "в", 0.3, None, Any),
    ("q", "к", 0.5, None, Any),
    // Ukrainian surnames and names soften л before a consonant far more often than not (Ковальчук,
    // Мельник, Ольга), and KMU 2010 drops the soft sign, so the soft reading goes first.
    ("l", "ль", -0.1, Some(Lang::Uk), BeforeConsonant),
    ("l", "ль", 0.3, Some(Lang::Ru), BeforeConsonant),
    ("l", "ль", 0.9, None, End),
    ("n", "нь", 1.0, None, BeforeConsonant),
    ("s", "сь", 1.0, Some(Lang::Uk), BeforeConsonant),
    ("'", "'", 0.2, Some(Lang::Uk), Any),
    ("'", "ь", 0.2, None, Any),
    ("a", "а", 0.0, None, Any),
    ("b", "б", 0.0, None, Any),
    ("d", "д", 0.0, None, Any),
    ("f", "ф", 0.0, None, Any),
    ("k", "к", 0.0, None, Any),
    ("l", "л", 0.0, None, Any),
    ("m", "м", 0.0, None, Any),
    ("n", "н", 0.0, None, Any),
    ("o", "о", 0.0, None, Any),
    ("p", "п", 0.0, None, Any),
    ("r", "р", 0.0, None, Any),
    ("s", "с", 0.0, None, Any),
    ("t", "т", 0.0, None, Any),
    ("u", "у", 0.0, None, Any),
    ("v", "в", 0.0, None, Any),
    ("z", "з", 0.0, None, Any),
];

const BEAM: usize = 48;

fn is_latin_consonant(c: char) -> bool {
    c.is_alphabetic() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'j' | 'ë' | 'ê' | 'â' | 'û' | 'ï' | 'ì' | 'è')
}

fn generate(word: &[char], lang: Lang) -> Vec<(String, f64)> {
    // beams[i]: partial candidates that consumed i characters.
    let n = word.len();
    let mut beams: Vec<Vec<(String, f64)>> = vec![Vec::new(); n + 1];
    beams[0].push((String::new(), 0.0));
    for i in 0..n {
        if beams[i].is_empty() {
            continue;
        }
        let mut cur = std::mem::take(&mut beams[i]);
        cur.sort_by(|a, b| a.1.total_cmp(&b.1));
        cur.truncate(BEAM);
        let applicable: Vec<(usize, &str, f64)> = RULES
            .iter()
            .filter(|r| r.3.is_none_or(|l| l == lang))
            .filter_map(|&(pat, rep, cost, _, ctx)| {
                let len = pat.chars().count();
                if i + len > n || !pat.chars().eq(word[i..i + len].iter().copied()) {
                    return None;
                }
                let end = i + len;
                let ok = match ctx {
                    Any => true,
                    Start => i == 0,
                    End => end == n,
                    AfterConsonant => i > 0 && is_latin_consonant(word[i - 1]),
                    BeforeConsonant => end < n && is_latin_consonant(word[end]),
                    AfterLabial => i > 0 && matches!(word[i - 1], 'b' | 'p' | 'v' | 'm' | 'f' | 'r'),
                    Diphthong => {
                        i > 0
                            && matches!(word[i - 1], 'a' | 'e' | 'o' | 'u')
                            && (end == n || is_latin_consonant(word[end]))
                    }
                };
                ok.then_some((len, rep, cost))
            })
            .collect();
        let matched = !applicable.is_empty();
        // Reading a digraph letter by letter (s+h for sh) is possible but unlikely.
        let longest = applicable.iter().map(|a| a.0).max().unwrap_or(1);
        for (len, rep, cost) in applicable {
            let cost = cost + 0.8 * (longest - len) as f64;
            for (s, c) in &cur {
                beams[i + len].push((format!("{s}{rep}"), c + cost));
            }
        }
        if !matched {
            // Keep characters no rule knows (hyphens, digits) as they are.
            for (s, c) in &cur {
                beams[i + 1].push((format!("{s}{}", word[i]), c + 0.5));
            }
        }
    }
    let mut out = std::mem::take(&mut beams[n]);
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out.dedup_by(|a, b| a.0 == b.0);
    out.truncate(BEAM);
    out
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut cap = true;
    for c in s.chars() {
        if cap && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            cap = false;
        } else {
            out.push(c);
        }
        if c == '-' || c == ' ' {
            cap = true;
        }
    }
    out
}

/// Ranked Cyrillic forms of a Latin name (one word or several), best first, with scores in 0..=1 that
/// sum to at most 1 (a distribution over the candidates shown). `lang` restricts the candidates to
/// Ukrainian or Russian spelling; `None` gives both.
///
/// ```
/// use tally_names::{to_cyrillic_candidates, Lang};
/// assert_eq!(to_cyrillic_candidates("Oleksandr", None)[0].0, "Олександр");
/// assert_eq!(to_cyrillic_candidates("Aleksandr", Some(Lang::Ru))[0].0, "Александр");
/// assert_eq!(to_cyrillic_candidates("Shevchenko", Some(Lang::Uk))[0].0, "Шевченко");
/// ```
pub fn to_cyrillic_candidates(latin: &str, lang: Option<Lang>) -> Vec<(String, f64)> {
    let words: Vec<String> = normalize(latin).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let langs: Vec<Lang> = match lang {
        Some(l) => vec![l],
        None => vec![Lang::Uk, Lang::Ru],
    };
    // Per word: candidate -> cost; then combine words (each word's top few) into phrases.
    let mut per_word: Vec<Vec<(String, f64)>> = Vec::new();
    for w in &words {
        let mut cands: HashMap<String, f64> = HashMap::new();
        let wl: Vec<char> = w.chars().collect();
        for &l in &langs {
            for (c, cost) in score_word(&wl, w, l) {
                let e = cands.entry(c).or_insert(f64::INFINITY);
                if cost < *e {
                    *e = cost;
                }
            }
        }
        let mut v: Vec<(String, f64)> = cands.into_iter().collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(8);
        per_word.push(v);
    }
    let mut phrases: Vec<(String, f64)> = vec![(String::new(), 0.0)];
    for v in &per_word {
        let mut next = Vec::new();
        for (p, pc) in &phrases {
            for (c, cc) in v {
                let s = if p.is_empty() { title(c) } else { format!("{p} {}", title(c)) };
                next.push((s, pc + cc));
            }
        }
        next.sort_by(|a, b| a.1.total_cmp(&b.1));
        next.truncate(10);
        phrases = next;
    }
    let z: f64 = phrases.iter().map(|(_, c)| (-c).exp()).sum();
    phrases.into_iter().map(|(s, c)| (s, ((-c).exp() / z * 1000.0).round() / 1000.0)).collect()
}

/// Candidates for one lowercase Latin word in one language, with costs (lower is better).
fn score_word(wl: &[char], w: &str, lang: Lang) -> Vec<(String, f64)> {
    let stds: Vec<&crate::translit::Standard> =
        crate::translit::table().iter().filter(|s| s.info.lang == lang).collect();
    let mut out: Vec<(String, f64)> = Vec::new();
    let push = |c: String, cost: f64, out: &mut Vec<(String, f64)>| {
        // Exact round trip under some standard of the language is the best evidence a rule search has.
        let back = stds.iter().any(|s| normalize(&s.apply(&c)) == w);
        let cost = match (back, cost < 0.0) {
            (true, _) => cost,
            (false, true) => 0.8 + cost + 1.0,
            (false, false) => cost + 1.5,
        };
        out.push((c, cost));
    };
    // Dictionary forms first.
    let cl = canon_latin(w);
    for kind in [PartKind::Given, PartKind::Patronymic, PartKind::Surname] {
        for &g in groups_of(kind, &cl) {
            let gr = group(g);
            let forms = if lang == Lang::Uk { &gr.uk } else { &gr.ru };
            for (rank, f) in forms.iter().enumerate() {
                // A dictionary form that does not give the input back is a translation (Aleksandr ->
                // Олександр): still a candidate, but after the spellings that do.
                // The curated table's forms before the larger dictionary's (which has some noise).
                let base = if gr.curated { -1.3 } else { -1.0 };
                push(normalize(f), base + 0.2 * rank as f64, &mut out);
            }
        }
    }
    for (c, cost) in generate(wl, lang) {
        push(c, cost, &mut out);
    }
    out
}
