//! Importing a list: read the file, parse it (`tally-import`), keep its bytes and rows in the
//! store (`tally-store`) in one transaction, and summarise what happened.
//!
//! A file that is not a table fails before the store is touched. Rows that cannot be parsed
//! become rejects, counted in the summary. Importing the same bytes again writes nothing.

use std::path::Path;

use sha2::{Digest, Sha256};
use tally_domain::SourceKind;
pub use tally_import::{DateOrder, Format, Mapping, NameOrder, Options};
use tally_import::{Item, Reader, Severity};
use tally_store::records::{
    AddOutcome, BeginImport, ImportCounts, ImportInfo, NewImport, RejectRow, RevisionRow, WithdrawalRow,
};
pub use tally_store::records::{RecordStore, SourceSummary};
use tally_store::{SqliteStore, StoreError};

/// Why an import failed. In every case the store is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Table {
        file: String,
        #[source]
        source: tally_import::ImportError,
    },
    #[error("{file}: {source}")]
    Store {
        file: String,
        #[source]
        source: StoreError,
    },
    #[error(
        "{file}: a corrected edition is matched to the earlier one by its record ids, and this file has no id column \
         (its rows would be filed under their row numbers, which shift when a row is inserted)"
    )]
    ReviseWithoutIds { file: String },
}

impl ImportError {
    /// A one-line suggestion for the user, where there is one.
    pub fn hint(&self) -> Option<&'static str> {
        use tally_import::ImportError as E;
        match self {
            ImportError::Table { source, .. } => match source {
                E::Empty => Some("the file has no bytes (or only blanks): check it was downloaded completely"),
                E::Binary { .. } => Some("tally reads CSV/TSV, JSON, XML, XLSX/ODS, web pages and DOCX/ODT; export other formats to one of these"),
                E::UnknownText { .. } | E::Undecodable { .. } => {
                    Some("name the encoding with --encoding (utf-8 or windows-1251)")
                }
                E::NoNameColumn { .. } => Some("map a column with --map full_name=COLUMN (or surname=..., given_name=...)"),
                E::NoSheet { .. } => Some("pick a sheet with --sheet NAME"),
                E::Spreadsheet(_) => Some("the file looks like a spreadsheet but is damaged; re-export it"),
                E::Document(_) => Some("the file looks like a Word or OpenDocument text but is damaged; open and save it again"),
                E::NotAList { advice, .. } => Some(advice),
                E::OldWord => Some("open it in Word or LibreOffice and save it as .docx (File > Save As), then import that"),
                E::NoTable { .. } => Some("leave out --table to read the first table with a name column"),
                E::Mapping(_) => Some("mappings are field=Column; fields: surname, given_name, patronymic, full_name, birth_date, death_date, region, settlement, unit, rank, status, record_id, sex, category, citizenship, age, life_span"),
                _ => None,
            },
            ImportError::ReviseWithoutIds { .. } => {
                Some("map the column that holds each row's id with --map record_id=COLUMN, or import without --revise and --complete")
            }
            _ => None,
        }
    }
}

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The source name the records are filed under.
    pub source: String,
    pub kind: SourceKind,
    pub publisher: Option<String>,
    /// RFC 3339, when the caller knows when the file was obtained.
    pub retrieved_at: Option<String>,
    /// How to read the file (format, encoding, delimiter, sheet, mapping, name order).
    pub options: Options,
    /// The file is a corrected edition of the source: rows whose id an earlier edition holds
    /// with other cells replace those records (the earlier versions are kept). Needs an id
    /// column: row numbers cannot say which row corrects which record.
    pub revise: bool,
    /// The file is the whole list as of its edition (implies `revise`): records of earlier
    /// editions of the source that it leaves out are marked withdrawn, and kept.
    pub complete: bool,
}

impl ImportRequest {
    pub fn new(source: impl Into<String>, kind: SourceKind) -> ImportRequest {
        ImportRequest {
            source: source.into(),
            kind,
            publisher: None,
            retrieved_at: None,
            options: Options::default(),
            revise: false,
            complete: false,
        }
    }
}

/// Progress through one file: `done` of `total` (units are arbitrary; use the ratio).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub info: ImportInfo,
    /// Rows that an earlier edition of the source already holds with the same cells.
    pub unchanged: u64,
    /// The first few rejects and warnings, for the summary; all are in the store.
    pub first_issues: Vec<RejectRow>,
    /// The first few records a corrected edition revised, for the summary; the versions they
    /// replaced are in the store.
    pub revisions: Vec<Revision>,
    /// Rows of a corrected edition older than the edition their record holds (by
    /// `retrieved_at`): kept as earlier versions, the record unchanged.
    pub older: u64,
    /// Headers no field was read from (kept in each record's raw cells).
    pub unmapped: Vec<String>,
    /// The file was imported before without `revise`, and the corrections it then refused
    /// were applied now (`info` is that import, with its counts updated).
    pub again: bool,
    /// The first few source record ids of earlier editions this complete edition left out
    /// (withdrawn), and of withdrawn records it named again (restored); the counts are in
    /// `info.counts`.
    pub withdrawn: Vec<String>,
    pub restored: Vec<String>,
}

