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
    assert_eq!(s2["roll"], "incremental", "{s2}");
    assert_eq!(s2["trained"], false);
    assert_eq!(s2["new_records"], 20);
    // Label-free error estimates are reported; a full run also over every candidate pair.
    assert!(s2["errors"]["expected_false_links"].as_f64().is_some());
    assert!(
        s1["candidate_errors"]["expected_missed"].as_f64().unwrap()
            >= s1["errors"]["expected_missed"].as_f64().unwrap()
    );
    let after_incremental = links(&db);

    // Evaluation against the truth.
    let truth = fixture("truth.csv");
    let ev = json(&db, &["link", "eval", "--truth", truth.to_str().unwrap(), "--json"]);
    let f1 = ev["evaluation"]["bcubed"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.95, "b-cubed f1 {f1}: {ev}");
    assert_eq!(ev["evaluation"]["records"], 200);
    let text = ok(&db, &["link", "eval", "--truth", truth.to_str().unwrap()]);
    assert!(text.contains("b-cubed") && text.contains("pairwise"), "{text}");
    insta::assert_snapshot!("eval_fixture", text);
    // One script only: no cross-script figures.
    assert!(ev["cross_script"].is_null(), "{ev}");

    // Incremental equals full (same model): re-link everything and compare.
    let s3 = json(&db, &["link", "--full", "--json"]);
    assert_eq!(links(&db), after_incremental, "full re-link changed the roll");
    for k in ["persons", "linked_records", "flagged_clusters", "refused_merges", "kept_pairs", "review_queue"] {
        assert_eq!(s2[k], s3[k], "{k}");
    }
    assert_eq!(s3["changed_assignments"], 0, "{s3}");
    assert_eq!(s3["written_pairs"], 0, "same model, same pairs: nothing to write; {s3}");

    // Alternative linkages at several thresholds: one row per record and threshold.
    insta::assert_snapshot!("alternatives_fixture", ok(&db, &["export", "alternatives", "--thresholds", "0.3,0.99"]));
    let alt = ok(&db, &["export", "alternatives", "--thresholds", "0.95", "--format", "jsonl"]);
    assert_eq!(alt.lines().count(), 200);
    let first: serde_json::Value = serde_json::from_str(alt.lines().next().unwrap()).unwrap();
    assert_eq!(first["threshold"], 0.95);
    // At the link threshold the alternative is the roll itself, ids included.
    let roll = links(&db);
    for l in alt.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let k = format!("{}:{}", v["source"].as_str().unwrap(), v["source_record_id"].as_str().unwrap());
        assert_eq!(roll[&k], v["person_id"].to_string(), "{k}");
    }
    let bad = tally(&db, &["export", "alternatives", "--thresholds", "1.5"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hint:"));

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

/// Writes a mixed-script synth world of about `records` records to `world` and returns its
/// manifest's sources.
fn synth_sources(db: &Path, world: &Path, records: &str, seed: &str) -> Vec<serde_json::Value> {
    ok(db, &["synth", "--records", records, "--seed", seed, "--script", "mixed", "--out", world.to_str().unwrap()]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("manifest.json")).unwrap()).unwrap();
    manifest["sources"].as_array().unwrap().clone()
}

/// `source:source_record_id` -> true person, from a truth file as `tally synth` writes it.
fn read_truth(path: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (format!("{}:{}", c[0], c[1]), c[2].to_string())
        })
        .collect()
}

/// Runs `tally import` for a source of a synth world, as its manifest says.
fn import_synth(db: &Path, dir: &Path, source: &serde_json::Value) {
    let args: Vec<String> = source["import"].as_str().unwrap().split_whitespace().skip(1).map(String::from).collect();
    let mut args: Vec<String> = args;
    args[1] = dir.join(&args[1]).to_str().unwrap().to_string();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(db, &refs);
}

