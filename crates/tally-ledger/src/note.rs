//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys, and C2SP
//! cosignatures (<https://c2sp.org/tlog-cosignature>).
//!
//! Parsing, signing and the verification policy come from `signed_note` (a port of Go's
//! `golang.org/x/mod/sumdb/note`): a signature by a known key that does not verify rejects the
//! whole note; signatures by unknown keys are returned as unverified and ignored. This module adds
//! deterministic keys from seeds, the cosignature/v1 signer and verifier (type byte 0x04, which
//! `signed_note` does not implement) and a redacting `Debug`.

use crate::LedgerError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};

/// Signature type byte of an Ed25519 note key (signed-note).
pub const ALG_ED25519: u8 = 0x01;
/// Signature type byte of a timestamped Ed25519 witness cosignature (tlog-cosignature).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// The recommended key ID: the first four bytes of `SHA-256(name || "\n" || type || public key)`.
pub fn key_id(name: &str, alg: u8, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Whether `name` may name a key: non-empty, no Unicode spaces, no '+'.
pub fn is_valid_key_name(name: &str) -> bool {
    signed_note::is_key_name_valid(name)
}

/// A named Ed25519 signing key. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct NoteKey {
    name: String,
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for NoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteKey").field("name", &self.name).field("vkey", &self.vkey()).finish_non_exhaustive()
    }
}

impl NoteKey {
    /// The key with the given 32-byte Ed25519 seed. Callers choose the seed: from a CSPRNG for real
    /// keys, from a fixed string for demo and test keys.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<NoteKey, LedgerError> {
        if !is_valid_key_name(name) {
            return Err(LedgerError::Key(format!(
                "invalid key name {name:?}: must be non-empty, without spaces or '+'"
            )));
        }
        Ok(NoteKey { name: name.to_string(), key: ed25519_dalek::SigningKey::from_bytes(&seed) })
    }

    /// Parses a signer key `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>` (Go's note format).
    pub fn parse_skey(skey: &str) -> Result<NoteKey, LedgerError> {
        let skey = skey.trim();
        let err = |why: &str| LedgerError::Key(format!("malformed signer key: {why}"));
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or_else(|| err("does not start with PRIVATE+KEY+"))?;
        // The base64 part may itself contain '+', so split only the first two.
        let (name, rest) = rest.split_once('+').ok_or_else(|| err("missing key id"))?;
        let (id_hex, b64) = rest.split_once('+').ok_or_else(|| err("missing key"))?;
        let bytes = B64.decode(b64).map_err(|_| err("key is not base64"))?;
        if bytes.len() != 33 || bytes[0] != ALG_ED25519 {
            return Err(err("not an Ed25519 key"));
        }
        let seed: [u8; 32] = bytes[1..].try_into().expect("length checked");
        let k = NoteKey::from_seed(name, seed)?;
        if id_hex.len() != 8 || u32::from_str_radix(id_hex, 16).ok() != Some(k.key_id()) {
            return Err(err("key id does not match the key"));
        }
        Ok(k)
    }

    /// The signer key in Go's note format. Secret: write it only to a private file.
    pub fn skey(&self) -> String {
        let mut b = vec![ALG_ED25519];
        b.extend_from_slice(&self.key.to_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.key_id(), B64.encode(b))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    pub fn key_id(&self) -> u32 {
        key_id(&self.name, ALG_ED25519, &self.public_key())
    }

    pub fn cosignature_key_id(&self) -> u32 {
        key_id(&self.name, ALG_COSIGNATURE_V1, &self.public_key())
    }

    /// The verifier key `<name>+<id>+<base64(0x01 || public key)>`.
    pub fn vkey(&self) -> String {
        encode_vkey(&self.name, ALG_ED25519, &self.public_key())
    }

    /// The witness verifier key `<name>+<id>+<base64(0x04 || public key)>`.
    pub fn cosignature_vkey(&self) -> String {
        encode_vkey(&self.name, ALG_COSIGNATURE_V1, &self.public_key())
    }

    /// Raw Ed25519 signature over `msg`.
    pub fn sign_raw(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

fn encode_vkey(name: &str, alg: u8, public: &[u8; 32]) -> String {
    let mut b = vec![alg];
    b.extend_from_slice(public);
    format!("{}+{:08x}+{}", name, key_id(name, alg, public), B64.encode(b))
}

/// The message a cosignature/v1 signs: a fixed header, the timestamp, then the checkpoint text.
pub fn cosignature_message(timestamp: u64, checkpoint_text: &[u8]) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    m.extend_from_slice(checkpoint_text);
    m
}

/// A public key that can check note signatures: a plain Ed25519 note key or a witness
/// cosignature key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    id: u32,
    alg: u8,
    public: [u8; 32],
}

