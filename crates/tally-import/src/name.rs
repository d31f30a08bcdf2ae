//! Splitting a full name written in one column into surname, given name and patronymic.
//!
//! Lists write names surname-first ("Шевченко Олександр Сергійович", the official UA/RU
//! order), given-first ("Oleksandr Shevchenko", media and English lists) or with initials
//! ("Шевченко О.С.", "О. С. Шевченко"). The strongest cue is a patronymic suffix; then a
//! comma after the surname, an all-capitals surname, and common surname endings; then the
//! script's usual order. The split never changes spelling or case.

/// Which order a full-name column uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameOrder {
    /// Decide per name from the cues above.
    #[default]
    Auto,
    SurnameFirst,
    GivenFirst,
}

impl std::str::FromStr for NameOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(NameOrder::Auto),
            "surname-first" | "surname" => Ok(NameOrder::SurnameFirst),
            "given-first" | "given" => Ok(NameOrder::GivenFirst),
            other => Err(format!("unknown name order {other:?}; expected auto, surname-first or given-first")),
        }
    }
}

/// The parts of a split name; any may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub patronymic: Option<String>,
}

const PATRONYMIC_ENDINGS: &[&str] = &[
    "ович",
    "евич",
    "євич",
    "йович",
    "ьович",
    "івна",
    "ївна",
    "овна",
    "евна",
    "ьевна",
    "ична",
    "інічна",
    "ілліч",
    "ильич",
    "ич",
    "ovych",
    "evych",
    "ovich",
    "evich",
    "ivna",
    "yivna",
    "ovna",
    "evna",
    "ichna",
    "ych",
    // Declined forms, as obituaries and news print names ("пам'яті Олексія Владиславовича
    // Судця", "родине Петра Ивановича"): genitive, dative and instrumental. Without them a
    // given-first declined name falls through to the Cyrillic surname-first default and its
    // given name lands in the surname column.
    "ича",
    "ичу",
    "ичем",
    "ичеві",
    "івни",
    "ївни",
    "івні",
    "ївні",
    "івною",
    "ївною",
    "овны",
    "евны",
    "овне",
    "евне",
    "овной",
    "евной",
    "ycha",
    "icha",
    "ivny",
    "ovny",
    "evny",
];

/// Surname endings frequent enough in UA/RU lists to act as a weak cue for word order.
const SURNAME_ENDINGS: &[&str] = &[
    "енко",
    "єнко",
    "ук",
    "юк",
    "чук",
    "ський",
    "ська",
    "цький",
    "цька",
    "ов",
    "ова",
    "ев",
    "ева",
    "єв",
    "єва",
    "ін",
    "іна",
    "ин",
    "ина",
    "ский",
    "ская",
    "цкий",
    "цкая",
    "ич",
    "ко",
    "enko",
    "chuk",
    "uk",
    "iuk",
    "yuk",
    "skyi",
    "ska",
    "sky",
    "skiy",
    "skii",
    "ov",
    "ova",
    "ev",
    "eva",
    "in",
    "ina",
];

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// A patronymic by its suffix ("Сергійович", "Іванівна", "Serhiiovych"). A name this short
/// ("Ілліч" aside) is rarely a patronymic, so at least six letters are required.
pub fn is_patronymic(word: &str) -> bool {
    let w = lower(word.trim_end_matches('.'));
    w.chars().count() >= 6 && PATRONYMIC_ENDINGS.iter().any(|e| w.ends_with(e))
}

fn looks_like_surname(word: &str) -> bool {
    let w = lower(word);
    w.chars().count() >= 4 && SURNAME_ENDINGS.iter().any(|e| w.ends_with(e)) && !is_patronymic(word)
}

fn is_initial(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    let n = w.chars().count();
    n == 1 && w.chars().all(char::is_alphabetic) && word.ends_with('.') || n == 1 && w.chars().all(char::is_uppercase)
}

