//! Use case module; see ARCHITECTURE.md.
