-- Foundation: sources, blobs, records, rejects, persons, status history, claims.
--
-- Provenance chain: records.import_id -> imports.sha256 -> blobs.bytes. Every record can be
-- traced to the exact bytes it was read from; blobs are content-addressed and never deleted.

-- Original file bytes, keyed by their SHA-256 (hex). Kept forever.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    bytes  BLOB NOT NULL
);

-- A source is a named list ("uk_mod_2024"); each import of it is an edition with its own blob.
CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    publisher  TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    -- One import per content: importing the same bytes again changes nothing.
    sha256       TEXT NOT NULL UNIQUE REFERENCES blobs(sha256),
    file_name    TEXT NOT NULL,
    retrieved_at TEXT,
    imported_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    format       TEXT NOT NULL,
    encoding     TEXT,
    delimiter    TEXT,
    sheet        TEXT,
    -- JSON array of [header, field] pairs: how the columns were read.
    columns      TEXT NOT NULL,
    -- JSON array of the header row. Records whose cells sit under exactly these headers store
    -- only their values; others store [header, value] pairs.
    headers      TEXT NOT NULL DEFAULT '[]',
    rows         INTEGER NOT NULL DEFAULT 0,
    records      INTEGER NOT NULL DEFAULT 0,
    rejects      INTEGER NOT NULL DEFAULT 0,
    warnings     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imports_source ON imports(source_id);

-- One row of one source: raw cells verbatim plus the parsed fields as columns.
-- Dates are PartialDate's canonical text ("1996-01-05", "1996-01", "1996", "1990..1992",
-- "~1997..1998") with the precision beside it for queries.
CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(id),
    import_id        INTEGER NOT NULL REFERENCES imports(id),
    source_record_id TEXT NOT NULL,
    line             INTEGER NOT NULL,
    raw              TEXT NOT NULL, -- JSON [value, ...] under imports.headers, or [[header, value], ...]
    surname          TEXT,
    given_name       TEXT,
    patronymic       TEXT,
    birth_date       TEXT,
    birth_precision  TEXT,
    death_date       TEXT,
    death_precision  TEXT,
    region           TEXT,
    settlement       TEXT,
    unit             TEXT,
    rank             TEXT,
    status           TEXT,
    sex              TEXT,
    category         TEXT,
    citizenship      TEXT,
    UNIQUE (source_id, source_record_id)
);
CREATE INDEX records_import ON records(import_id);

-- Rows that were refused (severity 'reject') or imported with a field left unknown ('warning').
CREATE TABLE rejects (
    id        INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    file_name TEXT NOT NULL,
    line      INTEGER NOT NULL,
    field     TEXT,
    severity  TEXT NOT NULL CHECK (severity IN ('reject', 'warning')),
    reason    TEXT NOT NULL,
    raw       TEXT NOT NULL -- JSON [[header, value], ...]
);
CREATE INDEX rejects_source ON rejects(source_id, line);

-- Persons: stable ids. A person is minted once and never renumbered. Rows are never deleted
-- (a person retired by a merge keeps its row, with no records), so SQLite's max(rowid)+1
-- never hands a retired id to someone else; the trigger enforces it. (AUTOINCREMENT would
-- do the same at the cost of a second write per person.)
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons
BEGIN SELECT RAISE(ABORT, 'persons are never deleted: retire a person by moving its records'); END;

-- Which person each record belongs to, with the linkage method and its probability.
-- On import every record gets its own new person ('import', 1.0) until linkage reassigns it.
CREATE TABLE record_person (
    record_id   INTEGER PRIMARY KEY REFERENCES records(id),
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    probability REAL NOT NULL,
    method      TEXT NOT NULL
);
CREATE INDEX record_person_person ON record_person(person_id);

-- Append-only status history: each entry cites the record that claims it. A person's history
-- is the entries of the records linked to them (through record_person), so re-linking never
-- rewrites it.
CREATE TABLE status_history (
    id             INTEGER PRIMARY KEY,
    record_id      INTEGER NOT NULL REFERENCES records(id),
    status         TEXT NOT NULL,
    date           TEXT,
    date_precision TEXT,
    appended_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX status_history_record ON status_history(record_id);
CREATE TRIGGER status_history_no_update BEFORE UPDATE ON status_history
BEGIN SELECT RAISE(ABORT, 'status history is append-only'); END;
CREATE TRIGGER status_history_no_delete BEFORE DELETE ON status_history
BEGIN SELECT RAISE(ABORT, 'status history is append-only'); END;

-- Aggregate claims ("official toll: 46,000 killed, as of 2025-02"), distinct from named records.
CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    claimant          TEXT NOT NULL,
    measure           TEXT NOT NULL,
    value             INTEGER NOT NULL,
    as_of             TEXT NOT NULL,
    as_of_precision   TEXT NOT NULL,
    scope             TEXT,
    citation          TEXT,
    recorded_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
