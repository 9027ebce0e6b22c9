-- GroupBuy storage, SQLite. Shaped like Orleans' ADO.NET storage table: one row per grain type + key +
-- state name, with a payload and an integer version that is the ETag.
-- Times are INTEGER microseconds since the Unix epoch, UTC (the precision PostgreSQL keeps).

CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    payload     BLOB    NULL,        -- NULL after a clear; the row stays so a stale writer still fails
    version     INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE IF NOT EXISTS journal_events (
    grain_type   TEXT    NOT NULL,
    grain_key    TEXT    NOT NULL,
    journal_name TEXT    NOT NULL,
    version      INTEGER NOT NULL,   -- 1-based, contiguous per journal
    payload      BLOB    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, journal_name, version)
);

CREATE TABLE IF NOT EXISTS journal_snapshots (
    grain_type   TEXT    NOT NULL,
    grain_key    TEXT    NOT NULL,
    journal_name TEXT    NOT NULL,
    version      INTEGER NOT NULL,   -- the state after the event at this version
    payload      BLOB    NOT NULL,
    modified_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, journal_name)
);

CREATE TABLE IF NOT EXISTS reminders (
    grain_type TEXT    NOT NULL,
    grain_key  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    due_at     INTEGER NOT NULL,
    period_ms  INTEGER NULL,         -- NULL: a one-shot reminder
    PRIMARY KEY (grain_type, grain_key, name)
);
