//! `tally ledger` end to end: the CLI as the issue names it, on a real SQLite file; tamper
//! detection; the demo's reconciliation as a snapshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("ledger.db")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tally"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "tally {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// Runs and expects failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(!o.status.success(), "tally {args:?} should fail:\n{}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8(o.stderr).unwrap()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn entry_index(out: &str) -> String {
    out.lines().next().unwrap().strip_prefix("entry ").unwrap().to_string()
}

/// A small ledger built through the CLI: UA, RU, ICRC; one agreement; a schedule both sign; a
/// handover with a private manifest; attestations; cosignatures.
fn build(e: &Env) -> (String, String) {
    let log_vkey = e.ok(&["ledger", "init", "--origin", "test.tally/log"]).trim().to_string();
    assert_eq!(e.ok(&["ledger", "key", "show"]).trim(), log_vkey);
    for (p, name) in [("UA", "test.tally/ua"), ("RU", "test.tally/ru"), ("ICRC", "test.tally/icrc")] {
        let key = e.path(&format!("{p}.key"));
        let vkey = e.ok(&["ledger", "key", "gen", "--name", name, "--out", s(&key)]);
        assert_eq!(e.ok(&["ledger", "key", "show", "--key", s(&key)]), vkey);
        let role = if p == "ICRC" { "intermediary" } else { "party" };
        e.ok(&[
            "ledger",
            "party",
            "add",
            "--id",
            p,
            "--name",
            p,
            "--role",
            role,
            "--key",
            s(&key),
            "--date",
            "2025-06-01",
        ]);
    }
    let agr = e.ok(&[
        "ledger",
        "agreement",
        "add",
        "--id",
        "AGR-1",
        "--date",
        "2025-06-02",
        "--parties",
        "UA,RU",
        "--term",
        "kind=remains;formula=6000-for-6000;unit=bodies",
        "--as",
        "UA",
        "--key",
        "UA.key",
    ]);
    e.ok(&["ledger", "attest", &entry_index(&agr), "--as", "RU", "--key", "RU.key", "--date", "2025-06-02"]);
    let sched = e.ok(&[
        "ledger",
        "schedule",
        "propose",
        "--agreement",
        "AGR-1",
        "--term",
        "1",
        "--handover-date",
        "2025-06-11",
        "--place",
        "border",
        "--date",
        "2025-06-05",
        "--as",
        "RU",
        "--key",
        "RU.key",
    ]);
    let lonely = e.ok(&[
        "ledger",
        "schedule",
        "propose",
        "--agreement",
        "AGR-1",
        "--handover-date",
        "2025-06-07",
        "--date",
        "2025-06-06",
        "--as",
        "RU",
        "--key",
        "RU.key",
    ]);
    e.ok(&[
        "ledger",
        "schedule",
        "sign",
        &entry_index(&sched),
        "--as",
        "UA",
        "--key",
        "UA.key",
        "--date",
        "2025-06-06",
    ]);
    let _ = lonely;
    let rows: Vec<String> =
        (0..12).map(|i| format!("{{\"tag\":\"BAG-{i:03}\",\"claimed_nationality\":\"UA\"}}")).collect();
    let ho = e.write(
        "handover.json",
        &format!(
            r#"{{"event":"HND-1","agreement":"AGR-1","term":1,"date":"2025-06-11","deliverer":"RU","receiver":"UA",
               "containers":3,"count":12,"by_category":{{"military":12}},"manifest_rows":[{}]}}"#,
            rows.join(",")
        ),
    );
    let delivered = e.ok(&["ledger", "handover", "add", s(&ho), "--as", "RU", "--key", "RU.key"]);
    assert!(delivered.contains("kept private"), "{delivered}");
    let ho2 = e.write(
        "received.json",
        r#"{"event":"HND-1","agreement":"AGR-1","term":1,"date":"2025-06-11","deliverer":"RU","receiver":"UA","count":11}"#,
    );
    let received = e.ok(&["ledger", "handover", "add", s(&ho2), "--as", "UA", "--key", "UA.key"]);
    let d = entry_index(&delivered);
    e.ok(&[
        "ledger",
        "attest",
        &d,
        "--as",
        "ICRC",
        "--key",
        "ICRC.key",
        "--observed-time",
        "2025-06-11T10:00Z",
        "--observed-count",
        "12",
        "--date",
        "2025-06-11",
    ]);
    e.ok(&[
        "ledger",
        "attest",
        &d,
        "--as",
        "UA",
        "--key",
        "UA.key",
        "--verdict",
        "dispute",
        "--reason",
        "11 bodies, not 12",
        "--date",
        "2025-06-12",
    ]);
    for (p, t) in [("UA", "1749700000"), ("RU", "1749700001"), ("ICRC", "1749700002")] {
        e.ok(&["ledger", "cosign", "--as", p, "--key", &format!("{p}.key"), "--time", t]);
    }
    (log_vkey, entry_index(&received))
}

