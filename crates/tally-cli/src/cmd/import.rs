//! `tally import`, `tally export`, `tally rejects`, `tally revisions`, `tally sources`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tally_app::export::{ExportFormat, ExportWhat};
use tally_app::import::{ImportOutcome, ImportRequest, ImportSummary, Progress};
use tally_domain::SourceKind;

use super::Global;

/// Import a list as one source.
///
/// Reads CSV/TSV (any delimiter, quoted fields), JSON Lines or a JSON array, XML records,
/// XLSX/XLS/ODS, a saved web page, a Word (.docx) or OpenDocument (.odt) text, a PDF whose text
/// can be selected (its tables rebuilt from where the text stands), and a list of people in
/// plain text,
/// in UTF-8 (with or without BOM) or Windows-1251. A page or a document gives its first table
/// with a name column and the later tables under the same header (or --table N), else its list
/// of people. Headers in English, Ukrainian or Russian are recognised;
/// map others with --map. All writes happen in one transaction: an import that fails or is
/// killed leaves the database as it was. Importing the same bytes again changes nothing.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  tally import list.csv --source uk_mod_2024 --kind official_list\n  \
    tally import names.xlsx --source media --sheet Лист1 --map full_name=\"Прізвище та ім'я\"\n  \
    tally import report.docx --source family_reports --kind family_report\n  \
    tally import list_2025-03.csv --source uk_mod --revise\n  \
    tally import old.csv --source ru_list --encoding windows-1251 --delimiter ';'")]
