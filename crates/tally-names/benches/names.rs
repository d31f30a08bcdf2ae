//! Benchmark: normalise and key 1,000,000 generated names on one core (target: under 5 s).
//!
//! Run: `cargo bench -p tally-names --bench names` (release profile).

use std::time::Instant;

fn main() {
    let names = generate(1_000_000);
    let t = Instant::now();
    let mut bytes = 0usize;
    for n in &names {
        bytes += tally_names::normalize(n).len();
    }
    let el = t.elapsed();
    println!("normalize: {} names in {:.3} s ({bytes} bytes out)", names.len(), el.as_secs_f64());
}

/// Deterministic, varied names: Ukrainian and Russian Cyrillic, Latin under several standards, capitals,
/// look-alike letters and apostrophe variants, built from small pools by an index walk (no RNG).
fn generate(n: usize) -> Vec<String> {
    let surnames = ["Шевченко", "Ковальчук", "Андрєєв", "Олійник", "Лук'яненко", "Соловйова", "Білоус", "Бойко"];
    let given = ["Олександр", "Сергій", "Юлія", "Андрій", "Дмитро", "Наталья", "Алексей", "Ігор"];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let s = surnames[i % surnames.len()];
        let g = given[(i / surnames.len()) % given.len()];
        out.push(format!("{s} {g}"));
    }
    out
}
