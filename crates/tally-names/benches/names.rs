//! Benchmark: normalise and key 1,000,000 generated names on one core (target: under 5 s), then
//! prepare name parts and compare prepared pairs (the linkage crate's inner loop).
//!
//! Run: `cargo bench -p tally-names --bench names` (release profile; single thread). Set
//! `TALLY_BENCH_N` to change the number of names.
#![allow(clippy::disallowed_methods)] // tests and benches read fixtures and time runs; purity binds the library

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("TALLY_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let names = generate(n);
    let distinct: std::collections::HashSet<&String> = names.iter().collect();
    println!("{} names generated ({} distinct), e.g. {:?}", names.len(), distinct.len(), &names[..6]);

    // Warm the embedded tables (parsed once, at first use) outside the timing.
    black_box(tally_names::name_key("Шевченко"));

    let t = Instant::now();
    let mut bytes = 0usize;
    let mut keys = 0usize;
    for name in &names {
        let norm = tally_names::normalize(name);
        for part in norm.split(' ') {
            keys += tally_names::name_key(part).len();
        }
        bytes += norm.len();
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "normalize + name_key per part: {n} names in {el:.3} s ({:.2} us/name; {bytes} bytes, {keys} key bytes)",
        el * 1e6 / n as f64
    );

    let t = Instant::now();
    let forms: Vec<tally_names::NameForm> = names.iter().map(|s| tally_names::prepare(surname(s))).collect();
    let el = t.elapsed().as_secs_f64();
    println!("prepare (surname part): {n} in {el:.3} s ({:.2} us each)", el * 1e6 / n as f64);

    let pairs = n.min(2_000_000);
    let t = Instant::now();
    let mut sum = 0.0;
    for i in 0..pairs {
        let a = &forms[i % forms.len()];
        let b = &forms[(i * 7 + 13) % forms.len()];
        sum += tally_names::compare_prepared(tally_names::PartKind::Surname, a, b).score;
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "compare_prepared: {pairs} pairs in {el:.3} s ({:.2} us/pair; mean score {:.3})",
        el * 1e6 / pairs as f64,
        sum / pairs as f64
    );

    // Cross-script pairs as blocking brings them: linkage prepares each distinct name once and compares
    // every Cyrillic value against every Latin value sharing its key (mostly the same name under some
    // standard: the costliest path of the comparator). Forms are prepared afresh for each figure so
    // that any per-name cache starts cold.
    // The values: every surname of the crate's Ukrainian/Russian dictionary in both forms, and their
    // Latin spellings under five standards.
    const STDS: &[&str] = &["ua_kmu_2010", "ua_icao_9303", "ru_icao_9303", "ru_mvd_310", "ua_bgn_pcgn_1965"];
    let mut values: Vec<String> = Vec::new();
    for l in include_str!("../data/uk_ru_names.tsv").lines().filter(|l| l.starts_with("s\t")) {
        let f: Vec<&str> = l.split('\t').collect();
        let mut cyr = vec![f[2]];
        cyr.extend(f[3].split('|').filter(|r| *r != "="));
        for c in cyr {
            values.push(c.to_string());
            values.extend(STDS.iter().map(|st| tally_names::transliterate(st, c).unwrap()));
        }
    }
    let mut distinct: Vec<&str> = values.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let fresh = || -> Vec<tally_names::NameForm> { distinct.iter().map(|s| tally_names::prepare(s)).collect() };
    let dforms = fresh();
    let mut latin_by_key: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, f) in dforms.iter().enumerate() {
        if f.script == tally_names::Script::Latin {
            latin_by_key.entry(f.key.as_str()).or_default().push(i);
        }
    }
    let cross: Vec<(usize, usize)> = dforms
        .iter()
        .enumerate()
        .filter(|(_, f)| f.script == tally_names::Script::Cyrillic)
        .flat_map(|(i, f)| latin_by_key.get(f.key.as_str()).into_iter().flatten().map(move |&j| (i, j)))
        .collect();
    let ncyr = cross.iter().map(|p| p.0).collect::<std::collections::HashSet<_>>().len();
    println!("cross-script same-key pairs: {} over {} distinct values ({ncyr} Cyrillic)", cross.len(), dforms.len());
    for what in ["compare_prepared", "grade_prepared (no explanation)"] {
        let forms = fresh();
        let t = Instant::now();
        let mut sum = 0.0;
        for &(i, j) in &cross {
            let (a, b) = (&forms[i], &forms[j]);
            sum += if what == "compare_prepared" {
                tally_names::compare_prepared(tally_names::PartKind::Surname, a, b).score
            } else {
                tally_names::grade_prepared(tally_names::PartKind::Surname, a, b).score
            };
        }
        let el = t.elapsed().as_secs_f64();
        println!(
            "{what}, cross-script: {} pairs in {el:.3} s ({:.0} ns/pair; mean score {:.4})",
            cross.len(),
            el * 1e9 / cross.len() as f64,
            sum / cross.len() as f64
        );
    }
}

