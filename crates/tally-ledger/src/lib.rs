//! Append-only Merkle log with C2SP notes, checkpoints and proofs (issue 5). Pure: knows bytes, not the domain.