#[test]
fn incremental_equals_full_on_a_synth_world() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("t.db");
    let mut sources = synth_sources(&db, &world, "2000", "5");
    // The smallest source arrives last (small enough that the model is kept).
    sources.sort_by_key(|s| std::cmp::Reverse(s["records"].as_u64().unwrap()));
    let last = sources.pop().unwrap();
    for s in &sources {
        import_synth(&db, &world, s);
    }
    let first = json(&db, &["link", "--json"]);
    assert_eq!(first["mode"], "full");
    import_synth(&db, &world, &last);
    let inc = json(&db, &["link", "--json"]);
    assert_eq!(inc["mode"], "incremental", "{inc}");
    assert_eq!(inc["roll"], "incremental", "{inc}");
    assert_eq!(inc["new_records"], last["records"]);
    let after_inc = links(&db);

    // The same data linked in full, with the same model, gives the same persons and ids.
    let full = json(&db, &["link", "--full", "--json"]);
    assert_eq!(links(&db), after_inc, "full re-link changed the roll");
    for k in ["records", "persons", "linked_records", "flagged_clusters", "refused_merges", "kept_pairs"] {
        assert_eq!(inc[k], full[k], "{k}");
    }
    assert_eq!(full["changed_assignments"], 0, "{full}");

    // Nothing new: the roll stands, and the run says so without linking.
    let idle = json(&db, &["link", "--json"]);
    assert!(idle["roll"].as_str().unwrap().starts_with("unchanged"), "{idle}");
    assert_eq!(idle["persons"], full["persons"]);
    assert_eq!(links(&db), after_inc);

    // A review decision since the last run: the next run clusters everything again, and
    // says why; the run after it has nothing to do again.
    let roll = links(&db);
    let mut by_person: std::collections::BTreeMap<&String, Vec<&String>> = Default::default();
    for (r, p) in &roll {
        by_person.entry(p).or_default().push(r);
    }
    let pair = by_person.values().find(|v| v.len() >= 2).expect("a linked person");
    let (x, y) = (pair[0].clone(), pair[1].clone());
    ok(&db, &["review", "--reject", &x, &y]);
    let after_review = json(&db, &["link", "--json"]);
    assert!(after_review["roll"].as_str().unwrap().contains("review decisions"), "{after_review}");
    assert_ne!(links(&db)[&x], links(&db)[&y]);
    let again = json(&db, &["link", "--json"]);
    assert!(again["roll"].as_str().unwrap().starts_with("unchanged"), "{again}");
    assert_eq!(again["persons"], after_review["persons"]);

    // Evaluation: the cross-script recall equals a count made here from the exports.
    let truth_path = world.join("truth.csv");
    let ev = json(&db, &["link", "eval", "--truth", truth_path.to_str().unwrap(), "--json"]);
    let x = &ev["cross_script"];
    assert!(x.is_object(), "mixed world has both scripts: {ev}");
    let truth = read_truth(&truth_path);
    let records = ok(&db, &["export", "records"]);
    let mut rdr = csv::Reader::from_reader(records.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cs, ci, cn, cg, cp) =
        (col("source"), col("source_record_id"), col("surname"), col("given_name"), col("patronymic"));
    let mut cyr = std::collections::BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let names = format!("{}{}{}", &r[cn], &r[cg], &r[cp]);
        if names.chars().any(char::is_alphabetic) {
            let c = names.chars().any(|c| ('\u{0400}'..='\u{052f}').contains(&c));
            cyr.insert(format!("{}:{}", &r[cs], &r[ci]), c);
        }
    }
    let pred = links(&db);
    let keys: Vec<&String> = pred.keys().filter(|k| truth.contains_key(*k) && cyr.contains_key(*k)).collect();
    let (mut true_pairs, mut correct) = (0u64, 0u64);
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            if cyr[*a] != cyr[*b] && truth[*a] == truth[*b] {
                true_pairs += 1;
                correct += u64::from(pred[*a] == pred[*b]);
            }
        }
    }
    assert!(true_pairs > 0);
    assert_eq!(x["true_pairs"], true_pairs, "{x}");
    assert_eq!(x["correct_pairs"], correct, "{x}");
    let text = ok(&db, &["link", "eval", "--truth", truth_path.to_str().unwrap()]);
    assert!(text.contains("x-script") && text.contains("gap"), "{text}");
}

/// A store with every source of a synth world but the two smallest, linked once (which writes
/// the linker cache); returns the store and the two held back, smallest last.
fn linked_but_two(dir: &Path, world: &Path, name: &str) -> (PathBuf, Vec<serde_json::Value>) {
    let db = dir.join(name);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("manifest.json")).unwrap()).unwrap();
    let mut sources: Vec<serde_json::Value> = manifest["sources"].as_array().unwrap().clone();
    sources.sort_by_key(|s| std::cmp::Reverse(s["records"].as_u64().unwrap()));
    let held = sources.split_off(sources.len() - 2);
    for s in &sources {
        import_synth(&db, world, s);
    }
    let first = json(&db, &["link", "--json"]);
    assert_eq!(first["mode"], "full");
    assert!(first["linker_cache"].as_str().unwrap().ends_with("saved"), "{first}");
    assert!(cache_of(&db).exists());
    (db, held)
}

fn cache_of(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".linker");
    PathBuf::from(s)
}

