//! The exchange ledger use cases: a tamper-evident log of signed statements by the parties to an
//! exchange and its intermediary, with checkpoints, witness cosignatures, proofs, verification and
//! the reconciliation report.
//!
//! Layering: `tally-ledger` knows bytes (Merkle tree, C2SP formats); `tally-store` keeps bytes and
//! hashes append-only; this module maps the domain ([`statement`]) onto entries, decides who may
//! say what, and reads the log back into a [`report::Report`].
//!
//! Trust model: every entry is a C2SP signed note signed by its author's registered key; the log
//! operator signs checkpoints with the log key (kept in the database, as the operator runs the
//! database); each party and the intermediary cosign checkpoints as witnesses after checking
//! consistency with the last checkpoint they cosigned. Per-person manifest rows never enter the log.

pub mod demo;
pub mod report;
pub mod statement;

use sha2::{Digest, Sha256};
use statement::{Body, ManifestRef, Role, Statement, Verdict};
use std::collections::{BTreeMap, HashMap};
use tally_ledger::checkpoint::{append_signature_lines, open_checkpoint, witness_cosign, Checkpoint, WitnessState};
use tally_ledger::manifest::{verify_row, Manifest};
use tally_ledger::merkle::{self, hash_b64, leaf_hash, stored_hash_index, Hash, HashReader, RootBuilder};
use tally_ledger::note::Verifier;
use tally_store::ledger::{LedgerStore, ManifestRow};

pub use demo::{replay_demo, DEMO_EVENTS_JSON};
pub use report::Report;

#[derive(Debug, thiserror::Error)]
pub enum LedgerAppError {
    #[error(transparent)]
    Store(#[from] tally_store::StoreError),
    #[error(transparent)]
    Log(#[from] tally_ledger::LedgerError),
    #[error("entry {index}: {source}")]
    Statement {
        index: u64,
        #[source]
        source: statement::StatementError,
    },
    #[error(transparent)]
    Format(#[from] statement::StatementError),
    #[error("the ledger is not initialised\nhint: run `tally ledger init --origin NAME` first")]
    NotInitialised,
    #[error("the ledger is already initialised (origin {0})")]
    AlreadyInitialised(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Input(String),
}

pub type Result<T, E = LedgerAppError> = std::result::Result<T, E>;

fn refused(s: impl Into<String>) -> LedgerAppError {
    LedgerAppError::Refused(s.into())
}

const META_ORIGIN: &str = "origin";
const META_LOG_SKEY: &str = "log_skey";

/// Reads stored hashes from the store for `tally-ledger`'s proof functions.
struct StoreHashes<'a>(&'a dyn LedgerStore);

impl HashReader for StoreHashes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tally_ledger::merkle::TlogError> {
        self.0
            .ledger_read_hashes(indexes)
            .map(|v| v.into_iter().map(Hash).collect())
            .map_err(|_| tally_ledger::merkle::TlogError::IndexesNotInTree)
    }
}

/// A new random key (for `tally ledger key gen`).
pub fn generate_key(name: &str) -> Result<NoteKey> {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    Ok(NoteKey::from_seed(name, seed)?)
}

/// A deterministic key from a public string: for demos and tests only, never for real use.
pub fn demo_key(name: &str) -> NoteKey {
    let seed: [u8; 32] = Sha256::digest(format!("tally demo key, not secret: {name}")).into();
    NoteKey::from_seed(name, seed).expect("demo key names are valid")
}

/// Creates the log: records its origin and log key. Fails if the log exists.
pub fn init(store: &mut dyn LedgerStore, log_key: &NoteKey) -> Result<String> {
    if let Some(o) = store.ledger_meta(META_ORIGIN)? {
        return Err(LedgerAppError::AlreadyInitialised(o));
    }
    store.ledger_put_meta(META_ORIGIN, log_key.name())?;
    store.ledger_put_meta(META_LOG_SKEY, &log_key.skey())?;
    // The empty tree's checkpoint, so witnesses can start from size 0.
    let note = Checkpoint::new(log_key.name(), 0, merkle::EMPTY_HASH).sign(log_key)?;
    store.ledger_add_checkpoint(0, &note)?;
    Ok(log_key.vkey())
}

fn log_key(store: &dyn LedgerStore) -> Result<NoteKey> {
    let skey = store.ledger_meta(META_LOG_SKEY)?.ok_or(LedgerAppError::NotInitialised)?;
    Ok(NoteKey::parse_skey(&skey)?)
}

/// The log's C2SP verifier key.
pub fn log_vkey(store: &dyn LedgerStore) -> Result<String> {
    Ok(log_key(store)?.vkey())
}

/// A registered party as the log knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Current key, then earlier keys (rotation history), newest first.
    pub keys: Vec<Verifier>,
    pub registered_at: u64,
}

/// One parsed entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: u64,
    pub leaf: Hash,
    pub statement: Statement,
    pub note: Note,
}

