//! The linker cache: a file next to the database (`<db>.linker`) holding the linker state and
//! the roll of the last `tally link`, so the next incremental run loads them instead of
//! rebuilding the linker from every stored record, pair and assignment (seconds at a million
//! records). It is an optimisation only: it is used when its fingerprint (last run id, record
//! count, model id, decision count, threshold) matches the store, and ignored otherwise;
//! deleting it never changes a result.
//!
//! Layout: magic, an FxHash checksum of the rest (taken over 1 MiB blocks, so it streams), then
//! three length-prefixed parts: the JSON fingerprint, the roll (`tally_linkage::roll_to_bytes`)
//! and the linker snapshot (`Linker::snapshot`).

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use tally_linkage::{Linker, Roll};

const MAGIC: &[u8; 8] = b"TALLYLC2";

/// The checksum is taken over blocks of this size, so the save can stream the body through it
/// (a snapshot at a million records is some hundreds of MB, and buffering it whole set the
/// peak memory of `tally link`).
const BLOCK: usize = 1 << 20;

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
    for block in bytes.chunks(BLOCK) {
        h.write(block);
    }
    h.finish()
}

/// Writes through to `inner` in whole blocks, checksumming each as [`checksum`] does.
struct Summing<W: Write> {
    inner: W,
    buf: Vec<u8>,
    hash: rustc_hash::FxHasher,
}

impl<W: Write> Summing<W> {
    fn flush_block(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.hash.write(&self.buf);
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<(W, u64)> {
        self.flush_block()?;
        Ok((self.inner, self.hash.finish()))
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, mut data: &[u8]) -> std::io::Result<usize> {
        let n = data.len();
        while !data.is_empty() {
            let take = (BLOCK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() == BLOCK {
                self.flush_block()?;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Write the cache atomically (a temporary file renamed over the old one), streaming the
/// snapshot to disk rather than building it in memory first.
pub fn save(path: &Path, fp: &Fingerprint, roll: &Roll, linker: &Linker) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let meta = serde_json::to_vec(fp).map_err(std::io::Error::other)?;
    let roll = tally_linkage::roll_to_bytes(roll);
    let tmp = path.with_extension(format!("linker.tmp{}", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&[0u8; 8])?; // the checksum, written once the body is
        let mut body =
            Summing { inner: std::io::BufWriter::new(f), buf: Vec::with_capacity(BLOCK), hash: Default::default() };
        for part in [&meta[..], &roll[..]] {
            body.write_all(&(part.len() as u64).to_le_bytes())?;
            body.write_all(part)?;
        }
        linker.write_snapshot(&mut body).map_err(std::io::Error::other)?;
        let (w, sum) = body.finish()?;
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.seek(SeekFrom::Start(8))?;
        f.write_all(&sum.to_le_bytes())?;
        // No fsync: a cache lost or torn by a crash fails its checksum and is not used, and
        // syncing some hundreds of MB would cost more than the cache saves.
        drop(f);
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
