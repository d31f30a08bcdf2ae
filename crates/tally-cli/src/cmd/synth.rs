//! `tally synth` (write a seeded synthetic world) and `tally demo` (generate, import, link,
//! summarise).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use tally_app::synth::{Config, Script, MAX_SOURCES};

use super::Global;

/// Write a seeded synthetic world: persons, source files in many conventions, and the truth.
#[derive(clap::Args, Debug)]
#[command(
    after_help = SYNTH_EXAMPLES,
    after_long_help = concat!(
        "Ukrainian and Russian servicemen (heavy-tailed name frequencies, so namesakes occur; women with\n",
        "female surname and patronymic forms; birth dates, regions, settlements, units, ranks; killed,\n",
        "missing, prisoner, released in 2022-2026) listed by up to 7 sources with different, dependent\n",
        "coverage, each in its own file and conventions (--sources K takes the first K):\n\n",
        "  1 ua_official_killed.csv   official list, Ukrainian headers, ';', UTF-8 with BOM\n",
        "  2 obituaries.jsonl         obituaries: full names, ages, Ukrainian dates, over-covers the west\n",
        "  3 media_list.csv           English media list, both sides, Latin under several standards\n",
        "  4 family_missing.xlsx      family reports of the missing: typos, years only, repeated reports\n",
        "  5 ru_named_losses.csv      Russian-language list of Russian dead, Windows-1251\n",
        "  6 exchange_manifest.jsonl  released prisoners of both sides\n",
        "  7 court_records.csv        Russian court records of Ukrainian POWs: Russian forms, OCR errors\n\n",
        "Also written:\n",
        "  truth.csv      source,source_record_id,person_id: one row per record of every source\n",
        "  persons.csv    the true persons, their history and how many sources list them\n",
        "  manifest.json  per file: source name, kind, format, encoding, delimiter, header language,\n",
        "                 name script, record count and the exact `tally import` command\n\n",
        "The same seed and flags give the same bytes.\n\n",
        "Examples:\n",
        "  tally synth --persons 10000 --seed 7 --out world\n",
        "  tally synth --records 100000 --script latin --out latin100k\n",
        "  tally synth --persons 1000000 --sources 7 --out big"
    )
)]
pub struct SynthArgs {
    /// Number of true persons [default: 10000]
    #[arg(long, conflicts_with = "records")]
    pub persons: Option<usize>,
    /// Aim for about this many records in all: sets --persons to N / --records-per-person
    /// (which defaults to 1.6 with this flag), e.g. --records 1000000 for a linkage benchmark
    #[arg(long, value_name = "N")]
    pub records: Option<usize>,
    /// Random seed: the same seed gives the same bytes
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory to write into (created if missing)
    #[arg(long, default_value = "synth")]
    pub out: PathBuf,
    /// Number of sources, taken in the order listed above
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=MAX_SOURCES as i64))]
    pub sources: u8,
    /// Scripts of names: mixed (Cyrillic lists plus a Latin media list), latin (every list in
    /// Latin under its publisher's standards), cyrillic (no Latin at all)
    #[arg(long, default_value = "mixed", value_parser = parse_script)]
    pub script: Script,
    /// Scale all coverage so there are about this many records per person (persons no source
    /// lists included); the default is the sources' own coverage (about 0.9). Divide a target
    /// record count by this to choose --persons
    #[arg(long, value_name = "R")]
    pub records_per_person: Option<f64>,
    /// Share of Ukrainian servicemen (the rest are Russian)
    #[arg(long, default_value_t = 0.5, value_name = "SHARE")]
    pub ua_share: f64,
    /// Multiply every noise rate (typos, OCR errors, look-alikes, missing cells); 0 = clean
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub noise: f64,
    /// Print the manifest as JSON instead of the summary
    #[arg(long)]
    pub json: bool,
}

const SYNTH_EXAMPLES: &str = "Examples:\n  tally synth --persons 10000 --seed 7 --out world\n  \
    tally synth --records 100000 --script latin --out latin100k\n  \
    tally synth --persons 1000000 --sources 7 --out big\n\nMore with --help.";