fn all_caps(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Split a full name into parts.
pub fn split_full_name(full: &str, order: NameOrder) -> NameParts {
    let full = full.trim();
    if full.is_empty() {
        return NameParts::default();
    }
    // "Shevchenko, Oleksandr Serhiiovych": the comma settles the order.
    if let Some((sur, rest)) = full.split_once(',') {
        let rest_tokens = tokens(rest);
        if !sur.trim().is_empty() && !rest_tokens.is_empty() && !sur.trim().contains(' ') {
            let mut p = NameParts { surname: Some(sur.trim().to_string()), ..Default::default() };
            fill_given_patronymic(&mut p, &rest_tokens);
            return p;
        }
    }
    let toks = tokens(full.replace(',', " ").as_str());
    match toks.len() {
        0 => NameParts::default(),
        1 => NameParts { surname: Some(toks[0].clone()), ..Default::default() },
        _ => {
            let surname_first = match order {
                NameOrder::SurnameFirst => true,
                NameOrder::GivenFirst => false,
                NameOrder::Auto => decide_surname_first(&toks),
            };
            let mut p = NameParts::default();
            if surname_first {
                p.surname = Some(toks[0].clone());
                fill_given_patronymic(&mut p, &toks[1..]);
            } else {
                let last = toks.len() - 1;
                p.surname = Some(toks[last].clone());
                fill_given_patronymic(&mut p, &toks[..last]);
            }
            p
        }
    }
}

/// Dates that a list wrote into its whole-name cell: «Коваленко Петро Іванович, 1995 р.н.»,
/// «Иванов Иван (1990 г.р.)», "Kovalenko Petro, b. 1995", «Ткаченко Іван, 05.05.1979 р.н.», or a
/// life span «Шевченко Олена (1988–2024)». Ukrainian and Russian lists of the dead often have no
/// birth date column and put the year of birth there instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifeNote {
    /// The date of birth as written ("1995", "05.05.1979").
    pub birth: Option<String>,
    /// The second date of a life span, the date of death.
    pub death: Option<String>,
    /// An age, as the press writes it after a name ("Petro Kovalenko, 28", «Коваленко Петро (28
    /// років)»).
    pub age: Option<u16>,
}

/// Words after an age, in [`marker_form`].
const AGE_AFTER: &[&str] =
    &["years", "years old", "yo", "y o", "y", "років", "роки", "рік", "р", "лет", "года", "год", "г", "л"];

/// Words that say the date after them is a birth date ("b. 1995", «нар. 1995», «р.н. 1995»),
/// lower case, dots removed, spaces collapsed.
const BIRTH_BEFORE: &[&str] =
    &["b", "born", "нар", "народж", "народився", "народилася", "род", "родился", "родилась", "р н", "г р"];

/// Words after a date that say it is a birth date (or a year) («1995 р.н.», «1990 г.р.», «1995
/// року народження»), in the same form.
const BIRTH_AFTER: &[&str] = &[
    "р н",
    "рн",
    "р нар",
    "р",
    "рік народження",
    "року народження",
    "року нар",
    "г р",
    "гр",
    "г",
    "год рождения",
    "года рождения",
    "г рождения",
    "рр",
    "гг",
    "yob",
];

fn marker_form(s: &str) -> String {
    s.to_lowercase().replace('.', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A date as a list writes it: digits with `.`, `/` or `-`, holding a four-digit year of a
/// lifetime (a unit number such as «в/ч 1234» is not one).
fn is_date_shape(s: &str) -> bool {
    let s = s.trim().trim_end_matches('.');
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '/' | '-'))
        && s.split(['.', '/', '-']).any(|p| p.len() == 4 && p.parse::<u16>().is_ok_and(|y| (1880..=2100).contains(&y)))
}

