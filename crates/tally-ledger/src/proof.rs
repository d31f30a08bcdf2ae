//! C2SP tlog-proof (<https://c2sp.org/tlog-proof>): an offline proof that an entry is in a log,
//! as one text file:
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>          (optional, opaque to the log)
//! index <decimal>
//! <base64 hash>           (inclusion proof, leaf sibling first, one per line)
//!
//! <signed checkpoint note, with any cosignatures>
//! ```
//!
//! Written here because neither `signed_note` nor `tlog_tiles` implements this format.

use crate::checkpoint::{open_checkpoint, SignedCheckpoint};
use crate::merkle::{hash_b64, leaf_hash, parse_hash_b64, verify_inclusion, Hash};
use crate::note::Verifier;
use crate::LedgerError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Far more than any tree needs (64); bounds what a hostile file can make us parse.
const MAX_PROOF_HASHES: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct TlogProof {
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

fn malformed(detail: impl Into<String>) -> LedgerError {
    LedgerError::Malformed { what: "tlog-proof", detail: detail.into() }
}

impl TlogProof {
    pub fn encode(&self) -> String {
        let mut s = format!("{HEADER}\n");
        if let Some(e) = &self.extra {
            s.push_str(&format!("extra {}\n", B64.encode(e)));
        }
        s.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            s.push_str(&hash_b64(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.checkpoint);
        s
    }

    /// Parses the format strictly; the checkpoint is kept verbatim and checked by [`Self::verify`].
    pub fn parse(text: &str) -> Result<TlogProof, LedgerError> {
        let (head, checkpoint) =
            text.split_once("\n\n").ok_or_else(|| malformed("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(malformed(format!("first line is not {HEADER:?}")));
        }
        let mut line = lines.next().ok_or_else(|| malformed("missing index line"))?;
        let mut extra = None;
        if let Some(b) = line.strip_prefix("extra ") {
            extra = Some(B64.decode(b).map_err(|_| malformed("extra is not base64"))?);
            line = lines.next().ok_or_else(|| malformed("missing index line"))?;
        }
        let idx = line.strip_prefix("index ").ok_or_else(|| malformed(format!("expected 'index N', got {line:?}")))?;
        let index: u64 = idx.parse().map_err(|_| malformed(format!("index {idx:?} is not a decimal number")))?;
        if index.to_string() != idx {
            return Err(malformed(format!("index {idx:?} is not canonical decimal")));
        }
        let mut proof = Vec::new();
        for l in lines {
            if proof.len() == MAX_PROOF_HASHES {
                return Err(malformed("too many proof hashes"));
            }
            proof.push(parse_hash_b64(l).map_err(|_| malformed(format!("proof line {l:?} is not a base64 hash")))?);
        }
        if checkpoint.is_empty() {
            return Err(malformed("missing checkpoint"));
        }
        Ok(TlogProof { extra, index, proof, checkpoint: checkpoint.to_string() })
    }

    /// Verifies offline that `entry` is at `index` in the tree the checkpoint commits to, that the
    /// log signed that checkpoint, and which of `witnesses` cosigned it.
    pub fn verify(
        &self,
        entry: &[u8],
        log: &Verifier,
        witnesses: &[Verifier],
    ) -> Result<SignedCheckpoint, LedgerError> {
        self.verify_leaf_hash(leaf_hash(entry), log, witnesses)
    }

    /// As [`Self::verify`], given the entry's leaf hash.
    pub fn verify_leaf_hash(
        &self,
        leaf: Hash,
        log: &Verifier,
        witnesses: &[Verifier],
    ) -> Result<SignedCheckpoint, LedgerError> {
        let cp = open_checkpoint(&self.checkpoint, log, witnesses)?;
        verify_inclusion(&self.proof, cp.checkpoint.size, cp.checkpoint.root, self.index, leaf)?;
        Ok(cp)
    }
}