#[test]
fn full_flow_proofs_and_offline_bundle() {
    let e = Env::new();
    let (log_vkey, received) = build(&e);
    let cp = e.ok(&["ledger", "checkpoint"]);
    let lines: Vec<&str> = cp.lines().collect();
    assert_eq!(lines[0], "test.tally/log");
    let size: u64 = lines[1].parse().unwrap();
    assert_eq!(lines[3], "");
    assert_eq!(lines.iter().filter(|l| l.starts_with("— ")).count(), 4, "log + 3 witnesses:\n{cp}");

    // Inclusion bundle, checked offline with only the log and witness keys.
    let proof = e.ok(&["ledger", "prove", "--index", &received]);
    assert!(proof.starts_with(&format!("c2sp.org/tlog-proof@v1\nindex {received}\n")));
    let leaf = e.ok(&["ledger", "leaf", "--index", &received]);
    let bundle = e.write("entry.proof", &proof);
    let entry = e.write("entry.b64", &leaf);
    let w = e.ok(&["ledger", "key", "show", "--key", "UA.key", "--cosignature"]);
    let offline = Env::new();
    let out = offline.ok(&[
        "ledger",
        "verify",
        "--bundle",
        s(&bundle),
        "--entry",
        s(&entry),
        "--log-vkey",
        &log_vkey,
        "--witness",
        w.trim(),
    ]);
    assert!(out.contains(&format!("entry {received} is in the log at size {size}")), "{out}");
    assert!(out.contains("cosigned by test.tally/ua"), "{out}");
    // The wrong entry fails.
    let other = e.write("other.b64", &e.ok(&["ledger", "leaf", "--index", "0"]));
    let err =
        offline.fails(&["ledger", "verify", "--bundle", s(&bundle), "--entry", s(&other), "--log-vkey", &log_vkey]);
    assert!(err.contains("proof does not verify"), "{err}");

    // Consistency from every earlier size to the latest, base64 one per line.
    let c = e.ok(&["ledger", "consistency", "--old", "3", "--new", &size.to_string()]);
    assert!(c.lines().count() >= 2 && c.lines().all(|l| l.len() == 44 && l.ends_with('=')), "{c}");
    e.fails(&["ledger", "consistency", "--old", "0", "--new", "3"]);
    e.fails(&["ledger", "consistency", "--old", "3", "--new", &(size + 1).to_string()]);

    let v = e.ok(&["ledger", "verify"]);
    assert!(v.starts_with(&format!("ok: {size} entries")), "{v}");

    // One manifest row disclosed with its proof, and checked.
    let delivered: u64 = received.parse::<u64>().unwrap() - 1;
    let row = e.ok(&["ledger", "row", "--entry", &delivered.to_string(), "--row", "7"]);
    assert!(row.contains("BAG-007") && !row.contains("BAG-006"), "{row}");
    let rf = e.write("row.json", &row);
    assert!(e.ok(&["ledger", "verify-row", s(&rf)]).starts_with("ok: row 7 of 12"));
    let forged = e.write("forged.json", &row.replace("BAG-007", "BAG-008"));
    e.fails(&["ledger", "verify-row", s(&forged)]);
    // The rows never enter the log.
    for i in 0..size {
        let b = e.ok(&["ledger", "leaf", "--index", &i.to_string()]);
        let bytes = tally_app::ledger::base64_decode(b.trim()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("BAG-"), "entry {i} leaks a manifest row");
    }

    let report = e.ok(&["ledger", "report"]);
    assert!(report.contains("HND-1: RU delivered 12 but UA received 11 (difference 1)"), "{report}");
    assert!(report.contains("handover on 2025-06-11 at border under AGR-1, proposed by RU: confirmed by every party"));
    assert!(report.contains("handover on 2025-06-07 under AGR-1, proposed by RU: UNCONFIRMED: signed only by RU"));
}

