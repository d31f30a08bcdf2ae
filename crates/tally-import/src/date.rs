//! Reading dates as Ukrainian, Russian and English lists write them (see
//! `test_data/import/date_formats.csv`), keeping exactly the precision the source gave.

use tally_domain::{PartialDate, Precision};

/// Which date a cell holds. It decides how a two-digit year is read: a birth in "05.01.23"
/// is 1923 (Tally's subjects are adults), a death is 2023.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    Birth,
    Death,
}

/// What a date cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A date at some precision.
    Date(PartialDate),
    /// Only an age ("25 років"): the birth year follows from a date of death, if any.
    Age(u16),
    /// Explicitly or implicitly unknown: empty, "?", "невідомо".
    Unknown,
    /// A placeholder such as 01.01.1970 that systems write when they have no date: kept as
    /// unknown and flagged, because reading it as a real date would invent one.
    Suspect(&'static str),
}

/// Why a date cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateParseError {
    #[error("{value:?} is not a date that exists: {why}")]
    Impossible { value: String, why: String },
    #[error("cannot read {0:?} as a date")]
    Unreadable(String),
}

/// Cell texts that say "no value" (lower case): dashes, "not available" in three languages,
/// and what spreadsheets and data-frame exports write for an empty cell.
const UNKNOWN: &[&str] = &[
    "?",
    "-",
    "--",
    "—",
    "–",
    "н/д",
    "н/в",
    "невідомо",
    "не відомо",
    "неизвестно",
    "не вказано",
    "не указано",
    "немає",
    "нет",
    "unknown",
    "n/a",
    "#n/a",
    "na",
    "none",
    "null",
    "nan",
    "x",
];

/// Whether a cell's text is a placeholder for "no value" (see [`UNKNOWN`]), read as empty in every
/// column so that "н/д" in a rank column is not a rank that disagrees with every other.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return true;
    }
    // Every cell of a list passes here: decide most without lower-casing them.
    let first = t.chars().next().map_or(' ', |c| c.to_lowercase().next().unwrap_or(c));
    t.len() <= 24 && "?-—–#нuxn".contains(first) && UNKNOWN.contains(&t.to_lowercase().as_str())
}

