namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>The SQL the SQLite store runs. Parameters are named; a name used twice binds one value.</summary>
internal static class SqliteSql
{
    public const string CreateSchemaVersion =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    public const string SelectSchemaVersions = "SELECT version FROM schema_version";

    public const string InsertSchemaVersion = "INSERT INTO schema_version (version, script, applied_at) VALUES ($version, $script, $now)";

    public const string SelectState =
        "SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name";

    /// <summary>Expected version 0: the row must not exist yet.</summary>
    public const string InsertState =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at) " +
        "VALUES ($type, $key, $name, $payload, 1, $now) ON CONFLICT DO NOTHING";

    public const string UpdateState =
        "UPDATE grain_state SET payload = $payload, version = version + 1, modified_at = $now " +
        "WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $expected";

    /// <summary>The journal's version when none of its events is staged: its last event, or its snapshot when that covers every event.</summary>
    public const string SelectJournalVersion =
        "SELECT max(" +
        "coalesce((SELECT max(version) FROM journal_events WHERE grain_type = $type AND grain_key = $key AND journal_name = $name), 0), " +
        "coalesce((SELECT version FROM journal_snapshots WHERE grain_type = $type AND grain_key = $key AND journal_name = $name), 0))";

    /// <summary>Merges a staged event; one merged before a crash stays as it is.</summary>
    public const string InsertEvent =
        "INSERT INTO journal_events (grain_type, grain_key, journal_name, version, payload) " +
        "VALUES ($type, $key, $name, $version, $payload) ON CONFLICT DO NOTHING";

    public const string SelectEvents =
        "SELECT version, payload FROM journal_events WHERE grain_type = $type AND grain_key = $key AND journal_name = $name " +
        "AND version > $after ORDER BY version";

    /// <summary>
    /// A journal's snapshot (kind 0) and the events after it (kind 1) in ONE statement, so both come from the same
    /// database snapshot: a snapshot written meanwhile can never leave a gap between the two.
    /// </summary>
    public const string SelectJournal =
        "WITH s AS (SELECT version, payload FROM journal_snapshots WHERE grain_type = $type AND grain_key = $key AND journal_name = $name) " +
        "SELECT 0 AS kind, version, payload FROM s " +
        "UNION ALL " +
        "SELECT 1 AS kind, e.version, e.payload FROM journal_events e WHERE e.grain_type = $type AND e.grain_key = $key AND e.journal_name = $name " +
        "AND e.version > coalesce((SELECT version FROM s), 0) " +
        "ORDER BY kind, version";

    public const string SelectSnapshot =
        "SELECT payload, version FROM journal_snapshots WHERE grain_type = $type AND grain_key = $key AND journal_name = $name";

    public const string SelectSnapshotVersion =
        "SELECT version FROM journal_snapshots WHERE grain_type = $type AND grain_key = $key AND journal_name = $name";

    /// <summary>Stores the snapshot unless the journal already holds a later one (the writer checks the journal has reached it).</summary>
    public const string UpsertSnapshot =
        "INSERT INTO journal_snapshots (grain_type, grain_key, journal_name, version, payload, modified_at) " +
        "VALUES ($type, $key, $name, $version, $payload, $now) " +
        "ON CONFLICT (grain_type, grain_key, journal_name) DO UPDATE " +
        "SET version = excluded.version, payload = excluded.payload, modified_at = excluded.modified_at " +
        "WHERE journal_snapshots.version <= excluded.version";

    public const string DeleteCoveredEvents =
        "DELETE FROM journal_events WHERE grain_type = $type AND grain_key = $key AND journal_name = $name AND version <= $version";

    /// <summary>
    /// A key's rows on disk, in one statement: from each listed run, its level and number, and the blocks that may hold
    /// rows in [$from, $to), that is those ending inside it and the first ending after it when that one starts inside it;
    /// then the rows merged before script 006 (level and run NULL), which grain_index keeps and never takes again.
    /// </summary>
    public const string SelectKeyRows =
        "SELECT r.level, r.run, b.rows, NULL, b.packing FROM grain_index_runs r JOIN grain_index_blocks b " +
        "ON b.run = r.run AND b.last_key >= $from AND b.last_key < $to WHERE r.listed = 1 " +
        "UNION ALL " +
        "SELECT r.level, r.run, b.rows, NULL, b.packing FROM grain_index_runs r JOIN grain_index_blocks b ON b.block = " +
        "(SELECT s.block FROM grain_index_blocks s WHERE s.run = r.run AND s.last_key >= $to ORDER BY s.last_key LIMIT 1) " +
        "AND b.first_key < $to WHERE r.listed = 1 " +
        "UNION ALL " +
        "SELECT NULL, NULL, item_id, payload, NULL FROM grain_index WHERE index_name = $index AND key = $key";

    public const string SelectRuns = "SELECT run, level, row_count, listed FROM grain_index_runs ORDER BY run";

    /// <summary>A run's blocks from the first holding a row after $after, in key order (compaction reads its inputs so).</summary>
    public const string SelectBlocksAfter = "SELECT rows, packing FROM grain_index_blocks WHERE run = $run AND last_key > $after ORDER BY last_key";

    public const string InsertRun = "INSERT INTO grain_index_runs (run, level, row_count, listed) VALUES ($run, $level, 0, 0)";

    public const string ListRun = "UPDATE grain_index_runs SET listed = 1, row_count = $rows WHERE run = $run";

    public const string UnlistRun = "UPDATE grain_index_runs SET listed = 0 WHERE run = $run";

    public const string DeleteRun = "DELETE FROM grain_index_runs WHERE run = $run";

    public const string InsertBlock =
        "INSERT INTO grain_index_blocks (run, first_key, last_key, row_count, rows, packing) VALUES ($run, $first, $last, $count, $rows, $packing)";

    /// <summary>Up to $count blocks of a run being dropped.</summary>
    public const string DeleteBlocks =
        "DELETE FROM grain_index_blocks WHERE block IN (SELECT block FROM grain_index_blocks WHERE run = $run LIMIT $count)";

    /// <summary>A transaction's grain index rows, packed (<see cref="StagedBlock"/>); merged into grain_index later (<see cref="StagedIndexRows"/>).</summary>
    public const string InsertStagedIndexBlock =
        "INSERT INTO grain_index_staged_blocks (last_sequence, row_count, rows, packing) VALUES ($last, $count, $rows, $packing)";

    /// <summary>Blocks whose rows a round has all taken; rows staged one by one before script 005 go the same way.</summary>
    public const string DeleteStagedIndexBlocks = "DELETE FROM grain_index_staged_blocks WHERE last_sequence <= $last";

    public const string DeleteStagedIndexRows = "DELETE FROM grain_index_staged WHERE sequence <= $last";

    public const string SelectStagedIndexRows = "SELECT sequence, index_name, key, item_id, payload FROM grain_index_staged ORDER BY sequence";

    public const string SelectStagedIndexBlocks = "SELECT rows, packing FROM grain_index_staged_blocks ORDER BY last_sequence";

    /// <summary>A transaction's journal events, packed (<see cref="StagedBlock"/>); merged into journal_events later (<see cref="StagedJournalEvents"/>).</summary>
    public const string InsertStagedEventBlock =
        "INSERT INTO journal_events_staged_blocks (last_sequence, event_count, events, packing) VALUES ($last, $count, $events, $packing)";

    /// <summary>Blocks whose events a round has all taken; events staged one by one before script 005 go the same way.</summary>
    public const string DeleteStagedEventBlocks = "DELETE FROM journal_events_staged_blocks WHERE last_sequence <= $last";

    public const string DeleteStagedEvents = "DELETE FROM journal_events_staged WHERE sequence <= $last";

    /// <summary>At start-up: events staged one by one that a snapshot covers are never merged.</summary>
    public const string DeleteCoveredStagedEvents =
        "DELETE FROM journal_events_staged WHERE version <= coalesce((SELECT s.version FROM journal_snapshots s " +
        "WHERE s.grain_type = journal_events_staged.grain_type AND s.grain_key = journal_events_staged.grain_key " +
        "AND s.journal_name = journal_events_staged.journal_name), 0)";

    public const string SelectStagedEvents =
        "SELECT sequence, grain_type, grain_key, journal_name, version, payload FROM journal_events_staged ORDER BY sequence";

    public const string SelectStagedEventBlocks = "SELECT events, packing FROM journal_events_staged_blocks ORDER BY last_sequence";

    public const string UpsertReminder =
        "INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($type, $key, $name, $due, $period) " +
        "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms";

    public const string DeleteReminder =
        "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";

    public const string SelectReminders =
        "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders ORDER BY due_at, grain_type, grain_key, name";
}
