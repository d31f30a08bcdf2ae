//! The one place where linkage meets the names crate: preparing a name once per distinct
//! value, its cross-script blocking key, and the graded comparison mapped onto linkage levels.
//!
//! Everything name-specific (transliteration, Ukrainian/Russian equivalents, declension,
//! diminutives) lives in `tally-names`; this module only translates its verdicts into the
//! comparison levels the Fellegi-Sunter model counts.

use crate::levels::NameLevel;
use tally_names::{Level, PartKind};

/// Which part of a name a value is; the comparator treats them differently (patronymics
/// and surnames carry gendered endings, given names have diminutives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NamePart {
    Surname,
    Given,
    Patronymic,
}

/// A name prepared once per distinct value: what the comparator needs, plus its blocking key.
#[derive(Debug, Clone)]
pub struct PreparedName {
    pub form: tally_names::NameForm,
    /// Cross-script key: all spellings of one name share it, different names rarely do.
    pub key: String,
}

pub fn prepare(_part: NamePart, s: &str) -> PreparedName {
    let form = tally_names::prepare(s);
    PreparedName { key: form.key.clone(), form }
}

fn kind(part: NamePart) -> PartKind {
    match part {
        NamePart::Surname => PartKind::Surname,
        NamePart::Given => PartKind::Given,
        NamePart::Patronymic => PartKind::Patronymic,
    }
}

/// Compare two prepared names; returns the linkage level and the comparator's reason.
pub fn compare(part: NamePart, a: &PreparedName, b: &PreparedName) -> (NameLevel, String) {
    let c = tally_names::compare_prepared(kind(part), &a.form, &b.form);
    (level_of(c.level), format!("{}: {}", c.level, c.why))
}

/// The level [`compare`] gives, without building its explanation (for the hot path, which keeps
/// only the level).
pub fn level(part: NamePart, a: &PreparedName, b: &PreparedName) -> NameLevel {
    level_of(tally_names::grade_prepared(kind(part), &a.form, &b.form).level)
}

/// The names crate's twelve verdicts folded onto the five levels linkage estimates m and u
/// for. Spelling, script, standard, language (uk/ru) and declension are the same name
/// ("equivalent"); typos, English forms and gendered forms are "close"; initials and
/// diminutives are weak evidence only.
pub fn level_of(l: Level) -> NameLevel {
    match l {
        Level::Exact => NameLevel::Exact,
        Level::Normalized | Level::Translit | Level::UkRuEquivalent | Level::Inflected => NameLevel::Equivalent,
        Level::Translation | Level::GenderVariant | Level::FuzzyClose => NameLevel::Close,
        Level::Initials | Level::Diminutive => NameLevel::Weak,
        Level::Missing => NameLevel::Missing,
        Level::Different => NameLevel::Different,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(part: NamePart, a: &str, b: &str) -> NameLevel {
        compare(part, &prepare(part, a), &prepare(part, b)).0
    }

    #[test]
    fn cross_script_and_uk_ru_forms_are_equivalent() {
        assert_eq!(lv(NamePart::Given, "Олександр", "Aleksandr"), NameLevel::Equivalent);
        assert_eq!(lv(NamePart::Surname, "Шевченко", "Shevchenko"), NameLevel::Equivalent);
        assert_eq!(lv(NamePart::Given, "Олександр", "Олексій"), NameLevel::Different);
        assert_eq!(prepare(NamePart::Given, "Олександр").key, prepare(NamePart::Given, "Oleksandr").key);
    }

    #[test]
    fn level_without_explanation_agrees_with_compare() {
        for (part, a, b) in [
            (NamePart::Surname, "Шевченко", "Shevchenko"),
            (NamePart::Surname, "Згурський", "Zhurs'kyy"),
            (NamePart::Given, "Олександр", "Саша"),
            (NamePart::Given, "Олександр", "О."),
            (NamePart::Patronymic, "Миколайович", "Николаевич"),
            (NamePart::Surname, "Андрєєв", "Андрєєва"),
            (NamePart::Given, "Олександр", "Олексій"),
        ] {
            let (x, y) = (prepare(part, a), prepare(part, b));
            assert_eq!(level(part, &x, &y), compare(part, &x, &y).0, "{a} / {b}");
        }
    }

    /// The level-only path (what scoring calls) and the explaining one give the same linkage
    /// level on every pair of the names crate's golden file (9,300 pairs: Ukrainian and Russian
    /// forms, Latin spellings under several standards, typos, declined forms, near neighbours),
    /// and both give the level the file records. Forms are prepared once and shared, as the
    /// linkage table holds them (their lazy caches fill as pairs go by).
    #[test]
    fn level_only_path_equals_the_explaining_one_on_the_names_golden_file() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tally-names/test_data/compare_golden.tsv");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut forms: std::collections::HashMap<(NamePart, String), PreparedName> = Default::default();
        let mut n = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            let part = match f[0] {
                "surname" => NamePart::Surname,
                "given" => NamePart::Given,
                _ => NamePart::Patronymic,
            };
            for s in [f[1], f[2]] {
                forms.entry((part, s.to_string())).or_insert_with(|| prepare(part, s));
            }
            let (a, b) = (&forms[&(part, f[1].to_string())], &forms[&(part, f[2].to_string())]);
            let want = Level::ALL.into_iter().find(|l| l.as_str() == f[3]).unwrap();
            assert_eq!(compare(part, a, b).0, level_of(want), "{line}");
            assert_eq!(level(part, a, b), level_of(want), "{line}");
            n += 1;
        }
        assert!(n > 9_000, "{n} pairs");
    }
}
