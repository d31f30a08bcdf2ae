-- Clusters the chaining guard flagged in the latest `tally link` (members with softer conflicts,
-- such as two day-precise birth dates that are a plausible slip of one another). Each run
-- replaces the rows, so an incremental run can carry the flags of persons it does not touch.
-- records: JSON array of [source, source_record_id] pairs, sorted.
CREATE TABLE link_flags (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES link_runs(id),
    records TEXT NOT NULL,
    reason  TEXT NOT NULL
);