/// Split the dates a whole-name cell carries after the name from the name. A cell that ends in
/// anything but a date (and the words that mark a birth date) is left as it is, so a name is
/// never cut short by a guess.
pub fn split_life_note(full: &str) -> (String, LifeNote) {
    let keep = || (full.to_string(), LifeNote::default());
    let Some(at) = full.find(|c: char| c.is_ascii_digit()) else { return keep() };
    // Digits glued to a word ("А1234", a unit number) are no date.
    if full[..at].chars().next_back().is_some_and(char::is_alphanumeric) {
        return keep();
    }
    let punct = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | '[' | '-' | '–' | '—');
    let mut name = full[..at].trim_end_matches(punct);
    // A word before the date that marks it as a birth date ("b.", «нар.», «р.н.»).
    for words in [2, 1] {
        let toks: Vec<&str> = name.split_whitespace().collect();
        if toks.len() > words {
            let tail = toks[toks.len() - words..].join(" ");
            if BIRTH_BEFORE.contains(&marker_form(&tail).as_str()) {
                let cut = name.rfind(toks[toks.len() - words]).unwrap_or(name.len());
                name = name[..cut].trim_end_matches(punct);
                break;
            }
        }
    }
    if !name.chars().any(char::is_alphabetic) {
        return keep();
    }
    let (core, tail) = core_and_tail(&full[at..]);
    // An age: a number of up to three digits after a comma or bracket, or with an age word.
    let sep = &full[name.len()..at];
    if core.trim().len() <= 3 && core.trim().bytes().all(|b| b.is_ascii_digit()) {
        let tail = marker_form(tail);
        let worded = AGE_AFTER.contains(&tail.as_str());
        return match core.trim().parse::<u16>() {
            Ok(n) if n <= 110 && (worded || tail.is_empty() && sep.contains([',', '('])) => {
                (name.to_string(), LifeNote { age: Some(n), ..Default::default() })
            }
            _ => keep(),
        };
    }
    match dates_of(core, tail) {
        Some(note) => (name.to_string(), note),
        None => keep(),
    }
}

/// A note of dates split into its dates (digits, dots, slashes, dashes) and the words after them
/// («р.н.»), closing brackets and separators dropped.
fn core_and_tail(note: &str) -> (&str, &str) {
    let note = note.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | ',' | ';'));
    let core_len = note
        .find(|c: char| !(c.is_ascii_digit() || c.is_whitespace() || matches!(c, '.' | '/' | '-' | '–' | '—')))
        .unwrap_or(note.len());
    note.split_at(core_len)
}

/// The birth date, or the life span, that `core` writes, with nothing after it but the words that
/// mark a birth date (`tail`). None for anything else.
fn dates_of(core: &str, tail: &str) -> Option<LifeNote> {
    if !BIRTH_AFTER.contains(&marker_form(tail).as_str()) && !marker_form(tail).is_empty() {
        return None;
    }
    let core = core.trim().trim_end_matches(['-', '–', '—']).trim();
    // A life span: two dates joined by a dash ("1988–2024", "1988 - 2024", "1988-2024").
    let span: Vec<&str> = if core.contains(['–', '—']) {
        core.split(['–', '—']).map(str::trim).collect()
    } else if core.contains(" - ") {
        core.split(" - ").map(str::trim).collect()
    } else {
        match core.split_once('-') {
            Some((a, b)) if a.len() == 4 && b.len() == 4 && is_date_shape(a) && is_date_shape(b) => vec![a, b],
            _ => vec![core],
        }
    };
    let date = |d: &str| Some(d.trim_end_matches('.').to_string());
    match span.as_slice() {
        [b] if is_date_shape(b) => Some(LifeNote { birth: date(b), ..Default::default() }),
        [b, d] if is_date_shape(b) && is_date_shape(d) => Some(LifeNote { birth: date(b), death: date(d), age: None }),
        _ => None,
    }
}

/// The dates of a years-of-life cell: a life span («1995–2023», "12.03.1995 - 03.04.2023") or
/// a birth date alone, read as a life span after a name is. None when the cell is anything else.
pub fn life_span(cell: &str) -> Option<LifeNote> {
    let (core, tail) = core_and_tail(cell.trim());
    dates_of(core, tail)
}

/// Words for "guards" before a rank («гвардії капітан», "Guards Captain").
const GUARDS: &[&str] = &["гвардії", "гвардии", "guards", "gds"];