pub struct ImportArgs {
    /// The file to import
    pub file: PathBuf,
    /// Name of the source the records are filed under (e.g. uk_mod_2024)
    #[arg(long)]
    pub source: String,
    /// Kind of source: official_list, obituary, media, family_report, exchange_manifest, court_record, other
    #[arg(long, default_value = "other")]
    pub kind: SourceKind,
    /// Who published the list
    #[arg(long)]
    pub publisher: Option<String>,
    /// When the file was obtained (RFC 3339, e.g. 2025-02-01T12:00:00Z)
    #[arg(long)]
    pub retrieved_at: Option<String>,
    /// Text encoding (utf-8, windows-1251, ...); detected when absent
    #[arg(long)]
    pub encoding: Option<String>,
    /// Field delimiter of a text table (',', ';', 'tab', '|'); sniffed when absent
    #[arg(long)]
    pub delimiter: Option<String>,
    /// File format (csv, jsonl, xlsx, html, docx, odt, pdf, xml); detected when absent
    #[arg(long)]
    pub format: Option<tally_app::import::Format>,
    /// Spreadsheet sheet to read; when absent, the first with a name column near its top (else the first with data)
    #[arg(long)]
    pub sheet: Option<String>,
    /// Table of a web page or a document to read (1 = the first); when absent, the first with a
    /// name column, else the page's list of people
    #[arg(long, value_name = "N")]
    pub table: Option<usize>,
    /// Map a column to a field, e.g. --map given_name="First name" (repeatable)
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// A file of field=Column lines (# comments allowed)
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Word order of a full-name column: auto, surname-first, given-first
    #[arg(long, default_value = "auto")]
    pub name_order: tally_app::import::NameOrder,
    /// Order of day and month in numeric dates: auto (the default: day first, unless the file's
    /// dates with slashes can only be read month first, as 12/31/1999 can), dmy (day first:
    /// 05.01.2023) or mdy (month first, as US lists write 01/05/2023)
    #[arg(long, default_value = "auto")]
    pub date_order: tally_app::import::DateOrder,
    /// Refuse a whole row when one of its dates cannot be read (by default the row is kept
    /// with that date unknown, and a warning names the cell)
    #[arg(long)]
    pub reject_bad_dates: bool,
    /// The file is a corrected edition of the source: a row whose id an earlier edition holds
    /// with other cells replaces that record (same person, review decisions kept; the earlier
    /// version is kept too) instead of being refused. Needs an id column. With --retrieved-at on
    /// both, an edition obtained before the one a record holds does not undo it
    #[arg(long)]
    pub revise: bool,
    /// The file is the whole list as of its edition (implies --revise): records of earlier
    /// editions of the source that it leaves out are marked withdrawn (kept, with their person;
    /// see tally revisions --withdrawn), and a later edition that names one again restores it.
    /// Needs an id column. Leave it off for a supplement that adds to a list
    #[arg(long)]
    pub complete: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// Export records, persons or links; or alternative linkages, the roll clustered again at
/// several thresholds (rows: threshold, source, source_record_id, person_id), so an estimate
/// can show how linkage moves it.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  tally export links --format csv --out links.csv\n  \
    tally export alternatives --thresholds 0.5,0.8,0.9,0.95,0.99 --out alternatives.csv")]
pub struct ExportArgs {
    /// What to export: records, persons, links or alternatives
    pub what: ExportWhat,
    /// Link probability thresholds of the alternatives (comma-separated; alternatives only)
    #[arg(long, value_delimiter = ',', default_value = "0.5,0.8,0.9,0.95,0.99")]
    pub thresholds: Vec<f64>,
    /// Output format: csv or jsonl
    #[arg(long, default_value = "csv")]
    pub format: ExportFormat,
    /// Only records still on their list (records and links): leave out those a complete
    /// edition withdrew (import --complete) and no later edition named again
    #[arg(long)]
    pub current: bool,
    /// Write to this file instead of standard output ("-": standard output)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// List rejected rows (and warnings) with file, line, field and reason.
#[derive(clap::Args, Debug)]
pub struct RejectsArgs {
    /// Only this source
    #[arg(long)]
    pub source: Option<String>,
    /// Leave out warnings (rows imported with a field left unknown)
    #[arg(long)]
    pub rejects_only: bool,
    /// Print JSON Lines, one object per row, with the raw cells
    #[arg(long)]
    pub json: bool,
}

/// List what corrected editions changed (`tally import --revise`): per record, the edition it
/// was read from, the one that corrected it, and each field before and after.
#[derive(clap::Args, Debug)]
pub struct RevisionsArgs {
    /// Only this source
    #[arg(long)]
    pub source: Option<String>,
    /// List the records complete editions withdrew (import --complete) and later editions
    /// restored, instead of field revisions
    #[arg(long)]
    pub withdrawn: bool,
    /// Print JSON Lines, one object per revision (or withdrawal)
    #[arg(long)]
    pub json: bool,
}

/// List imported sources with their kind, files, hashes and counts.
#[derive(clap::Args, Debug)]
pub struct SourcesArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

fn parse_delimiter(s: &str) -> anyhow::Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "pipe" => Ok(b'|'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        s => bail!("delimiter {s:?} must be one ASCII character (or tab)"),
    }
}

/// Open an existing database for reading commands; a missing file is a user error, not a
/// reason to create an empty database.
fn open_existing(db: &Path) -> anyhow::Result<impl tally_app::import::RecordStore> {
    if !db.exists() {
        bail!(
            "no database at {}\nhint: import a list first: tally import FILE --source NAME --db {}",
            db.display(),
            db.display()
        );
    }
    tally_app::import::open_store(db).with_context(|| format!("opening {}", db.display()))
}

pub fn import(a: ImportArgs, g: &Global) -> anyhow::Result<()> {
    let mut options = tally_app::import::Options {
        format: a.format,
        encoding: a.encoding.clone(),
        delimiter: a.delimiter.as_deref().map(parse_delimiter).transpose()?,
        sheet: a.sheet.clone(),
        table: a.table,
        name_order: a.name_order,
        reject_bad_dates: a.reject_bad_dates,
        date_order: a.date_order,
        ..Default::default()
    };
    if let Some(path) = &a.mapping {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading mapping file {}", path.display()))?;
        options.mapping = tally_app::import::Mapping::parse_file(&text)
            .with_context(|| format!("mapping file {}", path.display()))?;
    }
    for m in &a.map {
        options.mapping.pairs.push(tally_app::import::Mapping::parse_pair(m).context("--map")?);
    }
    let req = ImportRequest {
        source: a.source.clone(),
        kind: a.kind,
        publisher: a.publisher.clone(),
        retrieved_at: a.retrieved_at.clone(),
        options,
        revise: a.revise,
        complete: a.complete,
    };
    if !a.file.exists() {
        bail!("{}: no such file", a.file.display());
    }
    // A failed import into a database that did not exist before removes the file it created,
    // so "the database is unchanged" holds there too.
    let fresh = !g.db.exists();
    let mut store = tally_app::import::open_store(&g.db).with_context(|| format!("opening {}", g.db.display()))?;
    let size = std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0);
    // A bar only for files big enough to take a while; indicatif hides it when stderr is not a terminal.
    let bar = (size > 4 << 20).then(|| {
        let b = indicatif::ProgressBar::new(1000);
        b.set_style(
            indicatif::ProgressStyle::with_template("importing {msg} [{bar:40}] {percent}% ({elapsed} / ~{duration})")
                .expect("static template")
                .progress_chars("=> "),
        );
        b.set_message(a.file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
        b
    });
    let mut on_progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_position((p.done * 1000).checked_div(p.total).unwrap_or(0));
        }
    };
    let result = tally_app::import::import_file(&mut store, &a.file, &req, &mut on_progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            drop(store);
            if fresh {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", g.db.display()));
                }
            }
            let hint = e.hint();
            let mut msg = e.to_string();
            if let Some(h) = hint {
                msg.push_str("\nhint: ");
                msg.push_str(h);
            }
            msg.push_str("\nnothing was imported; the database is unchanged");
            bail!(msg);
        }
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &outcome)?;
        writeln!(out)?;
        return Ok(());
    }
    match &outcome {
        ImportOutcome::AlreadyImported { file, previous } => writeln!(
            out,
            "already imported: {file} has the same bytes (sha256 {}) as {}, imported into source {} at {}\nnothing changed",
            short(&previous.sha256),
            previous.file_name,
            previous.source,
            previous.imported_at
        )?,
        ImportOutcome::Imported(s) => print_summary(&mut out, s)?,
    }
    Ok(())
}