#[test]
fn refusals() {
    let e = Env::new();
    build(&e);
    // A statement signed with someone else's key.
    let err = e.fails(&["ledger", "attest", "0", "--as", "UA", "--key", "RU.key"]);
    assert!(err.contains("not signed by") || err.contains("invalid signature"), "{err}");
    // The intermediary states only observations.
    let err = e.fails(&["ledger", "attest", "0", "--as", "ICRC", "--key", "ICRC.key"]);
    assert!(err.contains("intermediary"), "{err}");
    // Witnessing the same checkpoint twice.
    let err = e.fails(&["ledger", "cosign", "--as", "UA", "--key", "UA.key", "--time", "1749800000"]);
    assert!(err.contains("already cosigned"), "{err}");
    // A party registered twice.
    let err = e.fails(&["ledger", "party", "add", "--id", "UA", "--name", "again", "--key", "UA.key"]);
    assert!(err.contains("already registered"), "{err}");
    // Key rotation: the new key signs from then on, the old one no longer does.
    e.ok(&["ledger", "key", "gen", "--name", "test.tally/ua-2026", "--out", "UA2.key"]);
    e.ok(&[
        "ledger",
        "party",
        "rotate",
        "--id",
        "UA",
        "--key",
        "UA.key",
        "--new-key",
        "UA2.key",
        "--date",
        "2026-01-01",
    ]);
    e.fails(&["ledger", "attest", "0", "--as", "UA", "--key", "UA.key"]);
    e.ok(&["ledger", "attest", "0", "--as", "UA", "--key", "UA2.key", "--date", "2026-01-02"]);
    assert!(e.ok(&["ledger", "report"]).contains("(1 key rotations)"));
    // The witness carries on with its new key, from the checkpoint it cosigned with the old one.
    let err = e.fails(&["ledger", "cosign", "--as", "UA", "--key", "UA.key", "--time", "1749900000"]);
    assert!(err.contains("not UA's current key"), "{err}");
    let cp = e.ok(&["ledger", "cosign", "--as", "UA", "--key", "UA2.key", "--time", "1749900000"]);
    assert!(cp.contains("— test.tally/ua-2026 "), "{cp}");
    let err = e.fails(&["ledger", "init", "--origin", "again"]);
    assert!(err.contains("already initialised"), "{err}");
    e.ok(&["ledger", "verify"]);
}

#[test]
fn tampered_entry_is_named_by_verify() {
    let e = Env::new();
    build(&e);
    e.ok(&["ledger", "verify"]);
    // The append-only triggers refuse an edit through SQL.
    let err = raw_sql(&e.db(), "UPDATE ledger_entries SET kind = 'x' WHERE idx = 8").unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    // An attacker with the file drops the trigger and changes one byte of entry 8 ("count 12" -> 13).
    raw_sql(
        &e.db(),
        "DROP TRIGGER ledger_entries_no_update;
             UPDATE ledger_entries SET body = CAST(replace(CAST(body AS TEXT), 'count 12', 'count 13') AS BLOB)
             WHERE idx = 8;",
    )
    .unwrap();
    let err = e.fails(&["ledger", "verify"]);
    assert!(err.contains("first bad entry: 8:"), "{err}");
    let err = e.fails(&["ledger", "verify", "--no-statements"]);
    assert!(err.contains("first bad entry: 8: entry bytes do not match the stored leaf hash"), "{err}");
}