#[test]
fn the_linker_cache_gives_what_a_full_link_gives_and_losing_it_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    ok(
        &dir.path().join("w.db"),
        &["synth", "--records", "2000", "--seed", "9", "--script", "mixed", "--out", world.to_str().unwrap()],
    );

    // With the cache: the incremental run loads it, and equals a full re-link.
    let (db, held) = linked_but_two(dir.path(), &world, "cached.db");
    import_synth(&db, &world, &held[0]);
    let inc = json(&db, &["link", "--json"]);
    assert_eq!(inc["mode"], "incremental", "{inc}");
    assert_eq!(inc["roll"], "incremental", "{inc}");
    // It appends a delta to the cache rather than writing it again.
    assert_eq!(inc["linker_cache"], "used; appended", "{inc}");
    assert_eq!(inc["new_records"], held[0]["records"]);
    assert!(inc["steps"].as_array().unwrap().iter().any(|s| s["step"] == "load linker cache"), "{inc}");
    let after_inc = links(&db);
    // A second new source, from the cache the first incremental run saved.
    import_synth(&db, &world, &held[1]);
    // (It may retrain, as the roll grows past a quarter: the cache is then not used.)
    let inc2 = json(&db, &["link", "--json"]);
    let after_inc2 = links(&db);
    let full = json(&db, &["link", "--full", "--json"]);
    assert_eq!(links(&db), after_inc2, "full re-link changed the roll");
    assert_eq!(full["changed_assignments"], 0, "{full}");
    assert_eq!(full["linker_cache"], "saved", "{full}");
    // Nothing new: the run says the cache was not needed, not what the last run did with it.
    let again = json(&db, &["link", "--json"]);
    assert_eq!(again["roll"], "unchanged (nothing new since the last run)", "{again}");
    assert_eq!(again["linker_cache"], "not needed (nothing new)", "{again}");
    for k in ["records", "persons", "linked_records", "flagged_clusters", "refused_merges", "kept_pairs"] {
        assert_eq!(inc2[k], full[k], "{k}");
    }

    // Deleted or damaged cache: the run falls back to reading the store, says so, and gives
    // the same roll, ids included.
    for (name, damage) in [("deleted.db", 0u8), ("damaged.db", 1), ("truncated.db", 2)] {
        let (db, held) = linked_but_two(dir.path(), &world, name);
        import_synth(&db, &world, &held[0]);
        let cache = cache_of(&db);
        match damage {
            0 => std::fs::remove_file(&cache).unwrap(),
            1 => {
                let mut b = std::fs::read(&cache).unwrap();
                let mid = b.len() / 2;
                b[mid] ^= 0x5a;
                std::fs::write(&cache, b).unwrap();
            }
            _ => {
                let b = std::fs::read(&cache).unwrap();
                std::fs::write(&cache, &b[..b.len() / 3]).unwrap();
            }
        }
        let s = json(&db, &["link", "--json"]);
        assert_eq!(s["roll"], "incremental", "{name}: {s}");
        let note = s["linker_cache"].as_str().unwrap();
        assert!(note.starts_with("not used: ") && note.ends_with("; saved"), "{name}: {s}");
        assert_eq!(links(&db), after_inc, "{name}: the roll differs from the cached run's");
        for k in ["persons", "linked_records", "kept_pairs", "changed_assignments", "written_pairs"] {
            assert_eq!(s[k], inc[k], "{name}: {k}");
        }
    }
}

/// A cache with a delta appended: the next run replays it (equal to a full re-link), and a
/// damaged or torn delta makes the run fall back to the store with the same roll.
#[test]
fn the_linker_cache_delta_replays_as_a_full_link_and_a_damaged_delta_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    ok(
        &dir.path().join("w.db"),
        &["synth", "--records", "3000", "--seed", "5", "--script", "latin", "--out", world.to_str().unwrap()],
    );
    // Three slices of the smallest list held back, linked one after the other.
    let slices = |db: &Path| -> Vec<PathBuf> {
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(world.join("manifest.json")).unwrap()).unwrap();
        let ua = manifest["sources"].as_array().unwrap().iter().find(|s| s["source"] == "ua_official_killed").unwrap();
        let text = std::fs::read_to_string(world.join(ua["file"].as_str().unwrap())).unwrap();
        let mut lines = text.lines();
        let head = lines.next().unwrap().to_string();
        let rows: Vec<&str> = lines.collect();
        let k = rows.len() / 10;
        (0..3)
            .map(|i| {
                let p = db.with_extension(format!("slice{i}.csv"));
                let body: Vec<&str> = rows[i * k..(i + 1) * k].to_vec();
                std::fs::write(&p, format!("{head}\n{}\n", body.join("\n"))).unwrap();
                p
            })
            .collect()
    };
    let setup = |name: &str| -> (PathBuf, Vec<PathBuf>) {
        let db = dir.path().join(name);
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(world.join("manifest.json")).unwrap()).unwrap();
        for s in manifest["sources"].as_array().unwrap() {
            import_synth(&db, &world, s);
        }
        let first = json(&db, &["link", "--json"]);
        assert!(first["linker_cache"].as_str().unwrap().ends_with("saved"), "{first}");
        let sl = slices(&db);
        for (i, p) in sl[..2].iter().enumerate() {
            ok(&db, &["import", p.to_str().unwrap(), "--source", &format!("update{i}"), "--kind", "official_list"]);
            let s = json(&db, &["link", "--json"]);
            assert_eq!(s["roll"], "incremental", "{s}");
            assert_eq!(s["linker_cache"], "used; appended", "{s}");
        }
        ok(&db, &["import", sl[2].to_str().unwrap(), "--source", "update2", "--kind", "official_list"]);
        (db, sl)
    };

    // The cache holds a base and two deltas; the third run replays them.
    let (db, _) = setup("delta.db");
    let inc = json(&db, &["link", "--json"]);
    assert_eq!(inc["linker_cache"], "used; appended", "{inc}");
    assert_eq!(inc["roll"], "incremental", "{inc}");
    let after_inc = links(&db);
    let full = json(&db, &["link", "--full", "--json"]);
    assert_eq!(links(&db), after_inc, "full re-link changed the roll");
    assert_eq!(full["changed_assignments"], 0, "{full}");
    for k in ["records", "persons", "linked_records", "flagged_clusters", "refused_merges", "kept_pairs"] {
        assert_eq!(inc[k], full[k], "{k}");
    }

    // A damaged or torn last delta: the run reads the store instead, with the same roll.
    for (name, damage) in [("delta_damaged.db", 1u8), ("delta_torn.db", 2)] {
        let (db, _) = setup(name);
        let cache = cache_of(&db);
        let mut b = std::fs::read(&cache).unwrap();
        match damage {
            1 => {
                let at = b.len() - 5;
                b[at] ^= 0x5a;
            }
            _ => b.truncate(b.len() - 7),
        }
        std::fs::write(&cache, b).unwrap();
        let s = json(&db, &["link", "--json"]);
        assert_eq!(s["roll"], "incremental", "{name}: {s}");
        assert_eq!(s["linker_cache"], "not used: linker cache damaged; saved", "{name}: {s}");
        assert_eq!(links(&db), after_inc, "{name}: the roll differs from the cached run's");
        for k in ["persons", "linked_records", "kept_pairs", "changed_assignments", "written_pairs"] {
            assert_eq!(s[k], inc[k], "{name}: {k}");
        }
    }
}

