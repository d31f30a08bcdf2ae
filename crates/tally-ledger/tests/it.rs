//! Integration tests for the log core: published vectors, property tests, formats.

#![allow(clippy::disallowed_methods)] // tests read their fixtures

mod it {
    pub mod formats;
    pub mod props;
    pub mod vectors;
}
