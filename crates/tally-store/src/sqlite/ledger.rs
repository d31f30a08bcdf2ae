//! SQLite implementation of [`LedgerStore`]. Each append is one `BEGIN IMMEDIATE` transaction
//! with cached prepared statements, so batches of entries and their hashes land together or not
//! at all; triggers in migration 0003 refuse updates and deletes.

use crate::ledger::{LedgerEntry, LedgerStore, ManifestRow, NewLedgerEntry};
use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};
use rusqlite::{params, OptionalExtension};

fn next_id(conn: &rusqlite::Connection, sql: &str) -> Result<u64> {
    let max: Option<i64> = conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?;
    Ok(max.map(|m| m as u64 + 1).unwrap_or(0))
}

fn to_i64(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{what} {v} is out of range")))
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry { index: r.get::<_, i64>(0)? as u64, kind: r.get(1)?, body: r.get(2)? })
}

impl LedgerStore for SqliteStore {
    fn ledger_meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM ledger_meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn ledger_put_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute("INSERT INTO ledger_meta(key, value) VALUES (?1, ?2)", params![key, value])?;
        Ok(())
    }

    fn ledger_size(&self) -> Result<u64> {
        next_id(&self.conn, "SELECT max(idx) FROM ledger_entries")
    }

    fn ledger_hash_count(&self) -> Result<u64> {
        next_id(&self.conn, "SELECT max(id) FROM ledger_hashes")
    }

    fn ledger_append(
        &mut self,
        start: u64,
        entries: &[NewLedgerEntry<'_>],
        first_hash: u64,
        hashes: &[[u8; 32]],
    ) -> Result<()> {
        // IMMEDIATE takes the write lock first, so the size checks below cannot race another
        // writer.
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let size = next_id(&tx, "SELECT max(idx) FROM ledger_entries")?;
        let nh = next_id(&tx, "SELECT max(id) FROM ledger_hashes")?;
        if size != start || nh != first_hash {
            return Err(StoreError::Invalid(format!(
                "ledger append expected to start at entry {start} and hash {first_hash}, but the log has {size} \
                 entries and {nh} hashes (another writer appended first?)"
            )));
        }
        {
            let mut ins = tx.prepare_cached("INSERT INTO ledger_entries(idx, kind, body) VALUES (?1, ?2, ?3)")?;
            for (i, e) in entries.iter().enumerate() {
                ins.execute(params![to_i64(start + i as u64, "entry index")?, e.kind, e.body])?;
            }
            let mut insh = tx.prepare_cached("INSERT INTO ledger_hashes(id, hash) VALUES (?1, ?2)")?;
            for (i, h) in hashes.iter().enumerate() {
                insh.execute(params![to_i64(first_hash + i as u64, "hash id")?, &h[..]])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn ledger_entry(&self, index: u64) -> Result<Option<LedgerEntry>> {
        Ok(self
            .conn
            .prepare_cached("SELECT idx, kind, body FROM ledger_entries WHERE idx = ?1")?
            .query_row([to_i64(index, "entry index")?], entry_row)
            .optional()?)
    }

    fn ledger_scan(&self, from: u64, f: &mut dyn FnMut(LedgerEntry) -> bool) -> Result<()> {
        let mut st =
            self.conn.prepare_cached("SELECT idx, kind, body FROM ledger_entries WHERE idx >= ?1 ORDER BY idx")?;
        let mut rows = st.query([to_i64(from, "entry index")?])?;
        while let Some(r) = rows.next()? {
            if !f(entry_row(r)?) {
                break;
            }
        }
        Ok(())
    }

    fn ledger_entries_of_kind(&self, kind: &str) -> Result<Vec<LedgerEntry>> {
        let mut st =
            self.conn.prepare_cached("SELECT idx, kind, body FROM ledger_entries WHERE kind = ?1 ORDER BY idx")?;
        let rows = st.query_map([kind], entry_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ledger_read_hashes(&self, ids: &[u64]) -> Result<Vec<[u8; 32]>> {
        let mut st = self.conn.prepare_cached("SELECT hash FROM ledger_hashes WHERE id = ?1")?;
        ids.iter()
            .map(|&id| {
                let b: Option<Vec<u8>> = st.query_row([to_i64(id, "hash id")?], |r| r.get(0)).optional()?;
                let b = b.ok_or_else(|| StoreError::Invalid(format!("ledger hash {id} is missing")))?;
                <[u8; 32]>::try_from(b.as_slice())
                    .map_err(|_| StoreError::Invalid(format!("ledger hash {id} is not 32 bytes")))
            })
            .collect()
    }

    fn ledger_add_checkpoint(&mut self, size: u64, note: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO ledger_checkpoints(size, note) VALUES (?1, ?2)",
            params![to_i64(size, "checkpoint size")?, note],
        )?;
        Ok(())
    }

    fn ledger_checkpoint(&self, size: u64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT note FROM ledger_checkpoints WHERE size = ?1")?
            .query_row([to_i64(size, "checkpoint size")?], |r| r.get(0))
            .optional()?)
    }

    fn ledger_latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT size, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
            .optional()?)
    }

    fn ledger_checkpoints(&self) -> Result<Vec<(u64, String)>> {
        let mut st = self.conn.prepare_cached("SELECT size, note FROM ledger_checkpoints ORDER BY size")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ledger_add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO ledger_cosignatures(size, witness, line) VALUES (?1, ?2, ?3)",
            params![to_i64(size, "checkpoint size")?, witness, line],
        )?;
        Ok(())
    }

    fn ledger_cosignatures(&self, size: u64) -> Result<Vec<(String, String)>> {
        let mut st =
            self.conn.prepare_cached("SELECT witness, line FROM ledger_cosignatures WHERE size = ?1 ORDER BY id")?;
        let rows = st.query_map([to_i64(size, "checkpoint size")?], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ledger_last_cosigned(&self, witness: &str) -> Result<Option<u64>> {
        let v: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(size) FROM ledger_cosignatures WHERE witness = ?1")?
            .query_row([witness], |r| r.get(0))?;
        Ok(v.map(|v| v as u64))
    }

    fn ledger_put_manifest(&mut self, root_hex: &str, rows: &[ManifestRow]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut st =
                tx.prepare_cached("INSERT INTO ledger_manifest_rows(root, idx, salt, row) VALUES (?1, ?2, ?3, ?4)")?;
            for r in rows {
                st.execute(params![root_hex, to_i64(r.index, "row index")?, &r.salt[..], r.row])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn ledger_manifest(&self, root_hex: &str) -> Result<Vec<ManifestRow>> {
        let mut st =
            self.conn.prepare_cached("SELECT idx, salt, row FROM ledger_manifest_rows WHERE root = ?1 ORDER BY idx")?;
        let rows = st.query_map([root_hex], |r| {
            let salt: Vec<u8> = r.get(1)?;
            Ok((r.get::<_, i64>(0)? as u64, salt, r.get::<_, String>(2)?))
        })?;
        rows.map(|r| {
            let (index, salt, row) = r?;
            let salt = <[u8; 32]>::try_from(salt.as_slice())
                .map_err(|_| StoreError::Invalid(format!("manifest {root_hex} row {index}: salt is not 32 bytes")))?;
            Ok(ManifestRow { index, salt, row })
        })
        .collect()
    }
}
