//! Use case: the demo. Generate a synthetic world, import every file of it, link the records
//! into persons, score the roll against the world's truth, replay the demo exchange ledger, and
//! report what was built and how long each stage took.
//!
//! Every stage goes through the same public functions the CLI commands use
//! ([`crate::synth::write_world`], [`crate::import::import_file`], [`crate::link::link`],
//! [`crate::link::eval`], [`crate::ledger::replay_demo`]), so the demo exercises the real
//! pipeline, not a shortcut.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tally_domain::SourceKind;

use crate::import::{ImportOutcome, ImportRequest};
use crate::synth::{Config, SynthSummary};

/// What to build.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// The database (created if missing). Nothing in it is deleted: importing the same world
    /// again changes nothing, and linkage links only what is new.
    pub db: PathBuf,
    /// Where the world's files go.
    pub world_dir: PathBuf,
    pub persons: usize,
    pub seed: u64,
    pub sources: usize,
}

impl DemoOptions {
    /// The defaults of `tally demo`: 50,000 persons, seed 1, 5 sources, the world beside the
    /// database in `DB.world/`.
    pub fn new(db: &Path) -> DemoOptions {
        let mut w = db.as_os_str().to_owned();
        w.push(".world");
        DemoOptions { db: db.to_path_buf(), world_dir: PathBuf::from(w), persons: 50_000, seed: 1, sources: 5 }
    }
}

/// Progress of the demo: `stage` names what runs (`synth`, `import <source>`, `link`, `eval`,
/// `ledger`); `done`/`total` measure it where it can be measured (0/0 otherwise); `note` is a
/// message from within the stage.
#[derive(Debug, Clone, Copy)]
pub struct DemoProgress<'a> {
    pub stage: &'a str,
    pub done: u64,
    pub total: u64,
    pub note: &'a str,
}

/// One imported file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportLine {
    pub source: String,
    pub file: String,
    pub kind: SourceKind,
    /// False when these exact bytes were imported before (nothing changed).
    pub imported: bool,
    pub rows: u64,
    pub records: u64,
    pub rejects: u64,
    pub warnings: u64,
}

/// The linkage figures of the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkLine {
    pub records: u64,
    pub persons: u64,
    pub linked_records: u64,
    pub compared_pairs: u64,
    pub review_queue: u64,
    /// Scored against the world's truth.csv.
    pub pairwise_f1: f64,
    pub cluster_f1: f64,
    pub true_persons: u64,
}

/// The exchange-ledger figures of the demo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerLine {
    pub entries: u64,
    pub cosigned_by: Vec<String>,
    pub discrepancies: usize,
    pub disputes: usize,
    /// The reconciliation as `tally ledger report` renders it (agreements, schedules,
    /// discrepancies).
    pub reconciliation: String,
}

