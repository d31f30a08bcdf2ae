//! Exporting records, persons and links as CSV or JSON Lines.
//!
//! Exports stream from the store (`for_each_*`), so a million records never sit in memory.
//! Dates are written in PartialDate's canonical text with their precision beside them, so an
//! export never shows more precision than the source gave.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use tally_store::records::{CallbackError, LinkRow, PersonRow, RecordQuery, RecordStore};
use tally_store::StoreError;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportWhat {
    Records,
    Persons,
    Links,
    /// The roll at several thresholds ([`crate::link::export_alternatives`]).
    Alternatives,
}

impl std::str::FromStr for ExportWhat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "records" => Ok(ExportWhat::Records),
            "persons" => Ok(ExportWhat::Persons),
            "links" => Ok(ExportWhat::Links),
            "alternatives" => Ok(ExportWhat::Alternatives),
            o => Err(format!("unknown export {o:?}; expected records, persons, links or alternatives")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "csv" => Ok(ExportFormat::Csv),
            "jsonl" | "ndjson" => Ok(ExportFormat::Jsonl),
            o => Err(format!("unknown format {o:?}; expected csv or jsonl")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("writing the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("alternative linkages need the linkage model: use tally_app::link::export_alternatives")]
    NeedsLinkage,
}

pub const RECORD_COLUMNS: &[&str] = &[
    "source",
    "source_record_id",
    "record_id",
    "line",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "birth_precision",
    "death_date",
    "death_precision",
    "region",
    "settlement",
    "unit",
    "rank",
    "status",
    "sex",
    "category",
    "citizenship",
];
pub const PERSON_COLUMNS: &[&str] =
    &["person_id", "records", "sources", "surname", "given_name", "patronymic", "birth_date", "death_date", "status"];
pub const LINK_COLUMNS: &[&str] = &["source", "source_record_id", "record_id", "person_id", "probability", "method"];
pub const ALTERNATIVE_COLUMNS: &[&str] = &["threshold", "source", "source_record_id", "person_id"];

/// One output row as ordered (column, JSON value) pairs: CSV writes the values' text, JSONL the object.
pub(crate) type Row = Vec<(&'static str, serde_json::Value)>;

fn s(v: Option<impl ToString>) -> serde_json::Value {
    match v {
        Some(v) => serde_json::Value::String(v.to_string()),
        None => serde_json::Value::Null,
    }
}

fn person_row(p: PersonRow) -> Row {
    vec![
        ("person_id", p.person_id.0.into()),
        ("records", p.records.into()),
        ("sources", p.sources.join(";").into()),
        ("surname", s(p.surname)),
        ("given_name", s(p.given_name)),
        ("patronymic", s(p.patronymic)),
        ("birth_date", s(p.birth_date)),
        ("death_date", s(p.death_date)),
        ("status", s(p.status)),
    ]
}

fn link_row(l: LinkRow) -> Row {
    vec![
        ("source", l.source.into()),
        ("source_record_id", l.source_record_id.into()),
        ("record_id", l.record_id.into()),
        ("person_id", l.person_id.0.into()),
        ("probability", l.probability.into()),
        ("method", l.method.into()),
    ]
}

/// A sink that writes rows as CSV (with a header) or JSON Lines.
pub(crate) struct Sink<'a> {
    csv: Option<csv::Writer<&'a mut dyn Write>>,
    json: Option<&'a mut dyn Write>,
    rows: u64,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, format: ExportFormat, columns: &[&str]) -> Result<Sink<'a>, ExportError> {
        Ok(match format {
            ExportFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(columns)?;
                Sink { csv: Some(w), json: None, rows: 0 }
            }
            ExportFormat::Jsonl => Sink { csv: None, json: Some(out), rows: 0 },
        })
    }

    pub(crate) fn write(&mut self, row: Row) -> Result<(), ExportError> {
        self.rows += 1;
        if let Some(w) = &mut self.csv {
            w.write_record(row.iter().map(|(_, v)| match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            }))?;
        }
        if let Some(w) = &mut self.json {
            // Written by hand to keep the columns in their documented order (serde_json's map sorts keys).
            let mut line = String::from("{");
            for (i, (k, v)) in row.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(&serde_json::to_string(k).expect("string"));
                line.push(':');
                line.push_str(&serde_json::to_string(v).expect("JSON value"));
            }
            line.push_str("}\n");
            w.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<u64, ExportError> {
        if let Some(mut w) = self.csv {
            w.flush()?;
        }
        if let Some(w) = self.json {
            w.flush()?;
        }
        Ok(self.rows)
    }
}

