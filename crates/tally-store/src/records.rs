//! The records area: sources and their imports (editions), original bytes, records, rejects,
//! persons and the record -> person assignment, status history and claims.
//!
//! [`RecordStore`] is what the app layer calls; the SQLite backend implements it in
//! `sqlite/records.rs`, and a PostgreSQL backend can implement the same trait later. The
//! trait is object-safe, so callers hold a `&mut dyn RecordStore`.

use crate::Result;
use tally_domain::{Claim, PartialDate, PersonId, Record, RecordKey, SourceKind, Status, StatusEntry};

/// Everything about one import that the store keeps beside its rows.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub source: &'a str,
    pub kind: SourceKind,
    pub publisher: Option<&'a str>,
    /// RFC 3339, as the caller was told; the store never guesses it.
    pub retrieved_at: Option<&'a str>,
    pub file_name: &'a str,
    /// Hex SHA-256 of `bytes`. The caller computes it (the store trusts, and the blob key
    /// depends on, it); `tally-app` does so with `sha2`.
    pub sha256: &'a str,
    /// The original file, kept verbatim.
    pub bytes: &'a [u8],
    pub format: &'a str,
    pub encoding: Option<&'a str>,
    pub delimiter: Option<&'a str>,
    pub sheet: Option<&'a str>,
    /// Reading choices beyond the defaults ("dates month first"), if any.
    pub reading: Option<&'a str>,
    /// `(header, field)` pairs of the recognised columns.
    pub columns: &'a [(String, String)],
    /// The file's header row (for JSON Lines: the keys of its first objects). Records whose
    /// raw cells carry exactly these headers are stored compactly.
    pub headers: &'a [String],
    /// The file is a corrected edition of the source: a row whose id an earlier edition holds
    /// with other cells replaces that record's fields (the earlier version is kept, see
    /// [`AddOutcome::Revised`]) instead of being refused.
    pub revise: bool,
    /// The file is the whole list as of its edition: records of earlier editions it leaves out
    /// are withdrawn (see [`ImportWriter::settle_withdrawals`]).
    pub complete: bool,
}

/// One stored import (an edition of a source).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportInfo {
    pub import_id: i64,
    pub source: String,
    pub kind: SourceKind,
    pub publisher: Option<String>,
    pub sha256: String,
    pub file_name: String,
    pub retrieved_at: Option<String>,
    pub imported_at: String,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
    /// Reading choices beyond the defaults ("dates month first"), if any.
    pub reading: Option<String>,
    pub columns: Vec<(String, String)>,
    pub counts: ImportCounts,
    /// Imported as the whole list (`--complete`): it withdrew the records it left out.
    pub complete: bool,
}

impl ImportInfo {
    /// The domain's view of this import: a source edition with its content hash.
    pub fn to_source(&self) -> tally_domain::Source {
        tally_domain::Source {
            name: self.source.clone(),
            kind: self.kind,
            publisher: self.publisher.clone(),
            retrieved_at: self.retrieved_at.clone(),
            sha256: tally_domain::ContentHash(self.sha256.clone()),
            file_name: self.file_name.clone(),
        }
    }
}

/// Row counts of one import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    /// Data rows read (records + rejects + rows already present from an earlier edition).
    pub rows: u64,
    pub records: u64,
    pub rejects: u64,
    pub warnings: u64,
    /// Records an earlier edition held that this one corrected (imported with `revise`).
    pub revised: u64,
    /// Records of earlier editions this one left out (imported as `complete`).
    pub withdrawn: u64,
    /// Withdrawn records this edition named again.
    pub restored: u64,
}

/// What [`ImportWriter::settle_withdrawals`] did: the source record ids withdrawn and restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withdrawals {
    pub withdrawn: Vec<String>,
    pub restored: Vec<String>,
}

/// A row that was refused, or imported with a field left unknown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RejectRow {
    /// Filled on reads; ignored on writes (the import knows its source).
    pub source: String,
    /// Filled on reads; ignored on writes.
    pub file_name: String,
    pub line: u64,
    pub field: Option<String>,
    /// `reject` or `warning`.
    pub severity: String,
    pub reason: String,
    pub raw: Vec<(String, String)>,
}