/// What the demo built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub db: String,
    pub world_dir: String,
    pub persons: usize,
    pub persons_listed: usize,
    pub world_records: usize,
    pub imports: Vec<ImportLine>,
    /// Sources of the world that list nobody (tiny worlds): there is nothing to import.
    pub empty_sources: Vec<String>,
    pub link: LinkLine,
    pub ledger: LedgerLine,
    /// (stage, seconds) in the order run.
    pub stages: Vec<(String, f64)>,
}

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("generating the world: {0}")]
    Synth(#[from] crate::synth::SynthError),
    #[error("opening {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: tally_store::StoreError,
    },
    #[error("importing: {0}")]
    Import(#[from] crate::import::ImportError),
    #[error("linking: {0}")]
    Link(#[from] crate::link::LinkAppError),
    #[error("replaying the exchange ledger: {0}")]
    Ledger(#[from] crate::ledger::LedgerAppError),
}

/// Run the demo.
pub fn run(opts: &DemoOptions, progress: &mut dyn FnMut(DemoProgress)) -> Result<DemoSummary, DemoError> {
    let mut stages: Vec<(String, f64)> = Vec::new();
    let mut say = |stage: &str, done: u64, total: u64, note: &str| progress(DemoProgress { stage, done, total, note });

    // 1. The world.
    let t = Instant::now();
    let cfg = Config { persons: opts.persons, seed: opts.seed, sources: opts.sources, ..Config::default() };
    let world: SynthSummary = crate::synth::write_world(&cfg, &opts.world_dir, &mut |p| {
        say("synth", p.done, p.total, p.stage);
    })?;
    stages.push(("synth".into(), t.elapsed().as_secs_f64()));

    // 2. Import every file as the source the manifest names.
    let mut store = crate::import::open_store(&opts.db)
        .map_err(|source| DemoError::Open { path: opts.db.display().to_string(), source })?;
    let t = Instant::now();
    let mut imports = Vec::new();
    let mut empty_sources = Vec::new();
    for src in &world.manifest.sources {
        if src.records == 0 {
            // An empty JSON Lines file is not a table; an empty list has nothing to give anyway.
            empty_sources.push(src.source.clone());
            continue;
        }
        let stage = format!("import {}", src.source);
        let mut req = ImportRequest::new(src.source.clone(), src.kind);
        req.publisher = Some("tally synth (synthetic data)".into());
        // The manifest knows the encoding; the importer would detect it too.
        req.options.encoding = Some(src.encoding.import_label().to_string());
        let path = world.path(&src.file);
        let outcome = crate::import::import_file(&mut store, &path, &req, &mut |p| {
            say(&stage, p.done, p.total, "");
        })?;
        imports.push(match outcome {
            ImportOutcome::Imported(s) => ImportLine {
                source: src.source.clone(),
                file: src.file.clone(),
                kind: src.kind,
                imported: true,
                rows: s.info.counts.rows,
                records: s.info.counts.records,
                rejects: s.info.counts.rejects,
                warnings: s.info.counts.warnings,
            },
            ImportOutcome::AlreadyImported { previous, .. } => ImportLine {
                source: src.source.clone(),
                file: src.file.clone(),
                kind: src.kind,
                imported: false,
                rows: previous.counts.rows,
                records: previous.counts.records,
                rejects: previous.counts.rejects,
                warnings: previous.counts.warnings,
            },
        });
    }
    stages.push(("import".into(), t.elapsed().as_secs_f64()));

    // 3. Link records into persons.
    let t = Instant::now();
    let opts_link = crate::link::LinkOptions { who: "tally demo".into(), ..Default::default() };
    let ls = crate::link::link(&mut store, &opts_link, &mut |note| say("link", 0, 0, note))?;
    stages.push(("link".into(), t.elapsed().as_secs_f64()));

    // 4. Score the roll against the truth the world came with.
    let t = Instant::now();
    say("eval", 0, 0, "scoring the roll against truth.csv");
    let ev = crate::link::eval(&store, &world.path(&world.manifest.truth))?;
    stages.push(("eval".into(), t.elapsed().as_secs_f64()));

    // 5. The exchange ledger (the 2025-26 exchanges as signed statements).
    let t = Instant::now();
    say("ledger", 0, 0, "replaying the 2025-26 exchanges as signed statements");
    let report = crate::ledger::replay_demo(&mut store, crate::ledger::DEMO_EVENTS_JSON)?;
    stages.push(("ledger".into(), t.elapsed().as_secs_f64()));

    Ok(DemoSummary {
        db: opts.db.display().to_string(),
        world_dir: world.out_dir.display().to_string(),
        persons: world.manifest.persons,
        persons_listed: world.manifest.persons_listed,
        world_records: world.manifest.records,
        imports,
        empty_sources,
        link: LinkLine {
            records: ls.records,
            persons: ls.persons,
            linked_records: ls.linked_records,
            compared_pairs: ls.compared_pairs,
            review_queue: ls.review_queue,
            pairwise_f1: ev.evaluation.pairwise.f1,
            cluster_f1: ev.evaluation.bcubed.f1,
            true_persons: ev.evaluation.true_persons,
        },
        ledger: LedgerLine {
            entries: report.log_size,
            cosigned_by: report.cosigned_by.clone(),
            discrepancies: report.discrepancies.len(),
            disputes: report.disputes.len(),
            reconciliation: report.render_reconciliation(),
        },
        stages,
    })
}
