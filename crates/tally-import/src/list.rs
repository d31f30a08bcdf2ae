//! A list of people in a text file, one a line, as posts and documents give them: numbered
//! («1. Коваленко Петро Іванович, 1995 р.н., с. Вільшанка») or not («Коваленко Петро Іванович,
//! 1995 р.н.»). The reader falls back to it when a file has no name column and most of its lines
//! look like this.

/// How a list numbers its people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// «1. Коваленко …», "2) Kovalenko …": the number is the record id.
    Numbered,
    /// One name a line and no number: a record is filed under its line.
    Plain,
}

impl ListKind {
    /// What the line of a list is, in words (for import summaries and provenance).
    pub fn describe(self) -> &'static str {
        match self {
            ListKind::Numbered => "a numbered list, one person a line",
            ListKind::Plain => "a list of names, one person a line",
        }
    }

    /// One line of a list of this kind as [`LIST_HEADERS`] cells.
    pub fn line(self, line: &str) -> Option<Vec<String>> {
        match self {
            ListKind::Numbered => numbered_line(line),
            ListKind::Plain => plain_line(line),
        }
    }
}

/// Which kind of list the lines are, if they are one: at least three lines, and most of the
/// non-empty ones (three in five when numbered, four in five when not, since a line with no
/// number says less that it is a person) read as a line of it.
pub fn list_kind(lines: &[String]) -> Option<ListKind> {
    if is_numbered_list(lines) {
        return Some(ListKind::Numbered);
    }
    let filled = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let named = lines.iter().filter(|l| plain_line(l).is_some()).count();
    (named >= 3 && named * 5 >= filled * 4).then_some(ListKind::Plain)
}

/// The columns a numbered list is read into (see [`numbered_line`]).
pub const LIST_HEADERS: [&str; 6] = ["№", "ПІБ", "Дата народження", "Населений пункт", "Примітка", "Роки життя"];

/// Whether lines are a numbered list of people: at least three lines, and most of the non-empty
/// ones, start with a number and a name («1. Коваленко …», "2) Kovalenko …").
pub fn is_numbered_list(lines: &[String]) -> bool {
    let filled = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let numbered = lines.iter().filter(|l| numbered_line(l).is_some()).count();
    numbered >= 3 && numbered * 5 >= filled * 3
}

/// One line of a numbered list as [`LIST_HEADERS`] cells: the number, the name (with whatever
/// the importer reads out of a name cell: «(1995 р.н.)», call signs), and of the comma-separated
/// parts after it a birth date («1995 р.н.», «12.03.1995»), the place (parts that start with
/// a settlement's type, «с.», «м.», «смт», or name a region), and the rest as a note.
pub fn numbered_line(line: &str) -> Option<Vec<String>> {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let rest = &t[digits..];
    let rest = rest.strip_prefix(['.', ')'])?;
    if !rest.starts_with(char::is_whitespace) || !rest.trim_start().starts_with(char::is_alphabetic) {
        return None;
    }
    Some(cells(&t[..digits], rest))
}

/// One line of a list with no numbers: a name of two to four words, each capitalised (or an
/// initial), before the first comma, and what [`numbered_line`] reads after it. The number cell
/// is empty; the reader files the record under its line. A title («Список загиблих») or a note has a word
/// in lower case, a digit or too many words, and is no line of the list.
pub fn plain_line(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let name = t.split([',', ';', '(']).next().unwrap_or("").trim();
    let name = name.split([' ', '\t']).filter(|w| !w.is_empty()).collect::<Vec<_>>();
    if !(2..=4).contains(&name.len())
        || !name.iter().all(|w| name_word(w))
        || !name.iter().any(|w| w.chars().count() > 2)
    {
        return None;
    }
    Some(cells("", t))
}

/// A word of a person's name as lists write it: capitalised or in capitals, letters with
/// hyphens and apostrophes («Мар’яна», «Тер-Петросян»), or an initial («П.»).
fn name_word(w: &str) -> bool {
    let body = w.strip_suffix('.').unwrap_or(w);
    let first = body.chars().next();
    let initial = w.ends_with('.') && body.chars().count() <= 2;
    first.is_some_and(char::is_uppercase)
        && body.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | 'ʼ' | '`'))
        && (initial || !w.ends_with('.'))
}

/// The [`LIST_HEADERS`] cells of a line: its number (empty when it has none), then the name and
/// the parts after it.
fn cells(number: &str, rest: &str) -> Vec<String> {
    let mut parts = rest.trim().split([',', ';']).map(str::trim).filter(|p| !p.is_empty());
    let name = parts.next().unwrap_or("").to_string();
    let (mut birth, mut span, mut place, mut note) = (String::new(), String::new(), Vec::new(), Vec::new());
    for p in parts {
        let (_, life) = crate::name::split_life_note(&format!("x, {p}"));
        if birth.is_empty() && life.birth.is_some() && life.death.is_none() {
            birth = life.birth.unwrap_or_default();
        } else if span.is_empty() && birth.is_empty() && life.birth.is_some() && life.death.is_some() {
            // Years of life («12.05.1990 — 01.06.2023», «1985–2024»): the reader takes both dates.
            span = p.to_string();
        } else if is_place(p) {
            place.push(p);
        } else {
            note.push(p);
        }
    }
    vec![number.to_string(), name, birth, place.join(", "), note.join(", "), span]
}

/// A part of a list line that names a place: it starts with a settlement's type or says it is a
/// region («Черкаська обл.», «Житомирщина», "Kyiv region"). The linker reads the region out of it.
fn is_place(p: &str) -> bool {
    let lower = p.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    const TYPES: &[&str] = &[
        "с.",
        "м.",
        "смт",
        "смт.",
        "с-ще",
        "селище",
        "село",
        "місто",
        "г.",
        "пос.",
        "пгт",
        "город",
        "поселок",
        "village",
        "city",
        "town",
        "уродженець",
        "уроженец",
    ];
    const REGION: &[&str] = &["обл", "область", "oblast", "region", "край", "республік", "республик", "щина", "ччина"];
    TYPES.contains(&first) || lower.split_whitespace().any(|w| REGION.iter().any(|r| w.contains(r)))
}