/// `source:id` of a record as `review --next --json` gives it.
fn key_name(r: &serde_json::Value) -> String {
    format!("{}:{}", r["key"]["source"].as_str().unwrap(), r["key"]["source_record_id"].as_str().unwrap())
}

#[test]
fn review_shows_each_records_person_and_its_rivals() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("t.db");
    // A world small enough to link in a second, whose queue holds pairs with rivals (seed 1).
    for s in &synth_sources(&db, &world, "2000", "1") {
        import_synth(&db, &world, s);
    }
    ok(&db, &["link"]);
    let roll = links(&db);
    let queue = json(&db, &["review", "--list", "--json"]);
    let flagged: std::collections::BTreeMap<(String, String), bool> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|q| ((q["a"].as_str().unwrap().into(), q["b"].as_str().unwrap().into()), q["rival"].as_bool().unwrap()))
        .collect();
    let mut rivals = 0;
    // Walk the queue: show each pair, then skip it (skipped pairs go to the end).
    for _ in 0..queue.as_array().unwrap().len() {
        let item = json(&db, &["review", "--next", "--json"]);
        let (a, b) = (key_name(&item["a"]), key_name(&item["b"]));
        for (side, rec) in [(0, &a), (1, &b)] {
            let p = &item["persons"][side];
            assert_eq!(p["person"].to_string(), roll[rec], "person of {rec}");
            let others: Vec<&str> = p["others"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let expected: Vec<&str> =
                roll.iter().filter(|(r, q)| *q == &roll[rec] && *r != rec).map(|(r, _)| r.as_str()).collect();
            assert_eq!(others, expected, "other records of {rec}'s person");
        }
        let p = item["probability"].as_f64().unwrap();
        // The queue's list flags the pairs that show a rival.
        assert_eq!(flagged[&(a.clone(), b.clone())], !item["rivals"].as_array().unwrap().is_empty(), "{a} {b}");
        for r in item["rivals"].as_array().unwrap() {
            rivals += 1;
            let (of, rival) = (r["of"].as_str().unwrap(), r["rival"].as_str().unwrap());
            let other = if of == a { &b } else { &a };
            // A rival is a record of the other record's list, linked more strongly, and not of
            // the other record's person.
            assert_eq!(rival.split(':').next(), other.split(':').next(), "{r}");
            assert!(r["probability"].as_f64().unwrap() > p, "{r} vs {p}");
            assert_ne!(roll[rival], roll[other], "{r}");
            assert_eq!(r["same_person"].as_bool().unwrap(), roll[rival] == roll[of], "{r}");
            let text = ok(&db, &["review", "--next"]);
            assert!(text.contains(&format!("! rival: {of} is linked more strongly to {rival}")), "{text}");
        }
        ok(&db, &["review", "--skip", &a, &b]);
    }
    assert!(rivals > 0, "no pair of the queue had a rival");
}