/// Month-name stems: the stem must start the word. Nominative, genitive and locative forms
/// all share the stem ("січень", "січня", "січні"; "май", "мая", "мае").
const MONTHS: &[(&str, u8)] = &[
    ("січ", 1),
    ("лют", 2),
    ("берез", 3),
    // Abbreviated as lists write them: «бер.», «вер.», «лист.» (the other months' stems are
    // abbreviations already).
    ("бер", 3),
    ("вер", 9),
    ("лист", 11),
    ("квіт", 4),
    ("трав", 5),
    ("черв", 6),
    ("лип", 7),
    ("серп", 8),
    ("верес", 9),
    ("жовт", 10),
    ("листоп", 11),
    ("груд", 12),
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("май", 5),
    ("мая", 5),
    ("мае", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Words that qualify a month without giving a day ("в конце мая", "наприкінці травня",
/// "early June"): the result keeps month precision.
const APPROX: &[&str] = &[
    "в",
    "у",
    "во",
    "конце",
    "начале",
    "середине",
    "кінці",
    "наприкінці",
    "на",
    "початку",
    "середині",
    "late",
    "early",
    "mid",
    "end",
    "of",
    "in",
    "около",
    "близько",
    "приблизно",
    "примерно",
    "about",
    "ca",
    "c",
];

/// Seasons and parts of a year ("весна 2023", "влітку 2022", "осенью 2023", "початок 2024",
/// "late 2023"): the year is known, the month is not, so the date keeps year precision. Winter
/// too: "зима 2023" is January-February or December of 2023 in most lists (December of the year
/// before is written with that year, or as «зима 2022/2023», a range).
const IN_YEAR: &[&str] = &[
    "весна",
    "весною",
    "навесні",
    "весной",
    "літо",
    "влітку",
    "лето",
    "летом",
    "осінь",
    "восени",
    "осень",
    "осенью",
    "зима",
    "взимку",
    "зимой",
    "початок",
    "кінець",
    "середина",
    "начало",
    "конец",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "beginning",
];

/// Ordinal endings after a day ("August 30th, 2022", "1st of May", «30-го травня»).
const ORDINAL: &[&str] = &["st", "nd", "rd", "th", "го", "е", "ого"];

/// "Since" and "from" before a date: lists of the missing write the date a person went missing as
/// «з 02.03.2024», «с 2 марта 2024», "since March 2024".
const SINCE: &[&str] = &["з", "із", "зі", "від", "с", "со", "since", "from"];

/// Words that mark a year ("р.", "г.", "року", "года", "р.н.", "г.р.") and carry no value.
const YEAR_MARKS: &[&str] = &["р", "г", "н", "року", "рік", "році", "год", "года", "году", "рн", "гр", "yr", "year"];

const AGE_WORDS: &[&str] =
    &["років", "роки", "рік", "року", "лет", "года", "год", "years", "year", "yrs", "y", "yo", "р", "л", "г"];

/// "12.III.1995" -> "12.03.1995": a day, a month in Roman numerals (I to XII) and a year, joined
/// by dots, spaces, slashes or dashes. None for anything else.
fn roman_month(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['.', ' ', '/', '-']).filter(|p| !p.is_empty()).collect();
    let [d, m, y] = parts.as_slice() else { return None };
    const ROMAN: [&str; 12] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"];
    let m = ROMAN.iter().position(|r| m.eq_ignore_ascii_case(r))? + 1;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(d) && d.len() <= 2 && digits(y) && y.len() == 4).then(|| format!("{d:0>2}.{m:02}.{y}"))
}

fn month_of(word: &str) -> Option<u8> {
    if word.chars().count() < 3 {
        return None;
    }
    MONTHS.iter().find(|(stem, _)| word.starts_with(stem)).map(|&(_, m)| m)
}

/// Read a date cell.
pub fn parse_date(raw: &str, role: DateRole) -> Result<DateValue, DateParseError> {
    parse_date_in(raw, role, DateOrder::DayFirst)
}

/// The order of day and month in numeric dates of a list: day first as in Ukrainian, Russian and
/// most European documents, or month first as in lists from the United States ("12/31/1999").
/// `Auto` (the default) is day first unless the file's own dates say otherwise (see
/// [`SlashedDates`]); [`parse_date_in`] reads it as day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    #[default]
    Auto,
    DayFirst,
    MonthFirst,
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DateOrder::Auto),
            "dmy" | "day-first" => Ok(DateOrder::DayFirst),
            "mdy" | "month-first" => Ok(DateOrder::MonthFirst),
            other => Err(format!("unknown date order {other:?}; expected auto, dmy (day first) or mdy (month first)")),
        }
    }
}

/// What a file's dates written with slashes say about their order. "31/12/1999" can only be day
/// first and "12/31/1999" only month first; "05/01/1990" can be either. A file is read month
/// first only when some of its dates can only be month first and none can only be day first: a
/// day-first list of any length has days past the 12th, so one typo cannot turn it around, and
/// dotted dates («31.12.1999»), the Ukrainian and Russian way, are never taken as evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlashedDates {
    /// The first date that can only be month first, as written.
    pub month_first: Option<String>,
    /// Dates that can only be month first.
    pub month_first_count: usize,
    /// Dates that can only be day first.
    pub day_first_count: usize,
}

