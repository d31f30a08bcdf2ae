//! SQLite implementation of [`RecordStore`].

use super::SqliteStore;
use crate::records::*;
use crate::{Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};
use tally_domain::{
    Claim, ParsedFields, PartialDate, PersonId, Record, RecordKey, Sex, SourceKind, Status, StatusEntry,
};

const IMPORT_COLS: &str = "i.id, s.name, s.kind, s.publisher, i.sha256, i.file_name, i.retrieved_at, i.imported_at, \
     i.format, i.encoding, i.delimiter, i.sheet, i.columns, i.rows, i.records, i.rejects, i.warnings, i.reading, i.revised, i.complete, i.withdrawn, i.restored";

fn kind_of(s: &str) -> Result<SourceKind> {
    s.parse().map_err(|e: tally_domain::SourceKindError| StoreError::Invalid(e.to_string()))
}

fn import_info(r: &Row) -> rusqlite::Result<(ImportInfo, String, String)> {
    let kind: String = r.get(2)?;
    let columns: String = r.get(12)?;
    Ok((
        ImportInfo {
            import_id: r.get(0)?,
            source: r.get(1)?,
            kind: SourceKind::Other,
            publisher: r.get(3)?,
            sha256: r.get(4)?,
            file_name: r.get(5)?,
            retrieved_at: r.get(6)?,
            imported_at: r.get(7)?,
            format: r.get(8)?,
            encoding: r.get(9)?,
            delimiter: r.get(10)?,
            sheet: r.get(11)?,
            reading: r.get(17)?,
            columns: vec![],
            counts: ImportCounts {
                rows: r.get::<_, i64>(13)? as u64,
                records: r.get::<_, i64>(14)? as u64,
                rejects: r.get::<_, i64>(15)? as u64,
                warnings: r.get::<_, i64>(16)? as u64,
                revised: r.get::<_, i64>(18)? as u64,
                withdrawn: r.get::<_, i64>(20)? as u64,
                restored: r.get::<_, i64>(21)? as u64,
            },
            complete: r.get::<_, i64>(19)? != 0,
        },
        kind,
        columns,
    ))
}

fn finish_info((mut info, kind, columns): (ImportInfo, String, String)) -> Result<ImportInfo> {
    info.kind = kind_of(&kind)?;
    info.columns = serde_json::from_str(&columns).map_err(|e| StoreError::Invalid(format!("import columns: {e}")))?;
    Ok(info)
}

fn load_import(conn: &Connection, where_sql: &str, p: impl rusqlite::Params) -> Result<Option<ImportInfo>> {
    let sql = format!("SELECT {IMPORT_COLS} FROM imports i JOIN sources s ON s.id = i.source_id WHERE {where_sql}");
    conn.query_row(&sql, p, import_info).optional()?.map(finish_info).transpose()
}

fn raw_json(raw: &[(String, String)]) -> String {
    serde_json::to_string(raw).expect("pairs of strings always serialise")
}

fn raw_from_json(s: &str) -> Result<Vec<(String, String)>> {
    serde_json::from_str(s).map_err(|e| StoreError::Invalid(format!("stored raw row: {e}")))
}

/// A record's raw cells as stored: when the row's headers are exactly the import's header row
/// (the usual case), only the values are kept (`["7","Шевченко"]`) and the headers once, in
/// `imports.headers`; otherwise (JSON Lines objects with their own keys) the pairs themselves
/// (`[["№","7"],...]`). This halves the size of a large import.
fn encode_raw(raw: &[(String, String)], headers: &[String]) -> String {
    let same = raw.len() == headers.len() && raw.iter().zip(headers).all(|((h, _), k)| h == k);
    if same {
        let values: Vec<&str> = raw.iter().map(|(_, v)| v.as_str()).collect();
        serde_json::to_string(&values).expect("strings always serialise")
    } else {
        raw_json(raw)
    }
}

fn decode_raw(s: &str, headers: &[String]) -> Result<Vec<(String, String)>> {
    let bad = |e: serde_json::Error| StoreError::Invalid(format!("stored raw row: {e}"));
    if s.starts_with("[[") || s == "[]" {
        return raw_from_json(s);
    }
    let values: Vec<String> = serde_json::from_str(s).map_err(bad)?;
    if values.len() != headers.len() {
        return Err(StoreError::Invalid(format!(
            "stored raw row has {} values for {} headers",
            values.len(),
            headers.len()
        )));
    }
    Ok(headers.iter().cloned().zip(values).collect())
}

/// Header rows of imports, loaded once per import while reading records.
#[derive(Default)]
struct HeaderCache(std::collections::HashMap<i64, Vec<String>>);