/// Everything read back from the log, in order.
#[derive(Debug, Clone, Default)]
pub struct LedgerState {
    pub entries: Vec<Entry>,
    pub parties: BTreeMap<String, PartyInfo>,
}

impl LedgerState {
    /// Reads and checks the whole log (each entry against the rules as of its position).
    pub fn load(store: &dyn LedgerStore) -> Result<LedgerState> {
        let mut st = LedgerState::default();
        let mut err = None;
        store.ledger_scan(0, &mut |e| match st.admit(e.index, &e.body) {
            Ok(entry) => {
                st.apply(entry);
                true
            }
            Err(x) => {
                err = Some(x);
                false
            }
        })?;
        match err {
            Some(e) => Err(e),
            None => Ok(st),
        }
    }

    pub fn party(&self, id: &str) -> Option<&PartyInfo> {
        self.parties.get(id)
    }

    /// Checks an entry for position `index`: canonical statement, signed by its author's current
    /// key, allowed for the author's role, references valid. Returns it parsed.
    pub fn admit(&self, index: u64, bytes: &[u8]) -> Result<Entry> {
        let at = |e: LedgerAppError| refused(format!("entry {index}: {e}"));
        let note = Note::parse(bytes).map_err(|e| at(e.into()))?;
        let statement =
            Statement::from_text(&note.text).map_err(|source| LedgerAppError::Statement { index, source })?;
        let by = &statement.by;
        let must_sign = |v: &Verifier| -> Result<()> {
            match note.verify(std::slice::from_ref(v)) {
                Ok(ok) if !ok.is_empty() => Ok(()),
                Ok(_) | Err(tally_ledger::LedgerError::NoTrustedSignature) => Err(at(refused(format!(
                    "not signed by {by}'s current key {}\nhint: sign with the key registered for {by}",
                    v.vkey()
                )))),
                Err(e) => Err(at(e.into())),
            }
        };
        match &statement.body {
            Body::Party(p) => {
                if &p.id != by {
                    return Err(at(refused("a party registers itself (by must equal id)")));
                }
                if self.parties.contains_key(&p.id) {
                    return Err(at(refused(format!("party {} is already registered; rotate its key instead", p.id))));
                }
                let v = Verifier::parse(&p.vkey).map_err(|e| at(e.into()))?;
                if v.is_cosignature() {
                    return Err(at(refused("register the Ed25519 note key, not the cosignature key")));
                }
                must_sign(&v)?;
            }
            Body::PartyKey(k) => {
                let party =
                    self.parties.get(&k.party).ok_or_else(|| at(refused(format!("unknown party {}", k.party))))?;
                if &k.party != by {
                    return Err(at(refused("only a party rotates its own key")));
                }
                must_sign(&party.keys[0])?;
                must_sign(&Verifier::parse(&k.vkey).map_err(|e| at(e.into()))?)?;
            }
            body => {
                let party = self.parties.get(by).ok_or_else(|| at(refused(format!("unknown party {by}"))))?;
                must_sign(&party.keys[0])?;
                if party.role == Role::Intermediary {
                    match body {
                        Body::Attestation(a) if a.observed.is_some() => {}
                        _ => {
                            return Err(at(refused(
                                "an intermediary states only what it observed (attestations with observed time, place, counts)",
                            )))
                        }
                    }
                }
                self.check_refs(index, &statement).map_err(at)?;
            }
        }
        Ok(Entry { index, leaf: leaf_hash(bytes), statement, note })
    }