/// Output piped into a program that stops reading (`tally export records | head`) is not an
/// error worth reporting.
fn quiet_pipe(r: anyhow::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || c.to_string().contains("Broken pipe")
            }) =>
        {
            Ok(())
        }
        r => r,
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(16)]
}

fn print_summary(out: &mut dyn Write, s: &ImportSummary) -> anyhow::Result<()> {
    let i = &s.info;
    if s.again {
        writeln!(
            out,
            "applied the corrections in {} to source {} (imported before, on {}, without --revise)",
            s.file, i.source, i.imported_at
        )?;
    } else {
        writeln!(out, "imported {} into source {} ({})", s.file, i.source, i.kind)?;
    }
    let mut how = format!("  read as {}", i.format);
    if let Some(d) = &i.delimiter {
        how.push_str(&format!(", delimiter '{d}'"));
    }
    if let Some(e) = &i.encoding {
        how.push_str(&format!(", {e}"));
    }
    if let Some(sh) = &i.sheet {
        how.push_str(&format!(", sheet {sh:?}"));
    }
    if let Some(r) = &i.reading {
        how.push_str(&format!(", {r}"));
    }
    writeln!(out, "{how}")?;
    let cols: Vec<String> = i.columns.iter().map(|(h, f)| format!("{h} -> {f}")).collect();
    writeln!(out, "  columns: {}", cols.join(", "))?;
    if !s.unmapped.is_empty() {
        writeln!(out, "  kept raw only: {}", s.unmapped.join(", "))?;
    }
    let c = &i.counts;
    let mut counts =
        format!("  rows: {}, records: {}, rejected: {}, warnings: {}", c.rows, c.records, c.rejects, c.warnings);
    if s.unchanged > 0 {
        counts.push_str(&format!(", already present: {}", s.unchanged));
    }
    if c.revised > 0 {
        counts.push_str(&format!(", revised: {}", c.revised));
    }
    if s.older > 0 {
        counts.push_str(&format!(", older than their record's edition (kept as earlier versions): {}", s.older));
    }
    if c.withdrawn > 0 {
        counts.push_str(&format!(", withdrawn: {}", c.withdrawn));
    }
    if c.restored > 0 {
        counts.push_str(&format!(", restored: {}", c.restored));
    }
    writeln!(out, "{counts}")?;
    for (ids, n, what) in [
        (&s.withdrawn, c.withdrawn, "withdrawn (an earlier edition's record this complete edition leaves out)"),
        (&s.restored, c.restored, "restored (a withdrawn record this edition names again)"),
    ] {
        if !ids.is_empty() {
            let more = n.saturating_sub(ids.len() as u64);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            writeln!(out, "  {what}: record {}{more}", ids.join(", "))?;
        }
    }
    for r in &s.revisions {
        let what = if r.changed.is_empty() { "cells no field reads".to_string() } else { r.changed.join(", ") };
        writeln!(out, "  revised line {}: record {}: {what}", r.line, r.record_id)?;
    }
    if c.revised > s.revisions.len() as u64 {
        writeln!(out, "  ... and {} more revised", c.revised - s.revisions.len() as u64)?;
    }
    writeln!(out, "  sha256: {}", i.sha256)?;
    for r in &s.first_issues {
        writeln!(
            out,
            "  {} line {}{}: {}",
            r.severity,
            r.line,
            r.field.as_deref().map(|f| format!(", {f}")).unwrap_or_default(),
            r.reason
        )?;
    }
    if c.rejects + c.warnings > s.first_issues.len() as u64 {
        writeln!(out, "  ... and {} more", c.rejects + c.warnings - s.first_issues.len() as u64)?;
    }
    if c.rejects + c.warnings > 0 {
        writeln!(out, "hint: list them all with: tally rejects --source {}", i.source)?;
    }
    if c.revised > 0 {
        writeln!(
            out,
            "hint: the earlier versions are kept (tally revisions --source {}); the next `tally link` re-links the whole roll",
            i.source
        )?;
    }
    if c.withdrawn > 0 {
        writeln!(
            out,
            "hint: withdrawn records stay in the roll with their persons; list them with: tally revisions --withdrawn --source {}",
            i.source
        )?;
    }
    Ok(())
}

