-- Corrected editions. A source's later edition may correct rows an earlier one holds (a date of
-- birth made exact, a misspelt name fixed). Imported with --revise, such a row replaces the
-- record's fields in place, so the record keeps its store id, its person and its review
-- decisions; the version it replaces is kept here, whole, with the edition it came from.
CREATE TABLE record_versions (
    id               INTEGER PRIMARY KEY,
    record_id        INTEGER NOT NULL REFERENCES records(id),
    -- The edition this version was read from, and the one that replaced it.
    import_id        INTEGER NOT NULL REFERENCES imports(id),
    replaced_by      INTEGER NOT NULL REFERENCES imports(id),
    line             INTEGER NOT NULL,
    raw              TEXT NOT NULL, -- as records.raw, under the headers of import_id
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
    -- 0 until a link run has seen the revision: an incremental run cannot build on a roll whose
    -- records changed under it, so the next run re-clusters the whole roll.
    linked           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX record_versions_record ON record_versions(record_id);
CREATE INDEX record_versions_unlinked ON record_versions(id) WHERE linked = 0;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN SELECT RAISE(ABORT, 'earlier versions of records are kept'); END;

ALTER TABLE imports ADD COLUMN revised INTEGER NOT NULL DEFAULT 0;