    fn check_refs(&self, index: u64, st: &Statement) -> Result<()> {
        let entry = |i: u64| {
            self.entries.get(i as usize).ok_or_else(|| refused(format!("refers to entry {i}, but the log has {index}")))
        };
        match &st.body {
            Body::Attestation(a) => {
                let e = entry(a.entry)?;
                if hex::encode(e.leaf.0) != a.entry_hash {
                    return Err(refused(format!("entry_hash does not match entry {}", a.entry)));
                }
            }
            Body::Decision(d) => {
                let e = entry(d.list)?;
                let Body::List(l) = &e.statement.body else {
                    return Err(refused(format!("entry {} is not a list", d.list)));
                };
                if let Some(r) = d.row {
                    let rows = l.manifest.as_ref().map(|m| m.rows).unwrap_or(0);
                    if r >= rows {
                        return Err(refused(format!("row {r} is not in the list's manifest ({rows} rows)")));
                    }
                }
            }
            Body::Correction(c) => {
                let e = entry(c.corrects)?;
                if e.statement.by != st.by {
                    return Err(refused("a party corrects only its own statements"));
                }
            }
            Body::Finding(f) => {
                if let Some(s) = f.supersedes {
                    if !matches!(entry(s)?.statement.body, Body::Finding(_)) {
                        return Err(refused(format!("entry {s} is not a finding")));
                    }
                }
            }
            Body::Dispute(d) => {
                for &i in &d.about {
                    entry(i)?;
                }
            }
            Body::Handover(h) if st.by != h.deliverer && st.by != h.receiver => {
                return Err(refused("a handover is stated by its deliverer or its receiver"));
            }
            Body::Total(t) if st.by != t.deliverer && st.by != t.receiver => {
                return Err(refused("a total is stated by its deliverer or its receiver"));
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds an admitted entry to the state.
    pub fn apply(&mut self, e: Entry) {
        match &e.statement.body {
            Body::Party(p) => {
                let v = Verifier::parse(&p.vkey).expect("checked on admit");
                self.parties.insert(
                    p.id.clone(),
                    PartyInfo {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        role: p.role,
                        keys: vec![v],
                        registered_at: e.index,
                    },
                );
            }
            Body::PartyKey(k) => {
                let v = Verifier::parse(&k.vkey).expect("checked on admit");
                if let Some(p) = self.parties.get_mut(&k.party) {
                    p.keys.insert(0, v);
                }
            }
            _ => {}
        }
        self.entries.push(e);
    }

    /// Cosignature verifier keys of every party key ever registered (witness keys).
    pub fn witness_vkeys(&self) -> Vec<Verifier> {
        self.parties
            .values()
            .flat_map(|p| p.keys.iter())
            .filter_map(|k| {
                let cos = cosignature_vkey_of(k);
                Verifier::parse(&cos).ok()
            })
            .collect()
    }
}

/// The cosignature/v1 verifier key for the same Ed25519 key as a note verifier key.
pub fn cosignature_vkey_of(v: &Verifier) -> String {
    use base64::Engine;
    let public = v.public_key();
    let mut b = vec![tally_ledger::note::ALG_COSIGNATURE_V1];
    b.extend_from_slice(&public);
    format!(
        "{}+{:08x}+{}",
        v.name(),
        tally_ledger::note::key_id(v.name(), tally_ledger::note::ALG_COSIGNATURE_V1, &public),
        base64::engine::general_purpose::STANDARD.encode(b)
    )
}

/// Signs a statement with `key` (and any extra keys, for a key rotation).
pub fn sign_statement(st: &Statement, keys: &[&NoteKey]) -> Result<Vec<u8>> {
    let text = st.to_text()?;
    Ok(tally_ledger::note::sign_note(&text, keys)?.into_bytes())
}

/// Appends already-admitted entry bytes and signs a new checkpoint. Returns the first new index.
fn append_raw(store: &mut dyn LedgerStore, entries: &[(&str, &[u8])]) -> Result<u64> {
    let key = log_key(store)?;
    let size = store.ledger_size()?;
    // Entries and their hashes commit in one transaction, the checkpoint in the next; if a crash
    // fell between the two, sign the missing checkpoint now so every size stays provable.
    if store.ledger_latest_checkpoint()?.map(|(s, _)| s) != Some(size) {
        sign_checkpoint(store, &key, size)?;
    }
    let leaves: Vec<Hash> = entries.iter().map(|(_, b)| leaf_hash(b)).collect();
    let hashes = merkle::append_hashes(size, &leaves, &StoreHashes(store))?;
    let raw: Vec<[u8; 32]> = hashes.iter().map(|h| h.0).collect();
    let new: Vec<NewLedgerEntry<'_>> = entries.iter().map(|(kind, body)| NewLedgerEntry { kind, body }).collect();
    store.ledger_append(size, &new, stored_hash_index(0, size), &raw)?;
    sign_checkpoint(store, &key, size + entries.len() as u64)?;
    Ok(size)
}

fn sign_checkpoint(store: &mut dyn LedgerStore, key: &NoteKey, size: u64) -> Result<()> {
    let root = merkle::root(size, &StoreHashes(store))?;
    let note = Checkpoint::new(key.name(), size, root).sign(key)?;
    store.ledger_add_checkpoint(size, &note)?;
    Ok(())
}

/// Appends entries without statement checks (benchmarks and bulk loads of pre-checked data).
pub fn append_unchecked(store: &mut dyn LedgerStore, entries: &[(&str, &[u8])]) -> Result<u64> {
    append_raw(store, entries)
}

/// Checks and appends one signed statement; returns its index.
pub fn submit(store: &mut dyn LedgerStore, bytes: &[u8]) -> Result<u64> {
    let state = LedgerState::load(store)?;
    submit_with(store, &mut LedgerStateCache(state), bytes)
}

/// A loaded state kept across submissions (the demo appends dozens of entries).
pub struct LedgerStateCache(pub LedgerState);

/// As [`submit`], reusing a state already loaded.
pub fn submit_with(store: &mut dyn LedgerStore, cache: &mut LedgerStateCache, bytes: &[u8]) -> Result<u64> {
    let index = store.ledger_size()?;
    let entry = cache.0.admit(index, bytes)?;
    let kind = entry.statement.body.kind();
    append_raw(store, &[(kind, bytes)])?;
    cache.0.apply(entry);
    Ok(index)
}

/// Makes, signs and submits a statement.
pub fn state(store: &mut dyn LedgerStore, st: &Statement, key: &NoteKey) -> Result<u64> {
    submit(store, &sign_statement(st, &[key])?)
}

/// The attestation body for `entry` (binds it to the entry's leaf hash).
pub fn attestation_for(
    store: &dyn LedgerStore,
    entry: u64,
    verdict: Verdict,
    reason: Option<String>,
    observed: Option<statement::Observed>,
    date: &str,
) -> Result<Body> {
    let e = store.ledger_entry(entry)?.ok_or_else(|| LedgerAppError::Input(format!("no entry {entry}")))?;
    Ok(Body::Attestation(statement::Attestation {
        entry,
        entry_hash: hex::encode(leaf_hash(&e.body).0),
        verdict,
        reason,
        observed,
        date: date.to_string(),
    }))
}

/// A manifest row to log privately: the canonical row text (one JSON object per row).
pub fn build_manifest(rows: &[serde_json::Value], salt_seed: Option<&[u8]>) -> Result<(ManifestRef, Vec<ManifestRow>)> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if !r.is_object() {
            return Err(LedgerAppError::Input(format!("manifest row {} is not a JSON object", i + 1)));
        }
        let salt: [u8; 32] = match salt_seed {
            // Deterministic salts for demos and tests only: whoever knows the seed can test guesses.
            Some(seed) => {
                let mut h = Sha256::new();
                h.update(seed);
                h.update((i as u64).to_be_bytes());
                h.finalize().into()
            }
            None => {
                use rand::RngCore;
                let mut s = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut s);
                s
            }
        };
        out.push(ManifestRow { index: i as u64, salt, row: serde_json::to_string(r).expect("json value") });
    }
    let m = Manifest::build(out.iter().map(|r| (&r.salt, r.row.as_bytes())));
    Ok((ManifestRef { root: hex::encode(m.root().0), rows: m.len() }, out))
}

