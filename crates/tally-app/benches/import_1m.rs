//! Benchmark: import 1,000,000 CSV rows into a fresh SQLite file.
//!
//! Run: `cargo bench -p tally-app --bench import_1m` (rows: `TALLY_BENCH_ROWS`, default 1,000,000).
//! Target (issue 2): under 30 s on the 2-core build machine. Prints generation, import and
//! total figures; the rows are synthetic but shaped like a Ukrainian official list (ids,
//! surname/given/patronymic, dd.mm.yyyy dates, region, unit, rank, status), with a few bad
//! dates so the warning path (date left unknown) is exercised too. It also times parsing
//! alone and reading every record back (what linkage does).

use std::fmt::Write as _;
use std::time::Instant;

use tally_app::import::{import_file, open_store, ImportOutcome, ImportRequest};
use tally_domain::SourceKind;

const SURNAMES: &[&str] =
    &["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник", "Бойко"];
const GIVEN: &[&str] = &["Олександр", "Сергій", "Андрій", "Дмитро", "Іван", "Петро", "Микола", "Василь"];
const PATR: &[&str] = &["Олександрович", "Сергійович", "Андрійович", "Іванович", "Петрович", "Миколайович"];
const REGIONS: &[&str] = &["Київська", "Львівська", "Харківська", "Одеська", "Дніпропетровська", "Полтавська"];

fn main() {
    let rows: u64 = std::env::var("TALLY_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let csv_path = dir.path().join("list.csv");
    let db_path = dir.path().join("bench.db");

    let t0 = Instant::now();
    // A fixed linear congruential generator: the same file on every run, no RNG crate needed.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((x >> 33) % n as u64) as usize
    };
    let mut text = String::with_capacity(rows as usize * 130);
    text.push_str("№,Прізвище,Ім'я,По батькові,Дата народження,Дата смерті,Область,Військова частина,Звання,Статус\n");
    for i in 1..=rows {
        let (d, m, y) = (1 + next(28), 1 + next(12), 1960 + next(45));
        // One row in 10,000 carries an impossible date: kept, its date unknown, with a warning.
        let dd = if i % 10_000 == 0 { 31 } else { 1 + next(28) };
        let _ = writeln!(
            text,
            "{i},{},{},{},{d:02}.{m:02}.{y},{dd:02}.{:02}.{},{},А{},солдат,загинув",
            SURNAMES[next(SURNAMES.len())],
            GIVEN[next(GIVEN.len())],
            PATR[next(PATR.len())],
            if i % 10_000 == 0 { 2 } else { 1 + next(12) },
            2022 + next(4),
            REGIONS[next(REGIONS.len())],
            1000 + next(4000),
        );
    }
    std::fs::write(&csv_path, text.as_bytes()).expect("write csv");
    let gen = t0.elapsed();
    println!("generated {rows} rows ({:.1} MB) in {:.2?}", text.len() as f64 / 1e6, gen);
    drop(text);

    // Parsing alone (no store), to see where the time goes.
    let tp = Instant::now();
    let bytes = std::fs::read(&csv_path).expect("read csv");
    let parsed = tally_import::Reader::new(&bytes, &tally_import::Options::default()).expect("a table").count();
    println!("parsed {parsed} items without storing in {:.2?}", tp.elapsed());
    drop(bytes);

    let t1 = Instant::now();
    let mut store = open_store(&db_path).expect("open store");
    let req = ImportRequest::new("bench", SourceKind::OfficialList);
    let out = import_file(&mut store, &csv_path, &req, &mut |_| {}).expect("import");
    let took = t1.elapsed();
    let ImportOutcome::Imported(s) = out else { panic!("fresh store cannot hold these bytes already") };
    println!(
        "imported {} records, {} rejects, {} warnings in {:.2?} ({:.0} rows/s); db {:.1} MB",
        s.info.counts.records,
        s.info.counts.rejects,
        s.info.counts.warnings,
        took,
        rows as f64 / took.as_secs_f64(),
        std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
    assert_eq!(s.info.counts.records + s.info.counts.rejects, rows);

    // Reading every record back with parsed fields, as linkage does.
    use tally_app::import::RecordStore;
    let t2 = Instant::now();
    let mut n = 0u64;
    store
        .for_each_record(&tally_store::records::RecordQuery::default(), &mut |_| {
            n += 1;
            Ok(())
        })
        .expect("read records");
    println!("read back {n} records (parsed fields, no raw) in {:.2?}", t2.elapsed());
}