/// A military rank written before the name in a whole-name cell («солдат Коваленко Петро
/// Іванович», «ст. сержант Ткаченко Іван Петрович», "Sgt. Ivan Tkachenko", «гвардії капітан Мельник
/// Андрій»): the rank as written and the name after it. A rank name can also be a surname
/// («Майор Іван Петрович»), so a rank is taken only when the cell says it is one: written in lower
/// case (as Ukrainian and Russian lists write ranks), abbreviated («ст.», "Sgt."), of two words or
/// more, or followed by a whole name (three words in Cyrillic, two in Latin script, where
/// the given name comes first and a surname cannot lead). None when no rank leads the cell.
pub fn split_rank_prefix(full: &str) -> Option<(String, String)> {
    let words: Vec<&str> = full.split_whitespace().collect();
    let guards = words.first().is_some_and(|w| GUARDS.contains(&w.to_lowercase().trim_end_matches('.')));
    let start = usize::from(guards);
    // The longest rank phrase decides (up to four words: «старший майстер-сержант», «капітан 1 рангу»).
    let longest = (1..=4)
        .rev()
        .filter(|n| start + n + 2 <= words.len())
        .find(|&n| tally_names::rank_grade(&words[start..start + n].join(" ")).is_some())?;
    let (rank, rest) = (&words[..start + longest], &words[start + longest..]);
    let first = words[start];
    let lower = first.chars().next().is_some_and(char::is_lowercase);
    let abbreviated = rank.iter().any(|w| w.ends_with('.'));
    let cyrillic = first.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    let whole_name = rest.len() >= if cyrillic { 3 } else { 2 };
    (lower || abbreviated || rank.len() >= 2 || whole_name).then(|| (rank.join(" "), rest.join(" ")))
}

/// A military rank written after the name, behind a comma («Ткаченко Іван Петрович, старший
/// сержант», "Ivan Tkachenko, Sgt."): the name before it and the rank. None when the last
/// comma-separated part of the cell is no rank.
pub fn split_rank_suffix(full: &str) -> Option<(String, String)> {
    let (name, rank) = full.rsplit_once(',')?;
    let (name, rank) = (name.trim(), rank.trim());
    (!name.is_empty() && tally_names::rank_grade(rank).is_some()).then(|| (name.to_string(), rank.to_string()))
}

/// A place written after the name, behind a comma («Бойко Олег, Київ», "Petro Kovalenko,
/// Bakhmut"): the name before it and the place. Only when at least two name words come first
/// (so «Коваленко, Петро Іванович», surname first and a comma, stays a name) and the part after
/// the comma is one to three words with no digit, no patronymic, no initial and no "Jr.".
pub fn split_place_suffix(full: &str) -> Option<(String, String)> {
    let (name, tail) = full.rsplit_once(',')?;
    let (name, tail) = (name.trim(), tail.trim());
    let words: Vec<&str> = tail.split_whitespace().collect();
    let plain = !words.is_empty()
        && words.len() <= 3
        && !tail.chars().any(|c| c.is_ascii_digit())
        && !words.iter().any(|w| is_patronymic(w) || is_initial(w))
        && !["jr", "sr", "ii", "iii", "iv"].contains(&tail.trim_end_matches('.').to_lowercase().as_str());
    (plain && name.split_whitespace().count() >= 2).then(|| (name.to_string(), tail.to_string()))
}

/// Words that introduce a call sign or another name after the person's name.
const ALIAS_WORDS: &[&str] =
    &["позивний", "позивним", "позывной", "позывным", "call sign", "callsign", "aka", "a.k.a."];

/// What a whole-name cell says besides the name: a call sign in quotes or introduced by
/// «позивний» («Петро «Кіт» Коваленко», «Сидоренко Тарас (позивний Грім)», "Kovalenko Petro
/// (call sign Kit)") and notes in parentheses or brackets (a maiden name, «(Бойко)», or an
/// alternative spelling). They are not part of the name the linker compares; the raw row keeps
/// them. Returns the name alone.
pub fn strip_name_notes(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut close: Option<char> = None;
    for c in full.chars() {
        match close {
            Some(end) => {
                if c == end {
                    close = None;
                    out.push(' ');
                }
            }
            None => match c {
                '(' => close = Some(')'),
                '[' => close = Some(']'),
                '«' => close = Some('»'),
                '“' => close = Some('”'),
                '„' => close = Some('“'),
                '"' => close = Some('"'),
                c => out.push(c),
            },
        }
    }
    // An unclosed note is no note: keep the cell as it was.
    if close.is_some() {
        out = full.to_string();
    }
    let lower = out.to_lowercase();
    if let Some(at) = ALIAS_WORDS
        .iter()
        .flat_map(|w| {
            lower.match_indices(w).map(|(i, _)| i).filter(|&i| {
                (i == 0 || lower[..i].ends_with([' ', ','])) && lower[i + w.len()..].starts_with([' ', ':'])
            })
        })
        .min()
    {
        // `lower` and `out` can differ in length only for letters that no name here uses; cut
        // at a char boundary of `out` in any case.
        if out.is_char_boundary(at) {
            out.truncate(at);
        }
    }
    let name = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| c == ',' || c == ';' || c == '-' || c.is_whitespace()).replace(" ,", ",");
    if name.chars().any(char::is_alphabetic) {
        name
    } else {
        full.to_string()
    }
}

