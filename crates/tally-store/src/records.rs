//! Store trait for this area; see ARCHITECTURE.md.