pub fn export(a: ExportArgs, g: &Global) -> anyhow::Result<()> {
    quiet_pipe(export_inner(a, g))
}

fn export_inner(a: ExportArgs, g: &Global) -> anyhow::Result<()> {
    // `--out -` is standard output, as in most tools (it had made a file called "-").
    let a = ExportArgs { out: a.out.filter(|p| p.as_os_str() != "-"), ..a };
    if a.current && !matches!(a.what, ExportWhat::Records | ExportWhat::Links) {
        anyhow::bail!("--current applies to records and links (a person stays one whatever a list withdraws)");
    }
    if a.what == ExportWhat::Alternatives {
        return export_alternatives(a, g);
    }
    let store = open_existing(&g.db)?;
    let n = match &a.out {
        Some(path) => {
            let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let n = tally_app::export::export_filtered(&store, a.what, a.format, a.current, &mut w)?;
            w.flush()?;
            eprintln!("wrote {n} rows to {}", path.display());
            n
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let n = tally_app::export::export_filtered(&store, a.what, a.format, a.current, &mut w)?;
            w.flush()?;
            n
        }
    };
    let _ = n;
    Ok(())
}

fn export_alternatives(a: ExportArgs, g: &Global) -> anyhow::Result<()> {
    open_existing(&g.db)?;
    let store = tally_app::link::open(&g.db).with_context(|| format!("opening {}", g.db.display()))?;
    let with_hint = |e: tally_app::link::LinkAppError| match e.hint() {
        Some(h) => anyhow::anyhow!("{e}\nhint: {h}"),
        None => anyhow::Error::new(e),
    };
    let summary = match &a.out {
        Some(path) => {
            let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let s = tally_app::link::export_alternatives(&store, &a.thresholds, a.format, &mut w).map_err(with_hint)?;
            w.flush()?;
            eprintln!("wrote {} rows to {}", s.len() as u64 * count_records(&store)?, path.display());
            s
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let s = tally_app::link::export_alternatives(&store, &a.thresholds, a.format, &mut w).map_err(with_hint)?;
            w.flush()?;
            s
        }
    };
    for alt in summary {
        eprintln!(
            "threshold {}: {} persons ({} records in shared persons)",
            alt.threshold, alt.persons, alt.linked_records
        );
    }
    Ok(())
}

fn count_records(store: &impl tally_app::import::RecordStore) -> anyhow::Result<u64> {
    Ok(store.counts()?.records)
}

/// A source named on the command line must exist: a typo should not read as "nothing here".
fn known_source(store: &impl tally_app::import::RecordStore, source: Option<&str>) -> anyhow::Result<()> {
    if let Some(src) = source {
        if !tally_app::import::list_sources(store)?.iter().any(|s| s.name == src) {
            bail!("no source named {src:?}\nhint: list sources with: tally sources");
        }
    }
    Ok(())
}

pub fn revisions(a: RevisionsArgs, g: &Global) -> anyhow::Result<()> {
    quiet_pipe(revisions_inner(a, g))
}

