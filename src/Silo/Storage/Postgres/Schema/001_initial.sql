-- GroupBuy storage, PostgreSQL. Shaped like Orleans' ADO.NET storage table: one row per grain type + key +
-- state name, with a payload and an integer version that is the ETag. Applied idempotently at start-up.

CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    payload     bytea       NULL,    -- NULL after a clear, the row stays so a stale writer still fails
    version     bigint      NOT NULL,
    modified_at timestamptz NOT NULL,
    CONSTRAINT grain_state_pkey PRIMARY KEY (grain_type, grain_key, state_name)
) WITH (fillfactor = 80);            -- room on each page for HOT updates of hot grains

CREATE TABLE IF NOT EXISTS journal_events (
    grain_type   text   NOT NULL,
    grain_key    text   NOT NULL,
    journal_name text   NOT NULL,
    version      bigint NOT NULL,    -- 1-based, contiguous per journal
    payload      bytea  NOT NULL,
    CONSTRAINT journal_events_pkey PRIMARY KEY (grain_type, grain_key, journal_name, version)
);

CREATE TABLE IF NOT EXISTS journal_snapshots (
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    journal_name text        NOT NULL,
    version      bigint      NOT NULL, -- the state after the event at this version
    payload      bytea       NOT NULL,
    modified_at  timestamptz NOT NULL,
    CONSTRAINT journal_snapshots_pkey PRIMARY KEY (grain_type, grain_key, journal_name)
);

CREATE TABLE IF NOT EXISTS reminders (
    grain_type text        NOT NULL,
    grain_key  text        NOT NULL,
    name       text        NOT NULL,
    due_at     timestamptz NOT NULL,
    period_ms  bigint      NULL,     -- NULL, a one-shot reminder
    CONSTRAINT reminders_pkey PRIMARY KEY (grain_type, grain_key, name)
);
