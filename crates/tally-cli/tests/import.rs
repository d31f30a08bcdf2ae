//! `tally import/export/rejects/sources` as a new user meets them, run through the built binary:
//! the fixtures of test_data/import (Windows-1251 CSV, XLSX, JSONL, broken, binary, empty),
//! re-import, an import killed with SIGKILL, and concurrent imports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tally_app::import::RecordStore;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/import").join(name)
}

fn tally(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TALLY_DB")
        .output()
        .expect("run tally")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = tally(dir, args);
    assert!(o.status.success(), "tally {args:?} failed:\n{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let o = tally(dir, args);
    assert!(!o.status.success(), "tally {args:?} should fail; stdout:\n{}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8(o.stderr).unwrap()
}

/// Hashes and timestamps change with bytes and time: snapshot them as placeholders.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"[0-9a-f]{64}", "[sha256]"),
            (r"sha256 [0-9a-f]{16}", "sha256 [short]"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

/// Everything a user could see of the store: sources, records, links and rejects.
fn state(dir: &Path) -> String {
    if !dir.join("tally.db").exists() {
        return "no database".into();
    }
    let mut s = ok(dir, &["sources", "--json"]);
    s += &ok(dir, &["export", "records", "--format", "jsonl"]);
    s += &ok(dir, &["export", "links"]);
    s += &ok(dir, &["rejects", "--json"]);
    s
}

#[test]
fn windows_1251_csv_with_russian_headers() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("ru_cp1251.csv");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "ru_list", "--kind", "official_list"]);
    snapshot!("ru_cp1251_summary", out);
    let csv = ok(dir.path(), &["export", "records"]);
    snapshot!("ru_cp1251_records", csv);
    // `--out -` is standard output, not a file called "-".
    assert_eq!(ok(dir.path(), &["export", "records", "--out", "-"]), csv);
    assert!(!dir.path().join("-").exists());
    assert_eq!(ok(dir.path(), &["rejects"]), "no rejects\n");
}

#[test]
fn xlsx_with_ukrainian_headers() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("uk_list.xlsx");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "uk_xlsx"]);
    snapshot!("uk_xlsx_summary", out);
    let persons = ok(dir.path(), &["export", "persons"]);
    snapshot!("uk_xlsx_persons", persons);
    // --sheet names a sheet that is not there: a clear error, nothing written.
    let err =
        fails(dir.path(), &["import", f.to_str().unwrap(), "--source", "x", "--sheet", "Нема", "--db", "other.db"]);
    assert!(err.contains("uk_list.xlsx: no sheet named \"Нема\"; sheets are: Загиблі"), "{err}");
    assert!(err.contains("hint: pick a sheet with --sheet NAME"), "{err}");
}

/// A Word document's table: the summary names the part read, the rejects name the row of the
/// table; a table the document does not have is a clear error that writes nothing.
#[test]
fn a_word_document_and_its_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("official_list.docx");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "returned", "--kind", "exchange_manifest"]);
    snapshot!("docx_summary", out);
    let rejects = ok(dir.path(), &["rejects", "--source", "returned"]);
    snapshot!("docx_rejects", rejects);
    let err = fails(dir.path(), &["import", f.to_str().unwrap(), "--source", "x", "--table", "2", "--db", "other.db"]);
    assert!(err.contains("official_list.docx: no table 2: the file has 1 table(s)"), "{err}");
    assert!(err.contains("hint: leave out --table"), "{err}");
    assert!(!dir.path().join("other.db").exists());
}