/// Keeps a manifest's rows privately (never in the log).
pub fn store_manifest(store: &mut dyn LedgerStore, m: &ManifestRef, rows: &[ManifestRow]) -> Result<()> {
    if store.ledger_manifest(&m.root)?.is_empty() {
        store.ledger_put_manifest(&m.root, rows)?;
    }
    Ok(())
}

/// One manifest row disclosed with its proof: what a family is shown, and nothing else.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowDisclosure {
    /// The log entry that commits to the manifest root.
    pub entry: u64,
    pub manifest_root: String,
    pub rows: u64,
    pub index: u64,
    pub salt: String,
    pub row: String,
    pub proof: Vec<String>,
}

/// Discloses row `row` of the manifest logged in entry `entry`.
pub fn disclose_row(store: &dyn LedgerStore, entry: u64, row: u64) -> Result<RowDisclosure> {
    let state = LedgerState::load(store)?;
    let e = state.entries.get(entry as usize).ok_or_else(|| LedgerAppError::Input(format!("no entry {entry}")))?;
    let m = match &e.statement.body {
        Body::Handover(h) => h.manifest.clone(),
        Body::List(l) => l.manifest.clone(),
        _ => None,
    }
    .ok_or_else(|| LedgerAppError::Input(format!("entry {entry} has no manifest")))?;
    let rows = store.ledger_manifest(&m.root)?;
    if rows.is_empty() {
        return Err(LedgerAppError::Input(format!("the rows of manifest {} are not held in this database", m.root)));
    }
    let r = rows.get(row as usize).ok_or_else(|| LedgerAppError::Input(format!("manifest has {} rows", rows.len())))?;
    let tree = Manifest::build(rows.iter().map(|r| (&r.salt, r.row.as_bytes())));
    Ok(RowDisclosure {
        entry,
        manifest_root: m.root,
        rows: m.rows,
        index: row,
        salt: hex::encode(r.salt),
        row: r.row.clone(),
        proof: tree.row_proof(row)?.iter().map(|h| hex::encode(h.0)).collect(),
    })
}

