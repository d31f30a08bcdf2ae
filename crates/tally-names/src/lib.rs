//! Names across scripts (issue 3). Pure: no IO, no clock, no randomness.
//! Filled in by the names work; the public API other crates rely on is listed in ARCHITECTURE.md.