/// A record a corrected edition revised.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub line: u64,
    pub record_id: String,
    /// The parsed fields that changed (none when only cells no field reads did).
    pub changed: Vec<String>,
}

/// The outcome of an import that did not fail.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported(ImportSummary),
    /// These exact bytes were imported before (possibly under another name): nothing changed.
    AlreadyImported {
        file: String,
        previous: ImportInfo,
    },
}

/// How many issues a summary carries inline.
const FIRST_ISSUES: usize = 5;

/// Open (creating and migrating if needed) the store at `path`.
pub fn open_store(path: &Path) -> Result<SqliteStore, StoreError> {
    SqliteStore::open(path)
}

/// Rejects and warnings, optionally of one source, in source and line order.
pub fn list_rejects(store: &dyn RecordStore, source: Option<&str>) -> Result<Vec<RejectRow>, StoreError> {
    store.rejects(source)
}

/// What corrected editions changed, record by record (see `tally import --revise`).
pub fn list_revisions(store: &dyn RecordStore, source: Option<&str>) -> Result<Vec<RevisionRow>, StoreError> {
    store.revisions(source)
}

/// Records complete editions withdrew (and later editions restored), in the order it happened.
pub fn list_withdrawals(store: &dyn RecordStore, source: Option<&str>) -> Result<Vec<WithdrawalRow>, StoreError> {
    store.withdrawals(source)
}

/// Every source with its imports (editions) and record count.
pub fn list_sources(store: &dyn RecordStore) -> Result<Vec<SourceSummary>, StoreError> {
    store.sources()
}

/// Hex SHA-256 of bytes: the content address the store keeps them under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Import the file at `path`.
pub fn import_file(
    store: &mut dyn RecordStore,
    path: &Path,
    req: &ImportRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { path: path.display().to_string(), source })?;
    let file_name =
        path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    import_bytes(store, &file_name, &bytes, req, progress)
}