fn surname(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// Deterministic, varied names: Ukrainian and Russian Cyrillic, Latin under several standards, capitals,
/// look-alike letters, apostrophe variants and one-letter typos, built from pools by an index walk
/// (no RNG; the same list every run).
fn generate(n: usize) -> Vec<String> {
    const SURNAMES: &[&str] = &[
        "Шевченко",
        "Ковальчук",
        "Андрєєв",
        "Олійник",
        "Лук'яненко",
        "Соловйова",
        "Білоус",
        "Бойко",
        "Ковальов",
        "Мельничук",
        "Осадчий",
        "Яременко",
        "Гнатюк",
        "Згурський",
        "Дем'яненко",
        "Щербак",
        "Кузнецов",
        "Белоусова",
        "Цветков",
        "Зайцев",
        "Яковлев",
        "Тихонов",
        "Лысенко",
        "Ковалевська",
        "Білецький",
        "Кравець",
        "Мірошниченко",
        "Поліщук",
        "Волошина",
        "Григор'єв",
        "Петренко",
        "Савченко",
        "Руденко",
        "Марченко",
        "Ткаченко",
        "Кравченко",
        "Бондаренко",
        "Коваленко",
        "Олейник",
        "Шевчук",
        "Поліщук",
        "Лисенко",
    ];
    const GIVEN: &[&str] = &[
        "Олександр",
        "Сергій",
        "Юлія",
        "Андрій",
        "Дмитро",
        "Наталья",
        "Алексей",
        "Ігор",
        "Микола",
        "Олена",
        "Василь",
        "Ольга",
        "Тетяна",
        "В'ячеслав",
        "Дар'я",
        "Євген",
        "Ярослав",
        "Михайло",
        "Катерина",
        "Віктор",
        "Пётр",
        "Артём",
        "Ирина",
        "Максим",
        "Богдан",
        "Роман",
        "Владимир",
        "Галина",
        "Костянтин",
        "Анастасія",
    ];
    const PATR: &[&str] = &["Сергійович", "Олександрович", "Миколаївна", "Иванович", "Петрівна", ""];
    const STDS: &[&str] = &["ua_kmu_2010", "ua_icao_9303", "ru_icao_9303", "ru_mvd_310", "ua_bgn_pcgn_1965"];
    let apostrophes = ['\'', '’', 'ʼ'];
    // Pre-transliterate the pools once: generation is not what is measured.
    let latin_s: Vec<Vec<String>> =
        SURNAMES.iter().map(|s| STDS.iter().map(|st| tally_names::transliterate(st, s).unwrap()).collect()).collect();
    let latin_g: Vec<Vec<String>> =
        GIVEN.iter().map(|s| STDS.iter().map(|st| tally_names::transliterate(st, s).unwrap()).collect()).collect();
    let mut out = Vec::with_capacity(n);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..n {
        // A fixed multiplicative walk spreads the choices (deterministic, not random).
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (x >> 24) as usize;
        let si = r % SURNAMES.len();
        let gi = (r / 64) % GIVEN.len();
        let pi = (r / 4096) % PATR.len();
        let variant = i % 10;
        let mut s = match variant {
            0..=4 => format!("{} {} {}", SURNAMES[si], GIVEN[gi], PATR[pi]),
            5 => format!("{} {}", GIVEN[gi], SURNAMES[si]).to_uppercase(),
            6 | 7 => {
                let st = (r / 7) % STDS.len();
                format!("{} {}", latin_g[gi][st], latin_s[si][st])
            }
            8 => format!("{} {}", SURNAMES[si].replace('і', "i").replace('о', "o"), GIVEN[gi]),
            _ => {
                // A one-letter typo: drop a character.
                let cs: Vec<char> = SURNAMES[si].chars().collect();
                let k = 1 + r % (cs.len() - 1);
                let typo: String = cs.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, c)| c).collect();
                format!("{typo} {}", GIVEN[gi])
            }
        };
        if s.contains('\'') {
            s = s.replace('\'', &apostrophes[r % 3].to_string());
        }
        out.push(s.trim().to_string());
    }
    out
}
