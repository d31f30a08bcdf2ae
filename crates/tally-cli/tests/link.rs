//! `tally link`, `tally link explain`, `tally link eval` and `tally review`, end to end on the
//! two-source fixture in test_data/linkage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/linkage").join(name)
}

fn tally(db: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tally"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("USER", "tester")
        .output()
        .expect("tally runs");
    out
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = tally(db, args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "tally {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn import(db: &Path, file: &str, source: &str) {
    let f = fixture(file);
    ok(db, &["import", f.to_str().unwrap(), "--source", source]);
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(db, args)).expect("json output")
}

/// person id of every record, from `tally export links`.
fn links(db: &Path) -> std::collections::BTreeMap<String, String> {
    let csv = ok(db, &["export", "links", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (s, i, p) = (col("source"), col("source_record_id"), col("person_id"));
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (format!("{}:{}", c[s], c[i]), c[p].to_string())
        })
        .collect()
}

#[test]
fn link_explain_eval_review_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    import(&db, "mod.csv", "mod");
    import(&db, "obits.csv", "obits");

    // First run: trains, links both sources.
    let s1 = json(&db, &["link", "--json"]);
    assert_eq!(s1["mode"], "full");
    assert_eq!(s1["trained"], true);
    assert_eq!(s1["records"], 180);
    assert!(s1["blocking"]["estimated_recall"].as_f64().is_some());

    // A new source arrives: linked incrementally against the roll.
    import(&db, "media.csv", "media");
    let s2 = json(&db, &["link", "--json"]);
    assert_eq!(s2["mode"], "incremental");
    assert_eq!(s2["trained"], false);
    assert_eq!(s2["new_records"], 20);
    let after_incremental = links(&db);

    // Evaluation against the truth.
    let truth = fixture("truth.csv");
    let ev = json(&db, &["link", "eval", "--truth", truth.to_str().unwrap(), "--json"]);
    let f1 = ev["evaluation"]["bcubed"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.95, "b-cubed f1 {f1}: {ev}");
    assert_eq!(ev["evaluation"]["records"], 200);
    let text = ok(&db, &["link", "eval", "--truth", truth.to_str().unwrap()]);
    assert!(text.contains("b-cubed") && text.contains("pairwise"), "{text}");

    // Incremental equals full (same model): re-link everything and compare.
    ok(&db, &["link", "--full"]);
    assert_eq!(links(&db), after_incremental, "full re-link changed the roll");

    // Explain a true pair: mod:1001's obituary record, found through the truth file.
    let t = std::fs::read_to_string(&truth).unwrap();
    let person_of =
        |rec: &str| t.lines().find(|l| l.starts_with(rec)).map(|l| l.rsplit(',').next().unwrap().to_string());
    let p = person_of("mod,1001,").unwrap();
    let obit = t.lines().find(|l| l.starts_with("obits,") && l.ends_with(&format!(",{p}")));
    let (a, b) = match obit {
        Some(l) => ("mod:1001".to_string(), format!("obits:{}", l.split(',').nth(1).unwrap())),
        None => ("mod:1001".to_string(), "mod:1002".to_string()),
    };
    let ex = ok(&db, &["link", "explain", &a, &b]);
    assert!(ex.contains("surname") && ex.contains("probability"), "{ex}");
    let exj = json(&db, &["link", "explain", &a, &b, "--json"]);
    assert!(exj["probability"].as_f64().unwrap() >= 0.0);

    // Bad names fail clearly.
    let bad = tally(&db, &["link", "explain", "nocolon", &b]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hint:"));
    let missing = tally(&db, &["link", "explain", "mod:999999", &b]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not in the roll"));

    // Review: reject a linked pair and accept an unlinked one; both survive re-links.
    let roll = links(&db);
    let (x, y) = {
        let mut by_person: std::collections::BTreeMap<&String, Vec<&String>> = Default::default();
        for (r, p) in &roll {
            by_person.entry(p).or_default().push(r);
        }
        let pair = by_person.values().find(|v| v.len() >= 2).expect("some linked person");
        (pair[0].clone(), pair[1].clone())
    };
    let out = ok(&db, &["review", "--reject", &x, &y, "--note", "different fathers"]);
    assert!(out.contains("cannot"), "{out}");
    let (u, v) = ("mod:1001".to_string(), "mod:1002".to_string());
    ok(&db, &["review", "--accept", &u, &v]);
    for args in [&["link"][..], &["link", "--full"][..], &["link", "--full", "--retrain", "--seed", "9"][..]] {
        ok(&db, args);
        let r = links(&db);
        assert_ne!(r[&x], r[&y], "rejected pair linked again after {args:?}");
        assert_eq!(r[&u], r[&v], "accepted pair apart after {args:?}");
    }

    // The review queue is listable and the interactive loop reads decisions from stdin.
    ok(&db, &["review", "--list"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .arg("--db")
        .arg(&db)
        .arg("review")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"s\nq\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
}

#[test]
fn link_without_a_database_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = tally(&dir.path().join("none.db"), &["link"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database") && err.contains("hint:"), "{err}");
}
