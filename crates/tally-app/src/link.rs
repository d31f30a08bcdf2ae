//! Linking the roll: run `tally-linkage` over the stored records, keep the model, the scored
//! pairs and the person assignment in the store, explain pairs, evaluate against a truth file,
//! export alternative linkages, and serve the review queue.
//!
//! `tally link` is incremental by default: records that linkage has not seen yet (their
//! assignment still says `import`) are blocked and scored against everything, the kept pairs of
//! earlier runs are reused, and only the persons the new records touch are clustered again
//! (`Linker::roll_incremental` on the roll rebuilt from the stored person ids, kept pairs and
//! flagged clusters); the rest carry over, so the result equals a full re-link with the same
//! model. When the previous roll cannot be trusted as a base (review decisions since, another
//! threshold, a store from before flags were kept) the whole roll is clustered again and the
//! summary says why. `--full` re-blocks and re-scores everything; `--retrain` (implied on the
//! first run) trains a new model. Human decisions (must-link, cannot-link) apply on every run.
//!
//! Records stream from the store into the linkage crate's encoded table; no run holds every
//! record as a [`Record`]. Runs write only the rows that changed.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tally_linkage::cluster::Vitals;
use tally_linkage::table::Table;
use tally_store::links::FlagRow;

use tally_domain::{PersonId, Record, RecordKey};
use tally_linkage::{
    calibration, calibration_by_context, error_estimate, evaluate, max_calibration_gap, BlockingReport, CalibrationBin,
    ContextCalibration, Decisions, ErrorEstimate, Evaluation, Explanation, IdEvent, LinkConfig, LinkError, Linker,
    PairContext, Params,
};
use tally_store::links::{Decision, LinkStore, PairRow, RunWrite};
use tally_store::records::{RecordQuery, RecordStore};
use tally_store::StoreError;

/// The parameter version this tally trains (a stored model of an older one still scores).
pub use tally_linkage::model::PARAMS_VERSION;
pub use tally_store::links::Decision as ReviewDecision;
pub use tally_store::SqliteStore as Store;

/// Open the store at `path` (created and migrated if needed).
pub fn open(path: &Path) -> Result<Store> {
    Ok(Store::open(path)?)
}

/// Why a linkage use case failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkAppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("stored model {id} cannot be read: {source}")]
    Model {
        id: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("no linkage model yet")]
    NoModel,
    #[error("record {0} is not in the roll")]
    UnknownRecord(String),
    #[error("{0:?} is not a record name")]
    BadRecordName(String),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}")]
    Truth { path: String, line: u64, message: String },
    #[error("store callback: {0}")]
    Callback(String),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error("threshold {0} is not a probability")]
    BadThreshold(f64),
}

impl LinkAppError {
    /// A one-line suggestion for the user, where there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            LinkAppError::NoModel => Some("run `tally link` first: it trains the model on the imported records"),
            LinkAppError::UnknownRecord(_) => Some("name records as SOURCE:ID, as `tally export links` prints them"),
            LinkAppError::BadRecordName(_) => Some("name records as SOURCE:ID, e.g. mod_list:1234"),
            LinkAppError::BadThreshold(_) => Some("give thresholds between 0 and 1, e.g. --thresholds 0.5,0.8,0.95"),
            LinkAppError::Truth { .. } => {
                Some("the truth file is CSV with a header: source,source_record_id,person_id")
            }
            _ => None,
        }
    }
}

pub type Result<T, E = LinkAppError> = std::result::Result<T, E>;

/// Parse `SOURCE:ID` (the source may itself contain colons; the id is after the last one).
pub fn parse_record_name(s: &str) -> Result<RecordKey> {
    match s.rsplit_once(':') {
        Some((src, id)) if !src.is_empty() && !id.is_empty() => Ok(RecordKey::new(src, id)),
        _ => Err(LinkAppError::BadRecordName(s.to_string())),
    }
}

/// A record's name as the CLI writes and reads it: `source:id` (see [`parse_record_name`]).
pub fn record_name(k: &RecordKey) -> String {
    format!("{}:{}", k.source, k.source_record_id)
}

/// How to link.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Re-block and re-score every record, not only the new ones.
    pub full: bool,
    /// Train a new model (implied when the store has none).
    pub retrain: bool,
    /// Link probability threshold (default: the linkage crate's).
    pub threshold: Option<f64>,
    /// Seed for the random pairs of training.
    pub seed: u64,
    /// Who runs it, for the log.
    pub who: String,
    /// The linker cache file (see [`crate::link_cache`]): read by an incremental run when it
    /// fits the store, written after every run. `None`: no cache.
    pub cache: Option<PathBuf>,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions { full: false, retrain: false, threshold: None, seed: 42, who: "tally".into(), cache: None }
    }
}

/// Seconds spent per stage.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Timings {
    pub read: f64,
    pub link: f64,
    pub cluster: f64,
    pub write: f64,
    pub total: f64,
}

/// One step of a run: its seconds, and the process's peak memory so far (where the system
/// tells it: Linux's VmHWM), to see which step sets the peak.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct StepTiming {
    pub step: String,
    pub seconds: f64,
    pub peak_mb: Option<f64>,
}

/// Peak resident memory of this process so far, in MB (Linux only).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Finer steps of a run, timed from a moving mark.
struct Steps {
    steps: Vec<StepTiming>,
    mark: Instant,
}

impl Steps {
    /// Note the seconds since the mark under `step`, and move the mark.
    fn step(&mut self, step: &str) {
        let now = Instant::now();
        let seconds = (now - self.mark).as_secs_f64();
        self.steps.push(StepTiming { step: step.to_string(), seconds, peak_mb: peak_mb() });
        self.mark = now;
    }
}

/// What a `tally link` did.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LinkSummary {
    pub mode: String,
    pub run_id: i64,
    pub model_id: i64,
    pub params_id: String,
    pub trained: bool,
    /// The stored model was replaced because the roll grew by more than a quarter since.
    pub retrained_because_grown: bool,
    /// The parameter version of the model that scored (`tally_linkage::model::PARAMS_VERSION`
    /// for a model this tally trained; an older one scores as it did when saved).
    pub model_version: u32,
    pub em_iterations: u32,
    pub em_converged: bool,
    pub records: u64,
    pub new_records: u64,
    /// Candidate pairs compared in this run (all of them in a full run; new ones otherwise).
    pub compared_pairs: u64,
    pub kept_pairs: u64,
    pub blocking: Option<BlockingReport>,
    pub persons: u64,
    /// Records that share their person with at least one other record.
    pub linked_records: u64,
    pub merges: u64,
    pub splits: u64,
    pub flagged_clusters: u64,
    pub refused_merges: u64,
    pub review_queue: u64,
    pub threshold: f64,
    /// Label-free estimates among kept candidate pairs.
    pub errors: ErrorEstimate,
    /// Label-free estimates among all candidate pairs, those scored below the review floor
    /// included (full runs, which score them all).
    pub candidate_errors: Option<ErrorEstimate>,
    /// How persons were formed: `incremental` (only persons the new records touch were
    /// clustered again; the rest carried over) or `full`, with the reason when an incremental
    /// run had to cluster everything.
    pub roll: String,
    /// The linker cache: `used` (an incremental run loaded it instead of rebuilding the linker
    /// from the store), `not needed (nothing new)` or `not used: <why>`, then how the run's state was kept: `saved` (the
    /// whole cache written again), `appended` (a delta appended to the cache an incremental
    /// run loaded; see [`crate::link_cache`]) or `not saved: <why>`; empty without a cache.
    pub linker_cache: String,
    /// Record -> person rows written (only those that changed).
    pub changed_assignments: u64,
    /// Kept pairs written, and deleted (a full run writes only what changed).
    pub written_pairs: u64,
    pub deleted_pairs: u64,
    /// Review decisions made so far (an incremental roll needs none to be new).
    pub decisions_seen: u64,
    /// Seconds per phase (every value a number: scripts read them so).
    pub timings: Timings,
    /// Finer steps within the phases, in order, with the peak memory after each.
    pub steps: Vec<StepTiming>,
}

fn config(opts_threshold: Option<f64>, seed: u64) -> LinkConfig {
    let mut cfg = LinkConfig::default();
    if let Some(t) = opts_threshold {
        cfg.threshold = t;
    }
    cfg.train.seed = seed;
    cfg
}

/// A stored assignment, compactly (a million of them are held during a run).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stored {
    person: PersonId,
    probability: f64,
    method: Method,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// Minted by import: linkage has not seen the record yet.
    Import,
    Link,
    Review,
    Other,
}

impl Method {
    fn parse(s: &str) -> Method {
        match s {
            "import" => Method::Import,
            "link" => Method::Link,
            "review" => Method::Review,
            _ => Method::Other,
        }
    }
}

/// Every record's stored assignment, by record id.
fn load_assignments<S: LinkStore + ?Sized>(store: &S) -> Result<FxHashMap<i64, Stored>> {
    let mut out = FxHashMap::default();
    store.for_each_assignment(&mut |a| {
        let s = Stored { person: a.person_id, probability: a.probability, method: Method::parse(&a.method) };
        out.insert(a.record_id, s);
        Ok(())
    })?;
    Ok(out)
}

