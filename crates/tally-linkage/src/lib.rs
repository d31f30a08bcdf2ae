//! Probabilistic record linkage (issue 4): records from many lists become one roll of persons.
//!
//! Pure: takes records, returns scored links and persons; does no IO, reads no clock, and
//! draws random pairs only from a seeded generator.
//!
//! The pipeline, in [`Linker`]:
//! 1. [`table`]: records are dictionary-encoded into columns; each distinct name is prepared
//!    once by `tally-names`.
//! 2. [`blocking`]: several unioned rules over cross-script name keys, birth dates and places
//!    choose the candidate pairs; pair counts, oversized blocks and an estimate of blocking
//!    recall are reported.
//! 3. [`compare`]: each pair becomes a packed integer pattern of per-field comparison levels
//!    ([`levels`]); each distinct pair of differing names is compared once.
//! 4. [`model`]: Fellegi-Sunter. u from seeded random pairs, m and the prior by EM on counted
//!    patterns (fastLink), term-frequency adjustment for names; [`Params`] carry the seed and a
//!    hash of the input.
//! 5. [`cluster`]: greedy merging from the strongest link down within each component, refusing
//!    merges that would join two sexes, conflicting day-precise birth dates or a human
//!    cannot-link; stable person ids. After [`Linker::add`], [`Linker::roll_incremental`]
//!    re-clusters only the components that hold a new record and carries the rest of the
//!    previous roll over (equal to clustering everything again).
//! 6. [`snapshot`]: the linker state as bytes, so an incremental run can start from it.
//! 7. [`eval`]: pairwise and B-cubed P/R/F1, calibration, label-free error estimates.
//!
//! ```
//! use tally_domain::{ParsedFields, PartialDate, Record, RecordKey};
//! use tally_linkage::{Decisions, LinkConfig, Linker};
//! let rec = |src: &str, id: &str, s: &str, g: &str| Record {
//!     id: 0,
//!     key: RecordKey::new(src, id),
//!     line: 1,
//!     raw: vec![],
//!     fields: ParsedFields {
//!         surname: Some(s.into()),
//!         given_name: Some(g.into()),
//!         birth_date: Some(PartialDate::ymd(1990, 3, 4).unwrap()),
//!         ..Default::default()
//!     },
//! };
//! let records = vec![rec("a", "1", "Shevchenko", "Oleksandr"), rec("b", "7", "Shevchenko", "Oleksandr")];
//! let linker = Linker::train(&records, LinkConfig::default()).unwrap();
//! let roll = linker.roll(&Decisions::default(), &Default::default(), 1);
//! assert_eq!(roll.assignments.len(), 2);
//! ```

pub mod blocking;
pub mod close;
pub mod cluster;
pub mod compare;
pub mod eval;
pub mod levels;
pub mod linker;
pub mod model;
pub mod names;
pub mod snapshot;
pub mod table;

pub use blocking::{BlockKey, BlockingConfig, BlockingReport, KeyField, Rule};
pub use cluster::{Clustering, Flag, IdEvent};
pub use eval::{
    calibration, calibration_by_context, error_estimate, evaluate, max_calibration_gap, CalibrationBin,
    ContextCalibration, ErrorEstimate, Evaluation, PairContext, Prf,
};
pub use linker::{Assignment, Decisions, Explanation, LinkConfig, LinkError, Linker, Roll, ScoredPair, Step};
pub use model::{Params, TrainConfig};
pub use rustc_hash::FxHashMap;
pub use snapshot::{roll_from_bytes, roll_to_bytes, SNAPSHOT_VERSION};