impl SlashedDates {
    /// Take in the dates with slashes a text holds (a cell, a line, a whole file). Fast enough
    /// for a whole file: it looks only around its slashes.
    pub fn scan(&mut self, text: &str) {
        let b = text.as_bytes();
        let digits_back = |end: usize| b[..end].iter().rev().take_while(|c| c.is_ascii_digit()).count();
        let digits_on = |start: usize| b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        let edge = |i: Option<&u8>| i.is_none_or(|c| !c.is_ascii_digit() && *c != b'/');
        for (p, _) in text.match_indices('/') {
            let a = digits_back(p);
            let start = p - a;
            let m = digits_on(p + 1);
            let q = p + 1 + m;
            if !(1..=2).contains(&a) || !(1..=2).contains(&m) || b.get(q) != Some(&b'/') {
                continue;
            }
            let y = digits_on(q + 1);
            let end = q + 1 + y;
            if !matches!(y, 2 | 4) || !edge(start.checked_sub(1).map(|i| &b[i])) || !edge(b.get(end)) {
                continue;
            }
            let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(0);
            let (first, second) = (num(start..p), num(p + 1..q));
            if (1..=12).contains(&first) && (13..=31).contains(&second) {
                self.month_first_count += 1;
                self.month_first.get_or_insert_with(|| text[start..end].to_string());
            } else if (13..=31).contains(&first) && (1..=12).contains(&second) {
                self.day_first_count += 1;
            }
        }
    }

    /// The order to read the file in, and the date that decided it when it is month first.
    pub fn order(&self) -> (DateOrder, Option<&str>) {
        match (&self.month_first, self.day_first_count) {
            (Some(d), 0) => (DateOrder::MonthFirst, Some(d.as_str())),
            _ => (DateOrder::DayFirst, None),
        }
    }
}

