//! The linker cache: a file next to the database (`<db>.linker`) holding the linker state and
//! the roll of the last `tally link`, so the next incremental run loads them instead of
//! rebuilding the linker from every stored record, pair and assignment (seconds at a million
//! records). It is an optimisation only: it is used when its fingerprint (last run id, record
//! count, model id, decision count, threshold) matches the store, and ignored otherwise;
//! deleting it never changes a result.
//!
//! Layout: magic, then segments, each `kind` (1 byte), payload length and an FxHash checksum
//! of the payload (of each 1 MiB block, then of those hashes: a large payload streams through
//! it on save and is checked in parallel on load), then the
//! payload. The first segment is the base: the JSON fingerprint, the roll by record index
//! ([`RollRows`]) and the linker snapshot (`Linker::write_snapshot`). Each later segment is a
//! delta an incremental run appended instead of rewriting the base (some hundreds of MB at a
//! million records, for a run that added a thousand): its fingerprint, the records it added,
//! the pairs it kept for them and the roll rows that changed. Loading replays the deltas on the
//! base (`Linker::add_scored`: no blocking or scoring again). A run that cannot append (no
//! usable cache, a full run, pairs dropped from a block that grew over the cap, or deltas grown
//! past a twentieth of the base (or 10,000 records, if more) or 32 segments) writes a new base. Any damaged segment makes
//! the whole cache unusable, and the run falls back to the store.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use tally_domain::{PersonId, Record};
use tally_linkage::{Assignment, Clustering, Flag, Linker, Roll, ScoredPair};

const MAGIC: &[u8; 8] = b"TALLYLC4";
const KIND_BASE: u8 = 1;
const KIND_DELTA: u8 = 2;
/// Segment header: kind, payload length, checksum.
const SEG_HEADER: usize = 1 + 8 + 8;

/// The checksum is taken over blocks of this size, so the save can stream the body through it
/// (a snapshot at a million records is some hundreds of MB, and buffering it whole set the
/// peak memory of `tally link`).
const BLOCK: usize = 1 << 20;

/// Deltas are compacted into a new base when they hold more than this share of the base's
/// records, or [`MIN_DELTA_ROOM`] if that is more (replaying them costs a little on every
/// load; below some thousands of records, little at all) ...
const MAX_DELTA_SHARE: f64 = 0.05;
const MIN_DELTA_ROOM: f64 = 10_000.0;
/// ... or there are this many.
const MAX_DELTAS: usize = 32;

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

/// A roll by record index of a linker's table (instead of by record key, which would store
/// every key again): what the cache keeps, and what a delta changes row by row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RollRows {
    pub person: Vec<i64>,
    pub probability: Vec<f64>,
    pub label: Vec<u32>,
    pub flags: Vec<Flag>,
    pub refused: u64,
    pub persons: u64,
    pub next_id: i64,
}

impl RollRows {
    /// The rows of `roll`, a roll of `linker` (its assignments in the linker's key order).
    pub fn of(roll: &Roll, linker: &Linker) -> Result<RollRows, String> {
        let order = linker.order();
        let n = linker.table.len();
        if roll.assignments.len() != n || order.len() != n || roll.clustering.label.len() != n {
            return Err("the roll does not fit the linker".into());
        }
        let mut person = vec![0i64; n];
        let mut probability = vec![0f64; n];
        for (a, &r) in roll.assignments.iter().zip(order) {
            person[r as usize] = a.person.0;
            probability[r as usize] = a.probability;
        }
        // Spot-check the pairing of assignments and key order (comparing every key costs more
        // than the rest of this).
        for (a, &r) in roll.assignments.iter().zip(order).step_by((n / 256).max(1)) {
            if a.record != linker.table.keys[r as usize] {
                return Err("the roll is not in the linker's key order".into());
            }
        }
        Ok(RollRows {
            person,
            probability,
            label: roll.clustering.label.clone(),
            flags: roll.clustering.flags.clone(),
            refused: roll.clustering.refused,
            persons: roll.persons,
            next_id: roll.next_id,
        })
    }

    /// The roll these rows are, for `linker` (no events: as a roll rebuilt from a store).
    pub fn to_roll(&self, linker: &Linker) -> Roll {
        let t = &linker.table;
        let assignments = linker
            .order()
            .iter()
            .map(|&r| {
                let ru = r as usize;
                Assignment {
                    record: t.keys[ru].clone(),
                    person: PersonId(self.person[ru]),
                    probability: self.probability[ru],
                }
            })
            .collect();
        Roll {
            assignments,
            persons: self.persons,
            next_id: self.next_id,
            events: Vec::new(),
            clustering: Clustering { label: self.label.clone(), flags: self.flags.clone(), refused: self.refused },
        }
    }