/// Records that a must-link decision in force names (their assignments say `review`).
fn must_keys<S: LinkStore + ?Sized>(store: &S) -> Result<HashSet<RecordKey>> {
    Ok(decisions_in_force(store)?.must.into_iter().flat_map(|(a, b)| [a, b]).collect())
}

/// The stored assignments by record index of the cached linker, as the run that saved the
/// cache wrote them (its roll, with the method its decisions gave), and those import minted
/// for the new records (which `add` puts after the others, in order).
fn cached_assignments(c: &Cached, must: &HashSet<RecordKey>) -> Vec<Option<Stored>> {
    let t = &c.linker.table;
    let rows = &c.state.rows();
    let mut out: Vec<Option<Stored>> = (0..rows.person.len())
        .map(|r| {
            Some(Stored { person: PersonId(rows.person[r]), probability: rows.probability[r], method: Method::Link })
        })
        .collect();
    for k in must {
        if let Some(s) = t.find(k).and_then(|r| out.get_mut(r as usize)).and_then(|s| s.as_mut()) {
            s.method = Method::Review;
        }
    }
    out.extend(c.new.iter().map(|(_, p)| Some(Stored { person: *p, probability: 0.0, method: Method::Import })));
    out
}

/// Stream the stored records into `table` (without their raw cells, and without ever holding
/// them all as [`Record`]s); records for which `aside` says so are returned instead.
///
/// Encoding (interning names, preparing each new name once) runs on a second thread beside the
/// store's scan: the two take about as long as each other, and batches pass through a short
/// bounded channel, so only a few thousand records are in flight.
fn stream_records<S: RecordStore + ?Sized>(
    store: &S,
    table: &mut Table,
    aside: &dyn Fn(i64) -> bool,
) -> Result<Vec<Record>> {
    const BATCH: usize = 2048;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(4);
    std::thread::scope(|scope| {
        let encoder = scope.spawn(move || -> std::result::Result<(), tally_linkage::table::TableError> {
            for batch in rx {
                for r in &batch {
                    table.push(r)?;
                }
            }
            Ok(())
        });
        let mut kept = Vec::new();
        let mut batch = Vec::with_capacity(BATCH);
        let res = store.for_each_record(&RecordQuery::default(), &mut |r| {
            if aside(r.id) {
                kept.push(r);
            } else {
                batch.push(r);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // The encoder only hangs up after an error, which it reports below.
                    tx.send(full).map_err(|_| "the encoder stopped")?;
                }
            }
            Ok(())
        });
        if res.is_ok() && !batch.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let encoded = encoder.join().map_err(|_| LinkAppError::Callback("the encoder panicked".into()))?;
        encoded.map_err(LinkError::Table)?;
        match res {
            Ok(()) => Ok(kept),
            Err(StoreError::Callback(e)) => Err(LinkAppError::Callback(e.to_string())),
            Err(e) => Err(e.into()),
        }
    })
}

/// Kept pairs as record keys, for [`Linker::from_parts_table`].
fn kept_pairs<S: LinkStore + ?Sized>(store: &S, table: &Table) -> Result<Vec<(RecordKey, RecordKey)>> {
    let rec_of: FxHashMap<i64, u32> = table.ids.iter().enumerate().map(|(i, &id)| (id, i as u32)).collect();
    let mut out = Vec::new();
    store.for_each_pair(&mut |p| {
        if let (Some(&a), Some(&b)) = (rec_of.get(&p.record_a), rec_of.get(&p.record_b)) {
            out.push((table.keys[a as usize].clone(), table.keys[b as usize].clone()));
        }
        Ok(())
    })?;
    Ok(out)
}

/// The linker of the stored roll (the stored model and kept pairs, no new scoring), and the
/// stored assignments.
fn stored_linker<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<(Linker, FxHashMap<i64, Stored>)> {
    let (_, params) = load_params(store)?.ok_or(LinkAppError::NoModel)?;
    let stored = load_assignments(store)?;
    let mut table = Table::new();
    stream_records(store, &mut table, &|_| false)?;
    let kept = kept_pairs(store, &table)?;
    let linker = Linker::from_parts_table(table, LinkConfig::default(), params, &kept)?;
    Ok((linker, stored))
}

/// What the previous run left that an incremental roll can build on, or why it cannot.
fn incremental_base<S: LinkStore + ?Sized>(
    store: &S,
    model_id: i64,
    threshold: f64,
    decisions_seen: u64,
) -> Result<std::result::Result<(Vec<tally_linkage::Flag>, u64), String>> {
    let Some(run) = store.last_run()? else { return Ok(Err("no earlier run".into())) };
    if run.model_id != model_id {
        return Ok(Err("the model changed since the last run".into()));
    }
    let report: serde_json::Value = serde_json::from_str(&run.report).unwrap_or_default();
    let num = |k: &str| report.get(k).and_then(|v| v.as_f64());
    if num("threshold") != Some(threshold) {
        return Ok(Err("the threshold changed since the last run".into()));
    }
    // Runs from before `decisions_seen` was reported count as having seen none.
    if num("decisions_seen").unwrap_or(0.0) as u64 != decisions_seen {
        return Ok(Err("review decisions were made since the last run".into()));
    }
    let flags = store.flags()?;
    if num("flagged_clusters") != Some(flags.len() as f64) {
        return Ok(Err("the last run's flagged persons are not stored (a store from an older tally)".into()));
    }
    let refused = num("refused_merges").unwrap_or(0.0) as u64;
    let flags = flags.into_iter().map(|f| tally_linkage::Flag { records: f.records, reason: f.reason }).collect();
    Ok(Ok((flags, refused)))
}

/// What an incremental run takes from a linker cache that fits the store.
struct Cached {
    linker: Linker,
    /// What a delta of this run's state builds on.
    state: crate::link_cache::Base,
    /// The roll of the run that saved the cache.
    base: tally_linkage::Roll,
    model_id: i64,
    /// The records new since that run, with the person import minted for each.
    new: Vec<(Record, PersonId)>,
}

/// The linker cache at `path` if it fits the store as it is now (same last run, model,
/// decisions, threshold, and only import-assigned records added since), or why not.
fn load_cache<S: RecordStore + LinkStore + ?Sized>(
    store: &S,
    path: &Path,
    cfg: &LinkConfig,
) -> Result<std::result::Result<Cached, String>> {
    let loaded = match crate::link_cache::Loaded::read(path) {
        Ok(l) => l,
        Err(why) => return Ok(Err(why)),
    };
    let fp = loaded.fingerprint.clone();
    let Some(run) = store.last_run()? else { return Ok(Err("no earlier run".into())) };
    if run.id != fp.run_id {
        return Ok(Err("linker cache is from another run".into()));
    }
    match store.latest_model()? {
        Some(m) if m.id == fp.model_id => {}
        _ => return Ok(Err("the model changed since the linker cache".into())),
    }
    if store.decision_count()? != fp.decisions {
        return Ok(Err("review decisions were made since the linker cache".into()));
    }
    if fp.threshold != cfg.threshold {
        return Ok(Err("the threshold changed since the linker cache".into()));
    }
    let mut new = Vec::new();
    store.for_each_unlinked_record(&mut |r, p| {
        new.push((r, p));
        Ok(())
    })?;
    if new.is_empty() {
        return Ok(Err("nothing new".into()));
    }
    let records = store.record_count()?;
    if records != fp.records + new.len() as u64 {
        return Ok(Err("records changed since the linker cache".into()));
    }
    let (base, linker, state) = match loaded.open() {
        Ok(x) => x,
        Err(why) => return Ok(Err(format!("linker cache unusable: {why}"))),
    };
    if linker.table.len() as u64 != fp.records || base.assignments.len() as u64 != fp.records {
        return Ok(Err("linker cache damaged".into()));
    }
    if new.iter().any(|(r, _)| linker.table.find(&r.key).is_some()) {
        return Ok(Err("records changed since the linker cache".into()));
    }
    if (linker.scorer.params.n_records as f64) * 1.25 < records as f64 {
        return Ok(Err("the roll grew by more than a quarter (the model is retrained)".into()));
    }
    Ok(Ok(Cached { linker, state, base, model_id: fp.model_id, new }))
}

fn load_params<S: LinkStore + ?Sized>(store: &S) -> Result<Option<(i64, Params)>> {
    match store.latest_model()? {
        None => Ok(None),
        Some(m) => {
            let p: Params =
                serde_json::from_str(&m.params).map_err(|source| LinkAppError::Model { id: m.id, source })?;
            Ok(Some((m.id, p)))
        }
    }
}

/// Decisions in force: the latest must/cannot decision per pair ('skip' changes nothing).
pub fn decisions_in_force<S: LinkStore + ?Sized>(store: &S) -> Result<Decisions> {
    let mut last: HashMap<(RecordKey, RecordKey), Decision> = HashMap::new();
    for d in store.decisions()? {
        if d.decision != Decision::Skip {
            last.insert((d.a, d.b), d.decision);
        }
    }
    let mut out = Decisions::default();
    let mut v: Vec<_> = last.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    for ((a, b), d) in v {
        match d {
            Decision::Must => out.must.push((a, b)),
            Decision::Cannot => out.cannot.push((a, b)),
            Decision::Skip => {}
        }
    }
    Ok(out)
}