#[test]
fn jsonl_media_list_and_its_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("media.jsonl");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "media", "--kind", "media"]);
    snapshot!("media_jsonl_summary", out);
    let rejects = ok(dir.path(), &["rejects", "--source", "media"]);
    snapshot!("media_jsonl_rejects", rejects);
    let links = ok(dir.path(), &["export", "links", "--format", "jsonl"]);
    assert!(links.lines().next().unwrap().starts_with(r#"{"source":"media","source_record_id":"ual-1","#), "{links}");
}

#[test]
fn broken_quoting_and_impossible_dates_become_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("broken.csv");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "broken"]);
    snapshot!("broken_summary", out);
    let rejects = ok(dir.path(), &["rejects", "--source", "broken"]);
    snapshot!("broken_rejects", rejects);
    // Each listed with line and reason. An impossible date costs only the date: the row is a
    // record, and the warning names the cell.
    assert!(rejects.contains("broken.csv:2: warning: death_date: \"31.02.2023\" is not a date that exists"));
    // A stray quote that joined lines 7 and 8 costs neither: each is read again on its own.
    assert!(rejects.contains("broken.csv:7: warning: an unclosed quote joined lines 7-8"), "{rejects}");
    assert!(rejects.contains("broken.csv:8: warning: an unclosed quote joined lines 7-8"), "{rejects}");
    assert!(out.contains("rows: 7, records: 7, rejected: 0, warnings: 5"), "{out}");

    // --reject-bad-dates refuses rows with impossible dates whole instead.
    let strict = ok(
        dir.path(),
        &["import", f.to_str().unwrap(), "--source", "strict", "--reject-bad-dates", "--db", "strict.db"],
    );
    assert!(strict.contains("rows: 7, records: 5, rejected: 2, warnings: 3"), "{strict}");
    let rejects = ok(dir.path(), &["rejects", "--db", "strict.db"]);
    assert!(
        rejects.contains("broken.csv:2: reject: death_date: \"31.02.2023\" is not a date that exists"),
        "{rejects}"
    );
    let only = ok(dir.path(), &["rejects", "--rejects-only", "--db", "strict.db"]);
    assert_eq!(only.lines().filter(|l| l.contains(": warning: ")).count(), 0);
    assert!(only.ends_with("2 rejected, 0 warnings\n"), "{only}");
}

#[test]
fn files_that_are_not_tables_fail_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["import", fixture("ru_cp1251.csv").to_str().unwrap(), "--source", "ru"]);
    let before = state(dir.path());
    let bin = fails(dir.path(), &["import", fixture("binary.png").to_str().unwrap(), "--source", "b"]);
    snapshot!("binary_error", bin);
    let empty = fails(dir.path(), &["import", fixture("empty.csv").to_str().unwrap(), "--source", "e"]);
    snapshot!("empty_error", empty);
    // Into a database that did not exist: it fails and leaves no database behind.
    let undecodable = fails(
        dir.path(),
        &[
            "import",
            fixture("ru_cp1251.csv").to_str().unwrap(),
            "--source",
            "u",
            "--encoding",
            "utf-8",
            "--db",
            "new.db",
        ],
    );
    snapshot!("undecodable_error", undecodable);
    assert!(!dir.path().join("new.db").exists());
    let missing = fails(dir.path(), &["import", "nope.csv", "--source", "n"]);
    assert!(missing.contains("nope.csv: no such file"), "{missing}");
    assert_eq!(state(dir.path()), before, "a failed import leaves the store unchanged");
}

#[test]
fn importing_the_same_bytes_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("broken.csv");
    ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "broken"]);
    let before = state(dir.path());
    let again = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "broken"]);
    snapshot!("reimport", again);
    // Under another source name, too: the bytes are the identity.
    let other = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "renamed"]);
    assert!(other.starts_with("already imported"), "{other}");
    assert_eq!(state(dir.path()), before);
}

#[test]
fn read_commands_need_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(dir.path(), &["sources"]);
    assert!(err.contains("no database at tally.db") && err.contains("hint: import a list first"), "{err}");
    assert!(!dir.path().join("tally.db").exists(), "a read command does not create a database");
}

/// A CSV of `n` valid rows, ids prefixed so that two files never share an id.
fn big_csv(path: &Path, n: usize, prefix: &str) {
    use std::fmt::Write;
    let mut s = String::from("№,Прізвище,Ім'я,По батькові,Дата народження,Дата смерті,Область,Статус\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "{prefix}{i},Шевченко{},Олександр,Сергійович,{:02}.{:02}.{},{:02}.{:02}.2023,Київська,загинув",
            i % 97,
            1 + i % 28,
            1 + i % 12,
            1960 + i % 40,
            1 + i % 27,
            1 + i % 11
        );
    }
    std::fs::write(path, s).unwrap();
}

/// (sources, imports, blobs, records, persons, rejects, status entries), after an integrity check.
type Counts = (u64, u64, u64, u64, u64, u64, u64);

