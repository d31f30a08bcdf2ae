//! The RFC 6962 / RFC 9162 Merkle tree over SHA-256.
//!
//! Hashes are kept in the dense "stored hash" layout of Crosby and Wallach (section 3.3), as Go's
//! checksum database does: leaf `n` and every subtree it completes are written right after the
//! hashes of leaf `n-1`, so a log that only appends also only appends hashes. Any backend that can
//! read hashes by that index (a `Vec`, a SQLite table, a tile server) implements [`HashReader`]
//! and gets inclusion and consistency proofs in `O(log n)` reads.
//!
//! Proof generation and checking come from `tlog_tiles` (a port of Go's `sumdb/tlog`, checked
//! against Certificate Transparency logs); this module adds the batch appender, the streaming
//! [`RootBuilder`] used to verify a log from scratch, and the policy for edge cases.

use crate::LedgerError;
pub use tlog_tiles::{stored_hash_count, stored_hash_index, Error as TlogError, Hash, HashReader, EMPTY_HASH};

/// `SHA-256(0x00 || data)`: the hash of a log entry (RFC 6962 section 2.1).
pub fn leaf_hash(data: &[u8]) -> Hash {
    tlog_tiles::record_hash(data)
}

/// `SHA-256(0x01 || left || right)`: an interior node.
pub fn node_hash(left: Hash, right: Hash) -> Hash {
    tlog_tiles::node_hash(left, right)
}

fn tlog_err(e: tlog_tiles::Error) -> LedgerError {
    match e {
        tlog_tiles::Error::InvalidProof => LedgerError::InvalidProof("proof does not match the root".into()),
        other => LedgerError::InvalidProof(other.to_string()),
    }
}

/// The root of the tree of the first `size` leaves.
pub fn root<R: HashReader>(size: u64, r: &R) -> Result<Hash, LedgerError> {
    tlog_tiles::tree_hash(size, r).map_err(tlog_err)
}

/// The audit path for leaf `index` in the tree of `size` leaves, leaf sibling first.
pub fn inclusion_proof<R: HashReader>(size: u64, index: u64, r: &R) -> Result<Vec<Hash>, LedgerError> {
    if index >= size {
        return Err(LedgerError::InvalidInput(format!("leaf index {index} is not below tree size {size}")));
    }
    tlog_tiles::prove_record(size, index, r).map_err(tlog_err)
}

/// The consistency proof from the tree of `old` leaves to the tree of `new` leaves.
///
/// Policy for `old == 0`: there is no proof (RFC 9162 section 2.1.4 defines proofs only for
/// `0 < old <= new`); a verifier that has seen no checkpoint has nothing to be consistent with,
/// and callers such as the witness treat "no previous checkpoint" separately.
pub fn consistency_proof<R: HashReader>(old: u64, new: u64, r: &R) -> Result<Vec<Hash>, LedgerError> {
    if old == 0 || old > new {
        return Err(LedgerError::InvalidInput(format!(
            "consistency proofs need 0 < old <= new (old {old}, new {new})"
        )));
    }
    tlog_tiles::prove_tree(new, old, r).map_err(tlog_err)
}

/// Checks that `proof` shows leaf `index` with hash `leaf` is in the tree of `size` leaves with
/// root `root`. Any extra, missing or altered hash fails.
pub fn verify_inclusion(proof: &[Hash], size: u64, root: Hash, index: u64, leaf: Hash) -> Result<(), LedgerError> {
    if index >= size {
        return Err(LedgerError::InvalidProof(format!("leaf index {index} is not below tree size {size}")));
    }
    // A proof is never longer than the tree is deep; refusing early also bounds the work a
    // hostile proof can cause.
    if proof.len() > 64 {
        return Err(LedgerError::InvalidProof("proof longer than any tree is deep".into()));
    }
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf).map_err(tlog_err)
}

/// Checks that the tree of `new` leaves with root `new_root` extends the tree of `old` leaves with
/// root `old_root`. `old == new` needs an empty proof and equal roots; `old == 0` is refused
/// (see [`consistency_proof`]).
pub fn verify_consistency(
    proof: &[Hash],
    old: u64,
    old_root: Hash,
    new: u64,
    new_root: Hash,
) -> Result<(), LedgerError> {
    if old == 0 {
        return Err(LedgerError::InvalidProof("no consistency proof from an empty tree".into()));
    }
    if old > new {
        return Err(LedgerError::InvalidProof(format!("old size {old} is larger than new size {new}")));
    }
    if proof.len() > 128 {
        return Err(LedgerError::InvalidProof("proof longer than any tree is deep".into()));
    }
    tlog_tiles::check_tree(&proof.to_vec(), new, new_root, old, old_root).map_err(tlog_err)
}

/// Computes the stored hashes a batch of new leaves adds to a tree of `size` leaves.
///
/// Returns the hashes to write starting at stored index `stored_hash_index(0, size)`, in order.
/// Reads at most `log2(size)` earlier hashes from `r` (the right edge of the old tree); the rest
/// come from the batch itself, so a batch costs about two SHA-256 per leaf and one storage read.
pub fn append_hashes<R: HashReader>(size: u64, leaves: &[Hash], r: &R) -> Result<Vec<Hash>, LedgerError> {
    let base = stored_hash_index(0, size);
    let overlay = Overlay { base, new: Vec::with_capacity(leaves.len() * 2), under: r };
    let mut overlay = overlay;
    for (i, leaf) in leaves.iter().enumerate() {
        let n = size + i as u64;
        let hs = tlog_tiles::stored_hashes_for_record_hash(n, *leaf, &overlay).map_err(tlog_err)?;
        overlay.new.extend(hs);
    }
    Ok(overlay.new)
}

