//! Benchmark: generate a world in memory and report the time and size.
//!
//! `cargo bench -p tally-synth --bench world -- [PERSONS] [SCRIPT] [SOURCES]`
//! (defaults: 1000000 mixed 5). Also writes nothing: the bytes stay in memory.
#![allow(clippy::disallowed_methods)] // tests and benches read fixtures and time runs; purity binds the library

use std::time::Instant;

use tally_synth::{generate, Config, Script};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let persons = args.first().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let script = args.get(1).and_then(|s| Script::parse(s)).unwrap_or(Script::Mixed);
    let sources = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let cfg = Config { persons, seed: 1, sources, script, ..Config::default() };
    let t0 = Instant::now();
    let mut t_persons = None;
    let w = generate(&cfg, &mut |p| {
        if p.stage == "sources" && p.done == 0 {
            t_persons = Some(t0.elapsed());
        }
    })
    .expect("generate");
    let el = t0.elapsed();
    let bytes: usize = w.files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "synth: {} persons, {} sources ({}), {} records, {:.1} MB in {:.2}s (persons {:.2}s)",
        persons,
        sources,
        script.as_str(),
        w.manifest.records,
        bytes as f64 / 1e6,
        el.as_secs_f64(),
        t_persons.map(|d| d.as_secs_f64()).unwrap_or(0.0)
    );
    for s in &w.manifest.sources {
        println!("  {:<24} {:>9} records {:>9} persons", s.file, s.records, s.persons);
    }
}
