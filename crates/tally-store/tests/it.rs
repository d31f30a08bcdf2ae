//! The records area of the store, on SQLite: imports in one transaction, content addressing,
//! editions, read APIs, append-only status history, claims; and the linkage write path.

use std::path::PathBuf;

use tally_domain::{Claim, ParsedFields, PartialDate, PersonId, Record, RecordKey, SourceKind, Status};
use tally_store::records::{
    records_by_source, AddOutcome, BeginImport, ImportCounts, NewImport, RecordQuery, RecordStore, RejectRow,
};
use tally_store::SqliteStore;

/// A fresh database file under the system temp dir, removed on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(tag: &str) -> TempDb {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        TempDb(std::env::temp_dir().join(format!("tally-store-{tag}-{}-{nanos}.db", std::process::id())))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.0.display()));
        }
    }
}

/// The header row of the test imports: records under it are stored compactly.
static HEADERS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| vec!["№".into(), "Прізвище".into()]);

fn meta<'a>(source: &'a str, file: &'a str, bytes: &'a [u8], sha: &'a str) -> NewImport<'a> {
    NewImport {
        source,
        kind: SourceKind::OfficialList,
        publisher: Some("test publisher"),
        retrieved_at: Some("2025-02-01T00:00:00Z"),
        file_name: file,
        sha256: sha,
        bytes,
        format: "csv",
        encoding: Some("utf-8"),
        delimiter: Some(","),
        sheet: None,
        reading: None,
        columns: &[],
        headers: &HEADERS,
        revise: false,
        complete: false,
    }
}

fn record(id: &str, surname: &str, line: u64) -> Record {
    Record {
        id: 0,
        key: RecordKey::new("", id),
        line,
        raw: vec![("№".into(), id.into()), ("Прізвище".into(), surname.into())],
        fields: ParsedFields {
            surname: Some(surname.into()),
            birth_date: Some(PartialDate::year(1990)),
            death_date: Some(PartialDate::ym(2023, 5).unwrap()),
            status: Some(Status::Killed),
            ..Default::default()
        },
    }
}

fn import(store: &mut SqliteStore, source: &str, sha: &str, recs: &[Record]) -> Vec<AddOutcome> {
    import_as(store, source, sha, recs, false)
}

fn import_as(store: &mut SqliteStore, source: &str, sha: &str, recs: &[Record], revise: bool) -> Vec<AddOutcome> {
    let bytes = format!("bytes of {sha}").into_bytes();
    let m = NewImport { revise, ..meta(source, "list.csv", &bytes, sha) };
    let BeginImport::Started(mut w) = store.begin_import(&m).unwrap() else { panic!("{sha} imported before") };
    let out: Vec<AddOutcome> = recs.iter().map(|r| w.add_record(r).unwrap()).collect();
    w.add_reject(&RejectRow {
        source: String::new(),
        file_name: String::new(),
        line: 99,
        field: Some("birth_date".into()),
        severity: "reject".into(),
        reason: "day 31 does not exist in 2023-02".into(),
        raw: vec![("Дата".into(), "31.02.2023".into())],
    })
    .unwrap();
    let revised = out.iter().filter(|o| matches!(o, AddOutcome::Revised { .. })).count() as u64;
    w.finish(ImportCounts {
        rows: recs.len() as u64 + 1,
        records: recs.len() as u64 - revised,
        rejects: 1,
        warnings: 0,
        revised,
        ..Default::default()
    })
    .unwrap();
    out
}

