//! The linker cache: a file next to the database (`<db>.linker`) holding the linker state and
//! the roll of the last `tally link`, so the next incremental run loads them instead of
//! rebuilding the linker from every stored record, pair and assignment (seconds at a million
//! records). It is an optimisation only: it is used when its fingerprint (last run id, record
//! count, model id, decision count, threshold) matches the store, and ignored otherwise;
//! deleting it never changes a result.
//!
//! Layout: magic, an FxHash checksum of the rest, then three length-prefixed parts: the JSON
//! fingerprint, the roll (`tally_linkage::roll_to_bytes`) and the linker snapshot
//! (`Linker::snapshot`).

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use tally_linkage::{Linker, Roll};

const MAGIC: &[u8; 8] = b"TALLYLC1";

/// The cache file of the database at `db`.
pub fn cache_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".linker");
    PathBuf::from(s)
}

/// The store state a cache was written for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    pub run_id: i64,
    /// Records in the roll (every record in the store at that run).
    pub records: u64,
    pub model_id: i64,
    pub decisions: u64,
    pub threshold: f64,
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// Write the cache atomically (a temporary file renamed over the old one).
pub fn save(path: &Path, fp: &Fingerprint, roll: &Roll, linker: &Linker) -> std::io::Result<()> {
    let mut body = Vec::new();
    let meta = serde_json::to_vec(fp).map_err(std::io::Error::other)?;
    let roll = tally_linkage::roll_to_bytes(roll);
    for part in [&meta[..], &roll[..]] {
        body.extend_from_slice(&(part.len() as u64).to_le_bytes());
        body.extend_from_slice(part);
    }
    linker.write_snapshot(&mut body).map_err(std::io::Error::other)?;
    let tmp = path.with_extension(format!("linker.tmp{}", std::process::id()));
    let res = (|| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        f.write_all(MAGIC)?;
        f.write_all(&checksum(&body).to_le_bytes())?;
        f.write_all(&body)?;
        // No fsync: a cache lost or torn by a crash fails its checksum and is not used, and
        // syncing some hundreds of MB would cost more than the cache saves.
        f.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Remove a cache that no longer fits the store (so a failed save never leaves a stale one in
/// the way; a stale one would not match anyway).
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// The parts of a cache file: its fingerprint, then (lazily, since they cost) the roll and
/// the linker. An error says why the file cannot be used.
pub struct Loaded {
    pub fingerprint: Fingerprint,
    bytes: Vec<u8>,
    roll: std::ops::Range<usize>,
    linker: std::ops::Range<usize>,
}

impl Loaded {
    pub fn read(path: &Path) -> Result<Loaded, String> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no linker cache".into()),
            Err(e) => return Err(format!("linker cache unreadable: {e}")),
        };
        let damaged = || "linker cache damaged".to_string();
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err("linker cache of another format".into());
        }
        let sum = u64::from_le_bytes(bytes[8..16].try_into().map_err(|_| damaged())?);
        if checksum(&bytes[16..]) != sum {
            return Err(damaged());
        }
        let mut at = 16;
        let mut part = |bytes: &[u8]| -> Result<std::ops::Range<usize>, String> {
            let len = bytes.get(at..at + 8).ok_or_else(damaged)?;
            let len = u64::from_le_bytes(len.try_into().map_err(|_| damaged())?) as usize;
            let r = at + 8..(at + 8).checked_add(len).ok_or_else(damaged)?;
            if r.end > bytes.len() {
                return Err(damaged());
            }
            at = r.end;
            Ok(r)
        };
        let meta = part(&bytes)?;
        let roll = part(&bytes)?;
        let linker = at..bytes.len();
        let fingerprint = serde_json::from_slice(&bytes[meta]).map_err(|_| damaged())?;
        Ok(Loaded { fingerprint, bytes, roll, linker })
    }

    /// The roll and the linker.
    pub fn open(self) -> Result<(Roll, Linker), String> {
        let roll = tally_linkage::roll_from_bytes(&self.bytes[self.roll.clone()]).map_err(|e| e.to_string())?;
        let linker = Linker::from_snapshot(&self.bytes[self.linker.clone()]).map_err(|e| e.to_string())?;
        Ok((roll, linker))
    }
}