/// Four short lists written by hand the way their senders write them (test_data/linkage/handmade):
/// Ukrainian with a plain "name" column beside the surname, English with "Kyiv" in an Oblast
/// column, Russian with one ФИО column and worded dates, a family report with initials and
/// two-digit years. Every person a reader can see in them is found, and nothing else.
#[test]
fn tally_links_lists_written_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let f = |n: &str| fixture(&format!("handmade/{n}")).to_str().unwrap().to_string();
    for (file, source, kind) in [
        ("volunteers.csv", "volunteers", "family"),
        ("official.csv", "official", "official"),
        ("media.csv", "media", "media"),
        ("family.csv", "family", "family"),
    ] {
        ok(&db, &["import", &f(file), "--source", source, "--kind", kind]);
    }
    ok(&db, &["link"]);
    let e = json(&db, &["link", "eval", "--truth", &f("truth.csv"), "--json"]);
    let ev = &e["evaluation"];
    assert_eq!(ev["true_pairs"], 24, "{e}");
    assert_eq!((ev["predicted_pairs"].clone(), ev["correct_pairs"].clone()), (24.into(), 24.into()), "{e}");

    // "name" beside "surname" is the given name; it used to be read as a whole name and lost.
    let records = ok(&db, &["export", "records", "--format", "csv"]);
    assert!(
        records.lines().any(|l| l.starts_with("volunteers,1,") && l.contains(",Шевченко,Олександр,Петрович,")),
        "{records}"
    );
    // «Київська» against "Kyiv" (the city) is no evidence either way, and explain says why.
    let x = json(&db, &["link", "explain", "volunteers:4", "official:4", "--json"]);
    let step = |field: &str| x["steps"].as_array().unwrap().iter().find(|s| s["field"] == field).unwrap().clone();
    assert_eq!(step("given_name")["level"], "equivalent", "{x}");
    let place = step("place");
    assert_eq!((place["level"].as_str(), place["weight"].as_f64()), (Some("missing"), Some(0.0)), "{x}");
    assert!(place["why"].as_str().unwrap().contains("city with region status"), "{x}");

    // A truth that shares one record with the roll has no pairs: no rate to report.
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "source,source_record_id,person_id\nvolunteers,1,A\n").unwrap();
    let text = ok(&db, &["link", "eval", "--truth", one.to_str().unwrap()]);
    assert!(
        text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["pairwise", "n/a", "n/a", "n/a"]),
        "{text}"
    );
}

/// `tally link eval` splits the grey pairs by where they stand in the roll. The split is
/// recounted here from `tally review --list` (the grey pairs), `tally export links` (persons) and
/// the truth: a pair is in one person, or one of its two persons already holds another record
/// of the other record's list, or neither does.
#[test]
fn eval_splits_grey_pairs_by_their_context_in_the_roll() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("c.db");
    for s in synth_sources(&db, &world, "2000", "1") {
        import_synth(&db, &world, &s);
    }
    ok(&db, &["link"]);
    let truth_path = world.join("truth.csv");
    let truth = read_truth(&truth_path);
    let person = links(&db);
    let list = |k: &str| k.split(':').next().unwrap().to_string();
    let mut held: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for (k, p) in &person {
        *held.entry((p.clone(), list(k))).or_default() += 1;
    }
    let queue = json(&db, &["review", "--list", "--json"]);
    // context -> (pairs, sum of probabilities, matches)
    let mut want: std::collections::BTreeMap<&str, (u64, f64, u64)> = Default::default();
    for q in queue.as_array().unwrap() {
        let (a, b, p) = (q["a"].as_str().unwrap(), q["b"].as_str().unwrap(), q["probability"].as_f64().unwrap());
        if p >= 0.95 || !truth.contains_key(a) || !truth.contains_key(b) {
            continue;
        }
        let (pa, pb) = (&person[a], &person[b]);
        let others = |p: &String, l: String, own: String| held[&(p.clone(), l.clone())] - u32::from(l == own);
        let context = if pa == pb {
            "one_person"
        } else if q["conflict"].as_bool().unwrap() {
            // As the review queue flags it: a record of each person that cannot be one.
            "conflict"
        } else if held.contains_key(&(pa.clone(), list(b))) && others(pa, list(b), list(a)) > 0
            || held.contains_key(&(pb.clone(), list(a))) && others(pb, list(a), list(b)) > 0
        {
            "list_held"
        } else {
            "apart"
        };
        let e = want.entry(context).or_default();
        e.0 += 1;
        e.1 += p;
        e.2 += u64::from(truth[a] == truth[b]);
    }
    let ev = json(&db, &["link", "eval", "--truth", truth_path.to_str().unwrap(), "--json"]);
    let got = ev["calibration_by_context"].as_array().unwrap();
    assert_eq!(got.len(), 4, "{ev}");
    for c in got {
        let name = c["context"].as_str().unwrap();
        let (n, s, y) = want.get(name).copied().unwrap_or_default();
        assert_eq!(c["pairs"], n, "{name}: {c}");
        if n > 0 {
            assert!((c["mean_predicted"].as_f64().unwrap() - s / n as f64).abs() < 1e-9, "{name}: {c}");
            assert!((c["observed"].as_f64().unwrap() - y as f64 / n as f64).abs() < 1e-12, "{name}: {c}");
        }
    }
    assert!(want.get("list_held").is_some_and(|r| r.0 > 0), "the world has such grey pairs: {want:?}");
    assert!(want.get("apart").is_some_and(|r| r.0 > 0), "{want:?}");
    assert!(want.get("conflict").is_some_and(|r| r.0 > 0 && r.2 == 0), "a conflict pair, not a match: {want:?}");
    let text = ok(&db, &["link", "eval", "--truth", truth_path.to_str().unwrap()]);
    assert!(text.contains("grey pairs (0.20 to 0.95) by where they stand in the roll"), "{text}");
}