#[test]
fn import_round_trip_and_read_apis() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    // A row with its own keys (as JSON Lines objects have) is stored as pairs, the others compactly.
    let mut odd = record("JL-1", "Бойко", 4);
    odd.raw = vec![("id".into(), "JL-1".into()), ("name".into(), "Бойко Іван".into()), ("age".into(), String::new())];
    let out = import(&mut store, "uk", "aa", &[record("7", "Шевченко", 2), record("9", "Коваленко", 3), odd.clone()]);
    assert!(matches!(out[0], AddOutcome::Added { person_id: PersonId(1), .. }), "{out:?}");
    assert!(matches!(out[1], AddOutcome::Added { person_id: PersonId(2), .. }));

    let c = store.counts().unwrap();
    assert_eq!(
        (c.sources, c.imports, c.blobs, c.records, c.persons, c.rejects, c.status_entries),
        (1, 1, 1, 3, 3, 1, 3)
    );
    // The incremental link's count alone: the records, not the rejects or persons beside them.
    assert_eq!(store.record_count().unwrap(), 3);
    let back = store.record_by_key(&RecordKey::new("uk", "JL-1")).unwrap();
    assert_eq!(back.unwrap().raw, odd.raw);
    let mut raws = vec![];
    store
        .for_each_record(&RecordQuery { source: None, with_raw: true }, &mut |r| {
            raws.push(r.raw);
            Ok(())
        })
        .unwrap();
    assert_eq!(raws[0], vec![("№".to_string(), "7".to_string()), ("Прізвище".into(), "Шевченко".into())]);
    assert_eq!(raws[2], odd.raw);
    assert_eq!(store.blob("aa").unwrap().as_deref(), Some(b"bytes of aa".as_slice()));

    let r = store.record_by_key(&RecordKey::new("uk", "9")).unwrap().unwrap();
    assert_eq!((r.line, r.fields.surname.as_deref()), (3, Some("Коваленко")));
    assert_eq!(r.raw, vec![("№".to_string(), "9".to_string()), ("Прізвище".into(), "Коваленко".into())]);
    assert_eq!(r.fields.death_date.unwrap().to_string(), "2023-05", "precision survives the store");
    assert!(store.record_by_key(&RecordKey::new("uk", "8")).unwrap().is_none());

    let recs = records_by_source(&store, "uk", false).unwrap();
    assert_eq!(recs.len(), 3);
    assert!(recs[0].raw.is_empty(), "raw is only decoded when asked for");
    assert!(records_by_source(&store, "other", false).unwrap().is_empty());

    let mut links = vec![];
    store
        .for_each_link(&mut |l| {
            links.push((l.source, l.source_record_id, l.person_id.0, l.probability, l.method));
            Ok(())
        })
        .unwrap();
    assert_eq!(
        links[..2],
        [("uk".into(), "7".into(), 1, 1.0, "import".into()), ("uk".into(), "9".into(), 2, 1.0, "import".into())]
    );
    let mut persons = vec![];
    store
        .for_each_person(&mut |p| {
            persons.push(p);
            Ok(())
        })
        .unwrap();
    assert_eq!(persons.len(), 3);
    assert_eq!(persons[0].sources, vec!["uk".to_string()]);

    let rej = store.rejects(Some("uk")).unwrap();
    assert_eq!((rej[0].line, rej[0].file_name.as_str(), rej[0].field.as_deref()), (99, "list.csv", Some("birth_date")));
    let src = store.sources().unwrap();
    assert_eq!((src[0].name.as_str(), src[0].records, src[0].imports.len()), ("uk", 3, 1));
    assert_eq!(src[0].imports[0].counts.rejects, 1);
    assert_eq!(src[0].publisher.as_deref(), Some("test publisher"));
    let domain = src[0].imports[0].to_source();
    assert_eq!((domain.sha256.0.as_str(), domain.retrieved_at.as_deref()), ("aa", Some("2025-02-01T00:00:00Z")));

    let hist = store.status_history(PersonId(1)).unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!((hist[0].status, hist[0].cites.source_record_id.as_str()), (Status::Killed, "7"));

    // A callback's error stops the iteration and comes back as the store's error.
    let err = store.for_each_record(&RecordQuery::default(), &mut |_| Err("stop".into())).unwrap_err();
    assert_eq!(err.to_string(), "stop");
}

#[test]
fn same_bytes_twice_writes_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    import(&mut store, "uk", "aa", &[record("7", "Шевченко", 2)]);
    let before = store.counts().unwrap();
    let bytes = b"bytes of aa".to_vec();
    match store.begin_import(&meta("another_name", "copy.csv", &bytes, "aa")).unwrap() {
        BeginImport::AlreadyImported(info) => {
            assert_eq!((info.source.as_str(), info.file_name.as_str()), ("uk", "list.csv"))
        }
        BeginImport::Started(_) => panic!("the same bytes were accepted twice"),
    }
    assert_eq!(store.counts().unwrap(), before);
}