/// One revision: a record's fields before and after a corrected edition replaced them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RevisionRow {
    pub source: String,
    pub source_record_id: String,
    /// The edition the replaced version was read from, and its line there.
    pub from_file: String,
    pub from_line: u64,
    /// The corrected edition, when it was imported, and the record's line in it.
    pub to_file: String,
    pub imported_at: String,
    pub to_line: u64,
    /// `(field, before, after)` for each parsed field that changed (dates in their canonical
    /// text); empty when only cells no field reads changed.
    pub changes: Vec<(String, Option<String>, Option<String>)>,
}

/// One withdrawal event: a complete edition left a record out, or a later edition named a
/// withdrawn record again.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WithdrawalRow {
    pub source: String,
    pub source_record_id: String,
    /// `withdrawn` or `restored`.
    pub event: String,
    /// The edition that left the record out or named it again, and when it was imported.
    pub file: String,
    pub imported_at: String,
    /// The record's name as the store holds it, to say whom the event concerns.
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub patronymic: Option<String>,
}

/// What happened to one record handed to an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Stored, with a new person of its own.
    Added { record_id: i64, person_id: PersonId },
    /// An earlier edition of the source already holds this record id with the same cells.
    Unchanged { record_id: i64 },
    /// An earlier edition holds this record id with different cells. The new row is not
    /// stored as a record (editions are not merged yet): the caller keeps it as a reject.
    Conflict { record_id: i64, file_name: String },
    /// An earlier edition holds this record id with different cells, and the import revises:
    /// the record now holds the new row (same store id, same person); the version it replaced
    /// is kept with the edition it came from. `changed` names the parsed fields that differ
    /// (empty when only raw cells the fields do not read changed).
    Revised { record_id: i64, file_name: String, changed: Vec<&'static str> },
    /// As `Revised`, but this edition was obtained before the one the record holds (both say
    /// when, `retrieved_at`): the record keeps the later one, and this row is kept as an
    /// earlier version of it. Editions can so be imported in any order.
    Older { record_id: i64, file_name: String },
}

/// The start of an import.
pub enum BeginImport<'a> {
    /// A transaction is open; write through the writer and `finish` it. Dropping the writer
    /// without finishing rolls everything back.
    Started(Box<dyn ImportWriter + 'a>),
    /// These exact bytes were imported before: nothing was written.
    AlreadyImported(Box<ImportInfo>),
}

/// Writes of one import, all inside one transaction.
pub trait ImportWriter {
    fn add_record(&mut self, record: &Record) -> Result<AddOutcome>;
    fn add_reject(&mut self, reject: &RejectRow) -> Result<()>;
    /// Take back this import's rejects at `line` in `field` (a row refused as a conflicting
    /// edition that a revision has now applied); returns how many there were.
    fn withdraw_reject(&mut self, line: u64, field: &str) -> Result<u64>;
    /// Note that this edition names `source_record_id` in a row it could not import (a
    /// rejected row): the record it names is not left out. Rows given to `add_record` are
    /// noted by it.
    fn note_present(&mut self, source_record_id: &str) -> Result<()>;
    /// After every row: restore the withdrawn records of the source this edition names, and,
    /// when it is `complete`, withdraw the records it leaves out (not those held by an edition
    /// obtained after this one). Records are never removed: a withdrawal is an event.
    fn settle_withdrawals(&mut self, complete: bool) -> Result<Withdrawals>;
    /// Record the counts and commit.
    fn finish(self: Box<Self>, counts: ImportCounts) -> Result<ImportInfo>;
}

/// A source with its editions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceSummary {
    pub name: String,
    pub kind: SourceKind,
    pub publisher: Option<String>,
    pub imports: Vec<ImportInfo>,
    /// Records currently stored for the source.
    pub records: u64,
}

/// Totals over the whole store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    pub sources: u64,
    pub imports: u64,
    pub blobs: u64,
    pub records: u64,
    pub persons: u64,
    pub rejects: u64,
    pub warnings: u64,
    pub status_entries: u64,
    pub claims: u64,
}

/// Which records to read.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// Only this source's records.
    pub source: Option<String>,
    /// Also decode the raw cells (slower; linkage does not need them).
    pub with_raw: bool,
}

/// One record's assignment to a person.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LinkRow {
    pub source: String,
    pub source_record_id: String,
    pub record_id: i64,
    pub person_id: PersonId,
    pub probability: f64,
    pub method: String,
}