impl Verifier {
    /// Parses `<name>+<hex id>+<base64(type || key)>`. Only the first two '+' split: the base64
    /// may contain more.
    pub fn parse(vkey: &str) -> Result<Verifier, LedgerError> {
        let vkey = vkey.trim();
        let err = |why: &str| LedgerError::Key(format!("malformed verifier key {vkey:?}: {why}"));
        let (name, rest) = vkey.split_once('+').ok_or_else(|| err("missing key id"))?;
        let (id_hex, b64) = rest.split_once('+').ok_or_else(|| err("missing key"))?;
        if !is_valid_key_name(name) {
            return Err(err("invalid name"));
        }
        let bytes = B64.decode(b64).map_err(|_| err("key is not base64"))?;
        if bytes.len() != 33 {
            return Err(err("key is not 1 + 32 bytes"));
        }
        let alg = bytes[0];
        if alg != ALG_ED25519 && alg != ALG_COSIGNATURE_V1 {
            return Err(err("unknown signature type (want 0x01 Ed25519 or 0x04 cosignature/v1)"));
        }
        let public: [u8; 32] = bytes[1..].try_into().expect("length checked");
        ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| err("not an Ed25519 point"))?;
        let id = u32::from_str_radix(id_hex, 16).map_err(|_| err("key id is not hex"))?;
        if id_hex.len() != 8 || id != key_id(name, alg, &public) {
            return Err(err("key id does not match the key"));
        }
        Ok(Verifier { name: name.to_string(), id, alg, public })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    pub fn is_cosignature(&self) -> bool {
        self.alg == ALG_COSIGNATURE_V1
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.public
    }

    pub fn vkey(&self) -> String {
        encode_vkey(&self.name, self.alg, &self.public)
    }

    fn check(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&self.public) else { return false };
        match self.alg {
            ALG_ED25519 => {
                let Ok(s) = <[u8; 64]>::try_from(sig) else { return false };
                vk.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&s)).is_ok()
            }
            ALG_COSIGNATURE_V1 => {
                if sig.len() != 72 {
                    return false;
                }
                let t = u64::from_be_bytes(sig[..8].try_into().expect("length checked"));
                let s: [u8; 64] = sig[8..].try_into().expect("length checked");
                vk.verify_strict(&cosignature_message(t, msg), &ed25519_dalek::Signature::from_bytes(&s)).is_ok()
            }
            _ => false,
        }
    }
}

impl signed_note::Verifier for Verifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.check(msg, sig)
    }
}

struct PlainSigner<'a>(&'a NoteKey);

impl signed_note::Signer for PlainSigner<'_> {
    fn name(&self) -> &str {
        &self.0.name
    }
    fn key_id(&self) -> u32 {
        self.0.key_id()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        Ok(self.0.sign_raw(msg).to_vec())
    }
}

struct CosignSigner<'a>(&'a NoteKey, u64);

impl signed_note::Signer for CosignSigner<'_> {
    fn name(&self) -> &str {
        &self.0.name
    }
    fn key_id(&self) -> u32 {
        self.0.cosignature_key_id()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        let mut out = self.1.to_be_bytes().to_vec();
        out.extend_from_slice(&self.0.sign_raw(&cosignature_message(self.1, msg)));
        Ok(out)
    }
}