#[test]
fn an_unfinished_import_leaves_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    import(&mut store, "uk", "aa", &[record("7", "Шевченко", 2)]);
    let before = store.counts().unwrap();
    {
        let bytes = b"new".to_vec();
        let BeginImport::Started(mut w) = store.begin_import(&meta("ru", "b.csv", &bytes, "bb")).unwrap() else {
            panic!()
        };
        w.add_record(&record("1", "Иванов", 2)).unwrap();
        // Dropped without finish: as if the import failed half-way.
    }
    assert_eq!(store.counts().unwrap(), before);
    assert!(store.find_import("bb").unwrap().is_none());
    assert_eq!(store.sources().unwrap().len(), 1);
}

#[test]
fn a_new_edition_keeps_known_records_and_flags_changed_ones() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    import(&mut store, "uk", "ed1", &[record("7", "Шевченко", 2), record("9", "Коваленко", 3)]);
    let out = import(
        &mut store,
        "uk",
        "ed2",
        &[record("7", "Шевченко", 2), record("9", "Коваленко-Мельник", 3), record("11", "Бойко", 4)],
    );
    assert!(matches!(out[0], AddOutcome::Unchanged { record_id: 1 }), "{out:?}");
    assert!(matches!(&out[1], AddOutcome::Conflict { record_id: 2, file_name } if file_name == "list.csv"));
    assert!(matches!(out[2], AddOutcome::Added { person_id: PersonId(3), .. }));
    assert_eq!(store.counts().unwrap().records, 3);
    assert_eq!(store.sources().unwrap()[0].imports.len(), 2);
    // An edition that adds a column, empty for the rows it had, repeats them: they are unchanged.
    let mut wider = record("7", "Шевченко", 2);
    wider.raw.push(("Примітка".into(), String::new()));
    let out = import(&mut store, "uk", "ed3", &[wider]);
    assert!(matches!(out[0], AddOutcome::Unchanged { record_id: 1 }), "{out:?}");
    assert_eq!(store.sources().unwrap()[0].imports.len(), 3);
}

