//! Integration tests of tally-names: conformance vectors, properties, rankings.

#[path = "it/translit.rs"]
mod translit;
