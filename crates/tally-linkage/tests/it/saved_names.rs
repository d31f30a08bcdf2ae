//! A linker snapshot keeps names half-prepared (their normalised and canonical forms and
//! roles); what a name is finished from them on load must compare exactly as the name
//! prepared from scratch.

use tally_linkage::names::{self, NamePart, PreparedName};

#[test]
fn names_finished_from_a_snapshot_compare_as_prepared_ones() {
    let values = [
        "Шевченко",
        "Shevchenko",
        "Ševčenko",
        "Шевченка",
        "Олександр",
        "Александр",
        "Oleksandr",
        "О.",
        "O. S.",
        "Іванович",
        "Ивановна",
        "Ivanovych",
        "Сергій",
        "Sergei",
        "Kovalenko",
        "Коваленко",
        "Yurii",
        "Юрій",
        "Y.",
        "Петрович",
        "Мар'яна",
        "Maryana",
        "",
    ];
    let fresh: Vec<PreparedName> = values.iter().map(|v| names::prepare(NamePart::Surname, v)).collect();
    let restored: Vec<PreparedName> = fresh.iter().map(|p| PreparedName::from_saved(p.saved())).collect();
    for (f, r) in fresh.iter().zip(&restored) {
        assert_eq!(f.key, r.key);
        assert_eq!(f.form.canonical, r.form.canonical);
        assert_eq!((f.given_like, f.patronymic_like, f.initials), (r.given_like, r.patronymic_like, r.initials));
        assert_eq!((f.ascii, f.hist), (r.ascii, r.hist));
    }
    for part in [NamePart::Surname, NamePart::Given, NamePart::Patronymic] {
        for (i, a) in fresh.iter().enumerate() {
            for (j, b) in fresh.iter().enumerate() {
                let want = names::compare(part, a, b);
                assert_eq!(names::compare(part, &restored[i], &restored[j]), want, "{} / {}", values[i], values[j]);
            }
        }
    }
}
