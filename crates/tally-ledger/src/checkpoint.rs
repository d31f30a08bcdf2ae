//! C2SP tlog-checkpoint (<https://c2sp.org/tlog-checkpoint>): the signed tree head, and the
//! witness rule of tlog-witness: cosign a checkpoint only if it is consistent with the last one
//! this witness cosigned for the same log.

use crate::merkle::{hash_b64, verify_consistency, Hash};
use crate::note::{cosignature_line, sign_note, Note, NoteKey, Verifier};
use crate::LedgerError;

/// The checkpoint body: origin, tree size, root hash, optional extension lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Non-empty extension lines, without newlines.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Checkpoint {
        Checkpoint { origin: origin.to_string(), size, root, extensions: Vec::new() }
    }

    /// The note text: `origin\nsize\nbase64(root)\n` plus extension lines.
    pub fn text(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, hash_b64(&self.root));
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses a checkpoint body strictly (decimal size without leading zeros, 32-byte root,
    /// non-empty origin and extension lines).
    pub fn parse(text: &str) -> Result<Checkpoint, LedgerError> {
        let c = tlog_tiles::Checkpoint::from_bytes(text.as_bytes())
            .map_err(|e| LedgerError::Malformed { what: "checkpoint", detail: e.to_string() })?;
        if c.to_bytes() != text.as_bytes() {
            return Err(LedgerError::Malformed { what: "checkpoint", detail: "not in canonical form".into() });
        }
        Ok(Checkpoint {
            origin: c.origin().to_string(),
            size: c.size(),
            root: *c.hash(),
            extensions: c.extension().lines().map(str::to_string).collect(),
        })
    }

    /// Signs this checkpoint with the log's key; the key's name should equal the origin.
    pub fn sign(&self, log_key: &NoteKey) -> Result<String, LedgerError> {
        sign_note(&self.text(), &[log_key])
    }
}

/// A checkpoint whose log signature has been verified, with the witnesses whose cosignatures
/// verified.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: Note,
    /// Verified witness cosigners: (name, timestamp).
    pub cosigners: Vec<(String, u64)>,
}

/// Opens a signed checkpoint note: requires a valid signature by `log` (whose name must be the
/// origin), checks every signature by a key in `witnesses`, and ignores unknown signers.
pub fn open_checkpoint(note: &str, log: &Verifier, witnesses: &[Verifier]) -> Result<SignedCheckpoint, LedgerError> {
    let parsed = Note::parse(note.as_bytes())?;
    let checkpoint = Checkpoint::parse(&parsed.text)?;
    if checkpoint.origin != log.name() {
        return Err(LedgerError::InvalidInput(format!(
            "checkpoint origin {:?} is not the log key name {:?}",
            checkpoint.origin,
            log.name()
        )));
    }
    let mut known = vec![log.clone()];
    known.extend(witnesses.iter().cloned());
    let verified = parsed.verify(&known)?;
    if !verified.iter().any(|n| n == log.name()) || parsed.signature_by(log.name(), log.key_id()).is_none() {
        return Err(LedgerError::NoTrustedSignature);
    }
    let cosigners = witnesses
        .iter()
        .filter_map(|w| {
            let s = parsed.signature_by(w.name(), w.key_id())?;
            Some((w.name().to_string(), s.cosignature_time()?))
        })
        .collect();
    Ok(SignedCheckpoint { checkpoint, note: parsed, cosigners })
}

/// What a witness remembers about a log: the last checkpoint it cosigned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WitnessState {
    pub size: u64,
    pub root: Hash,
}

/// A witness's decision on `note`: checks the log signature, then that the new tree extends the
/// last one this witness cosigned (`previous`) by `proof`, then returns its cosignature line.
/// Refuses a smaller tree, a different root at the same size, and any failing proof.
pub fn witness_cosign(
    witness: &NoteKey,
    log: &Verifier,
    previous: Option<WitnessState>,
    note: &str,
    proof: &[Hash],
    timestamp: u64,
) -> Result<String, LedgerError> {
    let opened = open_checkpoint(note, log, &[])?;
    let cp = &opened.checkpoint;
    if let Some(prev) = previous {
        if cp.size < prev.size {
            return Err(LedgerError::InvalidProof(format!(
                "checkpoint size {} is smaller than the {} this witness already cosigned",
                cp.size, prev.size
            )));
        }
        if prev.size > 0 {
            verify_consistency(proof, prev.size, prev.root, cp.size, cp.root)?;
        }
    }
    cosignature_line(witness, timestamp, &opened.note.text)
}

/// Appends signature lines to a note (for adding cosignatures to a checkpoint).
pub fn append_signature_lines(note: &str, lines: &[String]) -> Result<String, LedgerError> {
    let mut parsed = Note::parse(note.as_bytes())?;
    for l in lines {
        let nl = if l.ends_with('\n') { "" } else { "\n" };
        let extra = Note::parse(format!("x\n\n{l}{nl}").as_bytes())?;
        for s in extra.signatures {
            if !parsed.signatures.contains(&s) {
                parsed.signatures.push(s);
            }
        }
    }
    Ok(parsed.encode())
}