/// The summary of a run that has nothing to do: the last run's, when its roll still stands
/// (no new record, no review decision since, same model and threshold).
fn unchanged<S: LinkStore + ?Sized>(
    store: &S,
    model_id: i64,
    threshold: f64,
    records: u64,
) -> Result<Option<LinkSummary>> {
    let decisions_seen = store.decision_count()?;
    if incremental_base(store, model_id, threshold, decisions_seen)?.is_err() {
        return Ok(None);
    }
    let Some(run) = store.last_run()? else { return Ok(None) };
    let Ok(last) = serde_json::from_str::<LinkSummary>(&run.report) else { return Ok(None) };
    if last.records != records {
        return Ok(None);
    }
    Ok(Some(LinkSummary {
        mode: "incremental".into(),
        run_id: run.id,
        trained: false,
        retrained_because_grown: false,
        new_records: 0,
        compared_pairs: 0,
        blocking: None,
        candidate_errors: None,
        merges: 0,
        splits: 0,
        roll: "unchanged (nothing new since the last run)".into(),
        changed_assignments: 0,
        written_pairs: 0,
        deleted_pairs: 0,
        ..last
    }))
}

/// Link the roll. This is the function `tally demo` and `tally link` call.
pub fn link<S: RecordStore + LinkStore>(
    store: &mut S,
    opts: &LinkOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<LinkSummary> {
    let mut timings = Timings::default();
    let t0 = Instant::now();
    progress("reading records");
    // Assignments first: they say which records linkage has not seen yet.
    let mut steps = Steps { steps: Vec::new(), mark: t0 };
    let cfg = config(opts.threshold, opts.seed);
    // Records a corrected edition revised since the last run: their pairs, and the persons
    // around them, were derived from what they said before. The roll is scored and clustered
    // again in full (with the stored model), which an incremental run would have to equal anyway.
    let (revised, revisions_through) = store.unlinked_revisions()?;
    // The linker cache, when it fits the store: the last run's linker and roll, and the records
    // new since, read alone (instead of every record, pair and assignment).
    let mut cache_note = String::new();
    let mut cached = match &opts.cache {
        Some(_) if revised > 0 && !opts.full && !opts.retrain => {
            cache_note = format!("not used: {revised} record(s) revised since the last run");
            None
        }
        Some(path) if !opts.full && !opts.retrain => match load_cache(store, path, &cfg)? {
            Ok(c) => Some(c),
            Err(why) => {
                cache_note = format!("not used: {why}");
                None
            }
        },
        _ => None,
    };
    if cached.is_some() {
        cache_note = "used".into();
        steps.step("load linker cache");
    }
    // Stored assignments: by record id from the store, or (with the cache) by record index of
    // the cached linker, which is what the rest of the run uses.
    let mut stored_map: Option<FxHashMap<i64, Stored>> = None;
    let mut cached_rows: Option<Vec<Option<Stored>>> = None;
    match &cached {
        Some(c) => cached_rows = Some(cached_assignments(c, &must_keys(store)?)),
        None => stored_map = Some(load_assignments(store)?),
    }
    steps.step("read assignments");
    // Import gives every record an assignment (a person of its own), so this counts the roll
    // without another pass over the records.
    let n_records = match (&stored_map, &cached_rows) {
        (Some(m), _) => m.len() as u64,
        (None, Some(r)) => r.len() as u64,
        (None, None) => 0,
    };
    let mut params = match &cached {
        Some(c) => Some((c.model_id, c.linker.scorer.params.clone())),
        None if opts.retrain => None,
        None => load_params(store)?,
    };
    // A model trained on a much smaller roll (say, one source without duplicates) has seen
    // too few matches to be trusted for the rest: retrain once the roll has grown by more than
    // a quarter since. Below that, keeping the model is what makes incremental equal full.
    let mut retrained_because_grown = false;
    if let Some((_, p)) = &params {
        if (p.n_records as f64) * 1.25 < n_records as f64 {
            params = None;
            retrained_because_grown = true;
        }
    }
    let full = opts.full || params.is_none() || revised > 0;
    if full && stored_map.is_none() {
        // (Not reached: a cache is only used when the model stands.)
        cached = None;
        cached_rows = None;
        stored_map = Some(load_assignments(store)?);
    }
    // Nothing new, no new decision, same model and threshold: the roll stands as it is.
    if let Some(m) = &stored_map {
        if !full && !m.values().any(|s| s.method == Method::Import) {
            if let Some(s) = unchanged(store, params.as_ref().map_or(0, |p| p.0), cfg.threshold, n_records)? {
                let mut s = s;
                // Not the last run's note: that described the last run's cache.
                s.linker_cache = if opts.cache.is_some() { "not needed (nothing new)".into() } else { String::new() };
                steps.step("check for anything new");
                s.timings = Timings {
                    read: t0.elapsed().as_secs_f64(),
                    total: t0.elapsed().as_secs_f64(),
                    ..Default::default()
                };
                s.steps = steps.steps;
                return Ok(s);
            }
        }
    }
    // Records stream straight into the linkage table. A full run takes them all in store
    // order; an incremental one takes the linked ones and sets the new ones aside for `add`.
    let mut table = Table::new();
    let from_cache = if full { None } else { cached.take() };
    let (new_records, old_n) = match (&from_cache, &stored_map) {
        (Some(c), _) => (c.new.iter().map(|(r, _)| r.clone()).collect(), c.linker.table.len()),
        (None, Some(m)) => {
            let is_new = |id: i64| m.get(&id).is_none_or(|s| s.method == Method::Import);
            let new_records = stream_records(store, &mut table, &|id| !full && is_new(id))?;
            (new_records, table.len())
        }
        (None, None) => return Err(LinkAppError::Callback("no stored assignments read".into())),
    };
    // The stored assignments by record index from here on: the table's records, then the new
    // ones in the order `add` appends them (a vector, not a map by record id: at a million
    // records the map costs some 60 MB more, held through blocking and scoring).
    if let Some(m) = stored_map.take() {
        let mut rows: Vec<Option<Stored>> = table.ids.iter().map(|id| m.get(id).copied()).collect();
        rows.extend(new_records.iter().map(|r| m.get(&r.id).copied()));
        cached_rows = Some(rows);
    }
    steps.step("read records");
    let kept = if full || from_cache.is_some() { Vec::new() } else { kept_pairs(store, &table)? };
    steps.step("read kept pairs");
    timings.read = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let mut cached_base = None;
    let mut cache_state = None;
    let (linker, model_id, trained) = match params {
        Some((id, _)) if from_cache.is_some() => {
            progress("scoring new records against the roll (linker cache)");
            let c = from_cache.expect("checked");
            let mut l = c.linker;
            cached_base = Some(c.base);
            cache_state = Some(c.state);
            l.add(&new_records)?;
            steps.step("block and score new records");
            (l, id, false)
        }
        None => {
            progress("blocking, training and scoring all records");
            let l = Linker::train_table(table, cfg.clone())?;
            let p = &l.scorer.params;
            let json = serde_json::to_string(p).map_err(|source| LinkAppError::Model { id: 0, source })?;
            let id = store.save_model(&tally_linkage::model::params_id(p), p.seed, &p.input_hash, &json)?;
            (l, id, true)
        }
        Some((id, params)) if full => {
            progress("blocking and scoring all records");
            (Linker::with_params_table(table, cfg.clone(), params)?, id, false)
        }
        Some((id, params)) => {
            progress("scoring new records against the roll");
            let mut l = Linker::from_parts_table(table, cfg.clone(), params, &kept)?;
            drop(kept);
            steps.step("rebuild linker from stored pairs");
            l.add(&new_records)?;
            steps.step("block and score new records");
            (l, id, false)
        }
    };
    // The new records are kept only for a delta of the linker cache.
    let new_records = if cache_state.is_some() { new_records } else { Vec::new() };
    if full {
        steps.step("block, score (and train)");
    }
    timings.link = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    steps.mark = t2;
    progress("clustering into persons");
    let t = &linker.table;
    // The stored assignments by record index (a vector, not a map by record id: at a million
    // records the map costs some 60 MB and a hash per lookup).
    let stored: Vec<Option<Stored>> = match cached_rows {
        Some(rows) if rows.len() == t.len() => rows,
        _ => return Err(LinkAppError::Callback("the stored assignments do not fit the linker".into())),
    };
    let is_new_row: Vec<bool> = if full {
        stored.iter().map(|s| s.is_none_or(|s| s.method == Method::Import)).collect()
    } else {
        (0..t.len()).map(|r| r >= old_n).collect()
    };
    let n_new = is_new_row.iter().filter(|&&b| b).count() as u64;
    let decisions = decisions_in_force(store)?;
    let decisions_seen = store.decision_count()?;
    let next_id = store.next_person_id()?;
    let base = if full {
        Err("full run".to_string())
    } else if cached_base.is_some() {
        // The cache fits the store: same run, model, decisions and threshold.
        Ok((Vec::new(), 0))
    } else {
        incremental_base(store, model_id, cfg.threshold, decisions_seen)?
    };
    steps.step("decisions and base");
    let (mut roll, roll_mode) = match base {
        Ok((flags, refused)) => {
            let base = match cached_base.take() {
                // As `stored_roll` rebuilds it from the store: no events, ids from the persons.
                Some(mut b) => {
                    b.events.clear();
                    b.next_id = b.assignments.iter().map(|a| a.person.0 + 1).max().unwrap_or(1);
                    b
                }
                None => {
                    let person: Vec<PersonId> =
                        stored[..old_n].iter().map(|s| s.map_or(PersonId(0), |s| s.person)).collect();
                    let probability: Vec<f64> =
                        stored[..old_n].iter().map(|s| s.map_or(0.0, |s| s.probability)).collect();
                    linker.stored_roll(&person, &probability, flags, refused)
                }
            };
            // Earlier person ids of the new records: those import minted.
            let prev: FxHashMap<RecordKey, PersonId> =
                (old_n..t.len()).filter_map(|r| stored[r].map(|s| (t.keys[r].clone(), s.person))).collect();
            (linker.roll_incremental(base, &decisions, &prev, next_id), "incremental".to_string())
        }
        Err(why) => {
            // Every record's earlier person, by record index (a map by record key would cost
            // some 180 MB at a million records, and set the peak memory of the run).
            let prev = |r: u32| stored[r as usize].map(|s| s.person);
            let mode = if full && revised > 0 && !opts.full && !opts.retrain && !retrained_because_grown {
                format!("full ({revised} record(s) revised by a corrected edition since the last run)")
            } else if full {
                "full".to_string()
            } else {
                format!("full ({why})")
            };
            (linker.roll_by(&decisions, &prev, next_id), mode)
        }
    };
    steps.step("cluster");
    let review_queue = linker.review_queue(&decisions).len() as u64;
    steps.step("review queue");
    timings.cluster = t2.elapsed().as_secs_f64();

    let t3 = Instant::now();
    steps.mark = t3;
    progress("writing the roll");
    let must: HashSet<&RecordKey> = decisions.must.iter().flat_map(|(a, b)| [a, b]).collect();
    let mut assignments = Vec::new();
    let mut assignment_updates = Vec::new();
    let mut persons_seen = PersonCounts::new(&roll.assignments);
    // The roll's assignments are in the linker's key order; a key that does not match is
    // looked up.
    let order = linker.order();
    for (j, a) in roll.assignments.iter().enumerate() {
        persons_seen.add(a.person);
        let r = match order.get(j) {
            Some(&r) if t.keys[r as usize] == a.record => r as usize,
            _ => match t.find(&a.record) {
                Some(r) => r as usize,
                None => return Err(LinkAppError::UnknownRecord(record_name(&a.record))),
            },
        };
        let rid = t.ids[r];
        let method = if !must.is_empty() && must.contains(&a.record) { Method::Review } else { Method::Link };
        let m = if method == Method::Review { "review" } else { "link" };
        match stored[r] {
            Some(s) if s.person == a.person => {
                if (s.probability - a.probability).abs() > 1e-12 || s.method != method {
                    assignment_updates.push((rid, a.probability, m));
                }
            }
            _ => assignments.push((rid, a.person, a.probability, m)),
        }
    }
    steps.step("diff assignments");
    // What the linker cache keeps of the roll, by record index; the assignments by record key
    // (a key cloned per record, some 100 MB at a million) are not needed past this point.
    let cache_rows = opts.cache.as_ref().map(|_| crate::link_cache::RollRows::of(&roll, &linker));
    roll.assignments = Vec::new();
    let new_persons = persons_seen.from(next_id);
    let linked_records = persons_seen.in_shared();
    drop(persons_seen);
    // Persons minted by import for a record linkage had not seen are not worth a log line
    // when they fold into an existing person.
    let fresh: HashSet<PersonId> =
        (0..t.len()).filter(|&r| is_new_row[r]).filter_map(|r| stored[r].map(|s| s.person)).collect();
    let mut log = Vec::new();
    let (mut merges, mut splits) = (0u64, 0u64);
    for e in &roll.events {
        match e {
            IdEvent::Merge { into, from } => {
                let real: Vec<&PersonId> = from.iter().filter(|p| !fresh.contains(p)).collect();
                if real.len() > 1 {
                    merges += 1;
                    let from: Vec<String> = real.iter().map(|p| p.to_string()).collect();
                    log.push((
                        "merge".to_string(),
                        Some(*into),
                        serde_json::json!({ "into": into.to_string(), "from": from }).to_string(),
                    ));
                }
            }
            IdEvent::Split { from, into } => {
                splits += 1;
                let into: Vec<String> = into.iter().map(|p| p.to_string()).collect();
                log.push((
                    "split".to_string(),
                    Some(*from),
                    serde_json::json!({ "from": from.to_string(), "into": into }).to_string(),
                ));
            }
        }
    }
    let pair_row = |p: &tally_linkage::ScoredPair| {
        let (a, b) = (t.ids[p.a as usize], t.ids[p.b as usize]);
        let (a, b) = (a.min(b), a.max(b));
        PairRow { record_a: a, record_b: b, weight: p.weight, probability: p.probability() }
    };
    // Pairs: an incremental run adds those that touch new records (the others were scored
    // by the same model before). A full run writes only what differs from the stored pairs,
    // unless most of them differ (a new model), when rewriting them all is cheaper.
    let (pairs, delete_pairs, replace_pairs) = if full {
        let mut old: FxHashMap<(i64, i64), f64> = FxHashMap::default();
        store.for_each_pair(&mut |p| {
            old.insert((p.record_a, p.record_b), p.weight);
            Ok(())
        })?;
        let old_len = old.len();
        let mut changed = Vec::new();
        for p in &linker.pairs {
            let row = pair_row(p);
            match old.remove(&(row.record_a, row.record_b)) {
                Some(w) if w == row.weight => {}
                _ => changed.push(row),
            }
        }
        let gone: Vec<(i64, i64)> = old.into_keys().collect();
        if changed.len() + gone.len() > old_len / 2 {
            (linker.pairs.iter().map(pair_row).collect(), Vec::new(), true)
        } else {
            (changed, gone, false)
        }
    } else {
        let touching = |p: &&tally_linkage::ScoredPair| is_new_row[p.a as usize] || is_new_row[p.b as usize];
        (linker.pairs.iter().filter(touching).map(pair_row).collect::<Vec<_>>(), Vec::new(), false)
    };
    steps.step("diff pairs");
    let compared = if full {
        linker.blocking.pairs
    } else {
        linker.pairs.iter().filter(|p| (p.a as usize) >= old_n || (p.b as usize) >= old_n).count() as u64
    };
    let errors = error_estimate(linker.pairs.iter().map(|p| p.probability()), cfg.threshold);
    let flags: Vec<FlagRow> = roll
        .clustering
        .flags
        .iter()
        .map(|f| FlagRow { records: f.records.clone(), reason: f.reason.clone() })
        .collect();
    let mut summary = LinkSummary {
        mode: if full { "full" } else { "incremental" }.into(),
        run_id: 0,
        model_id,
        params_id: tally_linkage::model::params_id(&linker.scorer.params),
        trained,
        retrained_because_grown,
        model_version: linker.scorer.params.version,
        em_iterations: linker.scorer.params.em_iterations,
        em_converged: linker.scorer.params.em_converged,
        records: t.len() as u64,
        new_records: n_new,
        compared_pairs: compared,
        kept_pairs: linker.pairs.len() as u64,
        blocking: full.then(|| linker.blocking.clone()),
        persons: roll.persons,
        linked_records,
        merges,
        splits,
        flagged_clusters: roll.clustering.flags.len() as u64,
        refused_merges: roll.clustering.refused,
        review_queue,
        threshold: cfg.threshold,
        errors,
        candidate_errors: full.then_some(linker.errors),
        roll: roll_mode,
        linker_cache: cache_note,
        changed_assignments: (assignments.len() + assignment_updates.len()) as u64,
        written_pairs: pairs.len() as u64,
        deleted_pairs: if replace_pairs { 0 } else { delete_pairs.len() as u64 },
        decisions_seen,
        timings: timings.clone(),
        steps: Vec::new(),
    };
    let run = RunWrite {
        model_id,
        mode: summary.mode.clone(),
        records: summary.records,
        new_records: summary.new_records,
        persons: summary.persons,
        report: serde_json::to_string(&summary).unwrap_or_default(),
        who: opts.who.clone(),
        replace_pairs,
        pairs,
        revisions_through,
        delete_pairs,
        assignments,
        assignment_updates,
        new_persons,
        log,
        flags,
    };
    steps.step("summarise");
    summary.run_id = store.write_run(&run)?;
    steps.step("store write");
    if let Some(path) = &opts.cache {
        let fp = crate::link_cache::Fingerprint {
            run_id: summary.run_id,
            records: t.len() as u64,
            model_id,
            decisions: decisions_seen,
            threshold: cfg.threshold,
        };
        // After a run from the cache, a delta is appended when it can be; else (and after any
        // other run) the whole cache is written again.
        let res = match &cache_rows {
            Some(Ok(rows)) => match &cache_state {
                Some(state) if summary.roll == "incremental" => {
                    crate::link_cache::save_after(path, state, &fp, rows, &linker, &new_records)
                }
                _ => crate::link_cache::save(path, &fp, rows, &linker).map(|()| false),
            },
            Some(Err(e)) => Err(std::io::Error::other(e.clone())),
            None => Err(std::io::Error::other("no roll rows")),
        };
        let saved = match res {
            Ok(true) => "appended".to_string(),
            Ok(false) => "saved".to_string(),
            Err(e) => {
                crate::link_cache::remove(path);
                format!("not saved: {e}")
            }
        };
        summary.linker_cache =
            if summary.linker_cache.is_empty() { saved } else { format!("{}; {saved}", summary.linker_cache) };
        steps.step("save linker cache");
    }
    timings.write = t3.elapsed().as_secs_f64();
    timings.total = t0.elapsed().as_secs_f64();
    summary.timings = timings;
    summary.steps = steps.steps;
    // Freeing the linker (some hundreds of MB in many allocations at a million records) is
    // left to a background thread, as rust-analyzer does with large structures: a caller
    // that exits next need not wait for it, and a server does not stall on it.
    std::thread::spawn(move || drop((linker, roll, stored)));
    Ok(summary)
}

/// Records per person of a roll: in a vector by id when the ids are dense (they are: import
/// and link mint them in sequence), a hash map otherwise. A million hash updates were most of
/// the diff of a roll against the store in an incremental run.
enum PersonCounts {
    Dense(Vec<u32>),
    Sparse(FxHashMap<PersonId, u64>),
}

impl PersonCounts {
    fn new(assignments: &[tally_linkage::Assignment]) -> PersonCounts {
        let (lo, hi) =
            assignments.iter().fold((i64::MAX, i64::MIN), |(lo, hi), a| (lo.min(a.person.0), hi.max(a.person.0)));
        if assignments.is_empty() || lo < 0 || hi as u64 > 4 * assignments.len() as u64 + 1024 {
            PersonCounts::Sparse(FxHashMap::default())
        } else {
            PersonCounts::Dense(vec![0; hi as usize + 1])
        }
    }

    #[inline]
    fn add(&mut self, p: PersonId) {
        match self {
            PersonCounts::Dense(v) => v[p.0 as usize] += 1,
            PersonCounts::Sparse(m) => *m.entry(p).or_insert(0) += 1,
        }
    }

    /// The persons with an id of at least `first`, in id order.
    fn from(&self, first: i64) -> Vec<PersonId> {
        match self {
            PersonCounts::Dense(v) => {
                let start = usize::try_from(first.max(0)).unwrap_or(usize::MAX).min(v.len());
                (start..v.len()).filter(|&i| v[i] > 0).map(|i| PersonId(i as i64)).collect()
            }
            PersonCounts::Sparse(m) => {
                let mut out: Vec<PersonId> = m.keys().filter(|p| p.0 >= first).copied().collect();
                out.sort();
                out
            }
        }
    }

    /// Records in persons of more than one record.
    fn in_shared(&self) -> u64 {
        match self {
            PersonCounts::Dense(v) => v.iter().filter(|&&n| n > 1).map(|&n| u64::from(n)).sum(),
            PersonCounts::Sparse(m) => m.values().filter(|&&n| n > 1).sum(),
        }
    }
}

fn record_by_name<S: RecordStore + ?Sized>(store: &S, k: &RecordKey) -> Result<Record> {
    store.record_by_key(k)?.ok_or_else(|| LinkAppError::UnknownRecord(record_name(k)))
}

fn pair_linker<S: RecordStore + LinkStore + ?Sized>(store: &S, a: &Record, b: &Record) -> Result<Linker> {
    let (_, params) = load_params(store)?.ok_or(LinkAppError::NoModel)?;
    Ok(Linker::from_parts(&[a.clone(), b.clone()], LinkConfig::default(), params, &[])?)
}

/// Explain the comparison of two records under the stored model.
pub fn explain<S: RecordStore + LinkStore + ?Sized>(store: &S, a: &RecordKey, b: &RecordKey) -> Result<Explanation> {
    let (ra, rb) = (record_by_name(store, a)?, record_by_name(store, b)?);
    let l = pair_linker(store, &ra, &rb)?;
    Ok(l.explain(a, b)?)
}

/// Evaluation of the current roll against a truth file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvalReport {
    pub truth_file: String,
    pub truth_records: u64,
    /// Records of the truth that the roll does not hold.
    pub missing_from_roll: u64,
    pub evaluation: Evaluation,
    /// Calibration of kept pair probabilities on the labelled pairs.
    pub calibration: Vec<CalibrationBin>,
    /// Largest gap between mean predicted and observed rate over bins with at least 20 pairs.
    pub max_calibration_gap: f64,
    /// The same over bins with at least 500 pairs (the bins whose observed rate has a standard
    /// deviation of at most about 0.022).
    pub max_calibration_gap_500: f64,
    /// Pairs of one true person where one record is in Latin script and the other in
    /// Cyrillic (by their name fields); only when both scripts occur among the labelled records.
    pub cross_script: Option<CrossScript>,
    /// Calibration of the labelled grey pairs (probability from the review floor up to the
    /// threshold, [`GREY_FROM`]..[`GREY_TO`]) by where they stand in the roll: pairwise scoring
    /// does not see the other links of a pair's records, and each context errs its own way.
    pub calibration_by_context: Vec<ContextCalibration>,
}

