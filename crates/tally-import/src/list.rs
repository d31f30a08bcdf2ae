//! A numbered list of people in a text file, one a line, as posts and documents give them:
//! «1. Коваленко Петро Іванович, 1995 р.н., с. Вільшанка». The reader falls back to it when a file
//! has no name column and most of its lines look like this.

/// The columns a numbered list is read into (see [`numbered_line`]).
pub const LIST_HEADERS: [&str; 5] = ["№", "ПІБ", "Дата народження", "Населений пункт", "Примітка"];

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
    let mut parts = rest.trim().split([',', ';']).map(str::trim).filter(|p| !p.is_empty());
    let name = parts.next()?.to_string();
    let (mut birth, mut place, mut note) = (String::new(), Vec::new(), Vec::new());
    for p in parts {
        let (_, life) = crate::name::split_life_note(&format!("x, {p}"));
        if birth.is_empty() && life.birth.is_some() && life.death.is_none() {
            birth = life.birth.unwrap_or_default();
        } else if is_place(p) {
            place.push(p);
        } else {
            note.push(p);
        }
    }
    Some(vec![t[..digits].to_string(), name, birth, place.join(", "), note.join(", ")])
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
