//! The linkage area: trained models, runs, kept scored pairs, human review decisions, the
//! merge/split log, and writing the record -> person assignment a run produced.
//!
//! [`LinkStore`] is what the app layer calls; `sqlite/links.rs` implements it. Decisions name
//! records by (source, source_record_id) so they outlive re-imports and re-links; derived rows
//! (pairs) use store ids and are rebuilt by a full re-link.

use crate::Result;
use tally_domain::{PersonId, RecordKey};

/// A trained model as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelRow {
    pub id: i64,
    pub params_id: String,
    pub seed: u64,
    pub input_hash: String,
    /// The parameters as JSON (the linkage crate's `Params`).
    pub params: String,
    pub created_at: String,
}

/// A kept scored pair.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PairRow {
    pub record_a: i64,
    pub record_b: i64,
    pub weight: f64,
    pub probability: f64,
}

/// What a reviewer decided about a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Same person (must-link).
    Must,
    /// Different persons (cannot-link).
    Cannot,
    /// Seen, not decided.
    Skip,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Must => "must",
            Decision::Cannot => "cannot",
            Decision::Skip => "skip",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "must" => Decision::Must,
            "cannot" => Decision::Cannot,
            "skip" => Decision::Skip,
            _ => return None,
        })
    }
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DecisionRow {
    pub id: i64,
    pub a: RecordKey,
    pub b: RecordKey,
    pub decision: Decision,
    pub probability: Option<f64>,
    pub note: Option<String>,
    pub who: String,
    pub at: String,
}

/// One entry of the merge/split/review log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LogRow {
    pub id: i64,
    pub run_id: Option<i64>,
    /// merge, split, accept, reject or skip.
    pub action: String,
    pub person_id: Option<PersonId>,
    /// JSON.
    pub detail: String,
    pub who: String,
    pub at: String,
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunRow {
    pub id: i64,
    pub model_id: i64,
    pub mode: String,
    pub records: u64,
    pub new_records: u64,
    pub pairs: u64,
    pub persons: u64,
    /// JSON.
    pub report: String,
    pub who: String,
    pub created_at: String,
}

/// One record's place in the roll as stored (`record_person`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AssignmentRow {
    pub record_id: i64,
    pub person_id: PersonId,
    pub probability: f64,
    /// `import` (not linked yet), `link` or `review`.
    pub method: String,
}

/// A cluster the chaining guard flagged, as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FlagRow {
    /// Members, sorted.
    pub records: Vec<RecordKey>,
    pub reason: String,
}

/// Everything one `tally link` writes, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct RunWrite {
    pub model_id: i64,
    /// `full` or `incremental`.
    pub mode: String,
    pub records: u64,
    pub new_records: u64,
    pub persons: u64,
    pub report: String,
    pub who: String,
    /// Delete every kept pair before writing `pairs` (a run that rewrites them all).
    pub replace_pairs: bool,
    /// Kept pairs to insert or overwrite.
    pub pairs: Vec<PairRow>,
    /// Revisions of records (corrected editions) up to this `record_versions` id were read by
    /// the run: they are marked linked (0: none).
    pub revisions_through: i64,
    /// Kept pairs to delete (record_a, record_b), when the run writes only what changed.
    pub delete_pairs: Vec<(i64, i64)>,
    /// The flagged clusters of the roll after this run (they replace the stored ones).
    pub flags: Vec<FlagRow>,
    /// (record id, person, probability, method) for every record whose person changes (or
    /// that has no row yet).
    pub assignments: Vec<(i64, PersonId, f64, &'static str)>,
    /// (record id, probability, method) for records that keep their person but whose
    /// probability or method changes: updated without touching the person index.
    pub assignment_updates: Vec<(i64, f64, &'static str)>,
    /// Person ids minted by this run (to insert into `persons`).
    pub new_persons: Vec<PersonId>,
    /// (action, person, detail JSON) for merges and splits.
    pub log: Vec<(String, Option<PersonId>, String)>,
}

/// The linkage area of the store.
pub trait LinkStore {
    /// Store trained parameters; returns the model id.
    fn save_model(&mut self, params_id: &str, seed: u64, input_hash: &str, params_json: &str) -> Result<i64>;
    /// The most recently stored model.
    fn latest_model(&self) -> Result<Option<ModelRow>>;
    /// Kept pairs with probability in `[min, max)`.
    fn pairs(&self, min: f64, max: f64) -> Result<Vec<PairRow>>;
    /// Every kept pair, in (record_a, record_b) order, streamed (one pass over the table; no
    /// probability index, no sort).
    fn for_each_pair(
        &self,
        f: &mut dyn FnMut(PairRow) -> std::result::Result<(), crate::records::CallbackError>,
    ) -> Result<()>;
    /// Record a review decision (and its log entry) in one transaction.
    fn add_decision(
        &mut self,
        a: &RecordKey,
        b: &RecordKey,
        decision: Decision,
        probability: Option<f64>,
        note: Option<&str>,
        who: &str,
    ) -> Result<i64>;
    /// All decisions in the order they were made (later ones override earlier ones).
    fn decisions(&self) -> Result<Vec<DecisionRow>>;
    /// The smallest person id never used (persons are never renumbered or reused).
    fn next_person_id(&self) -> Result<i64>;
    /// Apply a run: pairs, assignments, new persons, log, and the run row. One transaction.
    fn write_run(&mut self, run: &RunWrite) -> Result<i64>;
    fn runs(&self) -> Result<Vec<RunRow>>;
    /// The latest run, if any.
    fn last_run(&self) -> Result<Option<RunRow>>;
    /// Every record's stored assignment, in record id order (streamed: a million rows are
    /// never held by the store).
    fn for_each_assignment(
        &self,
        f: &mut dyn FnMut(AssignmentRow) -> std::result::Result<(), crate::records::CallbackError>,
    ) -> Result<()>;
    /// The flagged clusters the latest run wrote.
    fn flags(&self) -> Result<Vec<FlagRow>>;
    /// Number of review decisions ever made (decisions are append-only, so an unchanged count
    /// means no new decision).
    fn decision_count(&self) -> Result<u64>;
    fn link_log(&self) -> Result<Vec<LogRow>>;
    /// Store ids of records, by key (for resolving decisions and pairs).
    fn record_ids(&self) -> Result<Vec<(i64, RecordKey)>>;
    /// Revisions of records (rows a corrected edition replaced) that no link run has read yet:
    /// how many, and the highest version id among them (0 when none).
    fn unlinked_revisions(&self) -> Result<(u64, i64)>;
}