/// The grey zone of [`EvalReport::calibration_by_context`]: the default review floor and link
/// threshold.
pub const GREY_FROM: f64 = 0.2;
pub const GREY_TO: f64 = 0.95;

/// How linkage does across scripts: true pairs of a Latin-script and a Cyrillic-script record.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CrossScript {
    /// Latin-script and Cyrillic-script records among the labelled ones.
    pub latin_records: u64,
    pub cyrillic_records: u64,
    /// Latin-Cyrillic pairs that are one person in the truth, in the roll, and in both.
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub correct_pairs: u64,
    /// correct / true (1 when there are none), and correct / predicted.
    pub recall: f64,
    pub precision: f64,
}

/// Script of a record's name fields: Some(true) Cyrillic, Some(false) Latin, None neither.
fn name_script(r: &Record) -> Option<bool> {
    let f = &r.fields;
    let mut latin = false;
    for s in [&f.surname, &f.given_name, &f.patronymic].into_iter().flatten() {
        for c in s.chars() {
            if ('\u{0400}'..='\u{052f}').contains(&c) {
                return Some(true);
            }
            latin |= c.is_alphabetic();
        }
    }
    latin.then_some(false)
}

/// Cross-script pair counts from (predicted person, true person, is Cyrillic) per record.
fn cross_script<P: std::hash::Hash + Eq, T: std::hash::Hash + Eq + Clone>(
    rows: impl Iterator<Item = (P, T, bool)>,
) -> Option<CrossScript> {
    let mut cell: HashMap<(P, T), (u64, u64)> = HashMap::new();
    let mut counts = (0u64, 0u64);
    for (p, t, cyr) in rows {
        let e = cell.entry((p, t)).or_insert((0, 0));
        if cyr {
            e.1 += 1;
            counts.1 += 1;
        } else {
            e.0 += 1;
            counts.0 += 1;
        }
    }
    if counts.0 == 0 || counts.1 == 0 {
        return None;
    }
    let mut by_pred: HashMap<&P, (u64, u64)> = HashMap::new();
    let mut by_true: HashMap<&T, (u64, u64)> = HashMap::new();
    let mut correct = 0;
    for ((p, t), &(l, c)) in &cell {
        correct += l * c;
        for e in [by_pred.entry(p).or_insert((0, 0)), by_true.entry(t).or_insert((0, 0))] {
            e.0 += l;
            e.1 += c;
        }
    }
    let true_pairs: u64 = by_true.values().map(|&(l, c)| l * c).sum();
    let predicted_pairs: u64 = by_pred.values().map(|&(l, c)| l * c).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    Some(CrossScript {
        latin_records: counts.0,
        cyrillic_records: counts.1,
        true_pairs,
        predicted_pairs,
        correct_pairs: correct,
        recall: ratio(correct, true_pairs),
        precision: ratio(correct, predicted_pairs),
    })
}

