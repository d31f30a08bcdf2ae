//! Tally's tamper-evident log core. Pure: it knows bytes, not the domain, and does no IO, reads no
//! clock and draws no randomness (callers pass seeds and timestamps).
//!
//! - [`merkle`]: the RFC 6962 / RFC 9162 Merkle tree over SHA-256 in the stored-hash layout, with
//!   inclusion and consistency proofs, batch appends and a streaming root for full verification.
//! - [`note`]: C2SP signed notes with Ed25519 keys and C2SP tlog-cosignature/v1 witness
//!   cosignatures.
//! - [`checkpoint`]: C2SP tlog-checkpoint, and the witness rule (cosign only what is consistent
//!   with what you cosigned before).
//! - [`proof`]: C2SP tlog-proof, the offline inclusion bundle.
//! - [`manifest`]: a private list as its own Merkle tree over salted row hashes, so only its root
//!   needs to be logged and one row can be disclosed with its proof.
//!
//! ```
//! use tally_ledger::{checkpoint::Checkpoint, merkle::MemoryTree, note::{NoteKey, Verifier}, proof::TlogProof};
//!
//! let log = NoteKey::from_seed("example.org/log", [7; 32]).unwrap();
//! let mut tree = MemoryTree::new();
//! for entry in [&b"first"[..], b"second", b"third"] {
//!     tree.push(entry);
//! }
//! let note = Checkpoint::new("example.org/log", tree.size(), tree.root()).sign(&log).unwrap();
//! let bundle = TlogProof { extra: None, index: 1, proof: tree.inclusion_proof(1).unwrap(), checkpoint: note };
//! let parsed = TlogProof::parse(&bundle.encode()).unwrap();
//! let log_vkey = Verifier::parse(&log.vkey()).unwrap();
//! assert!(parsed.verify(b"second", &log_vkey, &[]).is_ok());
//! assert!(parsed.verify(b"third", &log_vkey, &[]).is_err());
//! ```

pub mod checkpoint;
pub mod manifest;
pub mod merkle;
pub mod note;
pub mod proof;

pub use merkle::Hash;

/// Everything that can go wrong in the log core. Messages are lowercase and name what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("invalid proof: {0}")]
    InvalidProof(String),
    #[error("malformed {what}: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("invalid signature for known key {0}")]
    BadSignature(String),
    #[error("no signature by a trusted key")]
    NoTrustedSignature,
    #[error("key: {0}")]
    Key(String),
    #[error("{0}")]
    InvalidInput(String),
}
