//! Records of a `tally export records --format csv` file (as the side-by-side bench writes
//! `records.csv`), for the examples and benches that read a world's records. Included by
//! `#[path]`: examples and benches cannot share a module otherwise.

use tally_domain::{ParsedFields, PartialDate, Record, RecordKey, Sex};

/// Records of a `tally export records --format csv` file.
pub fn read_csv(path: &str, mut emit: impl FnMut(Record)) {
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let h: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap_or_else(|| panic!("{path}: no column {n}"));
    let c = [
        "source",
        "source_record_id",
        "surname",
        "given_name",
        "patronymic",
        "birth_date",
        "death_date",
        "region",
        "settlement",
        "unit",
        "rank",
        "sex",
    ]
    .map(col);
    for (n, row) in rdr.records().enumerate() {
        let row = row.unwrap();
        let s = |i: usize| row.get(c[i]).filter(|v| !v.is_empty()).map(str::to_string);
        let d = |i: usize| s(i).map(|v| PartialDate::parse_canonical(&v).unwrap_or_else(|e| panic!("row {n}: {e}")));
        emit(Record {
            id: n as i64 + 1,
            key: RecordKey::new(s(0).unwrap(), s(1).unwrap()),
            line: n as u64 + 2,
            raw: vec![],
            fields: ParsedFields {
                surname: s(2),
                given_name: s(3),
                patronymic: s(4),
                birth_date: d(5),
                death_date: d(6),
                region: s(7),
                settlement: s(8),
                unit: s(9),
                rank: s(10),
                sex: match s(11).as_deref() {
                    Some("male") => Some(Sex::Male),
                    Some("female") => Some(Sex::Female),
                    _ => None,
                },
                ..Default::default()
            },
        });
    }
}

/// All records of the file.
#[allow(dead_code)]
pub fn read_records(path: &str) -> Vec<Record> {
    let mut out = Vec::new();
    read_csv(path, |r| out.push(r));
    out
}

/// A truth file (`source,source_record_id,person_id`, as `tally synth` writes it): the true person
/// of each record.
#[allow(dead_code)]
pub fn read_truth(path: &str) -> tally_linkage::FxHashMap<RecordKey, String> {
    let mut truth = tally_linkage::FxHashMap::default();
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for r in rdr.records() {
        let r = r.unwrap();
        truth.insert(RecordKey::new(r[0].to_string(), r[1].to_string()), r[2].to_string());
    }
    truth
}