/// Read a truth CSV: header with source, source_record_id, person_id (extra columns ignored).
pub fn read_truth(path: &Path) -> Result<HashMap<RecordKey, String>> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LinkAppError::Read { path: p.clone(), source })?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let headers =
        rdr.headers().map_err(|e| LinkAppError::Truth { path: p.clone(), line: 1, message: e.to_string() })?;
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| LinkAppError::Truth { path: p.clone(), line: 1, message: format!("no {name} column") })
    };
    let (cs, ci, cp) = (col("source")?, col("source_record_id")?, col("person_id")?);
    let mut out = HashMap::new();
    for (n, row) in rdr.records().enumerate() {
        let line = n as u64 + 2;
        let row = row.map_err(|e| LinkAppError::Truth { path: p.clone(), line, message: e.to_string() })?;
        let get = |i: usize, what: &str| {
            row.get(i).filter(|v| !v.is_empty()).map(str::to_string).ok_or_else(|| LinkAppError::Truth {
                path: p.clone(),
                line,
                message: format!("empty {what}"),
            })
        };
        out.insert(RecordKey::new(get(cs, "source")?, get(ci, "source_record_id")?), get(cp, "person_id")?);
    }
    Ok(out)
}

/// Evaluate the roll in the store against a truth file.
pub fn eval<S: RecordStore + LinkStore + ?Sized>(store: &S, truth_path: &Path) -> Result<EvalReport> {
    // True persons as small integers: a million label strings need not be compared or held
    // twice.
    let mut labels: HashMap<String, u32> = HashMap::new();
    let truth: FxHashMap<RecordKey, u32> = read_truth(truth_path)?
        .into_iter()
        .map(|(k, v)| {
            let n = labels.len() as u32;
            (k, *labels.entry(v).or_insert(n))
        })
        .collect();
    drop(labels);
    let mut pred: Vec<(RecordKey, PersonId)> = Vec::new();
    let mut pred_ids: Vec<i64> = Vec::new();
    store.for_each_link(&mut |l| {
        pred_ids.push(l.record_id);
        pred.push((RecordKey::new(l.source, l.source_record_id), l.person_id));
        Ok(())
    })?;
    // Record id -> its true person, for the labelled records of the roll.
    let true_of: FxHashMap<i64, u32> =
        pred.iter().zip(&pred_ids).filter_map(|((k, _), &id)| Some((id, *truth.get(k)?))).collect();
    let missing = (truth.len() - true_of.len()) as u64;
    let evaluation = evaluate(&pred, &truth);
    // Each record's person and list, and how many records of each list each person holds, to
    // place every labelled pair in its context.
    let mut source_ids: HashMap<&str, u32> = HashMap::new();
    let mut place: FxHashMap<i64, (PersonId, u32)> = FxHashMap::default();
    let mut held: FxHashMap<(PersonId, u32), u32> = FxHashMap::default();
    for ((k, person), &id) in pred.iter().zip(&pred_ids) {
        let n = source_ids.len() as u32;
        let src = *source_ids.entry(k.source.as_str()).or_insert(n);
        place.insert(id, (*person, src));
        *held.entry((*person, src)).or_insert(0) += 1;
    }
    // Each record's sex and dates, and each person's records, for the hard conflicts.
    let mut dates: FxHashMap<i64, Vitals> = FxHashMap::default();
    let mut script: FxHashMap<i64, bool> = FxHashMap::default();
    store.for_each_record(&RecordQuery::default(), &mut |r| {
        if let Some(cyr) = name_script(&r) {
            script.insert(r.id, cyr);
        }
        let v = Vitals::of(&r.fields);
        if !v.is_empty() {
            dates.insert(r.id, v);
        }
        Ok(())
    })?;
    let mut members: FxHashMap<PersonId, Vec<i64>> = FxHashMap::default();
    for (&id, &(person, _)) in &place {
        if dates.contains_key(&id) {
            members.entry(person).or_default().push(id);
        }
    }
    let conflict = |pa: PersonId, pb: PersonId| {
        let (Some(ma), Some(mb)) = (members.get(&pa), members.get(&pb)) else { return false };
        ma.iter().any(|x| mb.iter().any(|y| dates[x].conflicts(&dates[y])))
    };
    let context = |a: i64, b: i64| -> Option<PairContext> {
        let (&(pa, sa), &(pb, sb)) = (place.get(&a)?, place.get(&b)?);
        if pa == pb {
            return Some(PairContext::OnePerson);
        }
        if conflict(pa, pb) {
            return Some(PairContext::Conflict);
        }
        // Records of the other's list in each person, the pair's own record aside.
        let other =
            |p: PersonId, s: u32, own: u32| held.get(&(p, s)).copied().unwrap_or(0).saturating_sub(u32::from(s == own));
        Some(if other(pa, sb, sa) > 0 || other(pb, sa, sb) > 0 { PairContext::ListHeld } else { PairContext::Apart })
    };
    let mut labelled: Vec<(f64, bool)> = Vec::new();
    let mut in_context: Vec<(f64, bool, PairContext)> = Vec::new();
    store.for_each_pair(&mut |p| {
        if let (Some(a), Some(b)) = (true_of.get(&p.record_a), true_of.get(&p.record_b)) {
            labelled.push((p.probability, a == b));
            if let Some(c) = context(p.record_a, p.record_b) {
                in_context.push((p.probability, a == b, c));
            }
        }
        Ok(())
    })?;
    let cross = cross_script(
        pred.iter().zip(&pred_ids).filter_map(|((_, p), id)| Some((*p, *true_of.get(id)?, *script.get(id)?))),
    );
    let cal = calibration(&labelled, 10);
    let gap = max_calibration_gap(&cal, 20);
    let gap_500 = max_calibration_gap(&cal, 500);
    Ok(EvalReport {
        truth_file: truth_path.display().to_string(),
        truth_records: truth.len() as u64,
        missing_from_roll: missing,
        evaluation,
        calibration: cal,
        max_calibration_gap: gap,
        max_calibration_gap_500: gap_500,
        cross_script: cross,
        calibration_by_context: calibration_by_context(&in_context, GREY_FROM, GREY_TO),
    })
}

