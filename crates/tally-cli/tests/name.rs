//! `tally name ...` from the outside: what a user sees for each subcommand, pinned as snapshots, and the
//! JSON contract of `tally name compare --json`.

use std::process::{Command, Output};

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally")).args(args).output().expect("run tally")
}

fn ok(args: &[&str]) -> String {
    let out = tally(args);
    assert!(
        out.status.success(),
        "tally {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn translit_prints_exactly_one_line() {
    assert_eq!(ok(&["name", "translit", "--standard", "ua_kmu_2010", "Юрій Щербак"]), "Yurii Shcherbak\n");
    assert_eq!(ok(&["name", "translit", "--standard", "ru_icao_9303", "Юлия", "Щеглова"]), "Iuliia Shcheglova\n");
}

#[test]
fn translit_all_standards() {
    insta::assert_snapshot!(ok(&["name", "translit", "--all", "Олександр Сергійович Шевченко"]));
}

#[test]
fn translit_unknown_standard_is_a_clear_error() {
    let out = tally(&["name", "translit", "--standard", "kmu", "Юрій"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown transliteration standard \"kmu\"") && err.contains("hint:"), "{err}");
}

#[test]
fn standards_list() {
    insta::assert_snapshot!(ok(&["name", "standards"]));
}

#[test]
fn normalize_and_nominative() {
    assert_eq!(ok(&["name", "normalize", "  ОЛIЙНИК   Дар’я "]), "олійник дар'я\n");
    assert_eq!(
        ok(&["name", "nominative", "попрощалися з Олександром Шевченком"]),
        "попрощалися з Олександр Шевченко\n"
    );
    assert_eq!(ok(&["name", "nominative", "Андрєєва Олексія"]), "Андрєєв Олексій\n");
}

#[test]
fn compare_json_contract() {
    let out = ok(&["name", "compare", "Олександр Шевченко", "Oleksandr Shevchenko", "--json"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    assert!(v["score"].is_f64(), "{v}");
    assert!(v["level"].is_string() && v["why"].is_string(), "{v}");
    assert_eq!(v["level"], "translit");
    let namesake: serde_json::Value =
        serde_json::from_str(&ok(&["name", "compare", "Шевченко Олександр", "Шевченко Олексій", "--json"])).unwrap();
    assert!(v["score"].as_f64().unwrap() > namesake["score"].as_f64().unwrap() + 0.3, "{v} {namesake}");
    assert_eq!(namesake["level"], "different");
}

#[test]
fn compare_readable() {
    let pairs = [
        ("Олександр Сергійович Шевченко", "Александр Сергеевич Шевченко"),
        ("Олександр Сергійович Шевченко", "Шевченка О.С."),
        ("Шевченко Олександр", "Шевченко Олексій"),
        ("Андрєєв", "Андрєєва"),
    ];
    let mut all = String::new();
    for (a, b) in pairs {
        all.push_str(&format!("$ tally name compare {a:?} {b:?}\n{}", ok(&["name", "compare", a, b])));
    }
    all.push_str(&ok(&["name", "compare", "--part", "surname", "Андрєєв", "Andrieiev"]));
    insta::assert_snapshot!(all);
}

#[test]
fn candidates_and_keys() {
    let c = ok(&["name", "candidates", "-n", "3", "Oleksandr"]);
    assert!(c.lines().next().unwrap().ends_with("\tОлександр"), "{c}");
    let ru = ok(&["name", "candidates", "--lang", "ru", "-n", "1", "Aleksandr"]);
    assert!(ru.trim_end().ends_with("\tАлександр"), "{ru}");
    let k = ok(&["name", "key", "Олександр", "Aleksandr", "Olexandr"]);
    let keys: Vec<&str> = k.lines().map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "{k}");
}

#[test]
fn equivalents() {
    insta::assert_snapshot!(ok(&["name", "equivalents", "Олександр"]));
    let out = tally(&["name", "equivalents", "Шевченко"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint:"));
}

#[test]
fn surname_forms() {
    insta::assert_snapshot!(ok(&["name", "forms", "Ковалевська"]));
}
