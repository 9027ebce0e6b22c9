-- Grain index rows: a secondary index kept for queries no single grain can answer (a shopper's orders across
-- every sale). Each row commits in the same transaction as the state write or journal append that made it, and
-- is upserted by index + key + item id.

CREATE TABLE IF NOT EXISTS grain_index (
    index_name text  NOT NULL,
    key        text  NOT NULL,
    item_id    text  NOT NULL,
    payload    bytea NOT NULL,
    CONSTRAINT grain_index_pkey PRIMARY KEY (index_name, key, item_id)
);