/// Checks a disclosed row against its manifest root.
pub fn verify_disclosure(d: &RowDisclosure) -> Result<()> {
    let bad = |w: &str| LedgerAppError::Input(format!("disclosure: {w} is not valid hex of 32 bytes"));
    let h32 = |s: &str, w: &str| -> Result<[u8; 32]> {
        hex::decode(s).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| bad(w))
    };
    let root = Hash(h32(&d.manifest_root, "manifest_root")?);
    let salt = h32(&d.salt, "salt")?;
    let proof = d.proof.iter().map(|p| h32(p, "proof").map(Hash)).collect::<Result<Vec<_>>>()?;
    verify_row(root, d.rows, d.index, &salt, d.row.as_bytes(), &proof)?;
    Ok(())
}

/// The latest checkpoint note with every cosignature line collected for it.
pub fn latest_checkpoint(store: &dyn LedgerStore) -> Result<(u64, String)> {
    let (size, note) = store.ledger_latest_checkpoint()?.ok_or(LedgerAppError::NotInitialised)?;
    Ok((size, with_cosignatures(store, size, &note)?))
}

/// The checkpoint of tree size `size` with its cosignatures.
pub fn checkpoint_at(store: &dyn LedgerStore, size: u64) -> Result<String> {
    let note =
        store.ledger_checkpoint(size)?.ok_or_else(|| LedgerAppError::Input(format!("no checkpoint of size {size}")))?;
    with_cosignatures(store, size, &note)
}

fn with_cosignatures(store: &dyn LedgerStore, size: u64, note: &str) -> Result<String> {
    let lines: Vec<String> = store.ledger_cosignatures(size)?.into_iter().map(|(_, l)| l).collect();
    Ok(append_signature_lines(note, &lines)?)
}