impl HeaderCache {
    fn get(&mut self, conn: &Connection, import_id: i64) -> Result<&[String]> {
        use std::collections::hash_map::Entry;
        Ok(match self.0.entry(import_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let h: String =
                    conn.query_row("SELECT headers FROM imports WHERE id = ?1", [import_id], |r| r.get(0))?;
                let h: Vec<String> =
                    serde_json::from_str(&h).map_err(|e| StoreError::Invalid(format!("import headers: {e}")))?;
                e.insert(h)
            }
        })
    }
}

fn date_cols(d: Option<PartialDate>) -> (Option<String>, Option<&'static str>) {
    match d {
        Some(d) => (Some(d.to_string()), Some(d.precision().as_str())),
        None => (None, None),
    }
}

fn date_from(s: Option<String>) -> Result<Option<PartialDate>> {
    s.map(|s| PartialDate::parse_canonical(&s).map_err(|e| StoreError::Invalid(format!("stored date {s:?}: {e}"))))
        .transpose()
}

fn sex_from(s: Option<String>) -> Option<Sex> {
    match s.as_deref() {
        Some("male") => Some(Sex::Male),
        Some("female") => Some(Sex::Female),
        _ => None,
    }
}

fn status_from(s: Option<String>) -> Result<Option<Status>> {
    s.map(|s| Status::parse(&s).map_err(|e| StoreError::Invalid(e.to_string()))).transpose()
}

/// Columns read for a record, in the order [`record_from_row`] expects.
const RECORD_COLS: &str = "r.id, s.name, r.source_record_id, r.line, r.surname, r.given_name, r.patronymic, \
     r.birth_date, r.death_date, r.region, r.settlement, r.unit, r.rank, r.status, r.sex, r.category, r.citizenship";

/// Build a record from a row of [`RECORD_COLS`]; with `raw`, columns 17 and 18 are the
/// stored raw text and the import id.
fn record_from_row(r: &Row, raw: Option<(&Connection, &mut HeaderCache)>) -> Result<Record> {
    let raw = match raw {
        Some((conn, cache)) => {
            let text: String = r.get(17)?;
            let import_id: i64 = r.get(18)?;
            decode_raw(&text, cache.get(conn, import_id)?)?
        }
        None => vec![],
    };
    Ok(Record {
        id: r.get(0)?,
        key: RecordKey::new(r.get::<_, String>(1)?, r.get::<_, String>(2)?),
        line: r.get::<_, i64>(3)? as u64,
        raw,
        fields: ParsedFields {
            surname: r.get(4)?,
            given_name: r.get(5)?,
            patronymic: r.get(6)?,
            birth_date: date_from(r.get(7)?)?,
            death_date: date_from(r.get(8)?)?,
            region: r.get(9)?,
            settlement: r.get(10)?,
            unit: r.get(11)?,
            rank: r.get(12)?,
            status: status_from(r.get(13)?)?,
            sex: sex_from(r.get(14)?),
            category: r.get(15)?,
            citizenship: r.get(16)?,
        },
    })
}

/// One open import transaction.
struct SqliteImport<'a> {
    conn: &'a Connection,
    import_id: i64,
    source_id: i64,
    file_name: String,
    headers: Vec<String>,
    revise: bool,
    /// When this edition was obtained, if said (RFC 3339).
    retrieved_at: Option<String>,
    /// The record ids this edition names are noted (in the temporary table `edition_ids`),
    /// for [`ImportWriter::settle_withdrawals`]: when the edition is complete, or the source
    /// has withdrawn records that it may name again.
    track: bool,
    done: bool,
}

impl Drop for SqliteImport<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Best effort: if the connection is gone the transaction dies with it anyway.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Whether two rows hold the same cells: the same (header, value) pairs, leaving out empty
/// cells, so that an edition that adds a column (empty for the rows it had) repeats those rows
/// rather than changing them all.
fn same_cells(a: &[(String, String)], b: &[(String, String)]) -> bool {
    let filled = |r: &[(String, String)]| -> Vec<(String, String)> {
        r.iter().filter(|(_, v)| !v.trim().is_empty()).cloned().collect()
    };
    filled(a) == filled(b)
}

