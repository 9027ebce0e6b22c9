-- Grain index rows in commit order, before they are merged into grain_index. A row lands here in the transaction
-- that made it, at the end of this table (a few sequential pages per commit, however scattered its keys are), and
-- is merged into grain_index later, sorted by key with tens of thousands of others, so that each of grain_index's
-- pages is rewritten once per merge rather than once per row. Readers see both, the staged row winning.

CREATE TABLE IF NOT EXISTS grain_index_staged (
    sequence   INTEGER PRIMARY KEY,  -- commit order; appended at the end of the table
    index_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    payload    BLOB NOT NULL
);
