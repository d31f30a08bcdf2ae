//! Tally's use cases, shared by the CLI and (later) the server.

pub mod demo;
pub mod export;
pub mod import;
pub mod ledger;
pub mod link;
pub mod link_cache;
pub mod synth;
