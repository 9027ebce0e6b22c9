-- Journal events in commit order, before they are merged into journal_events. An event lands here in the transaction
-- that appended it, at the end of this table (a few sequential pages per commit, however many journals it touched),
-- and is merged into journal_events later, sorted by journal with tens of thousands of others; an event a snapshot
-- covers first is never merged. Readers see both, after the journal's snapshot.

CREATE TABLE IF NOT EXISTS journal_events_staged (
    sequence     INTEGER PRIMARY KEY,  -- commit order; appended at the end of the table
    grain_type   TEXT    NOT NULL,
    grain_key    TEXT    NOT NULL,
    journal_name TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    payload      BLOB    NOT NULL
);
