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
    /// The dictionary knows the value as a given name (and it is more than an initial): lets
    /// blocking see a list that wrote the given name in the surname column.
    pub given_like: bool,
    /// The value reads as a patronymic (dictionary form, or a patronymic ending).
    pub patronymic_like: bool,
    /// Initials only («O.», «O. S.»): two letters at most.
    pub initials: bool,
}

pub fn prepare(_part: NamePart, s: &str) -> PreparedName {
    let form = tally_names::prepare(s);
    let (given_like, patronymic_like) = roles_of(&form);
    let initials = form.norm.chars().filter(|c| c.is_alphabetic()).count() <= 2;
    PreparedName { key: form.key.clone(), form, given_like, patronymic_like, initials }
}

/// Whether a value reads as a given name, and whether as a patronymic, whatever column it
/// came in: the dictionary's word, plus the patronymic endings (-ovych, -ivna, -ich, ... in
/// the canonical Latin form, where ч is `q`) for forms it does not list.
fn roles_of(form: &tally_names::NameForm) -> (bool, bool) {
    use tally_names::{equivalents, sex_of};
    let long = form.norm.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    let given =
        long && (sex_of(PartKind::Given, &form.raw).is_some() || !equivalents(PartKind::Given, &form.raw).is_empty());
    let c = form.canonical.as_str();
    let patronymic = long
        && (sex_of(PartKind::Patronymic, &form.raw).is_some()
            || ["viq", "vna", "iqna", "vyq", "viw"].iter().any(|e| c.ends_with(e)));
    (given, patronymic)
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
}
