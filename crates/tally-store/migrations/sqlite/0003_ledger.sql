-- Exchange ledger: log entries (append-only), the Merkle tree's stored hashes, signed checkpoints,
-- witness cosignatures, private manifest rows, and the log's settings.
--
-- Append-only is enforced here as well as in the code: triggers refuse every UPDATE and DELETE on
-- the log tables, and the store checks on insert that indexes continue without gaps. A crash
-- between statements loses at most the uncommitted batch, because each batch (entries + hashes)
-- is one transaction.

-- Settings written once by `tally ledger init` (origin, log keys). Never changed afterwards.
CREATE TABLE ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The log: entry `idx` is leaf `idx` of the Merkle tree. `kind` is an unsigned label for
-- filtering; the entry bytes themselves are what is hashed and signed.
CREATE TABLE ledger_entries (
    idx  INTEGER PRIMARY KEY CHECK (idx >= 0),
    kind TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX ledger_entries_kind ON ledger_entries(kind);

-- Stored hashes in the Crosby-Wallach / Go tlog layout (leaf n and the subtrees it completes
-- follow leaf n-1), so the tree is append-only too.
CREATE TABLE ledger_hashes (
    id   INTEGER PRIMARY KEY CHECK (id >= 0),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
);

-- Signed checkpoints (C2SP tlog-checkpoint notes, log signature only), one per tree size.
CREATE TABLE ledger_checkpoints (
    size INTEGER PRIMARY KEY CHECK (size >= 0),
    note TEXT NOT NULL
);

-- Witness cosignature lines (C2SP tlog-cosignature) on a checkpoint.
CREATE TABLE ledger_cosignatures (
    id      INTEGER PRIMARY KEY,
    size    INTEGER NOT NULL REFERENCES ledger_checkpoints(size),
    witness TEXT NOT NULL, -- party id of the witness
    line    TEXT NOT NULL,
    UNIQUE (size, witness)
);

-- Private manifest rows: never logged. The log holds only each manifest's root; the rows and
-- their salts stay here so one row can be disclosed with its proof.
CREATE TABLE ledger_manifest_rows (
    root TEXT NOT NULL,
    idx  INTEGER NOT NULL,
    salt BLOB NOT NULL CHECK (length(salt) = 32),
    row  TEXT NOT NULL,
    PRIMARY KEY (root, idx)
);

CREATE TRIGGER ledger_meta_no_update BEFORE UPDATE ON ledger_meta
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: ledger_meta cannot be updated'); END;
CREATE TRIGGER ledger_meta_no_delete BEFORE DELETE ON ledger_meta
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: ledger_meta cannot be deleted'); END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: entries cannot be updated'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: entries cannot be deleted'); END;
CREATE TRIGGER ledger_hashes_no_update BEFORE UPDATE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: hashes cannot be updated'); END;
CREATE TRIGGER ledger_hashes_no_delete BEFORE DELETE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: hashes cannot be deleted'); END;
CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot be updated'); END;
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot be deleted'); END;
CREATE TRIGGER ledger_cosignatures_no_update BEFORE UPDATE ON ledger_cosignatures
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: cosignatures cannot be updated'); END;
CREATE TRIGGER ledger_cosignatures_no_delete BEFORE DELETE ON ledger_cosignatures
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: cosignatures cannot be deleted'); END;
CREATE TRIGGER ledger_manifest_rows_no_update BEFORE UPDATE ON ledger_manifest_rows
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: manifest rows cannot be updated'); END;