/// [`parse_date`] with the list's order of day and month.
pub fn parse_date_in(raw: &str, role: DateRole, order: DateOrder) -> Result<DateValue, DateParseError> {
    let s = raw.trim();
    let lower = s.to_lowercase();
    // "NaT", pandas' missing time, only in a date column: elsewhere it could be a name.
    if s.is_empty() || UNKNOWN.contains(&lower.as_str()) || lower == "nat" {
        return Ok(DateValue::Unknown);
    }
    // An ISO timestamp from a spreadsheet or JSON export ("2023-01-05T00:00:00"): the time
    // part is dropped, the date read as ISO.
    if s.len() > 10 && s.is_char_boundary(10) && matches!(s.as_bytes()[10], b'T' | b' ') {
        let (head, tail) = s.split_at(10);
        if head.as_bytes()[4] == b'-' && tail[1..].trim().starts_with(|c: char| c.is_ascii_digit()) {
            return parse_date_in(head, role, order);
        }
    }
    // A trailing time of day ("05.01.2023 14:30", "05.01.2023 0:00:00") says nothing more about
    // the date: drop it.
    if let Some((head, tail)) = s.rsplit_once(' ') {
        let t: Vec<&str> = tail.split(':').collect();
        let digits = |p: &&str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
        if (2..=3).contains(&t.len()) && t.iter().all(digits) {
            return parse_date_in(head, role, order);
        }
    }
    // A month in Roman numerals, as older Soviet and Ukrainian documents write it ("12.III.1995",
    // "12 III 1995"): the same date with the month in digits.
    if let Some(d) = roman_month(s) {
        return parse_date_in(&d, role, order);
    }
    // "Since" before the date a person went missing («з 02.03.2024», «с 02.03.2024», "since
    // March 2024"): the date itself.
    if let Some((first, rest)) = s.split_once(char::is_whitespace) {
        let rest = rest.trim_start();
        if SINCE.contains(&first.to_lowercase().as_str()) && rest.starts_with(|c: char| c.is_alphanumeric()) {
            return parse_date_in(rest, role, order);
        }
    }
    let impossible =
        |why: tally_domain::DateError| DateParseError::Impossible { value: s.to_string(), why: why.to_string() };

    // Tokenise: runs of digits, runs of letters; separators remembered between numbers.
    let mut tokens: Vec<Tok> = Vec::new();
    let mut cur = String::new();
    let mut cur_kind = 0u8; // 0 none, 1 digits, 2 letters
    let flush = |tokens: &mut Vec<Tok>, cur: &mut String, kind: u8| {
        if !cur.is_empty() {
            tokens.push(if kind == 1 { Tok::Num(std::mem::take(cur)) } else { Tok::Word(std::mem::take(cur)) });
        }
    };
    for c in lower.chars() {
        let kind = if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            0
        };
        if kind != cur_kind {
            flush(&mut tokens, &mut cur, cur_kind);
            cur_kind = kind;
        }
        match kind {
            0 => {
                if !c.is_whitespace() && c != ',' {
                    tokens.push(Tok::Sep(c));
                }
            }
            _ => cur.push(c),
        }
    }
    flush(&mut tokens, &mut cur, cur_kind);

    let nums: Vec<&str> =
        tokens.iter().filter_map(|t| if let Tok::Num(n) = t { Some(n.as_str()) } else { None }).collect();
    let words: Vec<&str> =
        tokens.iter().filter_map(|t| if let Tok::Word(w) = t { Some(w.as_str()) } else { None }).collect();
    let seps: Vec<char> = tokens.iter().filter_map(|t| if let Tok::Sep(c) = t { Some(*c) } else { None }).collect();
    let unreadable = || DateParseError::Unreadable(s.to_string());
    let num = |n: &str| n.parse::<i32>().map_err(|_| unreadable());

    // Age: one number followed by an age word ("25 років", "31 год", "40 лет").
    if nums.len() == 1 && !words.is_empty() && words.iter().all(|w| AGE_WORDS.contains(w)) && nums[0].len() <= 3 {
        let before_word = matches!(tokens.first(), Some(Tok::Num(_)));
        // "1996 р." is a year, "25 р." an age: decide by size.
        let n = num(nums[0])?;
        if before_word && n < 130 {
            return Ok(DateValue::Age(n as u16));
        }
    }

    let month_words: Vec<u8> = words.iter().filter_map(|w| month_of(w)).collect();
    if month_words.len() == 1 {
        let m = month_words[0];
        let rest_ok = words
            .iter()
            .all(|w| month_of(w).is_some() || APPROX.contains(w) || YEAR_MARKS.contains(w) || ORDINAL.contains(w));
        if !rest_ok {
            return Err(unreadable());
        }
        let years: Vec<i32> = nums.iter().filter(|n| n.len() == 4).map(|n| num(n)).collect::<Result<_, _>>()?;
        let days: Vec<i32> = nums.iter().filter(|n| n.len() <= 2).map(|n| num(n)).collect::<Result<_, _>>()?;
        return match (years.as_slice(), days.as_slice()) {
            ([y], []) => PartialDate::ym(*y, m).map(DateValue::Date).map_err(impossible),
            ([y], [0]) => PartialDate::ym(*y, m).map(DateValue::Date).map_err(impossible),
            ([y], [d]) => PartialDate::ymd(*y, m, *d as u8).map(DateValue::Date).map_err(impossible),
            _ => Err(unreadable()),
        };
    }
    // A year qualified by a season, a part of the year or "about" ("весна 2023", "на початку
    // 2024", "late 2023", "около 1990 г."): year precision.
    let in_year = |w: &&str| IN_YEAR.contains(w) || APPROX.contains(w) || YEAR_MARKS.contains(w);
    if words.iter().any(|w| !YEAR_MARKS.contains(w)) && words.iter().all(in_year) {
        return match nums.as_slice() {
            [y] if y.len() == 4 => PartialDate::try_year(num(y)?).map(DateValue::Date).map_err(impossible),
            [a, b] if a.len() == 4 && b.len() == 4 => {
                PartialDate::range(num(a)?, num(b)?).map(DateValue::Date).map_err(impossible)
            }
            _ => Err(unreadable()),
        };
    }
    if !words.iter().all(|w| YEAR_MARKS.contains(w)) {
        return Err(unreadable());
    }

    match nums.as_slice() {
        // A year alone, with or without "р.", "г.р.", "р.н.".
        [y] if y.len() == 4 => return PartialDate::try_year(num(y)?).map(DateValue::Date).map_err(impossible),
        // ISO 8601 (year first, dashes).
        [y, m] if y.len() == 4 && seps.iter().all(|&c| c == '-') && m.len() <= 2 => {
            return PartialDate::ym(num(y)?, num(m)? as u8).map(DateValue::Date).map_err(impossible);
        }
        // A range of years "1990-1992" / "1990–1992".
        [a, b] if a.len() == 4 && b.len() == 4 && seps.iter().all(|&c| matches!(c, '-' | '–' | '—' | '.')) => {
            return PartialDate::range(num(a)?, num(b)?).map(DateValue::Date).map_err(impossible);
        }
        // mm.yyyy
        [m, y] if y.len() == 4 && m.len() <= 2 && seps.iter().all(|&c| matches!(c, '.' | '/')) => {
            return PartialDate::ym(num(y)?, num(m)? as u8).map(DateValue::Date).map_err(impossible);
        }
        [y, m, d] if y.len() == 4 && seps.iter().take(2).all(|&c| c == '-' || c == '.' || c == '/') => {
            // ISO 8601 (possibly with a time after it: "2023-01-05T00:00:00" tokenises to
            // more numbers and is handled below).
            return PartialDate::ymd(num(y)?, num(m)? as u8, num(d)? as u8).map(DateValue::Date).map_err(impossible);
        }
        [d, m, y] if (y.len() == 4 || y.len() == 2) && d.len() <= 2 && m.len() <= 2 => {
            // Day first: the UA/RU order. Never read as month-first, even when the day is <= 12,
            // unless the list is said to be in that order.
            if !seps.iter().take(2).all(|&c| matches!(c, '.' | '/' | '-')) {
                return Err(unreadable());
            }
            let (d, m) = match order {
                DateOrder::DayFirst | DateOrder::Auto => (num(d)?, num(m)?),
                DateOrder::MonthFirst => (num(m)?, num(d)?),
            };
            // "12/31/1999" read day first: no month 31, but a valid date month first. Say so.
            let month_first_hint = |e: tally_domain::DateError| {
                let mut err = impossible(e);
                if let DateParseError::Impossible { why, .. } = &mut err {
                    if order != DateOrder::MonthFirst && m > 12 && d <= 12 && m <= 31 {
                        why.push_str("; if the list writes the month first, import it with date order mdy");
                    }
                }
                err
            };
            let mut y = num(y)?;
            if nums[2].len() == 2 {
                // Births are 19xx (the note in date_formats.csv); deaths of this war are 20xx,
                // and a two-digit death year past 50 can only be last century.
                y += match role {
                    DateRole::Birth => 1900,
                    DateRole::Death if y < 50 => 2000,
                    DateRole::Death => 1900,
                };
            }
            if (d, m, y) == (1, 1, 1970) || (d, m, y) == (1, 1, 1900) {
                return Ok(DateValue::Suspect("a placeholder date (01.01.1970 or 01.01.1900) used for unknown"));
            }
            // "00.05.2023": a zero day marks an unknown day, "00.00.1996" an unknown month.
            return if d == 0 && m == 0 {
                PartialDate::try_year(y).map(DateValue::Date).map_err(impossible)
            } else if d == 0 {
                PartialDate::ym(y, m as u8).map(DateValue::Date).map_err(impossible)
            } else {
                PartialDate::ymd(y, m as u8, d as u8).map(DateValue::Date).map_err(month_first_hint)
            };
        }
        _ => {}
    }
    Err(unreadable())
}