/// Witness step for `party`: checks the latest checkpoint against the last one this party
/// cosigned (consistency proof from the store), cosigns it at `timestamp`, and stores the line.
pub fn cosign(store: &mut dyn LedgerStore, party: &str, key: &NoteKey, timestamp: u64) -> Result<String> {
    let state = LedgerState::load(store)?;
    let p = state.party(party).ok_or_else(|| LedgerAppError::Input(format!("unknown party {party}")))?;
    if p.keys[0].public_key() != key.public_key() || p.keys[0].name() != key.name() {
        return Err(refused(format!("the key is not {party}'s current key")));
    }
    let log = Verifier::parse(&log_vkey(store)?)?;
    let (size, note) = store.ledger_latest_checkpoint()?.ok_or(LedgerAppError::NotInitialised)?;
    // Witness state is kept per party, so it survives the party's key rotation.
    let previous = match store.ledger_last_cosigned(party)? {
        Some(prev) => {
            let prev_note = store.ledger_checkpoint(prev)?.ok_or_else(|| refused("cosigned checkpoint is missing"))?;
            let cp = open_checkpoint(&prev_note, &log, &[])?;
            Some(WitnessState { size: prev, root: cp.checkpoint.root })
        }
        None => None,
    };
    if previous.map(|p| p.size) == Some(size) {
        return Err(refused(format!("{party} already cosigned the checkpoint of size {size}")));
    }
    let proof = match previous {
        Some(p) if p.size > 0 => merkle::consistency_proof(p.size, size, &StoreHashes(store))?,
        _ => Vec::new(),
    };
    let line = witness_cosign(key, &log, previous, &note, &proof, timestamp)?;
    store.ledger_add_cosignature(size, party, &line)?;
    with_cosignatures(store, size, &note)
}

/// Entry bytes at `index`.
pub fn leaf(store: &dyn LedgerStore, index: u64) -> Result<Vec<u8>> {
    Ok(store.ledger_entry(index)?.ok_or_else(|| LedgerAppError::Input(format!("no entry {index}")))?.body)
}

/// A C2SP tlog-proof for entry `index` against the latest checkpoint (with its cosignatures).
pub fn prove(store: &dyn LedgerStore, index: u64) -> Result<TlogProof> {
    let (size, note) = latest_checkpoint(store)?;
    if index >= size {
        return Err(LedgerAppError::Input(format!("entry {index} is not in the latest checkpoint (size {size})")));
    }
    let proof = merkle::inclusion_proof(size, index, &StoreHashes(store))?;
    Ok(TlogProof { extra: None, index, proof, checkpoint: note })
}

/// The consistency proof between two tree sizes, base64 hashes.
pub fn consistency(store: &dyn LedgerStore, old: u64, new: u64) -> Result<Vec<String>> {
    let size = store.ledger_size()?;
    if new > size {
        return Err(LedgerAppError::Input(format!("the log has {size} entries, not {new}")));
    }
    Ok(merkle::consistency_proof(old, new, &StoreHashes(store))?.iter().map(hash_b64).collect())
}

/// The outcome of `tally ledger verify`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verification {
    pub size: u64,
    pub checkpoints: usize,
    /// (checkpoint size, witness names) for cosigned checkpoints.
    pub cosigned: Vec<(u64, Vec<String>)>,
    /// The first entry index found bad, with why.
    pub first_bad: Option<(u64, String)>,
    /// Other problems (checkpoints, hashes), in the order found.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none() && self.problems.is_empty()
    }
}