fn note_err(e: signed_note::NoteError) -> LedgerError {
    match e {
        signed_note::NoteError::InvalidSignature { name, id } => LedgerError::BadSignature(format!("{name}+{id:08x}")),
        signed_note::NoteError::UnverifiedNote => LedgerError::NoTrustedSignature,
        other => LedgerError::Malformed { what: "signed note", detail: other.to_string() },
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The signature bytes after the 4-byte key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line, with its trailing newline.
    pub fn line(&self) -> String {
        let mut b = self.key_id.to_be_bytes().to_vec();
        b.extend_from_slice(&self.signature);
        format!("— {} {}\n", self.name, B64.encode(b))
    }

    /// For a cosignature: its timestamp (the first 8 bytes).
    pub fn cosignature_time(&self) -> Option<u64> {
        (self.signature.len() == 72).then(|| u64::from_be_bytes(self.signature[..8].try_into().expect("length")))
    }
}

/// A parsed (not yet verified) signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The text, ending in a newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note. Fails on anything signed-note forbids: no signature block, control
    /// characters, missing final newline, malformed signature lines.
    pub fn parse(bytes: &[u8]) -> Result<Note, LedgerError> {
        let n = signed_note::Note::from_bytes(bytes).map_err(note_err)?;
        // The text was validated as UTF-8 by the parser.
        let text = String::from_utf8(n.text().to_vec())
            .map_err(|_| LedgerError::Malformed { what: "signed note", detail: "not UTF-8".into() })?;
        // Re-read the signature lines: `signed_note` keeps them private.
        let raw = std::str::from_utf8(bytes).expect("parser checked UTF-8");
        let sig_block = &raw[text.len() + 1..];
        let mut signatures = Vec::new();
        for line in sig_block.lines() {
            let s = signed_note::Signature::from_bytes(line.as_bytes()).map_err(note_err)?;
            signatures.push(NoteSignature {
                name: s.name().to_string(),
                key_id: s.id(),
                signature: s.signature().to_vec(),
            });
        }
        Ok(Note { text, signatures })
    }

    /// The encoded note: text, blank line, signature lines.
    pub fn encode(&self) -> String {
        let mut s = self.text.clone();
        s.push('\n');
        for sig in &self.signatures {
            s.push_str(&sig.line());
        }
        s
    }

    /// Checks every signature by a key in `known`. A bad signature by a known key fails the note;
    /// unknown keys are skipped. Returns the names of the verified signers, in note order.
    pub fn verify(&self, known: &[Verifier]) -> Result<Vec<String>, LedgerError> {
        let n = signed_note::Note::from_bytes(self.encode().as_bytes()).map_err(note_err)?;
        let list = signed_note::VerifierList::new(
            known.iter().map(|v| Box::new(v.clone()) as Box<dyn signed_note::Verifier>).collect(),
        );
        let (ok, _unverified) = n.verify(&list).map_err(note_err)?;
        Ok(ok.iter().map(|s| s.name().to_string()).collect())
    }

    /// The signatures made by the key named `name` with ID `key_id`.
    pub fn signature_by(&self, name: &str, key_id: u32) -> Option<&NoteSignature> {
        self.signatures.iter().find(|s| s.name == name && s.key_id == key_id)
    }
}

/// Signs `text` (which must end in a newline) with each key, in order.
pub fn sign_note(text: &str, keys: &[&NoteKey]) -> Result<String, LedgerError> {
    let mut n = signed_note::Note::new(text.as_bytes(), &[]).map_err(note_err)?;
    let signers: Vec<PlainSigner<'_>> = keys.iter().map(|k| PlainSigner(k)).collect();
    let dyns: Vec<&dyn signed_note::Signer> = signers.iter().map(|s| s as &dyn signed_note::Signer).collect();
    n.add_sigs(&dyns).map_err(note_err)?;
    String::from_utf8(n.to_bytes())
        .map_err(|_| LedgerError::Malformed { what: "signed note", detail: "not UTF-8".into() })
}

/// Adds `key`'s signature to an existing note, keeping the signatures already there.
pub fn add_signature(note: &str, key: &NoteKey) -> Result<String, LedgerError> {
    let mut n = signed_note::Note::from_bytes(note.as_bytes()).map_err(note_err)?;
    n.add_sigs(&[&PlainSigner(key)]).map_err(note_err)?;
    String::from_utf8(n.to_bytes())
        .map_err(|_| LedgerError::Malformed { what: "signed note", detail: "not UTF-8".into() })
}

/// The cosignature/v1 line `key` makes over `checkpoint_text` at `timestamp` (seconds since the
/// Unix epoch; the caller reads the clock).
pub fn cosignature_line(key: &NoteKey, timestamp: u64, checkpoint_text: &str) -> Result<String, LedgerError> {
    use signed_note::Signer as _;
    let s =
        CosignSigner(key, timestamp).sign(checkpoint_text.as_bytes()).map_err(|e| LedgerError::Key(e.to_string()))?;
    Ok(NoteSignature { name: key.name.clone(), key_id: key.cosignature_key_id(), signature: s }.line())
}