fn cb<E: Into<ExportError>>(r: Result<(), E>) -> Result<(), CallbackError> {
    r.map_err(|e| Box::new(e.into()) as CallbackError)
}

/// Write one export to `out`; returns the number of rows written (the header aside).
/// JSON Lines objects keep the CSV column names; records in JSON Lines also carry `raw`,
/// the original cells as [header, value] pairs.
pub fn export(
    store: &dyn RecordStore,
    what: ExportWhat,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    export_filtered(store, what, format, false, out)
}

/// The records (or links) of each source as its latest complete edition holds them: a record
/// that a complete edition left out (`tally import --complete`) and no later edition named again
/// is withdrawn from its list, and `current` leaves it out. Persons are exported whole.
pub fn withdrawn_keys(store: &dyn RecordStore) -> Result<HashSet<(String, String)>, ExportError> {
    let mut last: HashMap<(String, String), bool> = HashMap::new();
    // Events come in the order they happened: the last one says where a record stands.
    for w in store.withdrawals(None)? {
        last.insert((w.source, w.source_record_id), w.event == "withdrawn");
    }
    Ok(last.into_iter().filter(|(_, withdrawn)| *withdrawn).map(|(k, _)| k).collect())
}

/// [`export`], leaving out withdrawn records and their links when `current` (see
/// [`withdrawn_keys`]).
pub fn export_filtered(
    store: &dyn RecordStore,
    what: ExportWhat,
    format: ExportFormat,
    current: bool,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let withdrawn = if current { withdrawn_keys(store)? } else { HashSet::new() };
    let gone =
        |source: &str, id: &str| !withdrawn.is_empty() && withdrawn.contains(&(source.to_string(), id.to_string()));
    let columns = match what {
        ExportWhat::Records => RECORD_COLUMNS,
        ExportWhat::Persons => PERSON_COLUMNS,
        ExportWhat::Links => LINK_COLUMNS,
        ExportWhat::Alternatives => return Err(ExportError::NeedsLinkage),
    };
    let mut sink = Sink::new(out, format, columns)?;
    let res = match what {
        ExportWhat::Records => {
            let q = RecordQuery { source: None, with_raw: format == ExportFormat::Jsonl };
            store.for_each_record(&q, &mut |r| {
                if gone(r.key.source.as_str(), r.key.source_record_id.as_str()) {
                    return Ok(());
                }
                let f = &r.fields;
                let mut row: Row = vec![
                    ("source", r.key.source.to_string().into()),
                    ("source_record_id", r.key.source_record_id.to_string().into()),
                    ("record_id", r.id.into()),
                    ("line", r.line.into()),
                    ("surname", s(f.surname.as_ref())),
                    ("given_name", s(f.given_name.as_ref())),
                    ("patronymic", s(f.patronymic.as_ref())),
                    ("birth_date", s(f.birth_date)),
                    ("birth_precision", s(f.birth_date.map(|d| d.precision().as_str()))),
                    ("death_date", s(f.death_date)),
                    ("death_precision", s(f.death_date.map(|d| d.precision().as_str()))),
                    ("region", s(f.region.as_ref())),
                    ("settlement", s(f.settlement.as_ref())),
                    ("unit", s(f.unit.as_ref())),
                    ("rank", s(f.rank.as_ref())),
                    ("status", s(f.status)),
                    ("sex", s(f.sex.map(|x| x.as_str()))),
                    ("category", s(f.category.as_ref())),
                    ("citizenship", s(f.citizenship.as_ref())),
                ];
                if format == ExportFormat::Jsonl {
                    row.push(("raw", serde_json::to_value(&r.raw).expect("pairs of strings")));
                }
                cb(sink.write(row))
            })
        }
        ExportWhat::Persons => store.for_each_person(&mut |p| cb(sink.write(person_row(p)))),
        ExportWhat::Links => store.for_each_link(&mut |l| {
            if gone(&l.source, &l.source_record_id) {
                return Ok(());
            }
            cb(sink.write(link_row(l)))
        }),
        // Returned above: there is no column list without the model.
        ExportWhat::Alternatives => Ok(()),
    };
    match res {
        Ok(()) => {}
        // Unwrap our own errors that travelled through the store's callback.
        Err(StoreError::Callback(e)) => {
            return Err(match e.downcast::<ExportError>() {
                Ok(e) => *e,
                Err(e) => ExportError::Write(std::io::Error::other(e)),
            })
        }
        Err(e) => return Err(e.into()),
    }
    sink.finish()
}