fn counts(db: &Path) -> Counts {
    let store = tally_app::import::open_store(db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let c = store.counts().unwrap();
    (c.sources, c.imports, c.blobs, c.records, c.persons, c.rejects, c.status_entries)
}

#[test]
fn an_import_killed_mid_file_leaves_the_store_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tally.db");
    ok(dir.path(), &["import", fixture("ru_cp1251.csv").to_str().unwrap(), "--source", "ru"]);
    let before = counts(&db);
    let before_state = state(dir.path());
    let big = dir.path().join("big.csv");
    big_csv(&big, 300_000, "B");
    let wal = dir.path().join("tally.db-wal");
    let wal_at_start = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["import", big.to_str().unwrap(), "--source", "big"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is visibly writing (its transaction spills pages into the WAL),
    // then kill it without warning.
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import finished ({status}) before it could be killed; make the file bigger");
        }
        let wal_now = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if wal_now > wal_at_start + (4 << 20) {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(120), "the import never started writing");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    assert_eq!(counts(&db), before, "counts after the kill");
    assert_eq!(state(dir.path()), before_state, "everything a user can see after the kill");
}

#[test]
fn concurrent_imports_do_not_corrupt_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tally.db");
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    big_csv(&a, 20_000, "A");
    big_csv(&b, 20_000, "B");
    let spawn = |file: &Path, source: &str| {
        Command::new(env!("CARGO_BIN_EXE_tally"))
            .args(["import", file.to_str().unwrap(), "--source", source])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Two different files and the same file twice, all at once, into one new database.
    let children = vec![spawn(&a, "a"), spawn(&b, "b"), spawn(&a, "a_again")];
    let outs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for o in &outs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let texts: Vec<String> = outs.iter().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).collect();
    assert_eq!(texts.iter().filter(|t| t.starts_with("already imported")).count(), 1, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| t.starts_with("imported")).count(), 2, "{texts:?}");
    // 2 sources, 2 imports, 2 blobs, 40,000 records and persons, no rejects, 40,000 statuses.
    assert_eq!(counts(&db), (2, 2, 2, 40_000, 40_000, 0, 40_000));
}

#[test]
fn explicit_mapping_sources_and_export_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("odd.tsv");
    std::fs::write(&f, "Code\tPerson\tBorn\tNote\nX1\tПетро Коваленко\t1990\tхто знає\nX2\tІван Бойко\t05.01.1996\t\n")
        .unwrap();
    // Without a mapping: no name column, a clear error with a hint.
    let err = fails(dir.path(), &["import", f.to_str().unwrap(), "--source", "odd"]);
    assert!(
        err.contains("odd.tsv: no name column among the headers \"Code\", \"Person\", \"Born\", \"Note\""),
        "{err}"
    );
    assert!(err.contains("hint: map a column with --map full_name=COLUMN"), "{err}");
    let m = dir.path().join("odd.map");
    std::fs::write(&m, "# columns of odd.tsv\nrecord_id = Code\nfull_name = Person\n").unwrap();
    let out = ok(
        dir.path(),
        &[
            "import",
            f.to_str().unwrap(),
            "--source",
            "odd",
            "--kind",
            "family_report",
            "--publisher",
            "a family association",
            "--mapping",
            m.to_str().unwrap(),
            "--map",
            "birth_date=Born",
            "--name-order",
            "given-first",
        ],
    );
    snapshot!("mapping_summary", out);
    let sources = ok(dir.path(), &["sources"]);
    snapshot!("mapping_sources", sources);
    let target = dir.path().join("records.csv");
    let o = tally(dir.path(), &["export", "records", "--out", target.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrote 2 rows to"));
    let csv = std::fs::read_to_string(&target).unwrap();
    assert!(csv.contains("odd,X1,1,2,Коваленко,Петро,,1990,year,"), "{csv}");
    assert!(csv.contains("odd,X2,2,3,Бойко,Іван,,1996-01-05,day,"), "{csv}");
    let bad = fails(dir.path(), &["import", f.to_str().unwrap(), "--source", "x", "--map", "nickname=Person"]);
    assert!(bad.contains("unknown field \"nickname\""), "{bad}");
}

/// `--date-order mdy` reads a US list's dates month first, and the import keeps that choice as
/// provenance: the summary and `tally sources` say how the file was read.
#[test]
fn a_us_list_read_month_first_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("us_dates.csv");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "us", "--date-order", "mdy"]);
    assert!(out.contains("read as csv, delimiter ',', utf-8, dates month first"), "{out}");
    assert!(out.contains("warnings: 0"), "{out}");
    let sources = ok(dir.path(), &["sources"]);
    assert!(sources.contains("as csv utf-8 (dates month first)"), "{sources}");
    let csv = ok(dir.path(), &["export", "records"]);
    assert!(csv.contains("1999-12-31") && csv.contains("2023-03-04"), "{csv}");
    // Read day first, the same file is another import: its one impossible date is a warning.
    let out =
        ok(dir.path(), &["--db", "dmy.db", "import", f.to_str().unwrap(), "--source", "us", "--date-order", "dmy"]);
    assert!(out.contains("warnings: 1") && !out.contains("dates month first"), "{out}");
    // Not told, the file's 12/31/1999 says it: read month first, and the summary says why.
    let out = ok(dir.path(), &["--db", "auto.db", "import", f.to_str().unwrap(), "--source", "us"]);
    assert!(out.contains("dates month first, as 12/31/1999 can only be read"), "{out}");
    assert!(out.contains("warnings: 0"), "{out}");
}

