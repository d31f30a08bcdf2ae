//! SQLite implementation for this area.