/// The parsed columns of `records`, in the order `field_values` gives them.
const FIELD_COLS: [&str; 15] = [
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

/// A record's parsed fields as the values of [`FIELD_COLS`].
fn field_values(f: &ParsedFields) -> [Option<String>; 15] {
    let (bd, bp) = date_cols(f.birth_date);
    let (dd, dp) = date_cols(f.death_date);
    [
        f.surname.clone(),
        f.given_name.clone(),
        f.patronymic.clone(),
        bd,
        bp.map(str::to_string),
        dd,
        dp.map(str::to_string),
        f.region.clone(),
        f.settlement.clone(),
        f.unit.clone(),
        f.rank.clone(),
        f.status.map(|s| s.as_str().to_string()),
        f.sex.map(|s| s.as_str().to_string()),
        f.category.clone(),
        f.citizenship.clone(),
    ]
}

/// The latest withdrawal event of record `r`, as SQL.
const LAST_EVENT: &str =
    "(SELECT w.event FROM record_withdrawals w WHERE w.record_id = r.id ORDER BY w.id DESC LIMIT 1)";

impl SqliteImport<'_> {
    /// Note the ids this edition names, if it is complete or the source has withdrawn records.
    fn start_tracking(&mut self, complete: bool) -> Result<()> {
        // Through the (small) table of events, not the source's records: a million-record
        // source with no withdrawals costs nothing here.
        let withdrawn: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM record_withdrawals w JOIN records r ON r.id = w.record_id
                            WHERE r.source_id = ?1)",
            [self.source_id],
            |r| r.get(0),
        )?;
        self.track = complete || withdrawn;
        if self.track {
            self.conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS edition_ids (source_record_id TEXT PRIMARY KEY) WITHOUT ROWID;
                 DELETE FROM temp.edition_ids;",
            )?;
        }
        Ok(())
    }

    /// Keep a row of an edition older than the one a record holds as an earlier version of the
    /// record, replaced by the edition it holds. The record does not change, so no link run
    /// needs to see it (`linked` = 1).
    fn keep_older(&self, record_id: i64, held_import: i64, rec: &Record, raw: &str) -> Result<()> {
        let cols = FIELD_COLS.join(", ");
        let marks = (0..FIELD_COLS.len()).map(|i| format!("?{}", i + 6)).collect::<Vec<_>>().join(", ");
        let mut values: Vec<rusqlite::types::Value> = vec![
            record_id.into(),
            self.import_id.into(),
            held_import.into(),
            (rec.line as i64).into(),
            raw.to_string().into(),
        ];
        values
            .extend(field_values(&rec.fields).into_iter().map(|v| v.map_or(rusqlite::types::Value::Null, Into::into)));
        self.conn.execute(
            &format!(
                "INSERT INTO record_versions (record_id, import_id, replaced_by, line, raw, {cols}, linked)
                 VALUES (?1, ?2, ?3, ?4, ?5, {marks}, 1)"
            ),
            rusqlite::params_from_iter(values),
        )?;
        Ok(())
    }

    /// Replace a record's row with a corrected edition's, keeping the version it replaces.
    /// Returns the parsed fields that changed.
    fn revise_record(&self, record_id: i64, rec: &Record, raw: &str) -> Result<Vec<&'static str>> {
        let cols = FIELD_COLS.join(", ");
        let old: Vec<Option<String>> =
            self.conn.query_row(&format!("SELECT {cols} FROM records WHERE id = ?1"), [record_id], |r| {
                (0..FIELD_COLS.len()).map(|i| r.get(i)).collect()
            })?;
        let new = field_values(&rec.fields);
        // A date's precision changes with its value; name the field once.
        let changed: Vec<&'static str> = FIELD_COLS
            .iter()
            .zip(old.iter().zip(&new))
            .filter(|(_, (o, n))| o != n)
            .map(|(c, _)| match *c {
                "birth_precision" => "birth_date",
                "death_precision" => "death_date",
                c => c,
            })
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
        self.conn.execute(
            &format!(
                "INSERT INTO record_versions (record_id, import_id, replaced_by, line, raw, {cols})
                 SELECT id, import_id, ?2, line, raw, {cols} FROM records WHERE id = ?1"
            ),
            params![record_id, self.import_id],
        )?;
        let sets =
            FIELD_COLS.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 5)).collect::<Vec<_>>().join(", ");
        let mut values: Vec<rusqlite::types::Value> =
            vec![record_id.into(), self.import_id.into(), (rec.line as i64).into(), raw.to_string().into()];
        values.extend(new.iter().map(|v| v.clone().map_or(rusqlite::types::Value::Null, Into::into)));
        self.conn.execute(
            &format!("UPDATE records SET import_id = ?2, line = ?3, raw = ?4, {sets} WHERE id = ?1"),
            rusqlite::params_from_iter(values),
        )?;
        // Status history is append-only: a corrected status is a new entry citing the record.
        if let Some(st) = rec.fields.status {
            if changed.contains(&"status") {
                let (d, p) = date_cols(rec.fields.death_date);
                self.conn.execute(
                    "INSERT INTO status_history (record_id, status, date, date_precision) VALUES (?1, ?2, ?3, ?4)",
                    params![record_id, st.as_str(), d, p],
                )?;
            }
        }
        Ok(changed)
    }
}