/// Pairs the roll has already settled (both records in one person through other links, the pair
/// itself below the link threshold) come after the pairs whose decision can change the roll, and
/// the list says which they are.
#[test]
fn review_lists_settled_pairs_last() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("s.db");
    // Seed 5: a world whose queue holds both kinds (seed 1's has no settled pair since the
    // close surnames' split of parameters version 7).
    for s in &synth_sources(&db, &world, "2000", "5") {
        import_synth(&db, &world, s);
    }
    ok(&db, &["link"]);
    let roll = links(&db);
    let queue = json(&db, &["review", "--list", "--json"]);
    let q = queue.as_array().unwrap();
    let settled: Vec<bool> = q.iter().map(|e| e["same_person"].as_bool().unwrap()).collect();
    assert!(settled.iter().any(|&s| s) && settled.iter().any(|&s| !s), "both kinds in the queue: {settled:?}");
    let first_settled = settled.iter().position(|&s| s).unwrap();
    assert!(settled[first_settled..].iter().all(|&s| s), "settled pairs last: {settled:?}");
    for e in q {
        let (a, b, p) = (e["a"].as_str().unwrap(), e["b"].as_str().unwrap(), e["probability"].as_f64().unwrap());
        assert_eq!(e["same_person"].as_bool().unwrap(), roll[a] == roll[b] && p < 0.95, "{e}");
    }
    let text = ok(&db, &["review", "--list"]);
    assert!(text.contains("  same person\n") && text.contains("already in one person through other links"), "{text}");
    // The next pair to review is one whose decision can change the roll.
    let next = json(&db, &["review", "--next", "--json"]);
    let (a, b) = (key_name(&next["a"]), key_name(&next["b"]));
    assert!(roll[&a] != roll[&b] || next["probability"].as_f64().unwrap() >= 0.95, "{a} {b}");
}

/// Pairs whose merge would put two records that can never be one person (two sexes, birth or
/// death dates too far apart) in one person come after the other open pairs, `--next` skips
/// them while others wait, and accepting one does what the flag says: the roll flags the person.
#[test]
fn review_lists_pairs_that_join_conflicting_records_after_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("c.db");
    for s in &synth_sources(&db, &world, "2000", "1") {
        import_synth(&db, &world, s);
    }
    ok(&db, &["link"]);
    let queue = json(&db, &["review", "--list", "--json"]);
    let q = queue.as_array().unwrap();
    let open: Vec<&serde_json::Value> = q.iter().filter(|e| !e["same_person"].as_bool().unwrap()).collect();
    let conflict: Vec<bool> = open.iter().map(|e| e["conflict"].as_bool().unwrap()).collect();
    assert!(conflict.iter().any(|&c| c) && conflict.iter().any(|&c| !c), "both kinds open: {conflict:?}");
    let first = conflict.iter().position(|&c| c).unwrap();
    assert!(conflict[first..].iter().all(|&c| c), "conflicts after the others: {conflict:?}");
    assert!(q.iter().filter(|e| e["same_person"].as_bool().unwrap()).all(|e| !e["conflict"].as_bool().unwrap()));
    let text = ok(&db, &["review", "--list"]);
    assert!(text.contains("would join records that cannot be one person, listed after the others"), "{text}");
    assert!(text.contains("  conflict\n") || text.contains(", conflict\n"), "{text}");
    let next = json(&db, &["review", "--next", "--json"]);
    assert!(next["conflict"].is_null(), "{next}");

    // Accepting a flagged pair: the two records named as the conflict end up in one person,
    // which the roll flags.
    let (a, b) = (open[first]["a"].as_str().unwrap(), open[first]["b"].as_str().unwrap());
    let before = json(&db, &["link", "--json"]);
    ok(&db, &["review", "--accept", a, b]);
    let after = json(&db, &["link", "--json"]);
    assert!(
        after["flagged_clusters"].as_u64().unwrap() > before["flagged_clusters"].as_u64().unwrap(),
        "{before} {after}"
    );
    let roll = links(&db);
    assert_eq!(roll[a], roll[b]);
}

