//! The ledger area: the append-only log of entries, its Merkle tree's stored hashes, signed
//! checkpoints, witness cosignatures, private manifest rows and the log's settings.
//!
//! The store holds bytes and hashes; it never computes a hash (that is `tally-ledger`'s job, called
//! by `tally-app`). What it guarantees is append-only, gap-free, atomic batches: an append names
//! the index and stored-hash id it expects to start at and fails if another writer got there first.
//! The trait is object-safe so a PostgreSQL backend can implement it later.

use crate::Result;

/// One log entry to append.
#[derive(Debug, Clone, Copy)]
pub struct NewLedgerEntry<'a> {
    /// Unsigned label for filtering (`party`, `handover`, ...); not part of the hashed bytes.
    pub kind: &'a str,
    pub body: &'a [u8],
}

/// One stored log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub index: u64,
    pub kind: String,
    pub body: Vec<u8>,
}

/// A private manifest row with its salt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub index: u64,
    pub salt: [u8; 32],
    pub row: String,
}

pub trait LedgerStore {
    /// A setting written by `ledger init`, if any.
    fn ledger_meta(&self, key: &str) -> Result<Option<String>>;
    /// Writes a setting once; fails if it exists.
    fn ledger_put_meta(&mut self, key: &str, value: &str) -> Result<()>;

    /// Number of entries in the log.
    fn ledger_size(&self) -> Result<u64>;
    /// Number of stored hashes.
    fn ledger_hash_count(&self) -> Result<u64>;

    /// Appends entries `start..start+entries.len()` and stored hashes
    /// `first_hash..first_hash+hashes.len()` in one transaction. Fails without writing anything
    /// unless `start` equals the current size and `first_hash` the current hash count.
    fn ledger_append(
        &mut self,
        start: u64,
        entries: &[NewLedgerEntry<'_>],
        first_hash: u64,
        hashes: &[[u8; 32]],
    ) -> Result<()>;

    fn ledger_entry(&self, index: u64) -> Result<Option<LedgerEntry>>;
    /// Calls `f` on entries from `from` in index order until it returns `false`.
    fn ledger_scan(&self, from: u64, f: &mut dyn FnMut(LedgerEntry) -> bool) -> Result<()>;
    /// Entries of one kind, in index order.
    fn ledger_entries_of_kind(&self, kind: &str) -> Result<Vec<LedgerEntry>>;

    /// Stored hashes by id, in the order asked. Fails if one is missing.
    fn ledger_read_hashes(&self, ids: &[u64]) -> Result<Vec<[u8; 32]>>;

    /// Stores the signed checkpoint note for tree size `size` (once per size).
    fn ledger_add_checkpoint(&mut self, size: u64, note: &str) -> Result<()>;
    fn ledger_checkpoint(&self, size: u64) -> Result<Option<String>>;
    /// The checkpoint with the largest size: (size, note).
    fn ledger_latest_checkpoint(&self) -> Result<Option<(u64, String)>>;
    /// All checkpoints, by size.
    fn ledger_checkpoints(&self) -> Result<Vec<(u64, String)>>;

    /// Stores the cosignature line of `witness` (a party id) on the checkpoint of size `size`.
    fn ledger_add_cosignature(&mut self, size: u64, witness: &str, line: &str) -> Result<()>;
    /// Cosignature lines on one checkpoint: (witness, line), in the order added.
    fn ledger_cosignatures(&self, size: u64) -> Result<Vec<(String, String)>>;
    /// The largest checkpoint size `witness` has cosigned.
    fn ledger_last_cosigned(&self, witness: &str) -> Result<Option<u64>>;

    /// Keeps a manifest's rows, privately, under its root (hex).
    fn ledger_put_manifest(&mut self, root_hex: &str, rows: &[ManifestRow]) -> Result<()>;
    fn ledger_manifest(&self, root_hex: &str) -> Result<Vec<ManifestRow>>;
}