impl ImportWriter for SqliteImport<'_> {
    fn add_record(&mut self, rec: &Record) -> Result<AddOutcome> {
        if self.track {
            self.note_present(rec.key.source_record_id.as_str())?;
        }
        let f = &rec.fields;
        let raw = encode_raw(&rec.raw, &self.headers);
        let (bd, bp) = date_cols(f.birth_date);
        let (dd, dp) = date_cols(f.death_date);
        let mut ins = self.conn.prepare_cached(
            "INSERT INTO records (source_id, import_id, source_record_id, line, raw, surname, given_name, patronymic,
                 birth_date, birth_precision, death_date, death_precision, region, settlement, unit, rank, status,
                 sex, category, citizenship)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
             ON CONFLICT (source_id, source_record_id) DO NOTHING",
        )?;
        let n = ins.execute(params![
            self.source_id,
            self.import_id,
            rec.key.source_record_id.as_str(),
            rec.line as i64,
            raw,
            f.surname,
            f.given_name,
            f.patronymic,
            bd,
            bp,
            dd,
            dp,
            f.region,
            f.settlement,
            f.unit,
            f.rank,
            f.status.map(|s| s.as_str()),
            f.sex.map(|s| s.as_str()),
            f.category,
            f.citizenship,
        ])?;
        if n == 0 {
            let (record_id, old_raw, file_name, old_headers): (i64, String, String, String) = self.conn.query_row(
                "SELECT r.id, r.raw, i.file_name, i.headers FROM records r JOIN imports i ON i.id = r.import_id
                 WHERE r.source_id = ?1 AND r.source_record_id = ?2",
                params![self.source_id, rec.key.source_record_id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let old_headers: Vec<String> =
                serde_json::from_str(&old_headers).map_err(|e| StoreError::Invalid(format!("import headers: {e}")))?;
            return Ok(if same_cells(&decode_raw(&old_raw, &old_headers)?, &rec.raw) {
                AddOutcome::Unchanged { record_id }
            } else if self.revise {
                let (held_at, held_import): (Option<String>, i64) = self.conn.query_row(
                    "SELECT i.retrieved_at, i.id FROM records r JOIN imports i ON i.id = r.import_id WHERE r.id = ?1",
                    [record_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                // RFC 3339 times in UTC compare as text.
                if let (Some(held), Some(this)) = (&held_at, &self.retrieved_at) {
                    if this < held {
                        self.keep_older(record_id, held_import, rec, &raw)?;
                        return Ok(AddOutcome::Older { record_id, file_name });
                    }
                }
                let changed = self.revise_record(record_id, rec, &raw)?;
                AddOutcome::Revised { record_id, file_name, changed }
            } else {
                AddOutcome::Conflict { record_id, file_name }
            });
        }
        let record_id = self.conn.last_insert_rowid();
        self.conn.prepare_cached("INSERT INTO persons DEFAULT VALUES")?.execute([])?;
        let person_id = self.conn.last_insert_rowid();
        self.conn
            .prepare_cached(
                "INSERT INTO record_person (record_id, person_id, probability, method) VALUES (?1, ?2, 1.0, 'import')",
            )?
            .execute(params![record_id, person_id])?;
        if let Some(st) = f.status {
            // The status takes effect on the date of death/disappearance the record gives.
            let (d, p) = date_cols(f.death_date);
            self.conn
                .prepare_cached(
                    "INSERT INTO status_history (record_id, status, date, date_precision) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![record_id, st.as_str(), d, p])?;
        }
        Ok(AddOutcome::Added { record_id, person_id: PersonId(person_id) })
    }

    fn add_reject(&mut self, rej: &RejectRow) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO rejects (import_id, source_id, file_name, line, field, severity, reason, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                self.import_id,
                self.source_id,
                self.file_name,
                rej.line as i64,
                rej.field,
                rej.severity,
                rej.reason,
                raw_json(&rej.raw)
            ])?;
        Ok(())
    }

    fn withdraw_reject(&mut self, line: u64, field: &str) -> Result<u64> {
        let n = self.conn.execute(
            "DELETE FROM rejects WHERE import_id = ?1 AND line = ?2 AND field = ?3 AND severity = 'reject'",
            params![self.import_id, line as i64, field],
        )?;
        Ok(n as u64)
    }

    fn note_present(&mut self, source_record_id: &str) -> Result<()> {
        if self.track {
            self.conn
                .prepare_cached("INSERT OR IGNORE INTO temp.edition_ids (source_record_id) VALUES (?1)")?
                .execute([source_record_id])?;
        }
        Ok(())
    }

    fn settle_withdrawals(&mut self, complete: bool) -> Result<Withdrawals> {
        let mut out = Withdrawals::default();
        if !self.track {
            return Ok(out);
        }
        // Named again: restored, by any edition (complete or not) that names the record.
        let restored: Vec<(i64, String)> = self
            .conn
            .prepare(&format!(
                "SELECT r.id, r.source_record_id FROM records r JOIN temp.edition_ids e
                     ON e.source_record_id = r.source_record_id
                 WHERE r.source_id = ?1 AND {LAST_EVENT} = 'withdrawn' ORDER BY r.id"
            ))?
            .query_map([self.source_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // Left out of a complete edition: withdrawn, unless already, and unless the edition
        // that holds the record was obtained after this one (both say when; RFC 3339 times in
        // UTC compare as text), as a corrected edition's rows do not undo a later one's.
        let withdrawn: Vec<(i64, String)> = if complete {
            self.conn
                .prepare(&format!(
                    "SELECT r.id, r.source_record_id FROM records r JOIN imports i ON i.id = r.import_id
                     WHERE r.source_id = ?1
                       AND NOT EXISTS (SELECT 1 FROM temp.edition_ids e WHERE e.source_record_id = r.source_record_id)
                       AND COALESCE({LAST_EVENT}, 'restored') <> 'withdrawn'
                       AND NOT (?2 IS NOT NULL AND i.retrieved_at IS NOT NULL AND ?2 < i.retrieved_at)
                     ORDER BY r.id"
                ))?
                .query_map(params![self.source_id, self.retrieved_at], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        } else {
            Vec::new()
        };
        let mut ins = self
            .conn
            .prepare_cached("INSERT INTO record_withdrawals (record_id, import_id, event) VALUES (?1, ?2, ?3)")?;
        for (event, rows, ids) in
            [("restored", &restored, &mut out.restored), ("withdrawn", &withdrawn, &mut out.withdrawn)]
        {
            for (id, key) in rows {
                ins.execute(params![id, self.import_id, event])?;
                ids.push(key.clone());
            }
        }
        Ok(out)
    }

    fn finish(mut self: Box<Self>, c: ImportCounts) -> Result<ImportInfo> {
        // A reopened import adds to the counts it had.
        self.conn.execute(
            "UPDATE imports SET rows = ?2, records = ?3, rejects = ?4, warnings = ?5, revised = ?6, withdrawn = ?7,
                 restored = ?8 WHERE id = ?1",
            params![
                self.import_id,
                c.rows as i64,
                c.records as i64,
                c.rejects as i64,
                c.warnings as i64,
                c.revised as i64,
                c.withdrawn as i64,
                c.restored as i64
            ],
        )?;
        let info = load_import(self.conn, "i.id = ?1", [self.import_id])?
            .ok_or_else(|| StoreError::Invalid("import vanished inside its own transaction".into()))?;
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        Ok(info)
    }
}

impl RecordStore for SqliteStore {
    fn reopen_import<'a>(&'a mut self, import_id: i64, complete: bool) -> Result<Box<dyn ImportWriter + 'a>> {
        let conn = &self.conn;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut guard = SqliteImport {
            conn,
            import_id,
            source_id: 0,
            file_name: String::new(),
            headers: vec![],
            revise: true,
            retrieved_at: None,
            track: false,
            done: false,
        };
        let (source_id, file_name, headers, retrieved_at): (i64, String, String, Option<String>) = conn.query_row(
            "SELECT source_id, file_name, headers, retrieved_at FROM imports WHERE id = ?1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        guard.source_id = source_id;
        guard.retrieved_at = retrieved_at;
        guard.file_name = file_name;
        guard.start_tracking(complete)?;
        guard.headers =
            serde_json::from_str(&headers).map_err(|e| StoreError::Invalid(format!("import headers: {e}")))?;
        Ok(Box::new(guard))
    }

    fn begin_import<'a>(&'a mut self, m: &NewImport<'_>) -> Result<BeginImport<'a>> {
        let conn = &self.conn;
        // IMMEDIATE takes the write lock now: a second importer waits (busy_timeout) for the
        // first to commit, then sees its blob and reports the bytes as already imported.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut guard = SqliteImport {
            conn,
            import_id: 0,
            source_id: 0,
            file_name: m.file_name.to_string(),
            headers: m.headers.to_vec(),
            revise: m.revise,
            retrieved_at: m.retrieved_at.map(str::to_string),
            track: false,
            done: false,
        };
        if let Some(info) = load_import(conn, "i.sha256 = ?1", [m.sha256])? {
            return Ok(BeginImport::AlreadyImported(Box::new(info))); // guard rolls back
        }
        let existing: Option<i64> =
            conn.query_row("SELECT id FROM sources WHERE name = ?1", [m.source], |r| r.get(0)).optional()?;
        let source_id = match existing {
            Some(id) => {
                if let Some(p) = m.publisher {
                    conn.execute(
                        "UPDATE sources SET publisher = ?2 WHERE id = ?1 AND publisher IS NULL",
                        params![id, p],
                    )?;
                }
                id
            }
            None => {
                conn.execute(
                    "INSERT INTO sources (name, kind, publisher) VALUES (?1, ?2, ?3)",
                    params![m.source, m.kind.as_str(), m.publisher],
                )?;
                conn.last_insert_rowid()
            }
        };
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, bytes) VALUES (?1, ?2, ?3)",
            params![m.sha256, m.bytes.len() as i64, m.bytes],
        )?;
        let columns = serde_json::to_string(m.columns).expect("pairs of strings always serialise");
        let headers = serde_json::to_string(m.headers).expect("strings always serialise");
        conn.execute(
            "INSERT INTO imports (source_id, sha256, file_name, retrieved_at, format, encoding, delimiter, sheet, columns,
                 headers, reading, complete)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                source_id,
                m.sha256,
                m.file_name,
                m.retrieved_at,
                m.format,
                m.encoding,
                m.delimiter,
                m.sheet,
                columns,
                headers,
                m.reading,
                m.complete
            ],
        )?;
        guard.import_id = conn.last_insert_rowid();
        guard.source_id = source_id;
        guard.start_tracking(m.complete)?;
        Ok(BeginImport::Started(Box::new(guard)))
    }

    fn find_import(&self, sha256: &str) -> Result<Option<ImportInfo>> {
        load_import(&self.conn, "i.sha256 = ?1", [sha256])
    }

    fn sources(&self) -> Result<Vec<SourceSummary>> {
        let mut st = self.conn.prepare(
            "SELECT s.id, s.name, s.kind, s.publisher, (SELECT COUNT(*) FROM records r WHERE r.source_id = s.id)
             FROM sources s ORDER BY s.name",
        )?;
        let rows: Vec<(i64, String, String, Option<String>, i64)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let sql = format!(
            "SELECT {IMPORT_COLS} FROM imports i JOIN sources s ON s.id = i.source_id WHERE i.source_id = ?1 ORDER BY i.id"
        );
        let mut imp = self.conn.prepare(&sql)?;
        rows.into_iter()
            .map(|(id, name, kind, publisher, records)| {
                let imports = imp.query_map([id], import_info)?.map(|r| finish_info(r?)).collect::<Result<Vec<_>>>()?;
                Ok(SourceSummary { name, kind: kind_of(&kind)?, publisher, imports, records: records as u64 })
            })
            .collect()
    }

    fn withdrawals(&self, source: Option<&str>) -> Result<Vec<WithdrawalRow>> {
        let mut st = self.conn.prepare(
            "SELECT s.name, r.source_record_id, w.event, i.file_name, i.imported_at, r.surname, r.given_name,
                    r.patronymic
             FROM record_withdrawals w
             JOIN records r ON r.id = w.record_id
             JOIN sources s ON s.id = r.source_id
             JOIN imports i ON i.id = w.import_id
             WHERE ?1 IS NULL OR s.name = ?1
             ORDER BY w.id",
        )?;
        let rows = st
            .query_map([source], |r| {
                Ok(WithdrawalRow {
                    source: r.get(0)?,
                    source_record_id: r.get(1)?,
                    event: r.get(2)?,
                    file: r.get(3)?,
                    imported_at: r.get(4)?,
                    surname: r.get(5)?,
                    given_name: r.get(6)?,
                    patronymic: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn revisions(&self, source: Option<&str>) -> Result<Vec<RevisionRow>> {
        // Each version with what replaced it: the record's version from the edition that
        // replaced it, else the record as it is now.
        let cols = FIELD_COLS.iter().map(|c| format!("v.{c}")).collect::<Vec<_>>().join(", ");
        let next_cols = FIELD_COLS
            .iter()
            .map(|c| format!("COALESCE(n.{c}, CASE WHEN n.id IS NULL THEN r.{c} END)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT s.name, r.source_record_id, fi.file_name, v.line, ti.file_name, ti.imported_at,
                    COALESCE(n.line, r.line), {cols}, {next_cols}
             FROM record_versions v
             JOIN records r ON r.id = v.record_id
             JOIN sources s ON s.id = r.source_id
             JOIN imports fi ON fi.id = v.import_id
             JOIN imports ti ON ti.id = v.replaced_by
             LEFT JOIN record_versions n ON n.record_id = v.record_id AND n.import_id = v.replaced_by
             WHERE ?1 IS NULL OR s.name = ?1
             ORDER BY s.name, r.id, v.id"
        );
        let k = FIELD_COLS.len();
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([source], |r| {
            let before: Vec<Option<String>> = (0..k).map(|i| r.get(7 + i)).collect::<rusqlite::Result<_>>()?;
            let after: Vec<Option<String>> = (0..k).map(|i| r.get(7 + k + i)).collect::<rusqlite::Result<_>>()?;
            let changes = FIELD_COLS
                .iter()
                .zip(before.into_iter().zip(after))
                // A date's precision is in its canonical text already.
                .filter(|(c, (b, a))| b != a && !c.ends_with("_precision"))
                .map(|(c, (b, a))| (c.to_string(), b, a))
                .collect();
            Ok(RevisionRow {
                source: r.get(0)?,
                source_record_id: r.get(1)?,
                from_file: r.get(2)?,
                from_line: r.get::<_, i64>(3)? as u64,
                to_file: r.get(4)?,
                imported_at: r.get(5)?,
                to_line: r.get::<_, i64>(6)? as u64,
                changes,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn rejects(&self, source: Option<&str>) -> Result<Vec<RejectRow>> {
        let mut st = self.conn.prepare(
            "SELECT s.name, j.file_name, j.line, j.field, j.severity, j.reason, j.raw
             FROM rejects j JOIN sources s ON s.id = j.source_id
             WHERE ?1 IS NULL OR s.name = ?1
             ORDER BY s.name, j.import_id, j.line, j.id",
        )?;
        let rows = st.query_map([source], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        rows.map(|r| {
            let (source, file_name, line, field, severity, reason, raw) = r?;
            Ok(RejectRow { source, file_name, line: line as u64, field, severity, reason, raw: raw_from_json(&raw)? })
        })
        .collect()
    }

    fn record_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM records", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn counts(&self) -> Result<StoreCounts> {
        let n = |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
        Ok(StoreCounts {
            sources: n("SELECT COUNT(*) FROM sources")?,
            imports: n("SELECT COUNT(*) FROM imports")?,
            blobs: n("SELECT COUNT(*) FROM blobs")?,
            records: self.record_count()?,
            persons: n("SELECT COUNT(*) FROM persons")?,
            rejects: n("SELECT COUNT(*) FROM rejects WHERE severity = 'reject'")?,
            warnings: n("SELECT COUNT(*) FROM rejects WHERE severity = 'warning'")?,
            status_entries: n("SELECT COUNT(*) FROM status_history")?,
            claims: n("SELECT COUNT(*) FROM claims")?,
        })
    }

    fn for_each_record(
        &self,
        q: &RecordQuery,
        f: &mut dyn FnMut(Record) -> std::result::Result<(), CallbackError>,
    ) -> Result<()> {
        let raw = if q.with_raw { ", r.raw, r.import_id" } else { "" };
        // One source: filter on its id, which the (source_id, source_record_id) index serves;
        // an `OR` over the name would scan every record.
        let source_id: Option<i64> = match &q.source {
            Some(name) => {
                match self.conn.query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| r.get(0)).optional()? {
                    Some(id) => Some(id),
                    None => return Ok(()),
                }
            }
            None => None,
        };
        let filter = if source_id.is_some() { "WHERE r.source_id = ?1" } else { "WHERE ?1 IS NULL" };
        let sql = format!(
            "SELECT {RECORD_COLS}{raw} FROM records r JOIN sources s ON s.id = r.source_id {filter} ORDER BY r.id"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query([source_id])?;
        let mut cache = HeaderCache::default();
        while let Some(row) = rows.next()? {
            let rec = record_from_row(row, q.with_raw.then_some((&self.conn, &mut cache)))?;
            f(rec).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn for_each_unlinked_record(
        &self,
        f: &mut dyn FnMut(Record, PersonId) -> std::result::Result<(), CallbackError>,
    ) -> Result<()> {
        // Driven from record_person (a scan of its narrow rows, some 70 ms at a million), not
        // from records: only the few import-assigned records are decoded.
        let sql = format!(
            "SELECT {RECORD_COLS}, rp.person_id FROM record_person rp JOIN records r ON r.id = rp.record_id \
             JOIN sources s ON s.id = r.source_id WHERE rp.method = 'import' ORDER BY r.id"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let person = PersonId(row.get(17)?);
            let rec = record_from_row(row, None)?;
            f(rec, person).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn record_by_key(&self, key: &RecordKey) -> Result<Option<Record>> {
        let sql = format!(
            "SELECT {RECORD_COLS}, r.raw, r.import_id FROM records r JOIN sources s ON s.id = r.source_id
             WHERE s.name = ?1 AND r.source_record_id = ?2"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(params![key.source.as_str(), key.source_record_id.as_str()])?;
        match rows.next()? {
            Some(row) => Ok(Some(record_from_row(row, Some((&self.conn, &mut HeaderCache::default())))?)),
            None => Ok(None),
        }
    }

    fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.conn.query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?)
    }

    fn for_each_link(&self, f: &mut dyn FnMut(LinkRow) -> std::result::Result<(), CallbackError>) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT s.name, r.source_record_id, r.id, rp.person_id, rp.probability, rp.method
             FROM records r JOIN sources s ON s.id = r.source_id JOIN record_person rp ON rp.record_id = r.id
             ORDER BY r.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let link = LinkRow {
                source: r.get(0)?,
                source_record_id: r.get(1)?,
                record_id: r.get(2)?,
                person_id: PersonId(r.get(3)?),
                probability: r.get(4)?,
                method: r.get(5)?,
            };
            f(link).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn for_each_person(&self, f: &mut dyn FnMut(PersonRow) -> std::result::Result<(), CallbackError>) -> Result<()> {
        // SQLite takes the bare columns from the row that holds MIN(r.id): the earliest record.
        let mut st = self.conn.prepare(
            "SELECT rp.person_id, COUNT(*), group_concat(DISTINCT s.name), MIN(r.id),
                    r.surname, r.given_name, r.patronymic, r.birth_date, r.death_date, r.status
             FROM record_person rp JOIN records r ON r.id = rp.record_id JOIN sources s ON s.id = r.source_id
             GROUP BY rp.person_id ORDER BY rp.person_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let sources: String = r.get(2)?;
            let mut sources: Vec<String> = sources.split(',').map(String::from).collect();
            sources.sort();
            let p = PersonRow {
                person_id: PersonId(r.get(0)?),
                records: r.get::<_, i64>(1)? as u64,
                sources,
                surname: r.get(4)?,
                given_name: r.get(5)?,
                patronymic: r.get(6)?,
                birth_date: date_from(r.get(7)?)?,
                death_date: date_from(r.get(8)?)?,
                status: status_from(r.get(9)?)?,
            };
            f(p).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn append_status(&mut self, record_id: i64, status: Status, date: Option<PartialDate>) -> Result<()> {
        let (d, p) = date_cols(date);
        self.conn.execute(
            "INSERT INTO status_history (record_id, status, date, date_precision) VALUES (?1, ?2, ?3, ?4)",
            params![record_id, status.as_str(), d, p],
        )?;
        Ok(())
    }

    fn status_history(&self, person: PersonId) -> Result<Vec<StatusEntry>> {
        let mut st = self.conn.prepare(
            "SELECT h.status, h.date, s.name, r.source_record_id
             FROM status_history h JOIN records r ON r.id = h.record_id JOIN sources s ON s.id = r.source_id
             JOIN record_person rp ON rp.record_id = r.id
             WHERE rp.person_id = ?1 ORDER BY h.id",
        )?;
        let rows = st.query_map([person.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        rows.map(|r| {
            let (status, date, source, source_record_id) = r?;
            Ok(StatusEntry {
                status: Status::parse(&status).map_err(|e| StoreError::Invalid(e.to_string()))?,
                date: date_from(date)?,
                cites: RecordKey::new(source, source_record_id),
            })
        })
        .collect()
    }

    fn add_claim(&mut self, c: &Claim) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO claims (claimant, measure, value, as_of, as_of_precision, scope, citation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.claimant,
                c.measure,
                c.value as i64,
                c.as_of.to_string(),
                c.as_of.precision().as_str(),
                c.scope,
                c.citation
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn claims(&self) -> Result<Vec<Claim>> {
        let mut st =
            self.conn.prepare("SELECT claimant, measure, value, as_of, scope, citation FROM claims ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|r| {
            let (claimant, measure, value, as_of, scope, citation) = r?;
            let as_of = date_from(Some(as_of))?.expect("Some in, Some out");
            Ok(Claim { claimant, measure, value: value as u64, as_of, scope, citation })
        })
        .collect()
    }
}
