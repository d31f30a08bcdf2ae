//! Storage for Tally: one trait per area (records, links, ledger), and the SQLite backend that
//! implements them. This is the only crate that holds SQL.
//!
//! ```
//! use tally_store::{records::RecordStore, SqliteStore};
//! let store = SqliteStore::open_in_memory().unwrap();
//! assert_eq!(store.counts().unwrap().records, 0);
//! ```
//!
//! Architecture invariant: every write of one import happens inside one transaction
//! (`RecordStore::begin_import` .. `ImportWriter::finish`), so a crash or kill leaves the
//! store exactly as it was before the import began.

pub mod ledger;
pub mod links;
pub mod records;
pub mod sqlite;

pub use records::RecordStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("migration {version} ({name}): {source}")]
    Migrate {
        version: u32,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {version} is newer than this tally understands ({known}); upgrade tally")]
    TooNew { version: u32, known: u32 },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
    /// A caller's callback failed during an iteration (e.g. writing an export).
    #[error(transparent)]
    Callback(records::CallbackError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