/// The reading choices of an import that differ from the defaults, in words ("dates month
/// first"), for the import's provenance; `None` when there are none.
fn reading(o: &Options, layout: &tally_import::Layout) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(part) = &layout.page_part {
        parts.push(part.as_str());
    }
    if let Some(kind) = layout.list {
        parts.push(kind.describe());
    }
    let because;
    match &layout.month_first_because {
        Some(d) => {
            because = format!("dates month first, as {d} can only be read");
            parts.push(&because);
        }
        None if layout.date_order == DateOrder::MonthFirst => parts.push("dates month first"),
        None => {}
    }
    match o.name_order {
        NameOrder::SurnameFirst => parts.push("names surname first"),
        NameOrder::GivenFirst => parts.push("names given first"),
        NameOrder::Auto => {}
    }
    if o.reject_bad_dates {
        parts.push("rows with bad dates rejected");
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Import bytes already in memory, filed under `file_name`.
pub fn import_bytes(
    store: &mut dyn RecordStore,
    file_name: &str,
    bytes: &[u8],
    req: &ImportRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, ImportError> {
    let table_err = |source| ImportError::Table { file: file_name.to_string(), source };
    let store_err = |source| ImportError::Store { file: file_name.to_string(), source };
    let sha256 = sha256_hex(bytes);
    // Cheap check outside the transaction so a re-import does not parse the file; the
    // authoritative check is repeated inside it (another process may import meanwhile).
    let revise = req.revise || req.complete;
    if let Some(previous) = store.find_import(&sha256).map_err(store_err)? {
        if revise && previous.source == req.source {
            return revise_again(store, file_name, bytes, req, previous, progress);
        }
        return Ok(ImportOutcome::AlreadyImported { file: file_name.to_string(), previous });
    }
    // Parse the header before touching the store: a file that is not a table fails here.
    let mut reader = Reader::new(bytes, &req.options).map_err(table_err)?;
    if revise && !reader.has_id_column() {
        return Err(ImportError::ReviseWithoutIds { file: file_name.to_string() });
    }
    let layout = reader.layout().clone();
    let id_header = id_header(&layout);
    let columns: Vec<(String, String)> = layout.recognised().into_iter().map(|(h, f)| (h, f.to_string())).collect();
    let unmapped: Vec<String> =
        layout.headers.iter().zip(&layout.roles).filter(|(_, r)| r.is_none()).map(|(h, _)| h.clone()).collect();
    let delimiter = layout.delimiter.map(|d| match d {
        b'\t' => "\\t".to_string(),
        d => (d as char).to_string(),
    });
    let reading = reading(&req.options, &layout);
    let meta = NewImport {
        source: &req.source,
        kind: req.kind,
        publisher: req.publisher.as_deref(),
        retrieved_at: req.retrieved_at.as_deref(),
        file_name,
        sha256: &sha256,
        bytes,
        // A JSON document is read as JSON Lines are, but says what it is ("json" reads back
        // as the same format).
        // A workbook says which kind it is (an ODS is not "xlsx"); each reads back as a spreadsheet.
        format: if layout.json_array { "json" } else { layout.workbook.unwrap_or(layout.format.as_str()) },
        encoding: layout.encoding.as_deref(),
        delimiter: delimiter.as_deref(),
        sheet: layout.sheet.as_deref(),
        reading: reading.as_deref(),
        columns: &columns,
        headers: &layout.headers,
        revise,
        complete: req.complete,
    };
    let mut writer = match store.begin_import(&meta).map_err(store_err)? {
        BeginImport::AlreadyImported(previous) => {
            return Ok(ImportOutcome::AlreadyImported { file: file_name.to_string(), previous: *previous })
        }
        BeginImport::Started(w) => w,
    };
    let mut counts = ImportCounts::default();
    let mut unchanged = 0u64;
    let mut first_issues = Vec::new();
    let mut revisions = Vec::new();
    let mut older = 0u64;
    let mut n = 0u64;
    let keep = |rej: RejectRow, first: &mut Vec<RejectRow>| {
        if first.len() < FIRST_ISSUES {
            first.push(rej);
        }
    };
    while let Some(item) = reader.next() {
        n += 1;
        if n.is_multiple_of(4096) {
            let (done, total) = reader.progress();
            progress(Progress { done, total });
        }
        match item {
            Item::Record(mut rec) => {
                counts.rows += 1;
                rec.key.source = req.source.as_str().into();
                match writer.add_record(&rec).map_err(store_err)? {
                    AddOutcome::Added { .. } => counts.records += 1,
                    AddOutcome::Unchanged { .. } => unchanged += 1,
                    AddOutcome::Older { .. } => older += 1,
                    AddOutcome::Revised { changed, .. } => {
                        counts.revised += 1;
                        if revisions.len() < FIRST_ISSUES {
                            revisions.push(Revision {
                                line: rec.line,
                                record_id: rec.key.source_record_id.to_string(),
                                changed: changed.iter().map(|c| c.to_string()).collect(),
                            });
                        }
                    }
                    AddOutcome::Conflict { file_name: earlier, .. } => {
                        let rej = RejectRow {
                            source: req.source.clone(),
                            file_name: file_name.to_string(),
                            line: rec.line,
                            field: Some("record_id".into()),
                            severity: Severity::Reject.as_str().into(),
                            reason: format!(
                                "record id {:?} was imported from {earlier} with different cells (import a corrected edition with --revise)",
                                rec.key.source_record_id
                            ),
                            raw: rec.raw,
                        };
                        writer.add_reject(&rej).map_err(store_err)?;
                        counts.rejects += 1;
                        keep(rej, &mut first_issues);
                    }
                }
            }
            Item::Issue(issue) => {
                match issue.severity {
                    Severity::Reject => {
                        counts.rows += 1;
                        counts.rejects += 1;
                        // A row refused for a bad cell still names its record: not left out.
                        if let Some(id) = row_id(&issue.raw, id_header.as_deref()) {
                            writer.note_present(id).map_err(store_err)?;
                        }
                    }
                    Severity::Warning => counts.warnings += 1,
                }
                let rej = RejectRow {
                    source: req.source.clone(),
                    file_name: file_name.to_string(),
                    line: issue.line,
                    field: issue.field,
                    severity: issue.severity.as_str().into(),
                    reason: issue.reason,
                    raw: issue.raw,
                };
                writer.add_reject(&rej).map_err(store_err)?;
                keep(rej, &mut first_issues);
            }
        }
    }
    let (_, total) = reader.progress();
    progress(Progress { done: total, total });
    let settled = writer.settle_withdrawals(req.complete).map_err(store_err)?;
    counts.withdrawn = settled.withdrawn.len() as u64;
    counts.restored = settled.restored.len() as u64;
    let info = writer.finish(counts).map_err(store_err)?;
    Ok(ImportOutcome::Imported(ImportSummary {
        file: file_name.to_string(),
        info,
        unchanged,
        first_issues,
        revisions,
        older,
        unmapped,
        again: false,
        withdrawn: first(settled.withdrawn),
        restored: first(settled.restored),
    }))
}

/// The first [`FIRST_ISSUES`] of a list, for a summary.
fn first(mut v: Vec<String>) -> Vec<String> {
    v.truncate(FIRST_ISSUES);
    v
}

/// The header of the column read as each row's record id, if any.
fn id_header(layout: &tally_import::Layout) -> Option<String> {
    let role = Some(tally_import::Role::Field(tally_domain::Field::RecordId));
    layout.headers.iter().zip(&layout.roles).find(|(_, r)| **r == role).map(|(h, _)| h.clone())
}

/// The record id a raw row gives under `header`, if it gives one.
fn row_id<'r>(raw: &'r [(String, String)], header: Option<&str>) -> Option<&'r str> {
    let header = header?;
    raw.iter().find(|(h, _)| h == header).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// `--revise` with bytes imported before without it: the corrections that import refused (its
/// rows whose ids an earlier edition held with other cells) are applied now, and their rejects
/// are taken back (the rows are the records now; the versions they replace are kept). Nothing
/// else of that import changes. When it has nothing to correct, it is reported as imported
/// before, as without `--revise`.
fn revise_again(
    store: &mut dyn RecordStore,
    file_name: &str,
    bytes: &[u8],
    req: &ImportRequest,
    previous: ImportInfo,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, ImportError> {
    let table_err = |source| ImportError::Table { file: file_name.to_string(), source };
    let store_err = |source| ImportError::Store { file: file_name.to_string(), source };
    let mut reader = Reader::new(bytes, &req.options).map_err(table_err)?;
    if !reader.has_id_column() {
        return Err(ImportError::ReviseWithoutIds { file: file_name.to_string() });
    }
    let layout = reader.layout().clone();
    let id_header = id_header(&layout);
    let unmapped: Vec<String> =
        layout.headers.iter().zip(&layout.roles).filter(|(_, r)| r.is_none()).map(|(h, _)| h.clone()).collect();
    let mut writer = store.reopen_import(previous.import_id, req.complete).map_err(store_err)?;
    let mut counts = previous.counts;
    let mut revisions = Vec::new();
    let mut older = 0u64;
    let mut n = 0u64;
    while let Some(item) = reader.next() {
        n += 1;
        if n.is_multiple_of(4096) {
            let (done, total) = reader.progress();
            progress(Progress { done, total });
        }
        let mut rec = match item {
            Item::Record(rec) => rec,
            Item::Issue(issue) => {
                if issue.severity == Severity::Reject {
                    if let Some(id) = row_id(&issue.raw, id_header.as_deref()) {
                        writer.note_present(id).map_err(store_err)?;
                    }
                }
                continue;
            }
        };
        rec.key.source = req.source.as_str().into();
        match writer.add_record(&rec).map_err(store_err)? {
            AddOutcome::Revised { changed, .. } => {
                counts.revised += 1;
                let taken = writer.withdraw_reject(rec.line, "record_id").map_err(store_err)?;
                counts.rejects = counts.rejects.saturating_sub(taken);
                if revisions.len() < FIRST_ISSUES {
                    revisions.push(Revision {
                        line: rec.line,
                        record_id: rec.key.source_record_id.to_string(),
                        changed: changed.iter().map(|c| c.to_string()).collect(),
                    });
                }
            }
            // Not expected (the import read every row then), but a record is never dropped.
            AddOutcome::Added { .. } => counts.records += 1,
            AddOutcome::Older { .. } => older += 1,
            AddOutcome::Unchanged { .. } | AddOutcome::Conflict { .. } => {}
        }
    }
    let settled = writer.settle_withdrawals(req.complete).map_err(store_err)?;
    if counts.revised == previous.counts.revised && older == 0 && settled == Default::default() {
        // Nothing to correct: the writer rolls back as it is dropped.
        drop(writer);
        return Ok(ImportOutcome::AlreadyImported { file: file_name.to_string(), previous });
    }
    counts.withdrawn += settled.withdrawn.len() as u64;
    counts.restored += settled.restored.len() as u64;
    let info = writer.finish(counts).map_err(store_err)?;
    Ok(ImportOutcome::Imported(ImportSummary {
        file: file_name.to_string(),
        info,
        unchanged: 0,
        first_issues: Vec::new(),
        revisions,
        older,
        unmapped,
        again: true,
        withdrawn: first(settled.withdrawn),
        restored: first(settled.restored),
    }))
}