fn revisions_inner(a: RevisionsArgs, g: &Global) -> anyhow::Result<()> {
    let store = open_existing(&g.db)?;
    known_source(&store, a.source.as_deref())?;
    let mut out = std::io::stdout().lock();
    let withdrawals = tally_app::import::list_withdrawals(&store, a.source.as_deref())?;
    if a.withdrawn {
        if a.json {
            return json_lines(&mut out, &withdrawals);
        }
        for w in &withdrawals {
            let name = [&w.surname, &w.given_name, &w.patronymic]
                .iter()
                .filter_map(|p| p.as_deref())
                .collect::<Vec<_>>()
                .join(" ");
            let how = if w.event == "withdrawn" { "left out of" } else { "named again in" };
            writeln!(
                out,
                "{}:{}: {} ({how} {}, imported {}){}",
                w.source,
                w.source_record_id,
                w.event,
                w.file,
                w.imported_at,
                if name.is_empty() { String::new() } else { format!(": {name}") }
            )?;
        }
        let n = |e: &str| withdrawals.iter().filter(|w| w.event == e).count();
        writeln!(out, "{} withdrawn, {} restored", n("withdrawn"), n("restored"))?;
        return Ok(());
    }
    let rows = tally_app::import::list_revisions(&store, a.source.as_deref())?;
    if a.json {
        return json_lines(&mut out, &rows);
    }
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    for r in &rows {
        let what = if r.changes.is_empty() {
            "cells no field reads".to_string()
        } else {
            r.changes.iter().map(|(f, b, a)| format!("{f} {} -> {}", shown(b), shown(a))).collect::<Vec<_>>().join("; ")
        };
        writeln!(
            out,
            "{}:{}: {}:{} -> {}:{} ({}): {what}",
            r.source, r.source_record_id, r.from_file, r.from_line, r.to_file, r.to_line, r.imported_at
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "no revisions")?;
    } else {
        writeln!(out, "{} revision{}", rows.len(), if rows.len() == 1 { "" } else { "s" })?;
    }
    if !withdrawals.is_empty() {
        writeln!(
            out,
            "and {} withdrawal event{} by complete editions (tally revisions --withdrawn)",
            withdrawals.len(),
            if withdrawals.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// Rows as JSON Lines, one object a line.
fn json_lines<T: serde::Serialize>(out: &mut impl Write, rows: &[T]) -> anyhow::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut *out, r)?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn rejects(a: RejectsArgs, g: &Global) -> anyhow::Result<()> {
    quiet_pipe(rejects_inner(a, g))
}

fn rejects_inner(a: RejectsArgs, g: &Global) -> anyhow::Result<()> {
    let store = open_existing(&g.db)?;
    known_source(&store, a.source.as_deref())?;
    let rows: Vec<_> = tally_app::import::list_rejects(&store, a.source.as_deref())?
        .into_iter()
        .filter(|r| !a.rejects_only || r.severity == "reject")
        .collect();
    let mut out = std::io::stdout().lock();
    if a.json {
        return json_lines(&mut out, &rows);
    }
    for r in &rows {
        writeln!(
            out,
            "{}: {}:{}: {}: {}{}",
            r.source,
            r.file_name,
            r.line,
            r.severity,
            r.field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default(),
            r.reason
        )?;
    }
    let rejects = rows.iter().filter(|r| r.severity == "reject").count();
    let warnings = rows.len() - rejects;
    if rows.is_empty() {
        writeln!(out, "no rejects")?;
    } else {
        let s = if warnings == 1 { "" } else { "s" };
        writeln!(out, "{rejects} rejected, {warnings} warning{s}")?;
    }
    Ok(())
}

pub fn sources(a: SourcesArgs, g: &Global) -> anyhow::Result<()> {
    quiet_pipe(sources_inner(a, g))
}

fn sources_inner(a: SourcesArgs, g: &Global) -> anyhow::Result<()> {
    let store = open_existing(&g.db)?;
    let sources = tally_app::import::list_sources(&store)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &sources)?;
        writeln!(out)?;
        return Ok(());
    }
    if sources.is_empty() {
        writeln!(out, "no sources yet\nhint: tally import FILE --source NAME")?;
    }
    for s in &sources {
        let publisher = s.publisher.as_deref().map(|p| format!(", published by {p}")).unwrap_or_default();
        writeln!(out, "{} ({}{}): {} records", s.name, s.kind, publisher, s.records)?;
        for i in &s.imports {
            writeln!(
                out,
                "  {} sha256 {} imported {} as {}{}{}: rows {}, records {}, rejected {}, warnings {}{}",
                i.file_name,
                short(&i.sha256),
                i.imported_at,
                i.format,
                i.encoding.as_deref().map(|e| format!(" {e}")).unwrap_or_default(),
                i.reading.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                i.counts.rows,
                i.counts.records,
                i.counts.rejects,
                i.counts.warnings,
                [("revised", i.counts.revised), ("withdrawn", i.counts.withdrawn), ("restored", i.counts.restored)]
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(w, n)| format!(", {w} {n}"))
                    .collect::<String>()
            )?;
        }
    }
    Ok(())
}
