-- Grain index rows: a secondary index kept for queries no single grain can answer (a shopper's orders across
-- every sale). Each row commits in the same transaction as the state write or journal append that made it, and
-- is upserted by index + key + item id.

CREATE TABLE IF NOT EXISTS grain_index (
    index_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    payload    BLOB NOT NULL,
    PRIMARY KEY (index_name, key, item_id)
) WITHOUT ROWID;                     -- read by its key prefix only: the rows live in the key's B-tree
