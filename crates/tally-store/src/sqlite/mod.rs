//! The embedded default: one SQLite file in WAL mode with versioned migrations.

mod ledger;
mod links;
mod records;

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// Migrations in order. A database records the highest version applied in `PRAGMA user_version`;
/// each migration runs in its own transaction, so a crash mid-migration leaves the old version.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "foundation", include_str!("../../migrations/sqlite/0001_foundation.sql")),
    (2, "linkage", include_str!("../../migrations/sqlite/0002_linkage.sql")),
    (3, "ledger", include_str!("../../migrations/sqlite/0003_ledger.sql")),
    (4, "link_flags", include_str!("../../migrations/sqlite/0004_link_flags.sql")),
    (5, "unlinked_index", include_str!("../../migrations/sqlite/0005_unlinked_index.sql")),
    (6, "import_reading", include_str!("../../migrations/sqlite/0006_import_reading.sql")),
    (7, "record_versions", include_str!("../../migrations/sqlite/0007_record_versions.sql")),
    (8, "record_withdrawals", include_str!("../../migrations/sqlite/0008_record_withdrawals.sql")),
];

pub struct SqliteStore {
    pub(crate) conn: Connection,
    path: String,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish()
    }
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let p = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|source| StoreError::Open { path: p.clone(), source })?;
        Self::init(conn, p)
    }

    /// An in-memory database, for tests and dry runs.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn =
            Connection::open_in_memory().map_err(|source| StoreError::Open { path: ":memory:".into(), source })?;
        Self::init(conn, ":memory:".into())
    }

    fn init(mut conn: Connection, path: String) -> Result<SqliteStore> {
        // busy_timeout first: switching a fresh file to WAL takes a lock, and two processes
        // opening the same new file at once must wait for each other, not fail. WAL lets
        // readers run beside one writer; a second concurrent importer waits for the first.
        conn.busy_timeout(std::time::Duration::from_secs(600))?;
        // The busy handler does not cover every step of setting up a file that other processes
        // are setting up at the same moment: switching a fresh file to WAL, or starting the
        // migration while another process switches it, can fail at once with "database is
        // locked" (seen about once in a hundred openings by three importers at once). Those
        // steps are repeated until they go through.
        retry_busy(|| conn.pragma_update(None, "journal_mode", "WAL").map_err(StoreError::from))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 16 MiB of page cache: enough for the index pages a large import touches again and
        // again (64 MiB imported a million records no faster), and it counts towards the
        // peak memory of `tally link` at a million records.
        conn.pragma_update(None, "cache_size", -16384)?;
        retry_busy(|| migrate(&mut conn))?;
        Ok(SqliteStore { conn, path })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// SQLite's own consistency check: `Ok("ok")` for a sound file, else its findings.
    pub fn integrity_check(&self) -> Result<String> {
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(lines.join("\n"))
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

/// Whether an error is SQLite's "busy" or "locked", which trying again resolves.
fn is_busy(e: &StoreError) -> bool {
    let sql = match e {
        StoreError::Sql(s) | StoreError::Migrate { source: s, .. } | StoreError::Open { source: s, .. } => s,
        _ => return false,
    };
    matches!(sql.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Run `f` until it does not fail as busy, for up to about a minute.
fn retry_busy<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut waited = std::time::Duration::ZERO;
    loop {
        match f() {
            Err(e) if is_busy(&e) && waited < std::time::Duration::from_secs(60) => {
                let pause = std::time::Duration::from_millis(20);
                std::thread::sleep(pause);
                waited += pause;
            }
            r => return r,
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    // BEGIN IMMEDIATE so two processes opening a fresh file do not both migrate it.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(StoreError::TooNew { version: current, known });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.execute_batch(sql).map_err(|source| StoreError::Migrate { version, name, source })?;
        tx.pragma_update(None, "user_version", version).map_err(|source| StoreError::Migrate {
            version,
            name,
            source,
        })?;
    }
    tx.commit()?;
    Ok(())
}
