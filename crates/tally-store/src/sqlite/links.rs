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
                a.source,
                a.source_record_id,
                b.source,
                b.source_record_id,
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
                RecordKey { source: r.get(1)?, source_record_id: r.get(2)? },
                RecordKey { source: r.get(3)?, source_record_id: r.get(4)? },
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
            tx.execute("DELETE FROM link_pairs", [])?;
        }
        {
            let mut ins = tx.prepare(
                "INSERT OR REPLACE INTO link_pairs (record_a, record_b, weight, probability, run_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for p in &run.pairs {
                let (a, b) = if p.record_a <= p.record_b { (p.record_a, p.record_b) } else { (p.record_b, p.record_a) };
                ins.execute(params![a, b, p.weight, p.probability, run_id])?;
            }
            let mut person = tx.prepare("INSERT OR IGNORE INTO persons (id) VALUES (?1)")?;
            for p in &run.new_persons {
                person.execute(params![p.0])?;
            }
            let mut upd = tx.prepare(
                "INSERT INTO record_person (record_id, person_id, probability, method) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(record_id) DO UPDATE SET person_id = excluded.person_id, \
                 probability = excluded.probability, method = excluded.method",
            )?;
            for (rid, pid, pr, method) in &run.assignments {
                upd.execute(params![rid, pid.0, pr, method])?;
            }
            let mut log = tx
                .prepare("INSERT INTO link_log (run_id, action, person_id, detail, who) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (action, person, detail) in &run.log {
                log.execute(params![run_id, action, person.map(|p| p.0), detail, run.who])?;
            }
        }
        tx.commit()?;
        Ok(run_id)
    }

    fn runs(&self) -> Result<Vec<RunRow>> {
        let mut st = self.conn.prepare(
            "SELECT id, model_id, mode, records, new_records, pairs, persons, report, who, created_at \
             FROM link_runs ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
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
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
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
            Ok((r.get::<_, i64>(0)?, RecordKey { source: r.get(1)?, source_record_id: r.get(2)? }))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
