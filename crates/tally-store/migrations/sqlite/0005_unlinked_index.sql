-- Records that no link run has seen yet (import gave them a person of their own, method
-- 'import'): an incremental `tally link` starts by reading them. A partial index holds only
-- those rows, so finding a thousand new records in a roll of a million does not scan it.
CREATE INDEX record_person_unlinked ON record_person(record_id) WHERE method = 'import';