/// Fill the parts that a list's name columns leave empty from its whole-name column, for lists
/// that have both. The whole name is split as usual; when its parts agree (in any case) with
/// the columns that are filled, it fills the empty ones. When the split disagrees but the
/// surname column's value is one of its words, the other words are read as given name and
/// patronymic. Otherwise nothing is filled and the whole name is returned, for a warning: it then
/// says something the name columns do not, and neither is dropped silently.
pub fn fill_from_full(parts: &mut NameParts, full: &str, order: NameOrder) -> Option<String> {
    fn agrees(a: &Option<String>, b: &Option<String>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => x.to_lowercase() == y.to_lowercase(),
            _ => true,
        }
    }
    fn fits(parts: &NameParts, p: &NameParts) -> bool {
        agrees(&parts.surname, &p.surname)
            && agrees(&parts.given_name, &p.given_name)
            && agrees(&parts.patronymic, &p.patronymic)
    }
    let mut p = split_full_name(full, order);
    if !fits(parts, &p) {
        let toks = tokens(&full.replace(',', " "));
        let Some(sur) = parts.surname.as_ref().map(|s| s.to_lowercase()) else { return Some(full.to_string()) };
        let Some(at) = toks.iter().position(|t| t.to_lowercase() == sur) else { return Some(full.to_string()) };
        let rest: Vec<String> = toks.iter().enumerate().filter(|&(i, _)| i != at).map(|(_, t)| t.clone()).collect();
        p = NameParts { surname: parts.surname.clone(), ..Default::default() };
        fill_given_patronymic(&mut p, &rest);
        if !fits(parts, &p) {
            return Some(full.to_string());
        }
    }
    for (have, from) in
        [(&mut parts.surname, p.surname), (&mut parts.given_name, p.given_name), (&mut parts.patronymic, p.patronymic)]
    {
        if have.is_none() {
            *have = from;
        }
    }
    None
}

/// Whitespace tokens, with glued initials ("О.С.") split into one token per initial.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in s.split_whitespace() {
        let pieces: Vec<&str> = t.split_inclusive('.').collect();
        if pieces.len() > 1 && pieces.iter().all(|p| p.trim_end_matches('.').chars().count() == 1) {
            out.extend(pieces.iter().map(|p| p.to_string()));
        } else {
            out.push(t.to_string());
        }
    }
    out
}

fn fill_given_patronymic(p: &mut NameParts, rest: &[String]) {
    match rest {
        [] => {}
        [g] => p.given_name = Some(g.clone()),
        [g @ .., last] if is_patronymic(last) || (is_initial(last) && rest.len() == 2) => {
            p.given_name = Some(g.join(" "));
            p.patronymic = Some(last.clone());
        }
        [g, pat] if is_cyrillic(pat) && rest.len() == 2 => {
            // Two Cyrillic words after the surname: the UA/RU order is given name then
            // patronymic even when the patronymic has an unusual form.
            p.given_name = Some(g.clone());
            p.patronymic = Some(pat.clone());
        }
        _ => p.given_name = Some(rest.join(" ")),
    }
}