    fn len(&self) -> usize {
        self.person.len()
    }
}

/// What an incremental run appends: the records it added (without raw cells), the pairs the
/// linker kept for them, and the roll rows that changed (new records' rows included).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Delta {
    /// The run whose state this delta applies to.
    base_run: i64,
    records: Vec<Record>,
    pairs: Vec<ScoredPair>,
    /// (record index, person, probability, label), by record index.
    changed: Vec<(u32, i64, f64, u32)>,
    flags: Vec<Flag>,
    refused: u64,
    persons: u64,
    next_id: i64,
}

/// A segment's checksum: the FxHash of each block, then of the blocks' hashes in order, so
/// that loading sums the blocks in parallel and saving streams through them.
fn checksum(bytes: &[u8]) -> u64 {
    use rayon::prelude::*;
    let blocks: Vec<u64> = bytes.par_chunks(BLOCK).map(block_hash).collect();
    combine(&blocks)
}

fn block_hash(block: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(block);
    h.finish()
}

fn combine(blocks: &[u64]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    for &b in blocks {
        h.write_u64(b);
    }
    h.write_usize(blocks.len());
    h.finish()
}

/// The whole file, read in parallel pieces: most of the cost of reading some hundreds of MB
/// from the page cache is faulting in the destination pages, which two threads halve.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt;
        const PIECE: usize = 8 << 20;
        let f = std::fs::File::open(path)?;
        let len = usize::try_from(f.metadata()?.len()).map_err(std::io::Error::other)?;
        let mut buf = vec![0u8; len];
        buf.par_chunks_mut(PIECE).enumerate().try_for_each(|(i, piece)| f.read_exact_at(piece, (i * PIECE) as u64))?;
        Ok(buf)
    }
    #[cfg(not(unix))]
    {
        std::fs::read(path)
    }
}

/// Writes through to `inner` in whole blocks, checksumming each as [`checksum`] does.
struct Summing<W: Write> {
    inner: W,
    buf: Vec<u8>,
    blocks: Vec<u64>,
    len: u64,
}

