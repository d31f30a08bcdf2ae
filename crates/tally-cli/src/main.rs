//! `tally`: the command-line shell over `tally-app`. Each subcommand lives in its own module
//! under `cmd/`, parses its flags with clap, calls the app layer and prints.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod cmd;

/// Tally: accounting for the dead and missing of a war.
///
/// Ingest named lists from many sources, link them into one roll of persons, keep a verifiable
/// ledger of exchanges, and estimate what no list names.
#[derive(Parser, Debug)]
#[command(name = "tally", version, propagate_version = true, max_term_width = 110)]
struct Cli {
    /// The database file (SQLite; created if missing).
    #[arg(long, global = true, default_value = "tally.db", env = "TALLY_DB")]
    db: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Import a list (CSV/TSV, JSON Lines or a JSON array, XML, XLSX/ODS, a web page's or a Word/OpenDocument text's table or list, or a list of people in a text file) as one source; --revise for a corrected edition
    Import(cmd::import::ImportArgs),
    /// Export records, persons or links as CSV or JSON Lines
    Export(cmd::import::ExportArgs),
    /// List rows that could not be imported, with file, line, field and reason
    Rejects(cmd::import::RejectsArgs),
    /// List what corrected editions (import --revise) changed, field by field
    Revisions(cmd::import::RevisionsArgs),
    /// List imported sources with their kind, hash and counts
    Sources(cmd::import::SourcesArgs),
    /// Write a seeded synthetic world: source files in many conventions plus the truth
    Synth(cmd::synth::SynthArgs),
    /// Generate a world, import it, run every pipeline stage and summarise
    Demo(cmd::synth::DemoArgs),
    /// Names across scripts: transliterate, normalise, compare
    Name(cmd::name::NameArgs),
    /// Link records into persons; explain and evaluate links
    Link(cmd::link::LinkArgs),
    /// Review uncertain pairs: accept, reject or skip
    Review(cmd::link::ReviewArgs),
    /// The exchange ledger: agreements, handovers, attestations, proofs
    Ledger(cmd::ledger::LedgerArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let g = cmd::Global { db: cli.db };
    let res = match cli.command {
        Command::Import(a) => cmd::import::import(a, &g),
        Command::Export(a) => cmd::import::export(a, &g),
        Command::Rejects(a) => cmd::import::rejects(a, &g),
        Command::Revisions(a) => cmd::import::revisions(a, &g),
        Command::Sources(a) => cmd::import::sources(a, &g),
        Command::Synth(a) => cmd::synth::synth(a, &g),
        Command::Demo(a) => cmd::synth::demo(a, &g),
        Command::Name(a) => cmd::name::run(a, &g),
        Command::Link(a) => cmd::link::link(a, &g),
        Command::Review(a) => cmd::link::review(a, &g),
        Command::Ledger(a) => cmd::ledger::run(a, &g),
    };
    match res {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // A reader that stops early (`tally export ... | head`) is not a failure of tally's.
        Err(e) if broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.to_string().contains("Broken pipe (os error 32)")
    })
}
