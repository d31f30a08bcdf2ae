//! Seeded synthetic world (issue 2).