/// One pair of the review queue, ready to show side by side.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewItem {
    pub a: Record,
    pub b: Record,
    pub probability: f64,
    pub explanation: Explanation,
    /// Pairs left in the queue, this one included.
    pub remaining: u64,
    /// The persons the roll has put the two records in, `a`'s first.
    pub persons: [ReviewPerson; 2],
    /// Stronger candidates of either record in the other record's list (see [`Rival`]).
    pub rivals: Vec<Rival>,
    /// For each record, `a`'s first, the edition that withdrew it from its list, when a complete
    /// edition left it out and none has named it again (a man taken off a list of the killed
    /// may have been found alive).
    pub withdrawn: [Option<String>; 2],
    /// Two records, one of each person, that can never be one person (see [`Conflict`]).
    pub conflict: Option<Conflict>,
}

/// The person a record of a reviewed pair belongs to in the roll, with its other records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewPerson {
    /// None when the record has no assignment yet (imported since the last `tally link`).
    pub person: Option<PersonId>,
    /// The person's other records, as `source:id`.
    pub others: Vec<String>,
}

/// A rival of a reviewed pair: a record of `b`'s list that `a` is linked to more strongly than
/// to `b` (or the other way round), and not in `b`'s person. A list names a person about once,
/// so a rival makes the pair less likely than its probability says, which the model, scoring
/// pairs one at a time, cannot see. Of the grey-zone pairs (probability 0.2 to 0.9) of ten
/// 100k synthetic worlds, those with a rival were matches 6% of the time against 49% predicted,
/// those without 84% against 66% (the two 1M worlds of seed 1: 7% against 47%, 82% against 63%);
/// `bench/review_rivals.py` measures it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rival {
    /// The record of the pair that has the rival, as `source:id`.
    pub of: String,
    /// The rival, as `source:id`.
    pub rival: String,
    /// Link probability of `of` and `rival`.
    pub probability: f64,
    /// Whether the roll already has `of` and `rival` in one person.
    pub same_person: bool,
}

/// The review queue: kept pairs in the grey zone without a must/cannot decision, most
/// uncertain first; pairs the roll has already settled (see [`queue_and_keys`]) after those,
/// and pairs only skipped after all others.
pub fn review_queue<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<Vec<(RecordKey, RecordKey, f64)>> {
    Ok(queue_and_keys(store)?.pairs)
}

/// A pair of the review queue as `tally review --list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueEntry {
    pub a: RecordKey,
    pub b: RecordKey,
    pub probability: f64,
    /// Whether the pair has a rival (see [`Rival`]).
    pub rival: bool,
    /// Whether the roll has already put both records in one person through other links.
    pub same_person: bool,
    /// Whether joining the two records' persons would put records that can never be one person
    /// in one (see [`Conflict`]).
    pub conflict: bool,
}