/// One person with a summary of their records. The name and dates shown are those of the
/// person's earliest-stored record: a display choice, not a merged truth.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonRow {
    pub person_id: PersonId,
    pub records: u64,
    pub sources: Vec<String>,
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub patronymic: Option<String>,
    pub birth_date: Option<PartialDate>,
    pub death_date: Option<PartialDate>,
    pub status: Option<Status>,
}

/// A callback's own failure, carried through a store iteration.
pub type CallbackError = Box<dyn std::error::Error + Send + Sync>;

/// The records area of the store.
pub trait RecordStore {
    /// Begin an import: one transaction (taken at once, so a concurrent import waits rather
    /// than interleaves). If `meta.sha256` was imported before, nothing is written.
    fn begin_import<'a>(&'a mut self, meta: &NewImport<'_>) -> Result<BeginImport<'a>>;
    /// Open an import stored before, in one transaction, to revise the records its rows
    /// correct (an edition first imported without `revise`). New rows are not expected: the
    /// import read them then.
    /// `complete` as in [`NewImport::complete`].
    fn reopen_import<'a>(&'a mut self, import_id: i64, complete: bool) -> Result<Box<dyn ImportWriter + 'a>>;

    /// The import of these bytes, if any.
    fn find_import(&self, sha256: &str) -> Result<Option<ImportInfo>>;
    fn sources(&self) -> Result<Vec<SourceSummary>>;
    /// Revisions by corrected editions, oldest first per record, in source and record order;
    /// all sources when `source` is `None`.
    fn revisions(&self, source: Option<&str>) -> Result<Vec<RevisionRow>>;
    /// Withdrawals and restorations of records, in the order they happened; all sources when
    /// `source` is `None`.
    fn withdrawals(&self, source: Option<&str>) -> Result<Vec<WithdrawalRow>>;
    /// Rejects and warnings, in source and line order; all sources when `source` is `None`.
    fn rejects(&self, source: Option<&str>) -> Result<Vec<RejectRow>>;
    fn counts(&self) -> Result<StoreCounts>;
    /// The number of records: [`StoreCounts::records`] without counting every other table (an
    /// incremental link asks for it alone).
    fn record_count(&self) -> Result<u64> {
        Ok(self.counts()?.records)
    }

    /// Visit records in id order (the order they were stored). Streams: suitable for millions.
    fn for_each_record(
        &self,
        query: &RecordQuery,
        f: &mut dyn FnMut(Record) -> std::result::Result<(), CallbackError>,
    ) -> Result<()>;
    /// Visit, in id order, the records linkage has not seen yet: those whose person import
    /// minted (assignment method `import`), each with that person. Streams, and reads only
    /// those records (an incremental link of a thousand new records into a million). Records
    /// with no assignment at all are not visited (import always writes one); a caller that
    /// must be sure compares counts.
    fn for_each_unlinked_record(
        &self,
        f: &mut dyn FnMut(Record, PersonId) -> std::result::Result<(), CallbackError>,
    ) -> Result<()>;
    fn record_by_key(&self, key: &RecordKey) -> Result<Option<Record>>;
    /// The original bytes stored under a hash.
    fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>>;

    /// Visit every record's person assignment, in record id order.
    fn for_each_link(&self, f: &mut dyn FnMut(LinkRow) -> std::result::Result<(), CallbackError>) -> Result<()>;
    /// Visit every person that has at least one record, in person id order.
    fn for_each_person(&self, f: &mut dyn FnMut(PersonRow) -> std::result::Result<(), CallbackError>) -> Result<()>;

    /// Append a status entry citing a record (status history is never updated or deleted).
    fn append_status(&mut self, record_id: i64, status: Status, date: Option<PartialDate>) -> Result<()>;
    /// The status history of a person: the entries citing any record linked to them, oldest first.
    fn status_history(&self, person: PersonId) -> Result<Vec<StatusEntry>>;

    fn add_claim(&mut self, claim: &Claim) -> Result<i64>;
    fn claims(&self) -> Result<Vec<Claim>>;
}

/// Convenience over [`RecordStore::for_each_record`]: one source's records, collected.
pub fn records_by_source(store: &dyn RecordStore, source: &str, with_raw: bool) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    let q = RecordQuery { source: Some(source.to_string()), with_raw };
    store.for_each_record(&q, &mut |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}