/// Verifies the whole log from scratch: every entry's bytes against the stored tree, every stored
/// hash, every checkpoint's signature and root, every cosignature, and (if `statements`) every
/// entry's signature and rules.
pub fn verify(store: &dyn LedgerStore, statements: bool) -> Result<Verification> {
    let log = Verifier::parse(&log_vkey(store)?)?;
    let mut v = Verification { size: store.ledger_size()?, ..Verification::default() };
    let checkpoints = store.ledger_checkpoints()?;
    v.checkpoints = checkpoints.len();
    let want_roots: HashMap<u64, ()> = checkpoints.iter().map(|(s, _)| (*s, ())).collect();
    let mut roots: HashMap<u64, Hash> = HashMap::new();
    roots.insert(0, merkle::EMPTY_HASH);
    let mut rb = RootBuilder::new();
    let mut state = LedgerState::default();
    let mut bad: Option<(u64, String)> = None;
    let mut expected_next = 0u64;
    // Stored hashes are read in chunks alongside the entries.
    let mut pending: Vec<(u64, Hash)> = Vec::new();
    let mut store_err = None;
    let mut check_pending = |pending: &mut Vec<(u64, Hash)>, bad: &mut Option<(u64, String)>| {
        if pending.is_empty() {
            return;
        }
        let ids: Vec<u64> = pending.iter().map(|(i, _)| stored_hash_index(0, *i)).collect();
        match store.ledger_read_hashes(&ids) {
            Ok(hs) => {
                for ((i, h), s) in pending.iter().zip(hs) {
                    if s != h.0 && bad.is_none() {
                        *bad = Some((*i, "entry bytes do not match the stored leaf hash".into()));
                    }
                }
            }
            Err(e) => store_err = Some(e),
        }
        pending.clear();
    };
    store.ledger_scan(0, &mut |e| {
        if e.index != expected_next {
            if bad.is_none() {
                bad = Some((expected_next, "entry is missing".into()));
            }
            return false;
        }
        expected_next += 1;
        let h = leaf_hash(&e.body);
        rb.push(h);
        pending.push((e.index, h));
        if pending.len() == 4096 {
            check_pending(&mut pending, &mut bad);
        }
        if want_roots.contains_key(&rb.size()) {
            roots.insert(rb.size(), rb.root());
        }
        if statements {
            match state.admit(e.index, &e.body) {
                Ok(x) => state.apply(x),
                Err(err) => {
                    if bad.as_ref().is_none_or(|(i, _)| *i > e.index) {
                        bad = Some((e.index, err.to_string()));
                    }
                    // Keep the entry's place so later indexes stay aligned.
                    if let Ok(note) = Note::parse(&e.body) {
                        if let Ok(st) = Statement::from_text(&note.text) {
                            state.apply(Entry { index: e.index, leaf: h, statement: st, note });
                        }
                    }
                }
            }
        }
        true
    })?;
    check_pending(&mut pending, &mut bad);
    if let Some(e) = store_err {
        return Err(e.into());
    }
    // The stored tree above the leaves must also be right, or proofs would be wrong.
    if v.size > 0 {
        let stored_root = merkle::root(v.size, &StoreHashes(store))?;
        if stored_root != rb.root() {
            v.problems.push("stored tree hashes do not match the entries (proofs from this store would fail)".into());
        }
    }
    let witnesses = state.witness_vkeys();
    // Checkpoints in size order: the first whose root does not match the entries brackets the
    // bad entry between the last good checkpoint and it (one entry apart when every append is
    // checkpointed).
    let mut last_good = 0u64;
    let mut root_bad = None;
    for (size, note) in &checkpoints {
        let full = with_cosignatures(store, *size, note)?;
        match open_checkpoint(&full, &log, &witnesses) {
            Ok(cp) => {
                match roots.get(size) {
                    Some(r) if *r == cp.checkpoint.root => {
                        if root_bad.is_none() {
                            last_good = *size;
                        }
                    }
                    Some(_) => {
                        v.problems.push(format!("checkpoint {size}: root does not match the entries"));
                        if root_bad.is_none() {
                            root_bad = Some((
                                last_good,
                                format!(
                                    "entries {last_good}..{} do not match the signed checkpoint of size {size}",
                                    size - 1
                                ),
                            ));
                        }
                    }
                    None => v.problems.push(format!("checkpoint {size}: the log has only {} entries", v.size)),
                }
                if !cp.cosigners.is_empty() {
                    v.cosigned.push((*size, cp.cosigners.iter().map(|(n, _)| n.clone()).collect()));
                }
            }
            Err(e) => v.problems.push(format!("checkpoint {size}: {e}")),
        }
    }
    if let Some((i, why)) = root_bad {
        if bad.as_ref().is_none_or(|(b, _)| *b > i) {
            bad = Some((i, why));
        }
    }
    v.first_bad = bad;
    Ok(v)
}

/// Verifies an offline tlog-proof bundle for `entry` against the log key and witness keys.
/// Returns the names of the witnesses whose cosignatures verified.
pub fn verify_bundle(
    bundle: &str,
    entry: &[u8],
    log_vkey: &str,
    witness_vkeys: &[String],
) -> Result<(u64, Vec<String>)> {
    let p = TlogProof::parse(bundle)?;
    let log = Verifier::parse(log_vkey)?;
    let ws = witness_vkeys.iter().map(|w| Verifier::parse(w)).collect::<Result<Vec<_>, _>>()?;
    let cp = p.verify(entry, &log, &ws)?;
    Ok((cp.checkpoint.size, cp.cosigners.into_iter().map(|(n, _)| n).collect()))
}

