namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>
/// The SQL the PostgreSQL store runs, with positional parameters. No write statement can fail on a version
/// conflict: conflicts show as a row count of 0, because a failed statement would abort the whole shared
/// transaction.
/// </summary>
internal static class PostgresSql
{
    /// <summary>Serializes schema set-up between stores starting together on one database.</summary>
    public const string LockSchema = "SELECT pg_advisory_xact_lock(5135555141497921904)";

    public const string CreateSchemaVersion =
        "CREATE TABLE IF NOT EXISTS schema_version (version bigint PRIMARY KEY, script text NOT NULL, applied_at timestamptz NOT NULL)";

    public const string SelectSchemaVersions = "SELECT version FROM schema_version";

    /// <summary>$1 version, $2 script, $3 now.</summary>
    public const string InsertSchemaVersion = "INSERT INTO schema_version (version, script, applied_at) VALUES ($1, $2, $3)";

    /// <summary>$1 type, $2 key, $3 state name.</summary>
    public const string SelectState =
        "SELECT payload, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    /// <summary>Expected version 0: $1 type, $2 key, $3 state name, $4 payload, $5 now.</summary>
    public const string InsertState =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at) " +
        "VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING";

    /// <summary>$1 type, $2 key, $3 state name, $4 payload, $5 now, $6 expected version.</summary>
    public const string UpdateState =
        "UPDATE grain_state SET payload = $4, version = version + 1, modified_at = $5 " +
        "WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $6";

    private const string JournalVersion =
        "GREATEST(" +
        "COALESCE((SELECT max(version) FROM journal_events WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3), 0), " +
        "COALESCE((SELECT version FROM journal_snapshots WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3), 0))";

    /// <summary>
    /// $1 type, $2 key, $3 journal, $4 expected version, $5 payloads. Inserts every event or, when the journal
    /// is not at the expected version, none. A row count between the two means another transaction committed
    /// some of these versions meanwhile: the batch is rolled back and run again.
    /// </summary>
    public const string AppendEvents =
        "INSERT INTO journal_events (grain_type, grain_key, journal_name, version, payload) " +
        "SELECT $1, $2, $3, $4 + e.ordinal, e.payload FROM unnest($5::bytea[]) WITH ORDINALITY AS e(payload, ordinal) " +
        "WHERE $4 = " + JournalVersion + " ON CONFLICT DO NOTHING";

    /// <summary>
    /// <see cref="InsertState"/> that also upserts the grain index rows in $6–$9 (see <see cref="UpsertIndexRows"/>)
    /// when the row was inserted; it returns one row then, none on a version conflict.
    /// </summary>
    public const string InsertStateWithIndex =
        "WITH w AS (" + InsertState + " RETURNING 1), i AS (" + IndexRowsAt6 + " WHERE EXISTS (SELECT FROM w) " + OnIndexConflict + ") " +
        "SELECT 1 FROM w";

    /// <summary>
    /// <see cref="UpdateState"/> that also upserts the grain index rows in $7–$10 when the row was updated; it returns
    /// one row then, none on a version conflict.
    /// </summary>
    public const string UpdateStateWithIndex =
        "WITH w AS (" + UpdateState + " RETURNING 1), i AS (" + IndexRowsAt7 + " WHERE EXISTS (SELECT FROM w) " + OnIndexConflict + ") " +
        "SELECT 1 FROM w";

    /// <summary>
    /// <see cref="AppendEvents"/> that also upserts the grain index rows in $6–$9 when the events went in; it returns
    /// a row per inserted event, like <see cref="AppendEvents"/>'s row count (a partial append rolls the batch back).
    /// </summary>
    public const string AppendEventsWithIndex =
        "WITH e AS (" + AppendEvents + " RETURNING 1), i AS (" + IndexRowsAt6 + " WHERE EXISTS (SELECT FROM e) " + OnIndexConflict + ") " +
        "SELECT 1 FROM e";

    /// <summary>
    /// An append of index rows alone: $1 type, $2 key, $3 journal, $4 expected version, $5–$8 the rows. Upserts every
    /// row when the journal is at the expected version, none otherwise.
    /// </summary>
    public const string UpsertIndexRows =
        "INSERT INTO grain_index (index_name, key, item_id, payload) " +
        "SELECT * FROM unnest($5::text[], $6::text[], $7::text[], $8::bytea[]) WHERE $4 = " + JournalVersion + " " + OnIndexConflict;

    /// <summary>$1 index name, $2 key.</summary>
    public const string SelectIndex = "SELECT item_id, payload FROM grain_index WHERE index_name = $1 AND key = $2";

    /// <summary>Grain index rows as four parallel arrays: index names, keys, item ids, payloads.</summary>
    private const string IndexRowsAt6 =
        "INSERT INTO grain_index (index_name, key, item_id, payload) SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::bytea[])";

    private const string IndexRowsAt7 =
        "INSERT INTO grain_index (index_name, key, item_id, payload) SELECT * FROM unnest($7::text[], $8::text[], $9::text[], $10::bytea[])";

    /// <summary>Writing a row again replaces its payload. One statement must not carry a row twice (the writes dedupe).</summary>
    private const string OnIndexConflict = "ON CONFLICT (index_name, key, item_id) DO UPDATE SET payload = excluded.payload";

    /// <summary>$1 type, $2 key, $3 journal, $4 after version.</summary>
    public const string SelectEvents =
        "SELECT version, payload FROM journal_events WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3 " +
        "AND version > $4 ORDER BY version";

    /// <summary>
    /// $1 type, $2 key, $3 journal. The snapshot (kind 0) and the events after it (kind 1) in ONE statement, so both
    /// come from the same database snapshot: a snapshot written meanwhile can never leave a gap between the two.
    /// </summary>
    public const string SelectJournal =
        "WITH s AS (SELECT version, payload FROM journal_snapshots WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3) " +
        "SELECT 0 AS kind, version, payload FROM s " +
        "UNION ALL " +
        "SELECT 1 AS kind, e.version, e.payload FROM journal_events e WHERE e.grain_type = $1 AND e.grain_key = $2 AND e.journal_name = $3 " +
        "AND e.version > COALESCE((SELECT version FROM s), 0) " +
        "ORDER BY kind, version";

    /// <summary>$1 type, $2 key, $3 journal.</summary>
    public const string SelectSnapshot =
        "SELECT payload, version FROM journal_snapshots WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3";

    /// <summary>
    /// $1 type, $2 key, $3 journal, $4 version, $5 payload, $6 now. Stores the snapshot unless the journal has
    /// not reached its version or already holds a later snapshot (row count 0).
    /// </summary>
    public const string UpsertSnapshot =
        "INSERT INTO journal_snapshots (grain_type, grain_key, journal_name, version, payload, modified_at) " +
        "SELECT $1, $2, $3, $4, $5, $6 WHERE $4 <= " + JournalVersion + " " +
        "ON CONFLICT (grain_type, grain_key, journal_name) DO UPDATE " +
        "SET version = excluded.version, payload = excluded.payload, modified_at = excluded.modified_at " +
        "WHERE journal_snapshots.version <= excluded.version";

    /// <summary>
    /// <see cref="UpsertSnapshot"/> that also upserts the grain index rows in $7–$10 when the snapshot was stored; it
    /// returns one row then, none otherwise.
    /// </summary>
    public const string UpsertSnapshotWithIndex =
        "WITH s AS (" + UpsertSnapshot + " RETURNING 1), i AS (" + IndexRowsAt7 + " WHERE EXISTS (SELECT FROM s) " + OnIndexConflict + ") " +
        "SELECT 1 FROM s";

    /// <summary>$1 type, $2 key, $3 journal, $4 version. Runs after <see cref="UpsertSnapshot"/>, and only deletes if it stored.</summary>
    public const string DeleteCoveredEvents =
        "DELETE FROM journal_events WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3 AND version <= $4 " +
        "AND EXISTS (SELECT 1 FROM journal_snapshots WHERE grain_type = $1 AND grain_key = $2 AND journal_name = $3 AND version = $4)";

    /// <summary>$1 type, $2 key, $3 name, $4 due at, $5 period in milliseconds.</summary>
    public const string UpsertReminder =
        "INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($1, $2, $3, $4, $5) " +
        "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms";

    /// <summary>$1 type, $2 key, $3 name.</summary>
    public const string DeleteReminder = "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";

    public const string SelectReminders =
        "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders ORDER BY due_at, grain_type, grain_key, name";
}