/// Hashes written in this batch, over the store's older hashes.
struct Overlay<'a, R> {
    base: u64,
    new: Vec<Hash>,
    under: &'a R,
}

impl<R: HashReader> HashReader for Overlay<'_, R> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let old: Vec<u64> = indexes.iter().copied().filter(|&i| i < self.base).collect();
        let mut old_hashes = if old.is_empty() { Vec::new() } else { self.under.read_hashes(&old)? }.into_iter();
        indexes
            .iter()
            .map(|&i| {
                if i < self.base {
                    old_hashes.next().ok_or(tlog_tiles::Error::IndexesNotInTree)
                } else {
                    self.new.get((i - self.base) as usize).copied().ok_or(tlog_tiles::Error::IndexesNotInTree)
                }
            })
            .collect()
    }
}

/// A whole tree in memory: the stored hashes in one `Vec`. Used for manifests, tests, benches
/// and as a cache; 10 million leaves take about 640 MB.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    hashes: Vec<Hash>,
    size: u64,
}

impl MemoryTree {
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// A tree over the given leaf data, in order.
    pub fn from_leaves<'a>(leaves: impl IntoIterator<Item = &'a [u8]>) -> MemoryTree {
        let mut t = MemoryTree::new();
        for l in leaves {
            t.push_hash(leaf_hash(l));
        }
        t
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf by its data.
    pub fn push(&mut self, data: &[u8]) {
        self.push_hash(leaf_hash(data));
    }

    /// Appends one leaf by its leaf hash.
    pub fn push_hash(&mut self, leaf: Hash) {
        // Reading only hashes already present cannot fail.
        let hs =
            tlog_tiles::stored_hashes_for_record_hash(self.size, leaf, self).expect("memory tree holds every hash");
        self.hashes.extend(hs);
        self.size += 1;
    }

    /// Appends a batch of leaf hashes.
    pub fn extend_hashes(&mut self, leaves: &[Hash]) {
        let new = append_hashes(self.size, leaves, self).expect("memory tree holds every hash");
        self.hashes.extend(new);
        self.size += leaves.len() as u64;
    }

    /// The hash of leaf `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        (index < self.size).then(|| self.hashes[stored_hash_index(0, index) as usize])
    }

    pub fn root(&self) -> Hash {
        root(self.size, self).expect("memory tree holds every hash")
    }

    /// The root of the first `size` leaves (an earlier version of this tree).
    pub fn root_at(&self, size: u64) -> Result<Hash, LedgerError> {
        if size > self.size {
            return Err(LedgerError::InvalidInput(format!("tree has {} leaves, not {size}", self.size)));
        }
        root(size, self)
    }

    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<Hash>, LedgerError> {
        inclusion_proof(self.size, index, self)
    }

    /// Inclusion proof in the earlier tree of `size` leaves.
    pub fn inclusion_proof_at(&self, size: u64, index: u64) -> Result<Vec<Hash>, LedgerError> {
        if size > self.size {
            return Err(LedgerError::InvalidInput(format!("tree has {} leaves, not {size}", self.size)));
        }
        inclusion_proof(size, index, self)
    }

    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        if new > self.size {
            return Err(LedgerError::InvalidInput(format!("tree has {} leaves, not {new}", self.size)));
        }
        consistency_proof(old, new, self)
    }
}

impl HashReader for MemoryTree {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| self.hashes.get(i as usize).copied().ok_or(tlog_tiles::Error::IndexesNotInTree))
            .collect()
    }
}

/// Computes a root from leaf hashes streamed in order, keeping only the `log2(n)` perfect
/// subtrees on the right edge. Verifying a log from scratch needs nothing else.
#[derive(Debug, Clone, Default)]
pub struct RootBuilder {
    /// (height, hash) of perfect subtrees, left to right, strictly decreasing heights.
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl RootBuilder {
    pub fn new() -> RootBuilder {
        RootBuilder::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut h = leaf;
        let mut height = 0;
        while let Some(&(top_height, top)) = self.stack.last() {
            if top_height != height {
                break;
            }
            self.stack.pop();
            h = node_hash(top, h);
            height += 1;
        }
        self.stack.push((height, h));
        self.size += 1;
    }

    /// The root of the leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(_, mut h)) = it.next() else { return EMPTY_HASH };
        for &(_, left) in it {
            h = node_hash(left, h);
        }
        h
    }
}

/// Decodes a standard-base64 hash (as in checkpoints and proofs).
pub fn parse_hash_b64(s: &str) -> Result<Hash, LedgerError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| LedgerError::Malformed { what: "hash", detail: format!("{s:?}: {e}") })?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| LedgerError::Malformed { what: "hash", detail: format!("{} bytes, want 32", b.len()) })?;
    Ok(Hash(arr))
}

/// Encodes a hash as standard base64.
pub fn hash_b64(h: &Hash) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h.0)
}