fn decide_surname_first(t: &[String]) -> bool {
    let n = t.len();
    // Patronymic position: "S G P" vs "G P S".
    if n >= 3 && is_patronymic(&t[n - 1]) {
        return true;
    }
    if n >= 3 && is_patronymic(&t[1]) {
        return false;
    }
    // Initials: "Шевченко О.С." vs "О. С. Шевченко".
    if t[1..].iter().all(|w| is_initial(w)) && !is_initial(&t[0]) {
        return true;
    }
    if t[..n - 1].iter().all(|w| is_initial(w)) && !is_initial(&t[n - 1]) {
        return false;
    }
    // An all-capitals word among mixed case is the surname ("ШЕВЧЕНКО Олександр").
    let caps: Vec<bool> = t.iter().map(|w| all_caps(w)).collect();
    if caps.iter().filter(|&&c| c).count() == 1 {
        return caps[0];
    }
    let (first_s, last_s) = (looks_like_surname(&t[0]), looks_like_surname(&t[n - 1]));
    if first_s != last_s {
        return first_s;
    }
    // No cue: Cyrillic lists are surname-first by convention, Latin ones given-first.
    is_cyrillic(&t[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> (String, String, String) {
        let p = split_full_name(s, NameOrder::Auto);
        (p.surname.unwrap_or_default(), p.given_name.unwrap_or_default(), p.patronymic.unwrap_or_default())
    }

    fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn surname_first_and_given_first() {
        assert_eq!(parts("Шевченко Олександр Сергійович"), t("Шевченко", "Олександр", "Сергійович"));
        assert_eq!(parts("Олександр Сергійович Шевченко"), t("Шевченко", "Олександр", "Сергійович"));
        assert_eq!(parts("Иванова Мария Петровна"), t("Иванова", "Мария", "Петровна"));
        assert_eq!(parts("Oleksandr Shevchenko"), t("Shevchenko", "Oleksandr", ""));
        assert_eq!(parts("Shevchenko Oleksandr Serhiiovych"), t("Shevchenko", "Oleksandr", "Serhiiovych"));
        assert_eq!(parts("Shevchenko, Oleksandr"), t("Shevchenko", "Oleksandr", ""));
        assert_eq!(parts("Петро КОВАЛЕНКО"), t("КОВАЛЕНКО", "Петро", ""));
        assert_eq!(parts("Коваленко Петро"), t("Коваленко", "Петро", ""));
        assert_eq!(parts("Коваленко"), t("Коваленко", "", ""));
    }

    #[test]
    fn initials() {
        assert_eq!(parts("Шевченко О.С."), t("Шевченко", "О.", "С."));
        assert_eq!(parts("Шевченко О. С."), t("Шевченко", "О.", "С."));
        assert_eq!(parts("О.С. Шевченко"), t("Шевченко", "О.", "С."));
        assert_eq!(parts("Шевченко О."), t("Шевченко", "О.", ""));
    }

    #[test]
    fn declined_names_keep_their_order() {
        // Genitive, as obituaries print it ("пам'яті Олексія Владиславовича Судця"): the
        // patronymic's case ending still marks the given-first order. The split keeps the
        // spelling; the names comparator reads declined forms back to the nominative.
        assert_eq!(parts("Олексія Владиславовича Судця"), t("Судця", "Олексія", "Владиславовича"));
        assert_eq!(parts("Шевченка Олександра Сергійовича"), t("Шевченка", "Олександра", "Сергійовича"));
        assert_eq!(parts("Марії Іванівни Коваленко"), t("Коваленко", "Марії", "Іванівни"));
        assert_eq!(parts("Петра Ивановича Сидорова"), t("Сидорова", "Петра", "Ивановича"));
        assert_eq!(parts("Анны Петровны Ивановой"), t("Ивановой", "Анны", "Петровны"));
        assert_eq!(parts("Oleksiia Vladyslavovycha Sudtsia"), t("Sudtsia", "Oleksiia", "Vladyslavovycha"));
        // Nominative names are unchanged.
        assert_eq!(parts("Олексій Владиславович Судець"), t("Судець", "Олексій", "Владиславович"));
    }

    #[test]
    fn dates_in_the_name_cell() {
        let note = |full: &str| {
            let (name, n) = split_life_note(full);
            (name, n.birth.unwrap_or_default(), n.death.unwrap_or_default())
        };
        let t3 = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(note("Коваленко Петро Іванович, 1995 р.н."), t3("Коваленко Петро Іванович", "1995", ""));
        assert_eq!(note("Коваленко Петро Іванович 1995 р. н."), t3("Коваленко Петро Іванович", "1995", ""));
        assert_eq!(note("Иванов Иван Иванович (1990 г.р.)"), t3("Иванов Иван Иванович", "1990", ""));
        assert_eq!(note("Иванов Иван Иванович, 1990 года рождения"), t3("Иванов Иван Иванович", "1990", ""));
        assert_eq!(note("Бондаренко Андрій Сергійович (1990)"), t3("Бондаренко Андрій Сергійович", "1990", ""));
        assert_eq!(note("Ткаченко Іван Петрович, 05.05.1979 р.н."), t3("Ткаченко Іван Петрович", "05.05.1979", ""));
        assert_eq!(note("Kovalenko Petro, b. 1995"), t3("Kovalenko Petro", "1995", ""));
        assert_eq!(note("Коваленко Петро, нар. 12.03.1995"), t3("Коваленко Петро", "12.03.1995", ""));
        assert_eq!(note("Шевченко Олена (1988–2024)"), t3("Шевченко Олена", "1988", "2024"));
        assert_eq!(note("Шевченко Олена, 1988 - 2024"), t3("Шевченко Олена", "1988", "2024"));
        assert_eq!(note("Шевченко Олена 1988-2024"), t3("Шевченко Олена", "1988", "2024"));
        // An age as the press writes it.
        let age = |full: &str| {
            let (name, n) = split_life_note(full);
            (name, n.age)
        };
        assert_eq!(age("Petro Kovalenko, 28"), ("Petro Kovalenko".to_string(), Some(28)));
        assert_eq!(age("Коваленко Петро (28 років)"), ("Коваленко Петро".to_string(), Some(28)));
        assert_eq!(age("Коваленко Петро, 28 лет"), ("Коваленко Петро".to_string(), Some(28)));
        assert_eq!(age("Коваленко 2"), ("Коваленко 2".to_string(), None));
        // Anything else after the name is left alone: the cell is not a name and a date.
        for full in [
            "Коваленко Петро Іванович",
            "Коваленко 2",
            "Коваленко Петро, 1995 р.н., 28 років",
            "Коваленко Петро, в/ч А1234",
            "Коваленко Петро, в/ч 1234",
            "1995",
            "Коваленко Петро 12",
        ] {
            assert_eq!(note(full), t3(full, "", ""), "{full}");
        }
    }

    #[test]
    fn call_signs_and_notes_leave_the_name() {
        for (full, want) in [
            ("Коваленко Петро Іванович («Кіт»)", "Коваленко Петро Іванович"),
            ("Петро «Кіт» Коваленко", "Петро Коваленко"),
            ("Сидоренко Тарас Ігорович (позивний Грім)", "Сидоренко Тарас Ігорович"),
            ("Сидоренко Тарас Ігорович, позивний Грім", "Сидоренко Тарас Ігорович"),
            ("Kovalenko Petro (call sign Kit)", "Kovalenko Petro"),
            ("Makarenko Petro aka Kit", "Makarenko Petro"),
            ("Makarenko Petro", "Makarenko Petro"),
            ("Kovalenko Petro \"Kit\"", "Kovalenko Petro"),
            ("Мельник Ольга (Бойко) Степанівна", "Мельник Ольга Степанівна"),
            ("Shevchenko, Oleksandr [Шевченко]", "Shevchenko, Oleksandr"),
            ("Коваленко Петро Іванович", "Коваленко Петро Іванович"),
            ("Д'Артаньян Шарль", "Д'Артаньян Шарль"),
            // An unclosed bracket or a cell that is all note is kept as it is.
            ("Коваленко (Петро", "Коваленко (Петро"),
            ("(невідомий)", "(невідомий)"),
        ] {
            assert_eq!(strip_name_notes(full), want, "{full}");
        }
        assert_eq!(parts(&strip_name_notes("Петро «Кіт» Коваленко")), t("Коваленко", "Петро", ""));
    }

    #[test]
    fn explicit_order() {
        let p = split_full_name("Петро Коваленко", NameOrder::GivenFirst);
        assert_eq!(p.surname.as_deref(), Some("Коваленко"));
        let p = split_full_name("Taras Petro", NameOrder::SurnameFirst);
        assert_eq!(p.surname.as_deref(), Some("Taras"));
    }
}
