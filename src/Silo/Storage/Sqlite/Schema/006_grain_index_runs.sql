-- Grain index rows in sorted runs, as log-structured stores keep them. Each merge round writes its rows, sorted, as a
-- new run: blocks of rows appended in key order, so that a round costs the pages its rows fill and no page of older
-- rows is rewritten. Runs are compacted a level at a time (IndexRuns): when a level holds enough runs, they are merged
-- into one run of the next level. A read looks in the listed runs, the lowest level and the newest run first, then in
-- grain_index, which holds the rows merged before this script and takes no new ones.

CREATE TABLE IF NOT EXISTS grain_index_runs (
    run       INTEGER PRIMARY KEY,  -- increasing: of two runs on one level the higher is the newer
    level     INTEGER NOT NULL,     -- 0: a merge round's; n + 1: compacted from level n's runs, and older than them
    row_count INTEGER NOT NULL,
    listed    INTEGER NOT NULL      -- 1: complete and read; 0: being written, or replaced and being deleted
);

CREATE TABLE IF NOT EXISTS grain_index_blocks (
    block     INTEGER PRIMARY KEY,
    run       INTEGER NOT NULL,
    first_key BLOB    NOT NULL,     -- the block's first and last rows' keys (IndexKeys): index, key and item id
    last_key  BLOB    NOT NULL,
    row_count INTEGER NOT NULL,
    rows      BLOB    NOT NULL      -- the rows, in key order (IndexBlockBuilder)
);

CREATE UNIQUE INDEX IF NOT EXISTS grain_index_blocks_by_key ON grain_index_blocks (run, last_key);
