//! `tally synth` and `tally demo` from the outside: determinism of the written files, every
//! file importable with the command its manifest gives, the importer's record ids equal to the
//! truth's, and a small demo end to end.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

fn tally(args: &[&str], cwd: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tally")).args(args).current_dir(cwd).output().expect("run tally");
    assert!(
        out.status.success(),
        "tally {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn synth_writes_the_same_bytes_for_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    tally(&["synth", "--persons", "800", "--seed", "9", "--sources", "7", "--out", "a"], p);
    tally(&["synth", "--persons", "800", "--seed", "9", "--sources", "7", "--out", "b"], p);
    let (a, b) = (read_dir_sorted(&p.join("a")), read_dir_sorted(&p.join("b")));
    let names: Vec<&str> = a.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "court_records.csv",
            "exchange_manifest.jsonl",
            "family_missing.xlsx",
            "manifest.json",
            "media_list.csv",
            "obituaries.jsonl",
            "persons.csv",
            "ru_named_losses.csv",
            "truth.csv",
            "ua_official_killed.csv"
        ]
    );
    assert_eq!(a, b);
    tally(&["synth", "--persons", "800", "--seed", "10", "--sources", "7", "--out", "c"], p);
    let c = read_dir_sorted(&p.join("c"));
    assert_ne!(a.iter().find(|x| x.0 == "truth.csv"), c.iter().find(|x| x.0 == "truth.csv"));
}

#[test]
fn every_file_imports_with_its_manifest_command_and_matches_the_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    tally(&["synth", "--persons", "1500", "--seed", "4", "--sources", "7", "--out", "w"], p);
    let w = p.join("w");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(w.join("manifest.json")).unwrap()).unwrap();
    for s in manifest["sources"].as_array().unwrap() {
        let cmd = s["import"].as_str().unwrap();
        let mut args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        args.extend(["--db", "../t.db"]);
        let out = tally(&args, &w);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("rejected: 0"), "{cmd}: {text}");
    }
    tally(&["--db", "t.db", "export", "records", "--format", "jsonl", "--out", "records.jsonl"], p);
    let records: HashSet<(String, String)> = std::fs::read_to_string(p.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["source"].as_str().unwrap().to_string(), v["source_record_id"].as_str().unwrap().to_string())
        })
        .collect();
    let truth_text = std::fs::read_to_string(w.join("truth.csv")).unwrap();
    let mut lines = truth_text.lines();
    assert_eq!(lines.next(), Some("source,source_record_id,person_id"));
    let truth: HashSet<(String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    assert_eq!(truth.len() as u64, manifest["records"].as_u64().unwrap());
    assert_eq!(records, truth, "imported record keys differ from the truth's");
}

#[test]
fn synth_help_documents_the_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tally(&["synth", "--help"], tmp.path());
    let h = String::from_utf8_lossy(&out.stdout);
    for flag in
        ["--persons", "--records", "--seed", "--out", "--sources", "--script", "--records-per-person", "--noise"]
    {
        assert!(h.contains(flag), "{flag} not in --help");
    }
    assert!(h.contains("truth.csv") && h.contains("manifest.json"));
}

#[test]
fn synth_records_aims_at_a_record_count() {
    let tmp = tempfile::tempdir().unwrap();
    tally(&["synth", "--records", "5000", "--script", "latin", "--out", "w", "--json"], tmp.path());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("w/manifest.json")).unwrap()).unwrap();
    let records = m["records"].as_u64().unwrap();
    assert!((4600..=5400).contains(&records), "{records} records");
    assert_eq!(m["config"]["script"], "latin");
}

#[test]
fn synth_refuses_bad_flags_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["synth", "--persons", "100", "--script", "klingon", "--out", "x"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected mixed, latin or cyrillic"));
}

#[test]
fn a_tiny_demo_skips_sources_that_list_nobody() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tally(&["--db", "tiny.db", "demo", "--persons", "3", "--seed", "2", "--sources", "7"], tmp.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no records (nothing to import)"));
}

#[test]
fn a_small_demo_runs_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let out = tally(&["--db", "demo.db", "demo", "--persons", "2000", "--seed", "3"], p);
    let s = String::from_utf8_lossy(&out.stdout);
    for want in ["ua_official_killed", "obituaries", "media_list", "family_missing", "ru_named_losses", "linked", "F1"]
    {
        assert!(s.contains(want), "{want} not in:\n{s}");
    }
    // The exchange reconciliation is printed, with the June 2025 count dispute (RU 6,060
    // delivered vs UA 6,057 received, exchange_events.json) and the schedule nobody confirmed.
    for want in ["agreement AGR-2025-06-02-IST", "RU says delivered 6,060", "UA says received 6,057"] {
        assert!(s.contains(want), "{want} not in:\n{s}");
    }
    assert!(s.contains("UNCONFIRMED: signed only by RU"), "{s}");
    assert!(p.join("demo.db").exists());
    assert!(p.join("demo.db.world").join("truth.csv").exists());
    // Running it again changes nothing and says so.
    let again = tally(&["--db", "demo.db", "demo", "--persons", "2000", "--seed", "3"], p);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already imported"));
}

/// The summary a user sees and the manifest format, pinned (timings filtered out).
#[test]
fn synth_summary_and_manifest_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tally(&["synth", "--persons", "500", "--seed", "3", "--sources", "7", "--out", "w"], tmp.path());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    insta::with_settings!({filters => vec![(r"in \d+\.\ds", "in [time]")]}, {
        insta::assert_snapshot!("synth_summary", text);
    });
    let manifest = std::fs::read_to_string(tmp.path().join("w/manifest.json")).unwrap();
    insta::assert_snapshot!("synth_manifest", manifest);
}
