//! One module per subcommand family. Each parses flags, calls `tally-app`, prints.

pub mod import;
pub mod ledger;
pub mod link;
pub mod name;
pub mod synth;

use std::path::PathBuf;

/// Flags every subcommand shares.
#[derive(Debug, Clone)]
pub struct Global {
    pub db: PathBuf,
}
