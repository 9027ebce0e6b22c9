-- Staged index rows and journal events, one row per transaction that staged them (StagedBlock packs them): a commit
-- inserts one row of each kind instead of one per index row or event. A block is deleted once a merge round has
-- taken every row in it, that is once the round's deletions reach its last sequence. The per-row tables of scripts
-- 003 and 004 are still read at start-up and emptied by the rounds, for files staged before this script.

CREATE TABLE IF NOT EXISTS grain_index_staged_blocks (
    last_sequence INTEGER PRIMARY KEY,  -- the highest sequence of the rows in the block
    row_count     INTEGER NOT NULL,
    rows          BLOB    NOT NULL
);

CREATE TABLE IF NOT EXISTS journal_events_staged_blocks (
    last_sequence INTEGER PRIMARY KEY,  -- the highest sequence of the events in the block
    event_count   INTEGER NOT NULL,
    events        BLOB    NOT NULL
);
