//! The vocabulary every other Tally crate speaks: sources, records, persons, status history,
//! dates that carry their precision, and aggregate claims.
//!
//! This crate does no IO, reads no clock and holds no randomness: it is plain data plus the
//! rules that keep that data honest (above all, a date never claims more precision than its
//! source gave).
//!
//! ```
//! use tally_domain::{PartialDate, Precision};
//! let d = PartialDate::year(1996);
//! assert_eq!(d.precision(), Precision::Year);
//! assert_eq!(d.to_string(), "1996");
//! assert!(d.contains(PartialDate::ymd(1996, 1, 5).unwrap()));
//! ```

mod claim;
mod date;
mod record;
mod source;
mod status;

pub use claim::Claim;
pub use date::{civil_from_days, days_from_civil, days_in_month, DateError, PartialDate, Precision};
pub use record::{Field, ParsedFields, Record, RecordKey, Sex};
pub use source::{Source, SourceKind, SourceKindError};
pub use status::{Status, StatusEntry, StatusError};

/// A person's stable identifier. It is minted once, when a cluster of records first appears,
/// and survives re-linking for as long as any of its records persist (see `tally-linkage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub i64);

impl std::fmt::Display for PersonId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// Hex-encoded SHA-256 of the original bytes of an imported file: the address under which
/// those bytes are kept, and the proof that a record came from exactly them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ContentHash(pub String);

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