/// A registered party's current verifier key (or its witness cosignature key).
pub fn party_vkey(store: &dyn LedgerStore, party: &str, cosignature: bool) -> Result<String> {
    let state = LedgerState::load(store)?;
    let p = state.party(party).ok_or_else(|| LedgerAppError::Input(format!("unknown party {party}")))?;
    Ok(if cosignature { cosignature_vkey_of(&p.keys[0]) } else { p.keys[0].vkey() })
}

/// Witness cosignature keys of all parties in the log (for offline checks).
pub fn witness_vkeys(store: &dyn LedgerStore) -> Result<Vec<String>> {
    Ok(LedgerState::load(store)?.witness_vkeys().iter().map(Verifier::vkey).collect())
}

pub use tally_ledger::note::{Note, NoteKey};
pub use tally_ledger::proof::TlogProof;
pub use tally_store::ledger::{LedgerStore as LedgerStoreTrait, NewLedgerEntry};
pub use tally_store::SqliteStore;

/// Hex RFC 6962 leaf hash of entry bytes.
pub fn leaf_hash_hex(entry: &[u8]) -> String {
    hex::encode(leaf_hash(entry).0)
}

/// The stored-hash id of leaf `index` (where its leaf hash lives in the store).
pub fn stored_leaf_hash_id(index: u64) -> u64 {
    stored_hash_index(0, index)
}

/// Standard base64 (entries as `tally ledger leaf` prints them).
pub fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub fn base64_decode(s: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).map_err(|e| LedgerAppError::Input(format!("base64: {e}")))
}

/// Opens (creating if needed) the database file.
pub fn open_store(path: &std::path::Path) -> Result<SqliteStore> {
    Ok(SqliteStore::open(path)?)
}

/// `YYYY-MM-DD` of a Unix time (UTC), for default statement dates; the caller reads the clock.
pub fn date_from_unix(secs: u64) -> String {
    let (y, m, d) = tally_domain::civil_from_days((secs / 86400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads a statement file (JSON: `kind` and the kind's fields, as in [`statement::Body`]), builds
/// its manifest from an optional `manifest_rows` array (lists and handovers; rows are kept
/// privately, only their Merkle root and count are logged), signs it by `by` with `key` and
/// appends it. `kind` fills in or checks the statement kind (`tally ledger handover add`).
/// `salt_seed` makes row salts deterministic (demos and tests only). Returns (entry, manifest).
pub fn add_statement_json(
    store: &mut dyn LedgerStore,
    json: &str,
    by: &str,
    key: &NoteKey,
    kind: Option<&str>,
    salt_seed: Option<&[u8]>,
) -> Result<(u64, Option<ManifestRef>)> {
    let input = |e: String| LedgerAppError::Input(format!("statement file: {e}"));
    let mut fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| input(e.to_string()))?;
    if let Some(k) = kind {
        match fields.get("kind").and_then(|v| v.as_str()) {
            None => {
                fields.insert("kind".into(), k.into());
            }
            Some(x) if x == k => {}
            Some(x) => return Err(input(format!("kind is {x:?}, expected {k:?}"))),
        }
    }
    let mut manifest = None;
    if let Some(rows) = fields.remove("manifest_rows") {
        let rows = rows.as_array().cloned().ok_or_else(|| input("manifest_rows is not an array".into()))?;
        if !rows.is_empty() {
            let (m, r) = build_manifest(&rows, salt_seed)?;
            fields.insert("manifest".into(), serde_json::to_value(&m).expect("manifest ref"));
            // Rows first: a crash before the append leaves private rows no entry refers to,
            // never a logged root whose rows are lost.
            store_manifest(store, &m, &r)?;
            manifest = Some(m);
        }
    }
    let body: Body = serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| input(e.to_string()))?;
    let bytes = sign_statement(&Statement::new(by, body), &[key])?;
    Ok((submit(store, &bytes)?, manifest))
}
