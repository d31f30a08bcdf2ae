//! Ledger speed targets (issue 5), measured once each and printed:
//!
//! 1. batched appends into the SQLite store (entries + stored hashes + a signed checkpoint per
//!    batch): target >= 50,000 appends/s;
//! 2. an inclusion proof at 10,000,000 entries, computed from stored hashes (all tree levels held
//!    in memory, about 640 MB): target < 100 us;
//! 3. verifying a 1,000,000-entry log from scratch (read every entry and stored leaf hash from
//!    SQLite, recompute every leaf hash and the root, check the signed checkpoint): target < 5 s.
//!
//! Run: `cargo bench -p tally-ledger --bench ledger` (release). `TALLY_BENCH_SMALL=1` divides the
//! sizes by 10 for a quick run.

#![allow(clippy::disallowed_methods)] // benches time things and use a scratch database

use std::time::Instant;
use tally_ledger::checkpoint::{open_checkpoint, Checkpoint};
use tally_ledger::merkle::{
    append_hashes, inclusion_proof, leaf_hash, stored_hash_index, verify_inclusion, Hash, HashReader, MemoryTree,
    RootBuilder, TlogError,
};
use tally_ledger::note::{NoteKey, Verifier};
use tally_store::ledger::{LedgerStore, NewLedgerEntry};
use tally_store::SqliteStore;

struct StoreHashes<'a>(&'a SqliteStore);

impl HashReader for StoreHashes<'_> {
    fn read_hashes(&self, ids: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.0
            .ledger_read_hashes(ids)
            .map(|v| v.into_iter().map(Hash).collect())
            .map_err(|_| TlogError::IndexesNotInTree)
    }
}

/// A statement-sized entry (~300 bytes, like a signed handover note).
fn entry(i: u64) -> Vec<u8> {
    format!(
        "tally.ledger/handover/v1\nby \"UA\"\ncount {}\ndate \"2025-06-11\"\ndeliverer \"RU\"\nevent \"HND-{i}\"\n\
         receiver \"UA\"\n\n\u{2014} bench.tally/ua AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        i % 1500
    )
    .into_bytes()
}

fn append_batches(store: &mut SqliteStore, key: &NoteKey, total: u64, batch: u64) -> f64 {
    let t = Instant::now();
    let mut size = store.ledger_size().unwrap();
    let end = size + total;
    while size < end {
        let n = batch.min(end - size);
        let bodies: Vec<Vec<u8>> = (size..size + n).map(entry).collect();
        let leaves: Vec<Hash> = bodies.iter().map(|b| leaf_hash(b)).collect();
        let hashes = append_hashes(size, &leaves, &StoreHashes(store)).unwrap();
        let raw: Vec<[u8; 32]> = hashes.iter().map(|h| h.0).collect();
        let new: Vec<NewLedgerEntry<'_>> =
            bodies.iter().map(|b| NewLedgerEntry { kind: "handover", body: b }).collect();
        store.ledger_append(size, &new, stored_hash_index(0, size), &raw).unwrap();
        size += n;
        let root = tally_ledger::merkle::root(size, &StoreHashes(store)).unwrap();
        store.ledger_add_checkpoint(size, &Checkpoint::new(key.name(), size, root).sign(key).unwrap()).unwrap();
    }
    t.elapsed().as_secs_f64()
}

fn main() {
    let small = std::env::var_os("TALLY_BENCH_SMALL").is_some();
    let scale = if small { 10 } else { 1 };
    let key = NoteKey::from_seed("bench.tally/log", [1; 32]).unwrap();
    let dir = std::env::temp_dir().join(format!("tally-ledger-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");

    // 1. Batched appends.
    let n = 1_000_000 / scale;
    let mut store = SqliteStore::open(&db).unwrap();
    let secs = append_batches(&mut store, &key, n, 10_000);
    println!(
        "append: {n} entries in batches of 10,000: {secs:.2} s = {:.0} appends/s (target >= 50,000)",
        n as f64 / secs
    );

    // 3. Verify the log from scratch: a fresh connection, every entry and leaf hash read back.
    drop(store);
    let store = SqliteStore::open(&db).unwrap();
    let t = Instant::now();
    let size = store.ledger_size().unwrap();
    let (cp_size, note) = store.ledger_latest_checkpoint().unwrap().unwrap();
    let mut rb = RootBuilder::new();
    let mut pending: Vec<(u64, Hash)> = Vec::with_capacity(4096);
    let mut bad = None;
    let mut flush = |pending: &mut Vec<(u64, Hash)>| {
        let ids: Vec<u64> = pending.iter().map(|(i, _)| stored_hash_index(0, *i)).collect();
        let stored = store.ledger_read_hashes(&ids).unwrap();
        for ((i, h), s) in pending.iter().zip(stored) {
            if h.0 != s && bad.is_none() {
                bad = Some(*i);
            }
        }
        pending.clear();
    };
    store
        .ledger_scan(0, &mut |e| {
            let h = leaf_hash(&e.body);
            rb.push(h);
            pending.push((e.index, h));
            if pending.len() == 4096 {
                flush(&mut pending);
            }
            true
        })
        .unwrap();
    flush(&mut pending);
    let log = Verifier::parse(&key.vkey()).unwrap();
    let cp = open_checkpoint(&note, &log, &[]).unwrap();
    assert_eq!(cp_size, size);
    assert_eq!(cp.checkpoint.root, rb.root(), "root mismatch");
    assert_eq!(bad, None);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "verify: {size} entries from scratch (entries + leaf hashes + root + checkpoint): {secs:.2} s (target < 5 s)"
    );

    // Inclusion proof from the SQLite store at 1M (hashes read by primary key).
    let reps = 2000u64;
    let root = rb.root();
    let t = Instant::now();
    for r in 0..reps {
        let i = (r * 7919) % size;
        let p = inclusion_proof(size, i, &StoreHashes(&store)).unwrap();
        std::hint::black_box(p);
    }
    let per = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let p = inclusion_proof(size, 12345 % size, &StoreHashes(&store)).unwrap();
    verify_inclusion(&p, size, root, 12345 % size, leaf_hash(&entry(12345 % size))).unwrap();
    println!("prove (SQLite store, {size} entries): {per:.1} us per inclusion proof");
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    // 2. Inclusion proof at 10M from stored hashes in memory.
    let n = 10_000_000 / scale;
    let t = Instant::now();
    let mut tree = MemoryTree::new();
    let mut batch = Vec::with_capacity(100_000);
    let mut i = 0u64;
    while i < n {
        batch.clear();
        for j in i..(i + 100_000).min(n) {
            batch.push(leaf_hash(&j.to_le_bytes()));
        }
        tree.extend_hashes(&batch);
        i += batch.len() as u64;
    }
    println!("build: {n} leaves in memory in {:.1} s", t.elapsed().as_secs_f64());
    let root = tree.root();
    let reps = 100_000u64;
    let t = Instant::now();
    for r in 0..reps {
        let i = (r * 104_729) % n;
        std::hint::black_box(tree.inclusion_proof(i).unwrap());
    }
    let per = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let t2 = Instant::now();
    for r in 0..reps {
        let i = (r * 104_729) % n;
        let p = tree.inclusion_proof(i).unwrap();
        verify_inclusion(&p, n, root, i, leaf_hash(&i.to_le_bytes())).unwrap();
    }
    let both = t2.elapsed().as_secs_f64() / reps as f64 * 1e6;
    println!("prove: {n} entries: {per:.2} us per inclusion proof (target < 100 us); prove + verify {both:.2} us");
}
