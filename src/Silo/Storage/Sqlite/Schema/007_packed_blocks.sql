-- Blocks are packed (BlockPacking): their rows are JSON with long keys that repeat, and DEFLATE at its fastest level
-- makes them about seven times smaller, so that a purchase writes a fraction of the pages it did. 0: stored as
-- written before this script; 1: DEFLATE, after the unpacked length (four bytes, little-endian).

ALTER TABLE grain_index_blocks ADD COLUMN packing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE grain_index_staged_blocks ADD COLUMN packing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE journal_events_staged_blocks ADD COLUMN packing INTEGER NOT NULL DEFAULT 0;