/// Generate a world, import every file, run every pipeline stage that exists, summarise.
///
/// Writes the world next to the database (DB.world/, e.g. tally.db.world/), imports each file
/// as the source its manifest names, links records into persons where the linkage stage
/// exists, and prints what it built with the time each stage took.
#[derive(clap::Args, Debug)]
#[command(after_help = concat!(
    "Generates a world (DB.world/, e.g. tally.db.world/), imports each file as the source its manifest\n",
    "names, links records into persons, scores the roll against the world's truth.csv, replays the\n",
    "2025-26 exchanges into the exchange ledger, and prints what it built with the time of each stage.\n",
    "Nothing in an existing database is deleted: a second run imports nothing new and says so.\n\n",
    "Examples:\n  tally demo\n  tally --db /tmp/demo.db demo --persons 2000 --seed 3"
))]
pub struct DemoArgs {
    /// Number of true persons
    #[arg(long, default_value_t = 50_000)]
    pub persons: usize,
    /// Random seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of sources
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=MAX_SOURCES as i64))]
    pub sources: u8,
    /// Where to write the world (default: the database path plus `.world`)
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
}

/// Print to standard output; a closed pipe (`tally demo | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("writing to standard output"),
    }
}

fn parse_script(s: &str) -> Result<Script, String> {
    Script::parse(s).ok_or_else(|| format!("unknown script {s:?}; expected mixed, latin or cyrillic"))
}

