//! Integration tests for the log core: published vectors, property tests, formats.

mod it {
    pub mod formats;
    pub mod props;
    pub mod vectors;
}