/// A corrected edition of a list (`tally import --revise`): rows whose id the first edition holds
/// with other cells replace those records, which keep their persons where they still belong;
/// the next `tally link` re-links the whole roll and equals a full re-link; without `--revise`
/// the corrections are refused and kept as rejects, and a file with no id column cannot revise.
#[test]
fn a_corrected_edition_is_relinked_and_equals_a_full_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    import(&db, "mod.csv", "mod");
    import(&db, "obits.csv", "obits");
    ok(&db, &["link"]);
    let before = links(&db);
    assert_eq!(before["obits:1"], before["mod:1002"]);
    assert_eq!(before["obits:2"], before["mod:1003"]);

    // Edition 2: obituary 1 was of someone else (given name and birth corrected), obituary 2
    // gives the full birth date, and one obituary is new.
    let original = std::fs::read_to_string(fixture("obits.csv")).unwrap();
    let edition = original
        .replace("1,Bondaryk,Ivan,,male,2002-06-02,", "1,Bondaryk,Petro,,male,1961-01-15,")
        .replace("2,Melnychiv,Mykola,Andriiovych,male,1972,", "2,Melnychiv,Mykola,Andriiovych,male,1972-07-19,")
        + "900,Savchuk,Taras,Ivanovych,male,1990-02-02,2024-01-05,Sumy,\n";
    let ed2 = dir.path().join("obits_2.csv");
    std::fs::write(&ed2, edition).unwrap();

    // Without --revise the corrections are refused, and the reason says how to apply them.
    let plain = dir.path().join("plain.db");
    ok(&plain, &["import", fixture("obits.csv").to_str().unwrap(), "--source", "obits"]);
    let out = ok(&plain, &["import", ed2.to_str().unwrap(), "--source", "obits"]);
    assert!(out.contains("rejected: 2"), "{out}");
    assert!(out.contains("import a corrected edition with --revise"), "{out}");
    // The same bytes again with --revise: the refused corrections are applied, their rejects
    // taken back; a third time there is nothing left to do.
    let out = ok(&plain, &["import", ed2.to_str().unwrap(), "--source", "obits", "--revise"]);
    assert!(out.starts_with("applied the corrections in obits_2.csv to source obits"), "{out}");
    assert!(out.contains("rejected: 0") && out.contains("revised: 2"), "{out}");
    assert!(out.contains("revised line 2: record 1: given_name, birth_date"), "{out}");
    assert_eq!(ok(&plain, &["rejects"]), "no rejects\n");
    let records = ok(&plain, &["export", "records", "--format", "csv"]);
    assert!(records.lines().any(|l| l.starts_with("obits,1,") && l.contains(",Petro,")), "{records}");
    let out = ok(&plain, &["import", ed2.to_str().unwrap(), "--source", "obits", "--revise"]);
    assert!(out.contains("already imported"), "{out}");

    let out = ok(&db, &["import", ed2.to_str().unwrap(), "--source", "obits", "--revise"]);
    assert!(out.contains("records: 1, rejected: 0, warnings: 0, already present: 58, revised: 2"), "{out}");
    assert!(out.contains("revised line 2: record 1: given_name, birth_date"), "{out}");
    assert!(out.contains("revised line 3: record 2: birth_date"), "{out}");
    let sources = ok(&db, &["sources"]);
    assert!(sources.contains(", revised 2"), "{sources}");
    // What the edition changed, field by field, with where each version was read.
    let revisions = ok(&db, &["revisions"]);
    let lines: Vec<&str> = revisions.lines().collect();
    assert_eq!(lines.len(), 3, "{revisions}");
    assert!(lines[0].starts_with("obits:1: obits.csv:2 -> obits_2.csv:2 ("), "{revisions}");
    assert!(lines[0].ends_with("): given_name Ivan -> Petro; birth_date 2002-06-02 -> 1961-01-15"), "{revisions}");
    assert!(lines[1].ends_with("): birth_date 1972 -> 1972-07-19"), "{revisions}");
    assert_eq!(lines[2], "2 revisions");
    let jsonl = ok(&db, &["revisions", "--source", "obits", "--json"]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["changes"][0], serde_json::json!(["given_name", "Ivan", "Petro"]), "{first}");
    assert_eq!(ok(&db, &["revisions", "--source", "mod"]), "no revisions\n");
    let records = ok(&db, &["export", "records", "--format", "csv"]);
    assert!(records.lines().any(|l| l.starts_with("obits,1,") && l.contains(",Petro,")), "{records}");

    let s = json(&db, &["link", "--json"]);
    assert_eq!(s["mode"], "full", "{s}");
    assert_eq!(s["roll"], "full (2 record(s) revised by a corrected edition since the last run)", "{s}");
    let after = links(&db);
    // Obituary 2 stays with its soldier and keeps its person; obituary 1 is someone else now.
    assert_eq!(after["obits:2"], before["obits:2"]);
    assert_eq!(after["obits:2"], after["mod:1003"]);
    assert_ne!(after["obits:1"], after["mod:1002"]);
    assert_eq!(after["mod:1002"], before["mod:1002"]);
    // The same roll linked in full from scratch (same model) is the same.
    let full = json(&db, &["link", "--full", "--json"]);
    assert_eq!(links(&db), after, "full re-link changed the roll");
    assert_eq!(full["changed_assignments"], 0, "{full}");
    // The revision has been linked: the next run has nothing to do.
    let idle = json(&db, &["link", "--json"]);
    assert!(!idle["roll"].as_str().unwrap_or_default().contains("revised"), "{idle}");
    assert_eq!(idle["changed_assignments"], 0, "{idle}");

    // A list with no id column files rows under their line numbers: it cannot revise.
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "Bondaryk Ivan, 2002 р.н.\nMelnychiv Mykola, 1972 р.н.\nHrytskyk Ivan, 1996 р.н.\n").unwrap();
    let out = tally(&db, &["import", list.to_str().unwrap(), "--source", "obits", "--revise"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no id column"), "{err}");
    assert!(err.contains("hint: map the column that holds each row's id"), "{err}");
}

/// A record a complete edition of its list left out shows as withdrawn beside the pair under
/// review (the man taken off a list of the killed may have been found alive), in text and JSON.
#[test]
fn review_shows_a_record_withdrawn_from_its_list() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("t.db");
    let sources = synth_sources(&db, &world, "2000", "1");
    for s in &sources {
        import_synth(&db, &world, s);
    }
    ok(&db, &["link"]);
    // Walk the queue to a pair with a record of the official list (a CSV with an id column).
    let official = "ua_official_killed";
    let n = json(&db, &["review", "--list", "--json"]).as_array().unwrap().len();
    let mut item = json(&db, &["review", "--next", "--json"]);
    for _ in 0..n {
        if [&item["a"], &item["b"]].iter().any(|r| r["key"]["source"] == official) {
            break;
        }
        ok(&db, &["review", "--skip", &key_name(&item["a"]), &key_name(&item["b"])]);
        item = json(&db, &["review", "--next", "--json"]);
    }
    let side = usize::from(item["a"]["key"]["source"] != official);
    let rec = &item[["a", "b"][side]];
    assert_eq!(rec["key"]["source"], official, "no pair of the queue has a record of the official list");
    assert_eq!(item["withdrawn"], serde_json::json!([null, null]));
    // The next edition of the official list, complete, without that record's line.
    let s = sources.iter().find(|s| s["source"] == official).unwrap();
    let file = world.join(s["file"].as_str().unwrap());
    let line = rec["line"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> =
        text.split_inclusive('\n').enumerate().filter(|(i, _)| i + 1 != line).map(|(_, l)| l).collect();
    let edition = dir.path().join("ua_official_killed_v2.csv");
    std::fs::write(&edition, kept.concat()).unwrap();
    let out = ok(&db, &["import", edition.to_str().unwrap(), "--source", official, "--complete"]);
    assert!(out.contains("withdrawn: 1"), "{out}");
    let again = json(&db, &["review", "--next", "--json"]);
    assert_eq!((key_name(&again["a"]), key_name(&again["b"])), (key_name(&item["a"]), key_name(&item["b"])));
    assert_eq!(again["withdrawn"][side], "ua_official_killed_v2.csv", "{}", again["withdrawn"]);
    assert!(again["withdrawn"][1 - side].is_null());
    let shown = ok(&db, &["review", "--next"]);
    assert!(shown.contains("! list") && shown.contains("withdrawn by ua_official_killed_v2.csv"), "{shown}");
}

/// A roll linked by the tally before the birth date's "same_month" level (parameters version
/// 5) keeps its model, which scores as it did; `tally link` says so, and `--retrain` trains one
/// of this version.
#[test]
fn a_model_of_an_older_version_scores_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    import(&db, "mod.csv", "mod");
    import(&db, "obits.csv", "obits");
    let s1 = json(&db, &["link", "--json"]);
    assert_eq!(s1["model_version"], 7);
    // The stored model as version 5 stored it: no "same_month" (level 5 of the birth date),
    // its pairs counted under "different".
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (seed, hash, params): (i64, String, String) = conn
        .query_row("SELECT seed, input_hash, params FROM link_models ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&params).unwrap();
    let merge = |v: &mut serde_json::Value| {
        let a = v.as_array_mut().unwrap();
        assert_eq!(a.len(), 7, "birth levels {a:?}");
        let x = a.remove(5).as_f64().unwrap();
        a[5] = (a[5].as_f64().unwrap() + x).into();
    };
    p["version"] = 5.into();
    // Nor the close surnames' split of version 7.
    p["close_tells"] = serde_json::json!([]);
    p["close_pooled"] = serde_json::Value::Null;
    merge(&mut p["m"][3]);
    merge(&mut p["u"][3]);
    for c in p["u_given_names"].as_array_mut().unwrap() {
        merge(&mut c[3]);
    }
    conn.execute(
        "INSERT INTO link_models (params_id, seed, input_hash, params) VALUES ('version-5', ?1, ?2, ?3)",
        rusqlite::params![seed, hash, p.to_string()],
    )
    .unwrap();
    drop(conn);
    let text = ok(&db, &["link", "--full"]);
    assert!(text.contains("parameters version 5, this one trains 7"), "{text}");
    assert!(text.contains("model") && text.contains("stored"), "{text}");
    let s2 = json(&db, &["link", "--retrain", "--json"]);
    assert_eq!(s2["model_version"], 7);
    assert_eq!(s2["trained"], true);
    let text = ok(&db, &["link", "--full"]);
    assert!(!text.contains("older tally"), "{text}");
}
