//! Saved linker state: everything [`Linker::add`] and [`Linker::roll_incremental`] need (the
//! encoded table, block index, model, kept pairs, key order, settings, blocking report and
//! error estimate), as bytes, so a caller that keeps them need not rebuild the linker from
//! stored records and pairs before linking a few new records.
//!
//! Bytes in, bytes out: where the bytes live is the caller's business. The format is bincode
//! behind a header (magic, format version, crate version); any mismatch or damage is an error,
//! never a wrong linker. A linker is four length-prefixed parts (the rest of the linker, the
//! table's keys and names, the rest of the table, the block index), read in parallel: as one
//! bincode stream they took 0.33 s of the 0.87 s that linking 1,000 new records into a 1M roll
//! took. The prepared name forms are kept in part (they borrow static tables of the names
//! crate): their normalised and canonical forms and roles, the costly part, from which the rest
//! is made again on load, in parallel. The memo of name verdicts is left out (an empty one gives
//! the same verdicts).

use crate::blocking::BlockIndex;
use crate::linker::{LinkError, Linker, Roll};
use crate::table::{Table, TableNames};
use std::io::Write;

const MAGIC: &[u8; 8] = b"TALLYLNK";
/// Bump when anything serialised changes shape (5: the scorer's name-frequency floor per part,
/// and frequencies shrunk towards the average, so an older cache would score differently; 6:
/// a linker in four parts; 7: region values carry their area, a city and the region around it; 8: a
/// region written inside the settlement is read as the region; 9: abbreviated ranks such as
/// «ст. сержант» find their grade, so a cached rank key can differ from a fresh one; 10: colloquial
/// region names («Житомирщина») and a region written before the settlement are read as regions; 11: a
/// record linked about equally to two different people of one list joins neither, so a cached roll
/// may differ from a fresh one; 12: that rule's margin follows the link threshold, so a roll cached
/// at a threshold other than 0.95 may differ from a fresh one; 13: the model's parameters carry
/// `name_free_pairs`, and the comparator and its shortcut call more slips close, so a cached
/// roll may differ from a fresh one; 14: the birth date's "same_month" level, which moves the
/// pattern bits of birth dates that used to be "different"; 15: the close surname split per pair
/// of lists, in the parameters and in the scorer).
pub const SNAPSHOT_VERSION: u32 = 15;
const KIND_LINKER: u8 = 1;
const KIND_ROLL: u8 = 2;

fn header(kind: u8) -> Vec<u8> {
    let mut h = Vec::with_capacity(64);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    h.push(kind);
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    h.push(v.len() as u8);
    h.extend_from_slice(v);
    h
}

/// The body after a valid header of `kind`.
fn body(bytes: &[u8], kind: u8) -> Result<&[u8], LinkError> {
    let bad = |m: String| Err(LinkError::Snapshot(m));
    if bytes.len() < 14 || &bytes[..8] != MAGIC {
        return bad("not a linker snapshot".into());
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != SNAPSHOT_VERSION {
        return bad(format!("format version {version}; this tally reads version {SNAPSHOT_VERSION}"));
    }
    if bytes[12] != kind {
        return bad("wrong kind of snapshot".into());
    }
    let n = bytes[13] as usize;
    let Some(v) = bytes.get(14..14 + n) else { return bad("truncated header".into()) };
    if v != env!("CARGO_PKG_VERSION").as_bytes() {
        return bad(format!("written by tally-linkage {}", String::from_utf8_lossy(v)));
    }
    Ok(&bytes[14 + n..])
}

fn encode_err(e: bincode::Error) -> LinkError {
    LinkError::Snapshot(e.to_string())
}

impl Linker {
    /// Write the linker's state to `w` (see the module docs).
    pub fn write_snapshot<W: Write>(&self, mut w: W) -> Result<(), LinkError> {
        let io = |e: std::io::Error| LinkError::Snapshot(e.to_string());
        w.write_all(&header(KIND_LINKER)).map_err(io)?;
        write_part(&mut w, self)?;
        write_part(&mut w, &self.table.names_part())?;
        write_part(&mut w, &self.table)?;
        write_part(&mut w, &self.index)?;
        w.flush().map_err(io)
    }

    /// The linker's state as bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail, and every field serialises.
        self.write_snapshot(&mut out).expect("a linker serialises into memory");
        out
    }

    /// A linker from [`Linker::snapshot`] bytes; an error if they are not one, are damaged or
    /// come from another format version.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Linker, LinkError> {
        let mut at = body(bytes, KIND_LINKER)?;
        let mut part = || read_part(&mut at);
        let (rest, names, table, index) = (part()?, part()?, part()?, part()?);
        if !at.is_empty() {
            return Err(LinkError::Snapshot("trailing bytes".into()));
        }
        // Two tasks per core: the table's names are the largest part, the others come close.
        let ((l, index), (names, table)) = rayon::join(
            || rayon::join(|| de::<Linker>(rest), || de::<BlockIndex>(index)),
            || rayon::join(|| de::<TableNames>(names), || de::<Table>(table)),
        );
        let (mut l, mut table) = (l?, table?);
        table.set_names_part(names?);
        (l.table, l.index) = (table, index?);
        restore_table(&mut l.table)?;
        l.check_snapshot()?;
        Ok(l)
    }
}

/// One part's value from its bincode.
fn de<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, LinkError> {
    bincode::deserialize(b).map_err(encode_err)
}

/// Write one part: its length, then its bincode.
fn write_part<W: Write, T: serde::Serialize>(w: &mut W, v: &T) -> Result<(), LinkError> {
    let len = bincode::serialized_size(v).map_err(encode_err)?;
    w.write_all(&len.to_le_bytes()).map_err(|e| LinkError::Snapshot(e.to_string()))?;
    bincode::serialize_into(w, v).map_err(encode_err)
}

/// The next part of `at` (see [`write_part`]), advancing past it.
fn read_part<'a>(at: &mut &'a [u8]) -> Result<&'a [u8], LinkError> {
    let short = || LinkError::Snapshot("truncated".into());
    let len: [u8; 8] = at.get(..8).ok_or_else(short)?.try_into().map_err(|_| short())?;
    let len = usize::try_from(u64::from_le_bytes(len)).map_err(|_| short())?;
    let part = at.get(8..8usize.checked_add(len).ok_or_else(short)?).ok_or_else(short)?;
    *at = &at[8 + len..];
    Ok(part)
}

/// Check the name dictionaries (their prepared forms are finished as they are read).
fn restore_table(t: &mut Table) -> Result<(), LinkError> {
    for d in &mut t.names {
        if d.key_hash.len() != d.raw.len() || d.prepared.len() != d.raw.len() {
            return Err(LinkError::Snapshot("inconsistent name dictionary".into()));
        }
    }
    Ok(())
}

/// A roll as bytes (to keep beside a linker snapshot as the base of the next incremental roll).
pub fn roll_to_bytes(roll: &Roll) -> Vec<u8> {
    let mut out = header(KIND_ROLL);
    bincode::serialize_into(&mut out, roll).expect("a roll serialises into memory");
    out
}

/// A roll from [`roll_to_bytes`] bytes.
pub fn roll_from_bytes(bytes: &[u8]) -> Result<Roll, LinkError> {
    bincode::deserialize(body(bytes, KIND_ROLL)?).map_err(encode_err)
}
