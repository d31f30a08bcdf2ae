//! Integration tests of tally-names: conformance vectors, properties, rankings.
#![allow(clippy::disallowed_methods)] // tests and benches read fixtures and time runs; purity binds the library

#[path = "it/candidates.rs"]
mod candidates;
#[path = "it/compare.rs"]
mod compare;
#[path = "it/forms.rs"]
mod forms;
#[path = "it/golden.rs"]
mod golden;
#[path = "it/nominative.rs"]
mod nominative;
#[path = "it/oracle.rs"]
mod oracle;
#[path = "it/props.rs"]
mod props;
#[path = "it/translit.rs"]
mod translit;

/// The conformance vectors: (cyrillic, lang, standard, latin).
pub fn examples() -> Vec<(String, String, String, String)> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/names/translit_examples.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    rdr.records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (r[0].to_string(), r[1].to_string(), r[2].to_string(), r[3].to_string())
        })
        .collect()
}
