//! Storage for Tally: one trait per area (records, links, ledger), and the SQLite backend that
//! implements them. This is the only crate that holds SQL.

pub mod ledger;
pub mod links;
pub mod records;
pub mod sqlite;

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
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