#[test]
fn tampered_hashes_and_checkpoints_are_found() {
    let e = Env::new();
    build(&e);
    // Rewriting the entry and its leaf hash still breaks the signed checkpoints' roots.
    raw_sql(
        &e.db(),
        "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_hashes_no_update;
             UPDATE ledger_entries SET body = CAST(replace(CAST(body AS TEXT), 'count 12', 'count 13') AS BLOB)
             WHERE idx = 8;",
    )
    .unwrap();
    let out = e.run(&["ledger", "verify", "--no-statements"]);
    assert!(!out.status.success());
    let store = tally_app::ledger::open_store(&e.db()).unwrap();
    let body = tally_app::ledger::leaf(&store, 8).unwrap();
    let leaf = tally_app::ledger::leaf_hash_hex(&body);
    let id = tally_app::ledger::stored_leaf_hash_id(8);
    raw_sql(&e.db(), &format!("UPDATE ledger_hashes SET hash = X'{leaf}' WHERE id = {id};")).unwrap();
    drop(store);
    let err = e.fails(&["ledger", "verify", "--no-statements"]);
    assert!(err.contains("root does not match the entries"), "{err}");
    assert!(err.contains("first bad entry: 8:"), "{err}");
}

#[test]
fn demo_report_snapshot() {
    let e = Env::new();
    let out = e.ok(&["ledger", "demo"]);
    // The June 2025 dispute: Ukraine counted 6,057 received, Russia 6,060 delivered.
    assert!(out.contains("RU says delivered 6,060 (entry 39), UA says received 6,057 (difference 3)"), "{out}");
    insta::assert_snapshot!("demo_report", out);
    // Running it again on the same database reports the same ledger.
    assert_eq!(e.ok(&["ledger", "report"]), out);
    e.ok(&["ledger", "verify"]);
    let json: serde_json::Value = serde_json::from_str(&e.ok(&["ledger", "report", "--json"])).unwrap();
    assert_eq!(json["log_size"], 91);
}

