//! Surname forms against the 24 patterns of data/surname_forms.csv.

use tally_names::{normalize, surname_forms};

#[test]
fn every_pattern_of_the_surname_table() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/surname_forms.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bad = Vec::new();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let (uk_m, uk_f, ru_m, ru_f) = (&r[1], &r[2], &r[3], &r[4]);
        let top = |v: &[String], want: &str, k: usize| v.iter().take(k).any(|x| normalize(x) == normalize(want));
        n += 1;
        // From the Ukrainian masculine form: the Ukrainian feminine is certain, Russian forms ranked.
        let f = surname_forms(uk_m);
        if f.uk_f.first().map(String::as_str) != Some(uk_f) || !top(&f.ru_m, ru_m, 3) || !top(&f.ru_f, ru_f, 3) {
            bad.push(format!("{uk_m}: {f:?}"));
        }
        // From the Russian masculine form: the Russian feminine is certain, Ukrainian forms ranked.
        let g = surname_forms(ru_m);
        if normalize(g.ru_f.first().map(String::as_str).unwrap_or("")) != normalize(ru_f)
            || !top(&g.uk_m, uk_m, 3)
            || !top(&g.uk_f, uk_f, 3)
        {
            bad.push(format!("{ru_m}: {g:?}"));
        }
    }
    assert_eq!(n, 24);
    assert!(bad.is_empty(), "{} of {}:\n{}", bad.len(), 2 * n, bad.join("\n"));
}
