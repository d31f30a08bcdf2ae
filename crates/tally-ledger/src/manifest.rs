//! Private manifests: a list of per-person rows becomes its own small Merkle tree whose leaves are
//! `salt || row`. Only the root (and the row count) is logged; the rows and salts stay with the
//! party that holds them. Disclosing one row with its salt and inclusion proof shows it was in the
//! logged manifest and reveals nothing about the other rows: without their salts, their leaf
//! hashes cannot be tested against guesses (a 32-byte random salt per row defeats enumeration of
//! names and dates of birth).

use crate::merkle::{leaf_hash, verify_inclusion, Hash, MemoryTree};
use crate::LedgerError;

/// The leaf data of a manifest row: the 32-byte salt, then the row's canonical bytes.
pub fn row_leaf(salt: &[u8; 32], row: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(32 + row.len());
    v.extend_from_slice(salt);
    v.extend_from_slice(row);
    v
}

/// A manifest's tree, built from (salt, row) pairs in order.
#[derive(Debug, Clone)]
pub struct Manifest {
    tree: MemoryTree,
}

impl Manifest {
    pub fn build<'a>(rows: impl IntoIterator<Item = (&'a [u8; 32], &'a [u8])>) -> Manifest {
        let mut tree = MemoryTree::new();
        for (salt, row) in rows {
            tree.push(&row_leaf(salt, row));
        }
        Manifest { tree }
    }

    pub fn len(&self) -> u64 {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The proof for row `index`, to hand to whoever may see that row.
    pub fn row_proof(&self, index: u64) -> Result<Vec<Hash>, LedgerError> {
        self.tree.inclusion_proof(index)
    }
}

/// Checks a disclosed row against a logged manifest root and row count.
pub fn verify_row(
    root: Hash,
    rows: u64,
    index: u64,
    salt: &[u8; 32],
    row: &[u8],
    proof: &[Hash],
) -> Result<(), LedgerError> {
    verify_inclusion(proof, rows, root, index, leaf_hash(&row_leaf(salt, row)))
}