/// [`review_queue`], each pair with whether it has a rival (see [`Rival`]) and whether the roll
/// has already settled it.
pub fn review_queue_marked<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<Vec<QueueEntry>> {
    let Queue { pairs: q, records: rec_ids, settled, skipped, keys, persons } = queue_and_keys(store)?;
    let pairs: Vec<Option<(i64, i64, f64)>> =
        q.iter().zip(&rec_ids).map(|((_, _, p), &(a, b))| Some((a, b, *p))).collect();
    let records: HashSet<i64> = pairs.iter().flatten().flat_map(|&(a, b, _)| [a, b]).collect();
    let open: Vec<(i64, i64)> =
        pairs.iter().zip(&settled).filter(|(_, &s)| !s).filter_map(|(p, _)| p.map(|(a, b, _)| (a, b))).collect();
    let conflicts = Conflicts::read(store, &keys, &persons, &open)?;
    let s = Surroundings::read(store, &keys, persons.clone(), &records)?;
    let mut out: Vec<(bool, QueueEntry)> = q
        .iter()
        .zip(&pairs)
        .zip(settled)
        .zip(skipped)
        .map(|((((a, b, p), ids), same_person), skipped)| {
            let rival = ids.is_some_and(|(x, y, p)| s.rival(x, y, p).is_some() || s.rival(y, x, p).is_some());
            let conflict = !same_person && ids.is_some_and(|(x, y, _)| conflicts.between(x, y).is_some());
            (skipped, QueueEntry { a: a.clone(), b: b.clone(), probability: *p, rival, same_person, conflict })
        })
        .collect();
    // Within each part of the queue (skipped pairs last, as before), pairs whose merge would
    // join records that cannot be one person come after the others: see [`Conflict`].
    out.sort_by_key(|(skipped, e)| (*skipped, e.same_person, e.conflict));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// Two records that can never be one person (two sexes, or birth dates or dates of death too far
/// apart: the chaining guard's hard conflicts), one in each person of a reviewed pair. Accepting
/// such a pair forces them into one person, which the roll then flags. Of the grey pairs
/// (probability 0.2 to 0.95) of ten 100k synthetic worlds, 1,924 of 9,740 joined two persons so
/// (predicted 0.527, observed 0.005); in a 1M world 5,487 of 26,041 (0.496 against 0.008)
/// (`crates/tally-linkage/examples/context_check.rs`, fifteenth pass of issue 4). A reviewer's
/// time goes first to the pairs without one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    /// A record of the first record's person, as `source:id`.
    pub a: String,
    /// A record of the second record's person that it can never be one person with.
    pub b: String,
}

/// The records of the persons of some pairs, to find [`Conflict`]s.
struct Conflicts<'p> {
    /// Record id -> its sex and dates.
    fields: HashMap<i64, Vitals>,
    /// Each person's records (ids), for the persons of the pairs.
    members: HashMap<PersonId, Vec<i64>>,
    /// (record id, person), sorted by record id.
    persons: &'p [(i64, PersonId)],
}

impl<'p> Conflicts<'p> {
    /// Reads the records of the persons of `pairs`' records: one by one when they are few, in
    /// one pass over the records otherwise.
    fn read<S: RecordStore + LinkStore + ?Sized>(
        store: &S,
        keys: &HashMap<i64, RecordKey>,
        persons: &'p [(i64, PersonId)],
        pairs: &[(i64, i64)],
    ) -> Result<Conflicts<'p>> {
        let wanted: HashSet<PersonId> =
            pairs.iter().flat_map(|&(a, b)| [a, b]).filter_map(|r| person_in(persons, r)).collect();
        let mut members: HashMap<PersonId, Vec<i64>> = HashMap::new();
        for &(r, p) in persons {
            if wanted.contains(&p) {
                members.entry(p).or_default().push(r);
            }
        }
        let needed: HashSet<i64> = members.values().flatten().copied().collect();
        let mut fields: HashMap<i64, Vitals> = HashMap::with_capacity(needed.len());
        if needed.len() <= 2_000 {
            let mut ids: Vec<i64> = needed.iter().copied().collect();
            ids.sort_unstable();
            for id in ids {
                if let Some(r) = keys.get(&id).map(|k| store.record_by_key(k)).transpose()?.flatten() {
                    fields.insert(id, Vitals::of(&r.fields));
                }
            }
        } else {
            store.for_each_record(&RecordQuery::default(), &mut |r| {
                if needed.contains(&r.id) {
                    fields.insert(r.id, Vitals::of(&r.fields));
                }
                Ok(())
            })?;
        }
        Ok(Conflicts { fields, members, persons })
    }

    /// The first two records, one of each person of `x` and `y` (`x`'s first), that can never
    /// be one person; None when there are none or the two are one person.
    fn between(&self, x: i64, y: i64) -> Option<(i64, i64)> {
        let (px, py) = (person_in(self.persons, x)?, person_in(self.persons, y)?);
        if px == py {
            return None;
        }
        let (mx, my) = (self.members.get(&px)?, self.members.get(&py)?);
        mx.iter().find_map(|&u| {
            let fu = self.fields.get(&u)?;
            my.iter().find_map(|&v| fu.conflicts(self.fields.get(&v)?).then_some((u, v)))
        })
    }
}

/// A pair of the review queue: its records and probability.
type QueuePair = (RecordKey, RecordKey, f64);

/// The review queue with what it was read from: the store's record keys by id and every record's
/// person (sorted by record id), which showing a pair needs too.
struct Queue {
    pairs: Vec<QueuePair>,
    /// Per pair, whether the roll has settled it (see [`queue_and_keys`]).
    settled: Vec<bool>,
    /// Per pair, whether a reviewer skipped it.
    skipped: Vec<bool>,
    /// Per pair, its two record ids (in the order of its keys).
    records: Vec<(i64, i64)>,
    keys: HashMap<i64, RecordKey>,
    persons: Vec<(i64, PersonId)>,
}

/// Every record's person, sorted by record id: a million rows in a vector cost a fraction of a map.
fn read_persons<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<Vec<(i64, PersonId)>> {
    let mut persons: Vec<(i64, PersonId)> = Vec::new();
    store.for_each_assignment(&mut |r| {
        persons.push((r.record_id, r.person_id));
        Ok(())
    })?;
    // The store gives them by record id already; a sort of sorted data is one pass.
    persons.sort_unstable_by_key(|x| x.0);
    Ok(persons)
}

fn person_in(persons: &[(i64, PersonId)], r: i64) -> Option<PersonId> {
    persons.binary_search_by_key(&r, |x| x.0).ok().map(|i| persons[i].1)
}

/// The review queue, with the record keys and persons it was read with (see [`Queue`]).
///
/// A pair below the link threshold whose two records the roll has already put in one person
/// (through other links) is settled: accepting it changes nothing, and such pairs are nearly
/// always matches whatever their own probability. Of the grey pairs (0.2 to 0.95) of sixty 100k
/// synthetic worlds, 19,225 were settled so, predicted 0.778 and observed 0.994
/// (`bench/calibration.py`, ninth pass of issue 4). They come after the pairs whose decision
/// can change the roll, so a reviewer's time goes to those first.
fn queue_and_keys<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<Queue> {
    let cfg = LinkConfig::default();
    let ids: HashMap<i64, RecordKey> = store.record_ids()?.into_iter().collect();
    let mut decided: HashSet<(RecordKey, RecordKey)> = HashSet::new();
    let mut skipped: HashSet<(RecordKey, RecordKey)> = HashSet::new();
    for d in store.decisions()? {
        if d.decision == Decision::Skip {
            skipped.insert((d.a, d.b));
        } else {
            decided.insert((d.a, d.b));
        }
    }
    let pairs = store.pairs(cfg.review_low, cfg.review_high)?;
    let persons = read_persons(store)?;
    let settled = |x: i64, y: i64, p: f64| {
        p < cfg.threshold && person_in(&persons, x).is_some_and(|px| person_in(&persons, y) == Some(px))
    };
    #[allow(clippy::type_complexity)]
    let mut q: Vec<(bool, bool, f64, RecordKey, RecordKey, f64, (i64, i64))> = pairs
        .into_iter()
        .filter_map(|p| {
            let (a, b) = (ids.get(&p.record_a)?.clone(), ids.get(&p.record_b)?.clone());
            let ((a, b), rec) =
                if a <= b { ((a, b), (p.record_a, p.record_b)) } else { ((b, a), (p.record_b, p.record_a)) };
            let key = (a.clone(), b.clone());
            (!decided.contains(&key)).then(|| {
                let done = settled(p.record_a, p.record_b, p.probability);
                (skipped.contains(&key), done, p.weight.abs(), a, b, p.probability, rec)
            })
        })
        .collect();
    q.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.partial_cmp(&y.2).unwrap_or(std::cmp::Ordering::Equal))
            .then((&x.3, &x.4).cmp(&(&y.3, &y.4)))
    });
    let settled = q.iter().map(|x| x.1).collect();
    let skipped = q.iter().map(|x| x.0).collect();
    let records = q.iter().map(|x| x.6).collect();
    Ok(Queue {
        pairs: q.into_iter().map(|(_, _, _, a, b, p, _)| (a, b, p)).collect(),
        records,
        settled,
        skipped,
        keys: ids,
        persons,
    })
}

/// The next pair to review, if any.
pub fn review_next<S: RecordStore + LinkStore + ?Sized>(store: &S) -> Result<Option<ReviewItem>> {
    let Queue { pairs: q, records, settled, skipped, keys, persons } = queue_and_keys(store)?;
    if q.is_empty() {
        return Ok(None);
    }
    // The queue's first part (not skipped, not settled, or else what comes first): its first
    // pair without a [`Conflict`], else its first. Conflicts are looked for a few pairs at a
    // time, so the next pair costs a look at a few persons, not at the whole queue.
    let part = |i: usize| (skipped[i], settled[i]);
    let end = (0..q.len()).find(|&i| part(i) != part(0)).unwrap_or(q.len());
    let mut pick = 0;
    if !settled[0] {
        let mut from = 0;
        'search: while from < end {
            let to = (from + 16).min(end);
            let c = Conflicts::read(store, &keys, &persons, &records[from..to])?;
            for (i, &(x, y)) in records.iter().enumerate().take(to).skip(from) {
                if c.between(x, y).is_none() {
                    pick = i;
                    break 'search;
                }
            }
            from = to;
        }
    }
    let (a, b, p) = q[pick].clone();
    review_item(store, &keys, persons, &a, &b, p, q.len() as u64).map(Some)
}