#[test]
fn lists_decisions_findings_corrections() {
    let e = Env::new();
    build(&e);
    let rows: Vec<String> = (0..5)
        .map(|i| format!("{{\"name\":\"Person {i}\",\"born\":\"199{i}\",\"category\":\"seriously wounded\"}}"))
        .collect();
    let list = e.write(
        "list.json",
        &format!(
            r#"{{"kind":"list","id":"L-1","agreement":"AGR-1","term":1,"to":"UA","category":"seriously wounded",
               "count":5,"date":"2025-06-07","manifest_rows":[{}]}}"#,
            rows.join(",")
        ),
    );
    let out = e.ok(&["ledger", "add", s(&list), "--as", "RU", "--key", "RU.key"]);
    let l = entry_index(&out);
    let decision = |row: u64, d: &str, why: &str| {
        e.write(
            "decision.json",
            &format!(
                r#"{{"kind":"decision","list":{l},"row":{row},"decision":"{d}","reason":"{why}","date":"2025-06-08"}}"#
            ),
        )
    };
    e.ok(&["ledger", "add", s(&decision(0, "accept", "meets category")), "--as", "UA", "--key", "UA.key"]);
    e.ok(&[
        "ledger",
        "add",
        s(&decision(3, "reject", "not seriously wounded per medical commission")),
        "--as",
        "UA",
        "--key",
        "UA.key",
    ]);
    // A row beyond the manifest is refused.
    let err = e.fails(&["ledger", "add", s(&decision(5, "reject", "x")), "--as", "UA", "--key", "UA.key"]);
    assert!(err.contains("row 5 is not in the list's manifest (5 rows)"), "{err}");
    // The names never enter the log.
    let size: u64 = e.ok(&["ledger", "checkpoint"]).lines().nth(1).unwrap().parse().unwrap();
    for i in 0..size {
        let b = tally_app::ledger::base64_decode(e.ok(&["ledger", "leaf", "--index", &i.to_string()]).trim()).unwrap();
        assert!(!String::from_utf8_lossy(&b).contains("Person"), "entry {i} leaks a name");
    }
    let finding = e.write(
        "finding.json",
        r#"{"kind":"finding","id":"F-1","finding":"foreign-national","events":["HND-1"],"count":2,"date":"2025-06-20"}"#,
    );
    let f = entry_index(&e.ok(&["ledger", "add", s(&finding), "--as", "UA", "--key", "UA.key"]));
    e.ok(&[
        "ledger",
        "attest",
        &f,
        "--as",
        "RU",
        "--key",
        "RU.key",
        "--verdict",
        "reservation",
        "--reason",
        "one case",
        "--date",
        "2025-06-21",
    ]);
    let sup = e.write(
        "sup.json",
        &format!(r#"{{"kind":"finding","id":"F-2","finding":"foreign-national","events":["HND-1"],"count":1,"supersedes":{f},"date":"2025-07-01"}}"#),
    );
    let f2 = entry_index(&e.ok(&["ledger", "add", s(&sup), "--as", "UA", "--key", "UA.key"]));
    // Only the author corrects a statement.
    let corr = e.write(
        "corr.json",
        &format!(r#"{{"kind":"correction","corrects":{f2},"field":"count","value":3,"reason":"recount","date":"2025-07-02"}}"#),
    );
    let err = e.fails(&["ledger", "add", s(&corr), "--as", "RU", "--key", "RU.key"]);
    assert!(err.contains("corrects only its own statements"), "{err}");
    let report = e.ok(&["ledger", "report"]);
    assert!(
        report.contains(&format!("entry {f} F-1 by UA: 2 foreign national in HND-1 [superseded by entry {f2}]")),
        "{report}"
    );
    assert!(report.contains(&format!("rejects list entry {l} row 3: not seriously wounded")), "{report}");
    assert!(report.contains("confirms with reservation entry"), "{report}");
    // RU->UA row: the live finding (1), not the superseded one (2).
    let side = report.lines().find(|l| l.trim_start().starts_with("RU->UA")).unwrap();
    assert!(side.trim_end().ends_with(" 1"), "{side}");
    // Unknown fields and kinds are refused with the file named.
    let bad = e.write("bad.json", r#"{"kind":"finding","id":"F-3","colour":"red"}"#);
    let err = e.fails(&["ledger", "add", s(&bad), "--as", "UA", "--key", "UA.key"]);
    assert!(err.contains("bad.json") && err.contains("colour"), "{err}");
    e.ok(&["ledger", "verify"]);
}

#[test]
fn appends_are_gap_free_and_atomic() {
    use tally_app::ledger::LedgerStoreTrait as _;
    let e = Env::new();
    build(&e);
    let mut store = tally_app::ledger::open_store(&e.db()).unwrap();
    let (size, hashes) = (store.ledger_size().unwrap(), store.ledger_hash_count().unwrap());
    let entry = tally_store_entry();
    // A writer that thinks the log is shorter (or longer) than it is writes nothing.
    for (start, first) in [(size - 1, hashes), (size + 1, hashes), (size, hashes - 1)] {
        let err = store.ledger_append(start, &[entry], first, &[[0; 32]; 2]).unwrap_err();
        assert!(err.to_string().contains("expected to start at entry"), "{err}");
    }
    assert_eq!((store.ledger_size().unwrap(), store.ledger_hash_count().unwrap()), (size, hashes));
    // Deleting is refused by the triggers.
    let err = raw_sql(&e.db(), "DELETE FROM ledger_hashes WHERE id = 0").unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = raw_sql(&e.db(), "DELETE FROM ledger_checkpoints").unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    drop(store);
    e.ok(&["ledger", "verify"]);
}

fn tally_store_entry() -> tally_app::ledger::NewLedgerEntry<'static> {
    tally_app::ledger::NewLedgerEntry { kind: "x", body: b"x" }
}

/// Plays the attacker with write access to the file: raw SQL on a second connection, past the
/// store's API (no `sqlite3` tool needed on the machine).
fn raw_sql(db: &Path, sql: &str) -> rusqlite::Result<()> {
    rusqlite::Connection::open(db)?.execute_batch(sql)
}