/// A progress bar for the generator; hidden when stderr is not a terminal.
fn synth_bar(persons: usize) -> impl FnMut(tally_app::synth::Progress) {
    let bar = indicatif::ProgressBar::new(persons as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let big = persons >= 100_000;
    if !big {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    move |p: tally_app::synth::Progress| {
        if bar.message() != p.stage {
            bar.set_message(p.stage);
            bar.set_length(p.total);
        }
        bar.set_position(p.done);
        if p.stage == "sources" && p.done == p.total {
            bar.finish_and_clear();
        }
    }
}

pub fn synth(a: SynthArgs, _g: &Global) -> anyhow::Result<()> {
    let (persons, records_per_person) = match a.records {
        Some(n) => {
            let rpp = a.records_per_person.unwrap_or(1.6);
            (((n as f64) / rpp).round().max(1.0) as usize, Some(rpp))
        }
        None => (a.persons.unwrap_or(10_000), a.records_per_person),
    };
    let cfg = Config {
        persons,
        seed: a.seed,
        sources: usize::from(a.sources),
        script: a.script,
        records_per_person,
        ua_share: a.ua_share,
        noise: a.noise,
    };
    let t0 = Instant::now();
    let s = tally_app::synth::write_world(&cfg, &a.out, &mut synth_bar(persons))
        .with_context(|| format!("synth into {}", a.out.display()))?;
    if a.json {
        emit(&format!("{}\n", serde_json::to_string_pretty(&s.manifest)?))?;
        return Ok(());
    }
    let m = &s.manifest;
    let mut o = String::new();
    writeln!(
        o,
        "wrote a world of {} persons ({} listed by some source) and {} records to {} in {:.1}s",
        m.persons,
        m.persons_listed,
        m.records,
        s.out_dir.display(),
        t0.elapsed().as_secs_f64()
    )?;
    writeln!(o, "{:<26} {:<18} {:<6} {:<13} {:>9} {:>9}", "file", "kind", "format", "encoding", "records", "persons")?;
    for src in &m.sources {
        writeln!(
            o,
            "{:<26} {:<18} {:<6} {:<13} {:>9} {:>9}",
            src.file,
            src.kind.as_str(),
            src.format.as_str(),
            src.encoding.as_str(),
            src.records,
            src.persons
        )?;
    }
    writeln!(o, "truth: {}  persons: {}  manifest: manifest.json", m.truth, m.persons_file)?;
    writeln!(o, "hint: import with the commands in manifest.json, e.g. `{}`", m.sources[0].import)?;
    emit(&o)?;
    Ok(())
}

pub fn demo(a: DemoArgs, g: &Global) -> anyhow::Result<()> {
    use tally_app::demo::{DemoOptions, DemoProgress};
    let mut opts = DemoOptions::new(&g.db);
    opts.persons = a.persons;
    opts.seed = a.seed;
    opts.sources = usize::from(a.sources);
    if let Some(w) = a.world {
        opts.world_dir = w;
    }
    let t0 = Instant::now();
    // Hidden until the first report, so no empty bar flashes; indicatif draws nothing when
    // stderr is not a terminal.
    let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::hidden());
    let bar_style = indicatif::ProgressStyle::with_template("{prefix:>26} [{bar:30}] {percent:>3}% {msg} ({elapsed})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    let spinner_style = indicatif::ProgressStyle::with_template("{prefix:>26} {spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let mut current: Option<String> = None;
    let mut total = u64::MAX;
    let summary = tally_app::demo::run(&opts, &mut |p: DemoProgress| {
        if current.as_deref() != Some(p.stage) {
            if current.is_none() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            current = Some(p.stage.to_string());
            bar.reset();
            bar.set_prefix(p.stage.to_string());
            bar.set_message("");
            total = u64::MAX;
        }
        if p.total > 0 {
            if p.total != total {
                // A new measure within the stage (persons, then sources): restart the bar.
                total = p.total;
                bar.set_style(bar_style.clone());
                bar.set_position(0);
                bar.set_length(total);
            }
            bar.set_position(p.done);
        } else {
            bar.set_style(spinner_style.clone());
            bar.tick();
        }
        if bar.message() != p.note {
            bar.set_message(p.note.to_string());
        }
    })
    .with_context(|| format!("demo into {}", g.db.display()))?;
    bar.finish_and_clear();

    let s = &summary;
    let mut o = String::new();
    writeln!(
        o,
        "demo: a synthetic world of {} persons ({} listed by some source), {} records in {} files -> {}",
        s.persons,
        s.persons_listed,
        s.world_records,
        s.imports.len(),
        s.world_dir
    )?;
    writeln!(o, "{:<22} {:<18} {:>8} {:>8} {:>8} {:>8}", "source", "kind", "rows", "records", "rejects", "warnings")?;
    for i in &s.imports {
        writeln!(
            o,
            "{:<22} {:<18} {:>8} {:>8} {:>8} {:>8}{}",
            i.source,
            i.kind.as_str(),
            i.rows,
            i.records,
            i.rejects,
            i.warnings,
            if i.imported { "" } else { "  (already imported)" }
        )?;
    }
    if !s.empty_sources.is_empty() {
        writeln!(o, "no records (nothing to import): {}", s.empty_sources.join(", "))?;
    }
    let l = &s.link;
    writeln!(
        o,
        "linked {} records into {} persons ({} true; {} records share a person), {} pairs compared, {} pairs to review",
        l.records, l.persons, l.true_persons, l.linked_records, l.compared_pairs, l.review_queue
    )?;
    writeln!(o, "against the truth: pairwise F1 {:.3}, cluster (B-cubed) F1 {:.3}", l.pairwise_f1, l.cluster_f1)?;
    writeln!(
        o,
        "exchange ledger: {} signed entries, cosigned by {}, {} discrepancies, {} disputes",
        s.ledger.entries,
        if s.ledger.cosigned_by.is_empty() { "nobody".to_string() } else { s.ledger.cosigned_by.join(", ") },
        s.ledger.discrepancies,
        s.ledger.disputes
    )?;
    // The reconciliation is what the ledger is for: show it, indented under the summary line.
    for line in s.ledger.reconciliation.lines() {
        writeln!(o, "{}{line}", if line.is_empty() { "" } else { "  " })?;
    }
    writeln!(o)?;
    let stages: Vec<String> = s.stages.iter().map(|(n, t)| format!("{n} {t:.1}s")).collect();
    writeln!(o, "stages: {}; total {:.1}s; database {}", stages.join(", "), t0.elapsed().as_secs_f64(), s.db)?;
    writeln!(
        o,
        "hint: try `tally --db {} sources`, `tally --db {} review`, `tally --db {} ledger report`",
        s.db, s.db, s.db
    )?;
    emit(&o)?;
    Ok(())
}