impl<W: Write> Summing<W> {
    fn flush_block(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.blocks.push(block_hash(&self.buf));
            self.inner.write_all(&self.buf)?;
            self.len += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<(W, u64, u64)> {
        self.flush_block()?;
        Ok((self.inner, combine(&self.blocks), self.len))
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

fn part(w: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)
}

/// Write a new cache (a base segment, no deltas) atomically (a temporary file renamed over
/// the old one), streaming the snapshot to disk rather than building it in memory first.
pub fn save(path: &Path, fp: &Fingerprint, rows: &RollRows, linker: &Linker) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let meta = serde_json::to_vec(fp).map_err(std::io::Error::other)?;
    let rows = bincode::serialize(rows).map_err(std::io::Error::other)?;
    let tmp = path.with_extension(format!("linker.tmp{}", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&[KIND_BASE])?;
        f.write_all(&[0u8; 16])?; // length and checksum, written once the payload is
        let mut body =
            Summing { inner: std::io::BufWriter::new(f), buf: Vec::with_capacity(BLOCK), blocks: Vec::new(), len: 0 };
        part(&mut body, &meta)?;
        part(&mut body, &rows)?;
        linker.write_snapshot(&mut body).map_err(std::io::Error::other)?;
        let (w, sum, len) = body.finish()?;
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.seek(SeekFrom::Start(MAGIC.len() as u64 + 1))?;
        f.write_all(&len.to_le_bytes())?;
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

/// What an incremental run that loaded the cache needs to append a delta instead of
/// rewriting it: the file as it was loaded, and the state the run started from.
pub struct Base {
    /// Length of the file when loaded (an append checks nothing else wrote to it since).
    file_len: u64,
    base_records: u64,
    delta_records: u64,
    deltas: usize,
    run_id: i64,
    /// The roll rows and kept-pair count of the loaded state.
    rows: RollRows,
    pairs: usize,
}

impl Base {
    /// The roll rows of the loaded state.
    pub fn rows(&self) -> &RollRows {
        &self.rows
    }

    /// Whether another delta keeps within the compaction bounds.
    fn room_for(&self, records: usize) -> bool {
        self.deltas < MAX_DELTAS
            && ((self.delta_records + records as u64) as f64)
                <= (MAX_DELTA_SHARE * self.base_records as f64).max(MIN_DELTA_ROOM)
    }
}

/// Save the state after an incremental run that loaded the cache as `base`: append a delta
/// when it fits (returns `Ok(true)`), else write a new base (`Ok(false)`).
pub fn save_after(
    path: &Path,
    base: &Base,
    fp: &Fingerprint,
    rows: &RollRows,
    linker: &Linker,
    records: &[Record],
) -> std::io::Result<bool> {
    match delta(base, rows, linker, records) {
        Some(d) => {
            append(path, base, fp, &d)?;
            Ok(true)
        }
        None => save(path, fp, rows, linker).map(|()| false),
    }
}

/// The delta from `base` to the state after the run, if it can be one: the run only added
/// (no pair dropped) and the deltas stay within bounds.
fn delta(base: &Base, rows: &RollRows, linker: &Linker, records: &[Record]) -> Option<Delta> {
    let old_n = base.rows.len();
    let n = linker.table.len();
    if n != old_n + records.len() || !base.room_for(records.len()) || linker.pairs.len() < base.pairs {
        return None;
    }
    // `add` keeps the old pairs in place (unless a block grew over the cap and dropped some)
    // and appends the new ones, each of which touches a new record.
    let (old, new) = linker.pairs.split_at(base.pairs);
    let is_old = |p: &ScoredPair| (p.a as usize) < old_n && (p.b as usize) < old_n;
    if !old.iter().all(is_old) || new.iter().any(is_old) {
        return None;
    }
    if rows.len() != n {
        return None;
    }
    let b = &base.rows;
    let changed = (0..n)
        .filter(|&r| {
            r >= old_n
                || rows.person[r] != b.person[r]
                || rows.probability[r].to_bits() != b.probability[r].to_bits()
                || rows.label[r] != b.label[r]
        })
        .map(|r| (r as u32, rows.person[r], rows.probability[r], rows.label[r]))
        .collect();
    let records = records.iter().map(|r| Record { raw: Vec::new(), ..r.clone() }).collect();
    Some(Delta {
        base_run: base.run_id,
        records,
        pairs: new.to_vec(),
        changed,
        flags: rows.flags.clone(),
        refused: rows.refused,
        persons: rows.persons,
        next_id: rows.next_id,
    })
}

fn append(path: &Path, base: &Base, fp: &Fingerprint, d: &Delta) -> std::io::Result<()> {
    let mut payload = Vec::new();
    part(&mut payload, &serde_json::to_vec(fp).map_err(std::io::Error::other)?)?;
    bincode::serialize_into(&mut payload, d).map_err(std::io::Error::other)?;
    let mut seg = Vec::with_capacity(SEG_HEADER + payload.len());
    seg.push(KIND_DELTA);
    seg.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    seg.extend_from_slice(&checksum(&payload).to_le_bytes());
    seg.extend_from_slice(&payload);
    let mut f = std::fs::OpenOptions::new().append(true).open(path)?;
    if f.metadata()?.len() != base.file_len {
        return Err(std::io::Error::other("the cache file changed since it was loaded"));
    }
    // One write: a crash may tear it, and a torn segment fails its checksum.
    f.write_all(&seg)
}

/// A cache file read and checked: its effective fingerprint (the last segment's), and
/// (lazily, since they cost) the roll and the linker. An error says why the file cannot be
/// used.
pub struct Loaded {
    pub fingerprint: Fingerprint,
    bytes: Vec<u8>,
    /// Payload ranges: the base's roll rows and linker snapshot, and each delta's body.
    rows: std::ops::Range<usize>,
    linker: std::ops::Range<usize>,
    deltas: Vec<std::ops::Range<usize>>,
    /// The run id of the base and of each delta, in order (each delta applies to the one
    /// before it).
    runs: Vec<i64>,
    base_records: u64,
}

/// A length-prefixed part at `*at` within `bytes[..end]`.
fn read_part(bytes: &[u8], at: &mut usize, end: usize) -> Option<std::ops::Range<usize>> {
    let len = u64::from_le_bytes(bytes.get(*at..*at + 8)?.try_into().ok()?) as usize;
    let r = *at + 8..(*at + 8).checked_add(len)?;
    if r.end > end {
        return None;
    }
    *at = r.end;
    Some(r)
}

impl Loaded {
    pub fn read(path: &Path) -> Result<Loaded, String> {
        let bytes = match read_file(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no linker cache".into()),
            Err(e) => return Err(format!("linker cache unreadable: {e}")),
        };
        let damaged = || "linker cache damaged".to_string();
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err("linker cache of another format".into());
        }
        let mut at = MAGIC.len();
        let mut segments = Vec::new();
        while at < bytes.len() {
            let head = bytes.get(at..at + SEG_HEADER).ok_or_else(damaged)?;
            let kind = head[0];
            let len = u64::from_le_bytes(head[1..9].try_into().map_err(|_| damaged())?) as usize;
            let sum = u64::from_le_bytes(head[9..17].try_into().map_err(|_| damaged())?);
            let start = at + SEG_HEADER;
            let end = start.checked_add(len).filter(|&e| e <= bytes.len()).ok_or_else(damaged)?;
            if checksum(&bytes[start..end]) != sum {
                return Err(damaged());
            }
            segments.push((kind, start, end));
            at = end;
        }
        let Some(&(KIND_BASE, start, end)) = segments.first() else { return Err(damaged()) };
        let mut p = start;
        let meta = read_part(&bytes, &mut p, end).ok_or_else(damaged)?;
        let rows = read_part(&bytes, &mut p, end).ok_or_else(damaged)?;
        let linker = p..end;
        let base_fp: Fingerprint = serde_json::from_slice(&bytes[meta]).map_err(|_| damaged())?;
        let mut fingerprint = base_fp.clone();
        let mut runs = vec![base_fp.run_id];
        let mut deltas = Vec::new();
        for &(kind, start, end) in &segments[1..] {
            if kind != KIND_DELTA {
                return Err(damaged());
            }
            let mut p = start;
            let meta = read_part(&bytes, &mut p, end).ok_or_else(damaged)?;
            fingerprint = serde_json::from_slice(&bytes[meta]).map_err(|_| damaged())?;
            runs.push(fingerprint.run_id);
            deltas.push(p..end);
        }
        Ok(Loaded { fingerprint, bytes, rows, linker, deltas, runs, base_records: base_fp.records })
    }

    /// The roll, the linker, and what a delta of the next run builds on.
    pub fn open(self) -> Result<(Roll, Linker, Base), String> {
        let bad = |e: String| format!("linker cache unusable: {e}");
        let mut rows: RollRows =
            bincode::deserialize(&self.bytes[self.rows.clone()]).map_err(|e| bad(e.to_string()))?;
        let mut linker = Linker::from_snapshot(&self.bytes[self.linker.clone()]).map_err(|e| e.to_string())?;
        if rows.len() != linker.table.len() || rows.probability.len() != rows.len() || rows.label.len() != rows.len() {
            return Err("linker cache damaged".into());
        }
        // Deltas: roll rows in turn, records and pairs all at once (one merge of the block
        // index instead of one per delta; `add_scored` refuses if that would differ).
        let mut records = Vec::new();
        let mut pairs = Vec::new();
        let mut delta_records = 0u64;
        for (i, r) in self.deltas.iter().enumerate() {
            let d: Delta = bincode::deserialize(&self.bytes[r.clone()]).map_err(|e| bad(e.to_string()))?;
            if d.base_run != self.runs[i] {
                return Err(bad("deltas out of sequence".into()));
            }
            let n = rows.len() + d.records.len();
            rows.person.resize(n, 0);
            rows.probability.resize(n, 0.0);
            rows.label.resize(n, 0);
            for &(r, person, probability, label) in &d.changed {
                let r = r as usize;
                if r >= n {
                    return Err("linker cache damaged".into());
                }
                (rows.person[r], rows.probability[r], rows.label[r]) = (person, probability, label);
            }
            (rows.flags, rows.refused, rows.persons, rows.next_id) = (d.flags, d.refused, d.persons, d.next_id);
            delta_records += d.records.len() as u64;
            records.extend(d.records);
            pairs.extend(d.pairs);
        }
        if !records.is_empty() {
            linker.add_scored(&records, &pairs).map_err(|e| bad(e.to_string()))?;
        }
        if rows.len() != linker.table.len() {
            return Err("linker cache damaged".into());
        }
        let roll = rows.to_roll(&linker);
        let base = Base {
            file_len: self.bytes.len() as u64,
            base_records: self.base_records,
            delta_records,
            deltas: self.deltas.len(),
            run_id: self.fingerprint.run_id,
            pairs: linker.pairs.len(),
            rows,
        };
        Ok((roll, linker, base))
    }
}