fn review_item<S: RecordStore + LinkStore + ?Sized>(
    store: &S,
    keys: &HashMap<i64, RecordKey>,
    persons: Vec<(i64, PersonId)>,
    a: &RecordKey,
    b: &RecordKey,
    probability: f64,
    remaining: u64,
) -> Result<ReviewItem> {
    let (ra, rb) = (record_by_name(store, a)?, record_by_name(store, b)?);
    let l = pair_linker(store, &ra, &rb)?;
    let explanation = l.explain(a, b)?;
    let conflict = Conflicts::read(store, keys, &persons, &[(ra.id, rb.id)])?.between(ra.id, rb.id).map(|(x, y)| {
        let name = |i: i64| keys.get(&i).map(record_name).unwrap_or_default();
        Conflict { a: name(x), b: name(y) }
    });
    let (persons, rivals) = review_context(store, keys, persons, a, b, probability)?;
    let withdrawn = withdrawn_by(store, [&ra, &rb])?;
    Ok(ReviewItem { a: ra, b: rb, probability, explanation, remaining, persons, rivals, withdrawn, conflict })
}

/// For each record, the edition that withdrew it from its list, if its latest withdrawal event
/// is one. Each source's events are read once.
fn withdrawn_by<S: RecordStore + ?Sized>(store: &S, recs: [&Record; 2]) -> Result<[Option<String>; 2]> {
    let mut events = store.withdrawals(Some(recs[0].key.source.as_str()))?;
    if recs[1].key.source != recs[0].key.source {
        events.extend(store.withdrawals(Some(recs[1].key.source.as_str()))?);
    }
    Ok(recs.map(|r| {
        events
            .iter()
            .rfind(|w| w.source == r.key.source.as_str() && w.source_record_id == r.key.source_record_id.as_str())
            .filter(|w| w.event == "withdrawn")
            .map(|w| w.file.clone())
    }))
}

/// What the roll says around some records: every record's key and person (read with the queue),
/// and the kept pairs of the records asked about (one pass over the kept pairs).
struct Surroundings<'k> {
    keys: &'k HashMap<i64, RecordKey>,
    /// (record id, person), by record id: a million rows in a vector cost a fraction of a map.
    persons: Vec<(i64, PersonId)>,
    pairs_of: HashMap<i64, Vec<(i64, f64)>>,
}

impl<'k> Surroundings<'k> {
    fn read<S: RecordStore + LinkStore + ?Sized>(
        store: &S,
        keys: &'k HashMap<i64, RecordKey>,
        persons: Vec<(i64, PersonId)>,
        records: &HashSet<i64>,
    ) -> Result<Surroundings<'k>> {
        let mut pairs_of: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        store.for_each_pair(&mut |p| {
            for (me, other) in [(p.record_a, p.record_b), (p.record_b, p.record_a)] {
                if records.contains(&me) {
                    pairs_of.entry(me).or_default().push((other, p.probability));
                }
            }
            Ok(())
        })?;
        Ok(Surroundings { keys, persons, pairs_of })
    }

    fn person(&self, r: i64) -> Option<PersonId> {
        person_in(&self.persons, r)
    }

    fn name(&self, i: i64) -> String {
        self.keys.get(&i).map(record_name).unwrap_or_default()
    }

    fn same_person(&self, x: i64, y: i64) -> bool {
        self.person(x).is_some_and(|p| self.person(y) == Some(p))
    }

    /// The strongest rival (see [`Rival`]) of `me` in the pair (`me`, `other`) of probability
    /// `p`: a record of `other`'s list, linked to `me` more strongly, not in `other`'s person.
    fn rival(&self, me: i64, other: i64, p: f64) -> Option<(i64, f64)> {
        let list = self.keys.get(&other).map(|k| &k.source);
        let rivals = self.pairs_of.get(&me)?.iter().filter(|&&(r, q)| {
            q > p && r != other && !self.same_person(r, other) && self.keys.get(&r).map(|k| &k.source) == list
        });
        rivals.copied().fold(None, |best, (r, q)| match best {
            Some((_, b)) if b >= q => best,
            _ => Some((r, q)),
        })
    }
}

/// The persons of a reviewed pair's records and the pair's rivals (see [`Rival`]).
fn review_context<S: RecordStore + LinkStore + ?Sized>(
    store: &S,
    keys: &HashMap<i64, RecordKey>,
    persons: Vec<(i64, PersonId)>,
    a: &RecordKey,
    b: &RecordKey,
    probability: f64,
) -> Result<([ReviewPerson; 2], Vec<Rival>)> {
    let id_of = |k: &RecordKey| {
        keys.iter()
            .find(|(_, v)| *v == k)
            .map(|(&i, _)| i)
            .ok_or_else(|| LinkError::UnknownRecord(k.source.to_string(), k.source_record_id.to_string()))
    };
    let (ia, ib) = (id_of(a)?, id_of(b)?);
    let s = Surroundings::read(store, keys, persons, &HashSet::from([ia, ib]))?;
    let side = |i: i64| {
        let person = s.person(i);
        let mut others: Vec<String> = match person {
            Some(p) => s.persons.iter().filter(|&&(r, q)| q == p && r != i).map(|&(r, _)| s.name(r)).collect(),
            None => Vec::new(),
        };
        others.sort();
        ReviewPerson { person, others }
    };
    let rivals = [(ia, ib), (ib, ia)]
        .into_iter()
        .filter_map(|(me, other)| {
            let (rival, p) = s.rival(me, other, probability)?;
            Some(Rival { of: s.name(me), rival: s.name(rival), probability: p, same_person: s.same_person(me, rival) })
        })
        .collect();
    Ok(([side(ia), side(ib)], rivals))
}

/// Record a review decision on a pair (accept = must-link, reject = cannot-link, skip). It
/// takes effect on the next `tally link`, and on every one after.
pub fn review_decide<S: RecordStore + LinkStore + ?Sized>(
    store: &mut S,
    a: &RecordKey,
    b: &RecordKey,
    decision: Decision,
    note: Option<&str>,
    who: &str,
) -> Result<i64> {
    // Both records must exist: a decision about a typo'd name would silently do nothing.
    record_by_name(store, a)?;
    record_by_name(store, b)?;
    let ids: HashMap<RecordKey, i64> = store.record_ids()?.into_iter().map(|(i, k)| (k, i)).collect();
    let (ia, ib) = (ids[a], ids[b]);
    let (x, y) = (ia.min(ib), ia.max(ib));
    let probability =
        store.pairs(0.0, 2.0)?.into_iter().find(|p| p.record_a == x && p.record_b == y).map(|p| p.probability);
    Ok(store.add_decision(a, b, decision, probability, note, who)?)
}

/// One alternative linkage: the roll at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Alternative {
    pub threshold: f64,
    pub persons: u64,
    /// Records that share their person with at least one other record.
    pub linked_records: u64,
}

/// Export alternative linkages: the roll clustered again at each threshold, under the stored
/// model, kept pairs and review decisions, as rows of (threshold, source, source_record_id,
/// person_id). Person ids are the stored ones where the persons are the same (the same id
/// rules as `tally link`); persons that exist only at some threshold get ids past the
/// roll's, valid only within this export. Nothing is written to the store.
pub fn export_alternatives<S: RecordStore + LinkStore + ?Sized>(
    store: &S,
    thresholds: &[f64],
    format: crate::export::ExportFormat,
    out: &mut dyn std::io::Write,
) -> Result<Vec<Alternative>> {
    if let Some(&bad) = thresholds.iter().find(|t| !(0.0..=1.0).contains(*t) || t.is_nan()) {
        return Err(LinkAppError::BadThreshold(bad));
    }
    let (linker, stored) = stored_linker(store)?;
    let t = &linker.table;
    let decisions = decisions_in_force(store)?;
    let prev: FxHashMap<RecordKey, PersonId> =
        (0..t.len()).filter_map(|r| stored.get(&t.ids[r]).map(|s| (t.keys[r].clone(), s.person))).collect();
    drop(stored);
    let next_id = store.next_person_id()?;
    let mut sink = crate::export::Sink::new(out, format, crate::export::ALTERNATIVE_COLUMNS)?;
    let mut summary = Vec::new();
    for &th in thresholds {
        let roll = linker.roll_at(th, &decisions, &prev, next_id);
        let mut size: FxHashMap<PersonId, u64> = FxHashMap::default();
        for a in &roll.assignments {
            *size.entry(a.person).or_insert(0) += 1;
        }
        for a in roll.assignments {
            sink.write(vec![
                ("threshold", th.into()),
                ("source", a.record.source.to_string().into()),
                ("source_record_id", a.record.source_record_id.to_string().into()),
                ("person_id", a.person.0.into()),
            ])?;
        }
        let linked_records = size.values().filter(|&&n| n > 1).sum();
        summary.push(Alternative { threshold: th, persons: roll.persons, linked_records });
    }
    sink.finish()?;
    Ok(summary)
}