#[derive(Debug)]
enum Tok {
    Num(String),
    Word(String),
    Sep(char),
}

/// The precision a [`DateValue`] carries, for reporting: `None` for unknown and suspect.
pub fn value_precision(v: &DateValue) -> Option<Precision> {
    match v {
        DateValue::Date(d) => Some(d.precision()),
        DateValue::Age(_) => Some(Precision::AgeDerived),
        DateValue::Unknown | DateValue::Suspect(_) => None,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn slashed_dates_decide_only_when_one_order_is_impossible() {
        let seen = |t: &str| {
            let mut s = SlashedDates::default();
            s.scan(t);
            s
        };
        let us = seen("Tkachuk,12/31/1999,03/04/2023\nBoiko,01/05/1990");
        assert_eq!((us.month_first_count, us.day_first_count), (1, 0));
        assert_eq!(us.order(), (DateOrder::MonthFirst, Some("12/31/1999")));
        assert_eq!(seen("12/31/1999 31/12/1999").order().0, DateOrder::DayFirst);
        // Ambiguous dates, dotted dates, fractions and longer runs of slashes say nothing.
        for t in ["03/04/2023", "12.31.1999", "3/14", "1/12/31/1999", "12/31/19999", "a12/31/99b"] {
            let s = seen(t);
            assert_eq!(s.month_first_count + s.day_first_count, usize::from(t == "a12/31/99b"), "{t}");
        }
        assert_eq!(seen("").order(), (DateOrder::DayFirst, None));
    }

    use super::*;

    fn d(s: &str) -> String {
        match parse_date(s, DateRole::Death) {
            Ok(DateValue::Date(d)) => d.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn common_shapes() {
        assert_eq!(d("05.01.2023"), "2023-01-05");
        assert_eq!(d("5/1/2023"), "2023-01-05");
        assert_eq!(d("2023-01-05T00:00:00"), "2023-01-05");
        assert_eq!(d("05.01.2023 14:30"), "2023-01-05");
        assert_eq!(d("05.01.2023 0:00:00"), "2023-01-05");
        assert_eq!(d("05.01.2023 р."), "2023-01-05");
        assert_eq!(d("1990-1992"), "1990..1992");
        assert_eq!(d("1996"), "1996");
        assert_eq!(d("05.2023"), "2023-05");
        assert_eq!(d("00.00.1996"), "1996");
        assert_eq!(d("у січні 2023"), "2023-01");
        assert_eq!(d("в мае 2023"), "2023-05");
        assert_eq!(d("март 2022"), "2022-03");
        assert_eq!(d("December 2022"), "2022-12");
        // Seasons and parts of a year keep the year.
        assert_eq!(d("весна 2023"), "2023");
        // The date a person went missing "since".
        assert_eq!(d("з 02.03.2024"), "2024-03-02");
        // "In 2023" with the year in the locative.
        assert_eq!(d("в 2023 году"), "2023");
        assert_eq!(d("у 2023 році"), "2023");
        // Ordinal days.
        assert_eq!(d("August 30th, 2022"), "2022-08-30");
        assert_eq!(d("1st of May 2023"), "2023-05-01");
        assert_eq!(d("30-го травня 2022 р."), "2022-05-30");
        assert_eq!(d("с 2 марта 2024 г."), "2024-03-02");
        assert_eq!(d("since March 2024"), "2024-03");
        assert_eq!(d("від 14 травня 2023 р."), "2023-05-14");
        assert_eq!(d("влітку 2022 р."), "2022");
        assert_eq!(d("осенью 2023 года"), "2023");
        assert_eq!(d("на початку 2024"), "2024");
        assert_eq!(d("late 2023"), "2023");
        assert_eq!(d("зима 2022/2023"), "2022..2023");
        assert_eq!(d("около 1990 г."), "1990");
        assert_eq!(parse_date("", DateRole::Birth), Ok(DateValue::Unknown));
        assert_eq!(parse_date("невідомо", DateRole::Birth), Ok(DateValue::Unknown));
        assert_eq!(parse_date("40 лет", DateRole::Birth), Ok(DateValue::Age(40)));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(matches!(parse_date("31.02.2023", DateRole::Death), Err(DateParseError::Impossible { .. })));
        assert!(matches!(parse_date("13.13.2023", DateRole::Death), Err(DateParseError::Impossible { .. })));
        assert!(matches!(parse_date("вчора", DateRole::Death), Err(DateParseError::Unreadable(_))));
        assert!(matches!(parse_date("5 foo 2023", DateRole::Death), Err(DateParseError::Unreadable(_))));
        assert!(matches!(parse_date("12345", DateRole::Death), Err(DateParseError::Unreadable(_))));
        assert!(matches!(parse_date("0300", DateRole::Death), Err(DateParseError::Impossible { .. })));
    }

    #[test]
    fn two_digit_years_pivot_by_role() {
        assert_eq!(parse_date("05.01.23", DateRole::Birth), Ok(DateValue::Date(PartialDate::ymd(1923, 1, 5).unwrap())));
        assert_eq!(parse_date("05.01.23", DateRole::Death), Ok(DateValue::Date(PartialDate::ymd(2023, 1, 5).unwrap())));
    }
}
