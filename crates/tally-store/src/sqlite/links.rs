//! SQLite implementation of [`LinkStore`].

use super::SqliteStore;
use crate::links::*;
use crate::{Result, StoreError};
use rusqlite::{params, OptionalExtension};
use tally_domain::{PersonId, RecordKey};

impl LinkStore for SqliteStore {
    fn save_model(&mut self, params_id: &str, seed: u64, input_hash: &str, params_json: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO link_models (params_id, seed, input_hash, params) VALUES (?1, ?2, ?3, ?4)",
            params![params_id, seed as i64, input_hash, params_json],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn latest_model(&self) -> Result<Option<ModelRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, params_id, seed, input_hash, params, created_at FROM link_models ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(ModelRow {
                        id: r.get(0)?,
                        params_id: r.get(1)?,
                        seed: r.get::<_, i64>(2)? as u64,
                        input_hash: r.get(3)?,
                        params: r.get(4)?,
                        created_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    fn pairs(&self, min: f64, max: f64) -> Result<Vec<PairRow>> {
        let mut st = self.conn.prepare(
            "SELECT record_a, record_b, weight, probability FROM link_pairs \
             WHERE probability >= ?1 AND probability < ?2 ORDER BY record_a, record_b",
        )?;
        let rows = st.query_map(params![min, max], |r| {
            Ok(PairRow { record_a: r.get(0)?, record_b: r.get(1)?, weight: r.get(2)?, probability: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn for_each_pair(
        &self,
        f: &mut dyn FnMut(PairRow) -> std::result::Result<(), crate::records::CallbackError>,
    ) -> Result<()> {
        let mut st = self.conn.prepare("SELECT record_a, record_b, weight, probability FROM link_pairs")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let p = PairRow { record_a: r.get(0)?, record_b: r.get(1)?, weight: r.get(2)?, probability: r.get(3)? };
            f(p).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn add_decision(
        &mut self,
        a: &RecordKey,
        b: &RecordKey,
        decision: Decision,
        probability: Option<f64>,
        note: Option<&str>,
        who: &str,
    ) -> Result<i64> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO link_decisions (a_source, a_record, b_source, b_record, decision, probability, note, who) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.source.as_str(),
                a.source_record_id.as_str(),
                b.source.as_str(),
                b.source_record_id.as_str(),
                decision.as_str(),
                probability,
                note,
                who
            ],
        )?;
        let id = tx.last_insert_rowid();
        let action = match decision {
            Decision::Must => "accept",
            Decision::Cannot => "reject",
            Decision::Skip => "skip",
        };
        let detail = serde_json::json!({
            "decision_id": id,
            "a": format!("{}:{}", a.source, a.source_record_id),
            "b": format!("{}:{}", b.source, b.source_record_id),
            "probability": probability,
            "note": note,
        });
        tx.execute(
            "INSERT INTO link_log (action, detail, who) VALUES (?1, ?2, ?3)",
            params![action, detail.to_string(), who],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn decisions(&self) -> Result<Vec<DecisionRow>> {
        let mut st = self.conn.prepare(
            "SELECT id, a_source, a_record, b_source, b_record, decision, probability, note, who, at \
             FROM link_decisions ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                RecordKey::new(r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                RecordKey::new(r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                r.get::<_, String>(5)?,
                r.get::<_, Option<f64>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, a, b, d, probability, note, who, at) = row?;
            let decision = Decision::parse(&d).ok_or_else(|| StoreError::Invalid(format!("decision {id}: {d:?}")))?;
            out.push(DecisionRow { id, a, b, decision, probability, note, who, at });
        }
        Ok(out)
    }

    fn next_person_id(&self) -> Result<i64> {
        // Persons rows are never deleted, so one past the maximum is never a reused id.
        let max: Option<i64> = self.conn.query_row("SELECT MAX(id) FROM persons", [], |r| r.get(0))?;
        Ok(max.unwrap_or(0) + 1)
    }

    fn write_run(&mut self, run: &RunWrite) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO link_runs (model_id, mode, records, new_records, pairs, persons, report, who) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run.model_id,
                run.mode,
                run.records as i64,
                run.new_records as i64,
                run.pairs.len() as i64,
                run.persons as i64,
                run.report,
                run.who
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        // An import that ran while this run was computed may have minted the same ids.
        if let Some(first) = run.new_persons.iter().min() {
            let max: Option<i64> = tx.query_row("SELECT MAX(id) FROM persons", [], |r| r.get(0))?;
            if max.unwrap_or(0) >= first.0 {
                return Err(StoreError::Invalid(
                    "the roll changed while linking (an import ran at the same time); run `tally link` again".into(),
                ));
            }
        }
        if run.replace_pairs {
            // Rewriting every pair: the probability index is cheaper built once afterwards
            // than kept up row by row (its order is not the insert order). Same definition as
            // migration 0002.
            // The index goes first: the delete then does not maintain it either (measured at
            // 554k pairs: 1.0 s instead of 2.5 s).
            tx.execute_batch("DROP INDEX IF EXISTS link_pairs_probability; DELETE FROM link_pairs;")?;
        }
        // Rows go in key order (the B-tree then only appends) and many to a statement: a
        // million rows one statement each cost seconds in statement overhead alone.
        let mut pairs: Vec<(i64, i64, f64, f64)> = run
            .pairs
            .iter()
            .map(|p| {
                let (a, b) = if p.record_a <= p.record_b { (p.record_a, p.record_b) } else { (p.record_b, p.record_a) };
                (a, b, p.weight, p.probability)
            })
            .collect();
        pairs.sort_unstable_by_key(|p| (p.0, p.1));
        let verb = if run.replace_pairs { "INSERT" } else { "INSERT OR REPLACE" };
        chunked(
            &tx,
            &format!("{verb} INTO link_pairs (record_a, record_b, weight, probability, run_id) VALUES"),
            5,
            &pairs,
            |p| vec![p.0.into(), p.1.into(), p.2.into(), p.3.into(), run_id.into()],
        )?;
        if run.replace_pairs {
            tx.execute_batch("CREATE INDEX link_pairs_probability ON link_pairs(probability);")?;
        }
        {
            let mut del = tx.prepare_cached("DELETE FROM link_pairs WHERE record_a = ?1 AND record_b = ?2")?;
            for &(a, b) in &run.delete_pairs {
                del.execute(params![a.min(b), a.max(b)])?;
            }
        }
        if run.revisions_through > 0 {
            tx.execute("UPDATE record_versions SET linked = 1 WHERE linked = 0 AND id <= ?1", [run.revisions_through])?;
        }
        let mut persons: Vec<i64> = run.new_persons.iter().map(|p| p.0).collect();
        persons.sort_unstable();
        chunked(&tx, "INSERT OR IGNORE INTO persons (id) VALUES", 1, &persons, |p| vec![(*p).into()])?;
        let mut assignments: Vec<&(i64, PersonId, f64, &'static str)> = run.assignments.iter().collect();
        assignments.sort_unstable_by_key(|a| a.0);
        chunked_with_tail(
            &tx,
            "INSERT INTO record_person (record_id, person_id, probability, method) VALUES",
            " ON CONFLICT(record_id) DO UPDATE SET person_id = excluded.person_id, \
             probability = excluded.probability, method = excluded.method",
            4,
            &assignments,
            |(rid, pid, pr, method)| vec![(*rid).into(), pid.0.into(), (*pr).into(), method.to_string().into()],
        )?;
        {
            // One prepared statement per row: measured faster than `UPDATE ... FROM (VALUES ...)`
            // in chunks, which SQLite runs as a join.
            let mut updates: Vec<&(i64, f64, &'static str)> = run.assignment_updates.iter().collect();
            updates.sort_unstable_by_key(|u| u.0);
            let mut upd =
                tx.prepare_cached("UPDATE record_person SET probability = ?2, method = ?3 WHERE record_id = ?1")?;
            for (rid, pr, method) in updates {
                upd.execute(params![rid, pr, method])?;
            }
        }
        {
            let mut log = tx
                .prepare("INSERT INTO link_log (run_id, action, person_id, detail, who) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (action, person, detail) in &run.log {
                log.execute(params![run_id, action, person.map(|p| p.0), detail, run.who])?;
            }
            tx.execute("DELETE FROM link_flags", [])?;
            let mut flag = tx.prepare("INSERT INTO link_flags (run_id, records, reason) VALUES (?1, ?2, ?3)")?;
            for f in &run.flags {
                let members: Vec<[&str; 2]> =
                    f.records.iter().map(|k| [k.source.as_str(), k.source_record_id.as_str()]).collect();
                let json = serde_json::to_string(&members).map_err(|e| StoreError::Invalid(e.to_string()))?;
                flag.execute(params![run_id, json, f.reason])?;
            }
        }
        tx.commit()?;
        Ok(run_id)
    }

    fn runs(&self) -> Result<Vec<RunRow>> {
        let mut st = self.conn.prepare(&format!("SELECT {RUN_COLS} FROM link_runs ORDER BY id"))?;
        let rows = st.query_map([], run_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn last_run(&self) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {RUN_COLS} FROM link_runs ORDER BY id DESC LIMIT 1"), [], run_row)
            .optional()?)
    }

    fn for_each_assignment(
        &self,
        f: &mut dyn FnMut(AssignmentRow) -> std::result::Result<(), crate::records::CallbackError>,
    ) -> Result<()> {
        let mut st = self
            .conn
            .prepare("SELECT record_id, person_id, probability, method FROM record_person ORDER BY record_id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let a = AssignmentRow {
                record_id: r.get(0)?,
                person_id: PersonId(r.get(1)?),
                probability: r.get(2)?,
                method: r.get(3)?,
            };
            f(a).map_err(StoreError::Callback)?;
        }
        Ok(())
    }

    fn flags(&self) -> Result<Vec<FlagRow>> {
        let mut st = self.conn.prepare("SELECT id, records, reason FROM link_flags ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json, reason) = row?;
            let members: Vec<(String, String)> =
                serde_json::from_str(&json).map_err(|e| StoreError::Invalid(format!("link flag {id}: {e}")))?;
            let records = members
                .into_iter()
                .map(|(source, source_record_id): (String, String)| RecordKey::new(source, source_record_id))
                .collect();
            out.push(FlagRow { records, reason });
        }
        Ok(out)
    }

    fn decision_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM link_decisions", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn link_log(&self) -> Result<Vec<LogRow>> {
        let mut st =
            self.conn.prepare("SELECT id, run_id, action, person_id, detail, who, at FROM link_log ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(LogRow {
                id: r.get(0)?,
                run_id: r.get(1)?,
                action: r.get(2)?,
                person_id: r.get::<_, Option<i64>>(3)?.map(PersonId),
                detail: r.get(4)?,
                who: r.get(5)?,
                at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn record_ids(&self) -> Result<Vec<(i64, RecordKey)>> {
        let mut st = self.conn.prepare(
            "SELECT r.id, s.name, r.source_record_id FROM records r JOIN sources s ON s.id = r.source_id ORDER BY r.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, RecordKey::new(r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn unlinked_revisions(&self) -> Result<(u64, i64)> {
        let (n, max): (i64, Option<i64>) =
            self.conn.query_row("SELECT COUNT(*), MAX(id) FROM record_versions WHERE linked = 0", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((n as u64, max.unwrap_or(0)))
    }
}

const RUN_COLS: &str = "id, model_id, mode, records, new_records, pairs, persons, report, who, created_at";

fn run_row(r: &rusqlite::Row) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        model_id: r.get(1)?,
        mode: r.get(2)?,
        records: r.get::<_, i64>(3)? as u64,
        new_records: r.get::<_, i64>(4)? as u64,
        pairs: r.get::<_, i64>(5)? as u64,
        persons: r.get::<_, i64>(6)? as u64,
        report: r.get(7)?,
        who: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Rows per multi-row INSERT: few statements, and well under SQLite's parameter limit.
const CHUNK: usize = 128;

/// `INSERT ... VALUES (..), (..), ...` over `rows`, `CHUNK` rows to a statement.
fn chunked<T>(
    tx: &rusqlite::Transaction,
    head: &str,
    cols: usize,
    rows: &[T],
    values: impl Fn(&T) -> Vec<rusqlite::types::Value>,
) -> Result<()> {
    chunked_with_tail(tx, head, "", cols, rows, values)
}

fn chunked_with_tail<T>(
    tx: &rusqlite::Transaction,
    head: &str,
    tail: &str,
    cols: usize,
    rows: &[T],
    values: impl Fn(&T) -> Vec<rusqlite::types::Value>,
) -> Result<()> {
    let sql = |n: usize| {
        let one = format!("({})", vec!["?"; cols].join(","));
        format!("{head} {}{tail}", vec![one; n].join(","))
    };
    for chunk in rows.chunks(CHUNK) {
        let mut st = tx.prepare_cached(&sql(chunk.len()))?;
        let params: Vec<rusqlite::types::Value> = chunk.iter().flat_map(&values).collect();
        st.execute(rusqlite::params_from_iter(params))?;
    }
    Ok(())
}
