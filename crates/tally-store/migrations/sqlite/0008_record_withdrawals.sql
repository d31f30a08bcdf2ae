-- Records a complete edition leaves out. A source's later edition that is the whole list
-- (imported with --complete) may leave out a record an earlier edition held: a name taken off
-- an official list of the killed because the man was found alive or in captivity, or because it
-- was entered twice. The record stays (it is what the earlier edition said, and its person
-- keeps it); the withdrawal is written here with the edition that left it out, and a later
-- edition that names the record again restores it. Append-only: the history is the evidence.
CREATE TABLE record_withdrawals (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES records(id),
    -- The edition that left the record out, or named it again.
    import_id  INTEGER NOT NULL REFERENCES imports(id),
    event      TEXT NOT NULL CHECK (event IN ('withdrawn', 'restored'))
);
CREATE INDEX record_withdrawals_record ON record_withdrawals(record_id, id);
CREATE TRIGGER record_withdrawals_no_delete BEFORE DELETE ON record_withdrawals
BEGIN SELECT RAISE(ABORT, 'withdrawals of records are kept'); END;
CREATE TRIGGER record_withdrawals_no_update BEFORE UPDATE ON record_withdrawals
BEGIN SELECT RAISE(ABORT, 'withdrawals of records are kept'); END;

ALTER TABLE imports ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN restored INTEGER NOT NULL DEFAULT 0;
