//! The ways real lists get names wrong: typing slips, OCR confusions, Latin look-alikes typed
//! inside Cyrillic words, ё written as е, apostrophe variants, initials, capitals.

use rand::Rng;

const UK_LOWER: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя";
const RU_LOWER: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
const LATIN_LOWER: &str = "abcdefghijklmnopqrstuvwxyz";

/// Pairs of letters an OCR engine confuses in Cyrillic print (the first four from the shared
/// normalisation table: 3/з, 0/о, l/і, 6/б).
const OCR: &[(char, char)] = &[
    ('з', '3'),
    ('о', '0'),
    ('і', 'l'),
    ('б', '6'),
    ('и', 'н'),
    ('н', 'и'),
    ('ш', 'щ'),
    ('щ', 'ш'),
    ('е', 'с'),
    ('п', 'л'),
    ('л', 'п'),
    ('т', 'г'),
    ('ц', 'щ'),
    ('О', '0'),
    ('З', '3'),
];

/// Latin letters that look like Cyrillic ones, as typed by people switching keyboard layouts
/// (the shared table `latin_homoglyphs_in_cyrillic_text`, reversed).
const HOMOGLYPHS: &[(char, char)] = &[
    ('а', 'a'),
    ('е', 'e'),
    ('і', 'i'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('х', 'x'),
    ('у', 'y'),
    ('ї', 'ï'),
    ('А', 'A'),
    ('В', 'B'),
    ('С', 'C'),
    ('Е', 'E'),
    ('Н', 'H'),
    ('І', 'I'),
    ('К', 'K'),
    ('М', 'M'),
    ('О', 'O'),
    ('Р', 'P'),
    ('Т', 'T'),
    ('Х', 'X'),
];

fn alphabet_for(s: &str) -> &'static str {
    if s.chars().any(|c| c.is_ascii_alphabetic()) && !s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        LATIN_LOWER
    } else if s.chars().any(|c| "ґєії".contains(c.to_lowercase().next().unwrap_or(c))) {
        UK_LOWER
    } else {
        RU_LOWER
    }
}

/// One typing slip inside a word: a wrong letter, a dropped or doubled letter, or two letters
/// swapped. The first letter is left alone (people rarely get it wrong), and short words too.
pub fn typo(s: &str, rng: &mut impl Rng) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    if cs.len() < 4 {
        return s.to_string();
    }
    let i = rng.gen_range(1..cs.len());
    if !cs[i].is_alphabetic() {
        return s.to_string();
    }
    match rng.gen_range(0..4) {
        0 => {
            let alpha: Vec<char> = alphabet_for(s).chars().collect();
            let c = alpha[rng.gen_range(0..alpha.len())];
            cs[i] = if cs[i].is_uppercase() { c.to_uppercase().next().unwrap_or(c) } else { c };
        }
        1 => {
            cs.remove(i);
        }
        2 => {
            let c = cs[i];
            cs.insert(i, c);
        }
        _ => {
            if i + 1 < cs.len() && cs[i + 1].is_alphabetic() {
                cs.swap(i, i + 1);
            } else {
                cs.swap(i - 1, i);
            }
        }
    }
    cs.into_iter().collect()
}

fn replace_one(s: &str, table: &[(char, char)], rng: &mut impl Rng) -> String {
    let cs: Vec<char> = s.chars().collect();
    let hits: Vec<usize> = (0..cs.len()).filter(|&i| table.iter().any(|(a, _)| *a == cs[i])).collect();
    if hits.is_empty() {
        return s.to_string();
    }
    let at = hits[rng.gen_range(0..hits.len())];
    cs.iter()
        .enumerate()
        .map(|(i, &c)| if i == at { table.iter().find(|(a, _)| *a == c).map(|x| x.1).unwrap_or(c) } else { c })
        .collect()
}

/// One OCR confusion (и read as н, о as 0, ...).
pub fn ocr(s: &str, rng: &mut impl Rng) -> String {
    replace_one(s, OCR, rng)
}

/// One Cyrillic letter replaced by its Latin look-alike (Олiйник with a Latin i).
pub fn homoglyph(s: &str, rng: &mut impl Rng) -> String {
    replace_one(s, HOMOGLYPHS, rng)
}

/// ё written as е, as most Russian print does.
pub fn fold_yo(s: &str) -> String {
    s.replace('ё', "е").replace('Ё', "Е")
}

/// The Ukrainian apostrophe in one of the forms lists use (', ’, ʼ, `).
pub fn apostrophe(s: &str, rng: &mut impl Rng) -> String {
    if !s.contains('\'') {
        return s.to_string();
    }
    let a = ['\'', '\u{2019}', '\u{02BC}', '`'][rng.gen_range(0..4)];
    s.replace('\'', &a.to_string())
}

/// The first letter and a dot ("Олександр" -> "О."); an empty string stays empty.
pub fn initial(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{c}."),
        None => String::new(),
    }
}

/// Upper case, as official lists print surnames ("ШЕВЧЕНКО").
pub fn caps(s: &str) -> String {
    s.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn noise_changes_but_keeps_the_first_letter() {
        let mut r = stream(1, "t");
        for _ in 0..200 {
            let t = typo("Шевченко", &mut r);
            assert!(t.starts_with('Ш'), "{t}");
            assert!((7..=9).contains(&t.chars().count()));
        }
        let o = ocr("Шевченко", &mut r);
        assert_ne!(o, "Шевченко");
        let h = homoglyph("Олійник", &mut r);
        assert_ne!(h, "Олійник");
        assert_eq!(h.chars().count(), 7);
        assert_eq!(fold_yo("Соловьёв"), "Соловьев");
        assert_eq!(initial("Олег"), "О.");
    }
}
