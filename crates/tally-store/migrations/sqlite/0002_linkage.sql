-- Linkage: trained models, runs, scored pairs, human review decisions, and the merge/split log.
-- Records are named by their store id where the link is derived (pairs: rebuilt by a full
-- re-link) and by (source, source_record_id) where a human said it (decisions: they must
-- outlive any re-import or re-link).

-- Trained Fellegi-Sunter parameters (JSON), with the seed and a hash of the input they were
-- trained on, so a run can be reproduced.
CREATE TABLE link_models (
    id         INTEGER PRIMARY KEY,
    params_id  TEXT NOT NULL,
    seed       INTEGER NOT NULL,
    input_hash TEXT NOT NULL,
    params     TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One row per `tally link`: what it did, with the blocking and error reports as JSON.
CREATE TABLE link_runs (
    id          INTEGER PRIMARY KEY,
    model_id    INTEGER NOT NULL REFERENCES link_models(id),
    mode        TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    records     INTEGER NOT NULL,
    new_records INTEGER NOT NULL,
    pairs       INTEGER NOT NULL,
    persons     INTEGER NOT NULL,
    report      TEXT NOT NULL,
    who         TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Scored candidate pairs worth keeping (probability at least the review floor): the links
-- that clustering reads and the grey zone that review reads. record_a < record_b.
CREATE TABLE link_pairs (
    record_a    INTEGER NOT NULL REFERENCES records(id),
    record_b    INTEGER NOT NULL REFERENCES records(id),
    weight      REAL NOT NULL,
    probability REAL NOT NULL,
    run_id      INTEGER NOT NULL REFERENCES link_runs(id),
    PRIMARY KEY (record_a, record_b)
) WITHOUT ROWID;
CREATE INDEX link_pairs_probability ON link_pairs(probability);

-- Human decisions. The latest decision on a pair is in force; 'skip' only records that a
-- reviewer saw the pair. a_* sorts before b_* (source, then source_record_id).
CREATE TABLE link_decisions (
    id          INTEGER PRIMARY KEY,
    a_source    TEXT NOT NULL,
    a_record    TEXT NOT NULL,
    b_source    TEXT NOT NULL,
    b_record    TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('must', 'cannot', 'skip')),
    probability REAL,
    note        TEXT,
    who         TEXT NOT NULL,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX link_decisions_pair ON link_decisions(a_source, a_record, b_source, b_record);

-- Merges and splits of persons, and review decisions, with who and when. Append-only.
CREATE TABLE link_log (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER REFERENCES link_runs(id),
    action    TEXT NOT NULL CHECK (action IN ('merge', 'split', 'accept', 'reject', 'skip')),
    person_id INTEGER,
    detail    TEXT NOT NULL,
    who       TEXT NOT NULL,
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TRIGGER link_log_no_update BEFORE UPDATE ON link_log
BEGIN SELECT RAISE(ABORT, 'the link log is append-only'); END;
CREATE TRIGGER link_log_no_delete BEFORE DELETE ON link_log
BEGIN SELECT RAISE(ABORT, 'the link log is append-only'); END;