/// A complete edition (`--complete`) withdraws the records of earlier editions it leaves out,
/// but not one it names in a row it rejects, nor one an edition obtained later holds; the
/// records stay (same persons); a later edition naming one again restores it; re-importing
/// changes nothing; and an edition imported without `--complete` (a supplement) withdraws nothing.
#[test]
fn a_complete_edition_withdraws_what_it_leaves_out_and_a_later_one_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, rows: &[&str]| {
        let mut text = String::from("id,Прізвище,Ім'я,Дата народження\n");
        for r in rows {
            text.push_str(r);
            text.push('\n');
        }
        std::fs::write(d.join(name), text).unwrap();
    };
    let (a, b, c, e) = (
        "1,Шевченко,Петро,01.02.1990",
        "2,Коваленко,Іван,03.04.1985",
        "3,Бондар,Олег,05.06.1979",
        "4,Мельник,Андрій,07.08.1991",
    );
    write("v1.csv", &[a, b, c]);
    // Record 3's row is refused for its date, yet it still names record 3.
    write("v2.csv", &[a, "3,Бондар,Олег,31.02.1979", e]);
    write("v3.csv", &[a, b, e]);
    write("supplement.csv", &["5,Ткаченко,Юрій,09.10.1988"]);
    let at = |t: &str| format!("2025-{t}T00:00:00Z");
    let imp = |file: &str, extra: &[&str]| {
        let mut args = vec!["import", file, "--source", "mod", "--kind", "official_list", "--reject-bad-dates"];
        args.extend_from_slice(extra);
        ok(d, &args)
    };
    imp("v1.csv", &["--retrieved-at", &at("01-01")]);
    let persons_before = ok(d, &["export", "links"]);
    let out = imp("v2.csv", &["--complete", "--retrieved-at", &at("02-01")]);
    assert!(out.contains("withdrawn: 1"), "{out}");
    assert!(out.contains("record 2"), "{out}");
    assert!(out.contains("rejected: 1"), "{out}");
    let w = ok(d, &["revisions", "--withdrawn", "--source", "mod"]);
    assert!(w.contains("mod:2: withdrawn (left out of v2.csv") && w.contains("Коваленко Іван"), "{w}");
    assert!(w.contains("1 withdrawn, 0 restored"), "{w}");
    // The withdrawn record and its person are kept.
    let links = ok(d, &["export", "links"]);
    let line2 = |s: &str| s.lines().find(|l| l.starts_with("mod,2,")).map(str::to_string);
    assert!(line2(&links).is_some() && line2(&links) == line2(&persons_before), "{links}");
    // --current: the list as it now stands, without the withdrawn record (records and links).
    let current = ok(d, &["export", "records", "--current"]);
    let all = ok(d, &["export", "records"]);
    assert!(line2(&all).is_some() && line2(&current).is_none(), "{current}");
    assert_eq!(current.lines().count() + 1, all.lines().count(), "{current}");
    assert!(line2(&ok(d, &["export", "links", "--current"])).is_none());
    assert!(fails(d, &["export", "persons", "--current"]).contains("--current applies to records and links"));
    // The same bytes again: nothing changes.
    let before = state(d) + &ok(d, &["revisions", "--withdrawn", "--json"]);
    let out = imp("v2.csv", &["--complete", "--retrieved-at", &at("02-01")]);
    assert!(out.contains("already imported"), "{out}");
    assert_eq!(state(d) + &ok(d, &["revisions", "--withdrawn", "--json"]), before);
    // A supplement leaves out everything but adds: nothing is withdrawn.
    let out = imp("supplement.csv", &[]);
    assert!(!out.contains("withdrawn"), "{out}");
    // v3 names record 2 again: restored (not complete itself, it withdraws nothing).
    let out = imp("v3.csv", &["--retrieved-at", &at("03-01")]);
    assert!(out.contains("restored: 1") && !out.contains("withdrawn:"), "{out}");
    let w = ok(d, &["revisions", "--withdrawn", "--json"]);
    let events: Vec<serde_json::Value> = w.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ev: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| (e["source_record_id"].as_str().unwrap(), e["event"].as_str().unwrap(), e["file"].as_str().unwrap()))
        .collect();
    assert_eq!(ev, [("2", "withdrawn", "v2.csv"), ("2", "restored", "v3.csv")]);
    // Restored: back in the current list.
    assert!(line2(&ok(d, &["export", "records", "--current"])).is_some());
    let sources = ok(d, &["sources"]);
    assert!(sources.contains("withdrawn 1") && sources.contains("restored 1"), "{sources}");
    // A complete edition obtained before the one that holds a record does not withdraw it: an
    // old copy of the list (December 2024), found later, leaves out record 4, which v2
    // (February 2025) holds.
    write("old_copy.csv", &[a, b, c]);
    let out = imp("old_copy.csv", &["--complete", "--retrieved-at", "2024-12-01T00:00:00Z"]);
    assert!(!out.contains("record 4"), "{out}");
    // But it does withdraw record 5, held by a supplement that gave no date.
    assert!(out.contains("withdrawn: 1") && out.contains("record 5"), "{out}");
    // Without an id column there is nothing to match: refused.
    std::fs::write(d.join("noid.csv"), "Прізвище,Ім'я\nШевченко,Петро\n").unwrap();
    let err = fails(d, &["import", "noid.csv", "--source", "mod", "--complete"]);
    assert!(err.contains("no id column") && err.contains("--complete"), "{err}");
}

