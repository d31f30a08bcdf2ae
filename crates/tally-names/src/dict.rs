//! Dictionaries of Ukrainian and Russian name forms (embedded, parsed at first use).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;

const GIVEN_NAMES_CSV: &str = include_str!("../data/given_names.csv");

struct Dict {
    /// Normalised Cyrillic or Latin form -> the language whose form it is, for forms that belong to
    /// one language only (Олександр, Oleksandr -> uk; Александр, Aleksandr -> ru).
    lang_of: HashMap<String, Lang>,
}

fn dict() -> &'static Dict {
    static D: OnceLock<Dict> = OnceLock::new();
    D.get_or_init(|| {
        let mut lang_of: HashMap<String, Option<Lang>> = HashMap::new();
        let mut rdr = csv::ReaderBuilder::new().from_reader(GIVEN_NAMES_CSV.as_bytes());
        let mut note = |form: &str, l: Lang| {
            let k = crate::normalize(form);
            if k.is_empty() {
                return;
            }
            let e = lang_of.entry(k).or_insert(Some(l));
            if *e != Some(l) {
                *e = None;
            }
        };
        for rec in rdr.records() {
            let rec = rec.expect("embedded given_names.csv parses");
            let get = |i: usize| rec.get(i).unwrap_or("");
            for i in [1, 3, 4, 5, 11, 12] {
                for f in get(i).split('|') {
                    note(f, Lang::Uk);
                }
            }
            for i in [2, 6, 7, 8, 13, 14] {
                for f in get(i).split('|') {
                    note(f, Lang::Ru);
                }
            }
        }
        Dict { lang_of: lang_of.into_iter().filter_map(|(k, v)| Some((k, v?))).collect() }
    })
}

/// The language a normalised name form belongs to, if only one.
pub(crate) fn lang_of_form(normalized: &str) -> Option<Lang> {
    dict().lang_of.get(normalized).copied()
}