/// A corrected edition imported with `revise`: a row whose id an earlier edition holds with other
/// cells replaces that record in place (same store id, same person); the version it replaced is
/// kept whole with its edition, the corrected status is a new history entry, and the revision
/// waits for a link run.
#[test]
fn a_corrected_edition_revises_records_in_place_and_keeps_what_they_said() {
    use tally_store::links::LinkStore;
    let db = TempDb::new("revise");
    let mut store = SqliteStore::open(&db.0).unwrap();
    import(&mut store, "uk", "ed1", &[record("7", "Шевченко", 2), record("9", "Коваленко", 3)]);
    assert_eq!(store.unlinked_revisions().unwrap(), (0, 0));
    let mut fixed = record("9", "Коваленко-Мельник", 5);
    fixed.fields.status = Some(Status::Missing);
    let out = import_as(&mut store, "uk", "ed2", &[record("7", "Шевченко", 2), fixed], true);
    assert!(matches!(out[0], AddOutcome::Unchanged { record_id: 1 }), "{out:?}");
    let AddOutcome::Revised { record_id: 2, changed, .. } = &out[1] else { panic!("{out:?}") };
    assert_eq!(changed, &["surname", "status"]);
    assert_eq!(store.counts().unwrap().records, 2);
    let mut now = Vec::new();
    store
        .for_each_record(&RecordQuery { source: None, with_raw: true }, &mut |r| {
            now.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!((now[1].id, now[1].line), (2, 5));
    assert_eq!(now[1].fields.surname.as_deref(), Some("Коваленко-Мельник"));
    assert_eq!(now[1].raw[1].1, "Коваленко-Мельник");
    let hist = store.status_history(PersonId(2)).unwrap();
    assert_eq!(hist.iter().map(|h| h.status).collect::<Vec<_>>(), [Status::Killed, Status::Missing]);
    assert_eq!(store.sources().unwrap()[0].imports[1].counts.revised, 1);
    assert_eq!(store.unlinked_revisions().unwrap(), (1, 1));

    let conn = rusqlite::Connection::open(&db.0).unwrap();
    let (surname, line, edition): (String, i64, i64) = conn
        .query_row("SELECT surname, line, import_id FROM record_versions WHERE record_id = 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((surname.as_str(), line, edition), ("Коваленко", 3, 1));
    assert!(conn.execute("DELETE FROM record_versions", []).unwrap_err().to_string().contains("kept"));
}

/// Editions imported out of order: a corrected edition obtained before the one a record holds
/// (by `retrieved_at`) leaves the record as the later edition has it, and is kept as an earlier
/// version; `revisions` then reads each version against the one that replaced it.
#[test]
fn an_older_edition_does_not_undo_a_later_one() {
    use tally_store::links::LinkStore;
    let mut store = SqliteStore::open_in_memory().unwrap();
    let edition = |store: &mut SqliteStore, sha: &str, at: &str, surname: &str| {
        let bytes = format!("bytes of {sha}").into_bytes();
        let m = NewImport { revise: true, retrieved_at: Some(at), ..meta("uk", "list.csv", &bytes, sha) };
        let BeginImport::Started(mut w) = store.begin_import(&m).unwrap() else { panic!() };
        let out = w.add_record(&record("9", surname, 3)).unwrap();
        w.finish(ImportCounts { rows: 1, ..Default::default() }).unwrap();
        out
    };
    assert!(matches!(edition(&mut store, "jan", "2025-01-01T00:00:00Z", "Коваленко"), AddOutcome::Added { .. }));
    assert!(matches!(
        edition(&mut store, "mar", "2025-03-01T00:00:00Z", "Коваленко-Мельник"),
        AddOutcome::Revised { .. }
    ));
    let out = edition(&mut store, "feb", "2025-02-01T00:00:00Z", "Коваленко-Мелник");
    assert!(matches!(out, AddOutcome::Older { record_id: 1, .. }), "{out:?}");
    let mut now = Vec::new();
    store
        .for_each_record(&RecordQuery::default(), &mut |r| {
            now.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(now[0].fields.surname.as_deref(), Some("Коваленко-Мельник"));
    // Only the March revision changed the record: only it waits for a link run.
    assert_eq!(store.unlinked_revisions().unwrap().0, 1);
    let revs = store.revisions(None).unwrap();
    let changes: Vec<_> = revs.iter().map(|r| (r.changes.clone(), r.to_line)).collect();
    assert_eq!(revs.len(), 2);
    assert_eq!(
        changes[0].0,
        [("surname".to_string(), Some("Коваленко".to_string()), Some("Коваленко-Мельник".to_string()))]
    );
    // February's version, against the March edition that the record holds.
    assert_eq!(
        changes[1].0,
        [("surname".to_string(), Some("Коваленко-Мелник".to_string()), Some("Коваленко-Мельник".to_string()))]
    );
}

#[test]
fn status_history_is_append_only_and_claims_are_kept() {
    let db = TempDb::new("append");
    let mut store = SqliteStore::open(&db.0).unwrap();
    import(&mut store, "uk", "aa", &[record("7", "Шевченко", 2)]);
    store.append_status(1, Status::RemainsReturned, Some(PartialDate::ymd(2025, 6, 11).unwrap())).unwrap();
    let hist = store.status_history(PersonId(1)).unwrap();
    assert_eq!(hist.iter().map(|h| h.status).collect::<Vec<_>>(), [Status::Killed, Status::RemainsReturned]);

    // Even with raw SQL, the history cannot be rewritten.
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    let upd = conn.execute("UPDATE status_history SET status = 'released'", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    assert!(conn.execute("DELETE FROM status_history", []).is_err());
    // Persons are never deleted, so their ids are never reused.
    assert!(conn.execute("DELETE FROM persons", []).unwrap_err().to_string().contains("never deleted"));

    let claim = Claim {
        claimant: "Ukraine, President's Office".into(),
        measure: "killed".into(),
        value: 46_000,
        as_of: PartialDate::ym(2025, 2).unwrap(),
        scope: Some("Ukrainian servicemen".into()),
        citation: None,
    };
    store.add_claim(&claim).unwrap();
    assert_eq!(store.claims().unwrap(), vec![claim]);
}

#[test]
fn file_store_survives_reopen_and_is_wal() {
    let db = TempDb::new("reopen");
    {
        let mut store = SqliteStore::open(&db.0).unwrap();
        import(&mut store, "uk", "aa", &[record("7", "Шевченко", 2)]);
    }
    let store = SqliteStore::open(&db.0).unwrap();
    assert_eq!(store.counts().unwrap().records, 1);
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

/// The linkage write path: a run rewriting every pair, then one writing only changes (pairs
/// deleted and overwritten, rows that keep their person updated in place), flagged clusters
/// replaced per run, and the streaming reads the app uses.
#[test]
fn link_runs_write_only_what_changed() {
    use tally_store::links::{FlagRow, LinkStore, PairRow, RunWrite};
    let mut store = SqliteStore::open_in_memory().unwrap();
    let recs: Vec<Record> = (1..=4).map(|i| record(&i.to_string(), "Шевченко", i)).collect();
    let ids: Vec<i64> = import(&mut store, "src", "s1", &recs)
        .into_iter()
        .map(|o| match o {
            AddOutcome::Added { record_id, .. } => record_id,
            o => panic!("{o:?}"),
        })
        .collect();
    let model = store.save_model("p", 1, "h", "{}").unwrap();
    let key = |i: usize| RecordKey::new("src", (i + 1).to_string());
    let pair = |a: usize, b: usize, w: f64| PairRow { record_a: ids[b], record_b: ids[a], weight: w, probability: 0.9 };
    let first = RunWrite {
        model_id: model,
        mode: "full".into(),
        replace_pairs: true,
        pairs: vec![pair(0, 1, 5.0), pair(1, 2, 3.0), pair(2, 3, 1.0)],
        assignments: vec![(ids[1], PersonId(1), 0.9, "link")],
        flags: vec![FlagRow { records: vec![key(0), key(1)], reason: "different day-precise birth dates".into() }],
        ..Default::default()
    };
    let run1 = store.write_run(&first).unwrap();
    assert_eq!(store.last_run().unwrap().unwrap().id, run1);
    let mut stored = Vec::new();
    store
        .for_each_pair(&mut |p| {
            stored.push((p.record_a, p.record_b, p.weight));
            Ok(())
        })
        .unwrap();
    // Stored with record_a < record_b, in key order, and the probability index is back.
    assert_eq!(stored, vec![(ids[0], ids[1], 5.0), (ids[1], ids[2], 3.0), (ids[2], ids[3], 1.0)]);
    assert_eq!(store.pairs(0.5, 1.0).unwrap().len(), 3);
    assert_eq!(store.flags().unwrap(), first.flags);

    let second = RunWrite {
        model_id: model,
        mode: "incremental".into(),
        pairs: vec![pair(1, 2, 4.0)],
        delete_pairs: vec![(ids[3], ids[2])],
        assignment_updates: vec![(ids[0], 0.25, "review")],
        ..Default::default()
    };
    store.write_run(&second).unwrap();
    let mut stored = Vec::new();
    store
        .for_each_pair(&mut |p| {
            stored.push((p.record_a, p.record_b, p.weight));
            Ok(())
        })
        .unwrap();
    assert_eq!(stored, vec![(ids[0], ids[1], 5.0), (ids[1], ids[2], 4.0)]);
    assert!(store.flags().unwrap().is_empty(), "flags are replaced by each run");
    let mut rows = Vec::new();
    store
        .for_each_assignment(&mut |a| {
            rows.push((a.record_id, a.person_id, a.probability, a.method));
            Ok(())
        })
        .unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].2, 0.25);
    assert_eq!(rows[0].3, "review");
    assert_eq!(rows[1].1, PersonId(1));
    assert_eq!(rows[2].3, "import");
    assert_eq!(store.decision_count().unwrap(), 0);
}