/// An OpenDocument spreadsheet says what it is, and its region merged down over a region's
/// soldiers reaches each of them.
#[test]
fn an_ods_sheet_reads_as_ods_with_its_merged_regions() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("regional_sheet.ods");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "sheet"]);
    assert!(out.contains("read as ods, sheet \"Список\""), "{out}");
    assert!(ok(dir.path(), &["sources"]).contains("as ods"));
    let csv = ok(dir.path(), &["export", "records"]);
    assert_eq!(csv.matches(",Сумська,").count(), 3, "{csv}");
    assert_eq!(csv.matches(",Полтавська,").count(), 2, "{csv}");
}

/// A PDF list: its table is read from the page, it is stored and reported as a PDF, importing it
/// again changes nothing, and a scanned PDF is refused with what to do and nothing stored.
#[test]
fn a_pdf_list_reads_as_a_table_and_a_scan_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("returned_bodies.pdf");
    let out = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "returned"]);
    assert!(out.contains("read as pdf, table 1 of 1"), "{out}");
    assert!(out.contains("records: 60, rejected: 0"), "{out}");
    assert!(ok(dir.path(), &["sources"]).contains("as pdf"));
    let csv = ok(dir.path(), &["export", "records"]);
    assert_eq!(csv.lines().count(), 61, "{csv}");
    assert!(csv.contains("Руденко"), "{csv}");
    let again = ok(dir.path(), &["import", f.to_str().unwrap(), "--source", "returned"]);
    assert!(again.contains("already imported"), "{again}");
    let scan = fixture("scanned.pdf");
    let err = fails(dir.path(), &["import", scan.to_str().unwrap(), "--source", "scan"]);
    assert!(err.contains("scanned.pdf: a PDF with no text (a scan)") && err.contains("OCR"), "{err}");
    assert!(!ok(dir.path(), &["sources"]).contains("scan"));
}
