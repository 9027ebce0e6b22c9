using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The one connection every SQLite write goes through, with its statements prepared once. A batch runs in a
/// single <c>BEGIN IMMEDIATE</c> transaction; each write is checked on its own and a failed check only records
/// that write's conflict (and skips its grain index rows), so the rest of the batch still commits. Grain index rows
/// are staged, and each transaction carries the next chunk of a merge round when one is under way
/// (<see cref="StagedIndexRows"/>).
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteStatement> _statements = [];
    private readonly SqliteStatement _insertState;
    private readonly SqliteStatement _updateState;
    private readonly SqliteStatement _selectJournalVersion;
    private readonly SqliteStatement _insertEvent;
    private readonly SqliteStatement _deleteEventRange;
    private readonly SqliteStatement _upsertSnapshot;
    private readonly SqliteStatement _deleteCoveredEvents;
    private readonly SqliteStatement _upsertIndexRow;
    private readonly SqliteStatement _insertStagedIndexRow;
    private readonly SqliteStatement _deleteStagedIndexRows;
    private readonly SqliteStatement _upsertReminder;
    private readonly SqliteStatement _deleteReminder;

    private readonly StagedIndexRows _staged;
    private readonly List<StagedRow> _stagedNow = [];

    private SqliteWriter(SqliteConnection connection, StagedIndexRows staged)
    {
        _connection = connection;
        _staged = staged;
        _insertState = Prepare(SqliteSql.InsertState, "$type", "$key", "$name", "$payload", "$now");
        _updateState = Prepare(SqliteSql.UpdateState, "$type", "$key", "$name", "$payload", "$now", "$expected");
        _selectJournalVersion = Prepare(SqliteSql.SelectJournalVersion, "$type", "$key", "$name");
        _insertEvent = Prepare(SqliteSql.InsertEvent, "$type", "$key", "$name", "$version", "$payload");
        _deleteEventRange = Prepare(SqliteSql.DeleteEventRange, "$type", "$key", "$name", "$after", "$last");
        _upsertSnapshot = Prepare(SqliteSql.UpsertSnapshot, "$type", "$key", "$name", "$version", "$payload", "$now");
        _deleteCoveredEvents = Prepare(SqliteSql.DeleteCoveredEvents, "$type", "$key", "$name", "$version");
        _upsertIndexRow = Prepare(SqliteSql.UpsertIndexRow, "$index", "$key", "$item", "$payload");
        _insertStagedIndexRow = Prepare(SqliteSql.InsertStagedIndexRow, "$sequence", "$index", "$key", "$item", "$payload");
        _deleteStagedIndexRows = Prepare(SqliteSql.DeleteStagedIndexRows, "$last");
        _upsertReminder = Prepare(SqliteSql.UpsertReminder, "$type", "$key", "$name", "$due", "$period");
        _deleteReminder = Prepare(SqliteSql.DeleteReminder, "$type", "$key", "$name");
    }

    public static SqliteWriter Open(string connectionString, int busyTimeoutMilliseconds, StagedIndexRows staged)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // FULL: the WAL is synced at every commit, so an acknowledged write survives a power cut.
            pragmas.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {busyTimeoutMilliseconds};";
            pragmas.ExecuteNonQuery();
            return new SqliteWriter(connection, staged);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs the batch in one transaction, recording each write's outcome, and commits.</summary>
    public void Commit(CommitBatch<StorageWrite> batch, DateTimeOffset now)
    {
        _stagedNow.Clear();
        using var transaction = _connection.BeginTransaction(deferred: false);
        var nowMicroseconds = SqliteTime.ToMicroseconds(now);
        for (var index = 0; index < batch.Count; index++)
        {
            switch (batch[index])
            {
                case StateWrite write:
                    WriteState(batch, index, write, nowMicroseconds);
                    break;
                case EventsAppend append:
                    AppendEvents(batch, index, append);
                    break;
                case SnapshotWrite snapshot:
                    WriteSnapshot(batch, index, snapshot, nowMicroseconds);
                    break;
                case ReminderUpsert upsert:
                    var entry = upsert.Entry;
                    Key(_upsertReminder, entry.GrainId, entry.Name).Int64(3, SqliteTime.ToMicroseconds(entry.DueAt))
                        .Int64OrNull(4, entry.Period is { } period ? (long)period.TotalMilliseconds : null).Execute();
                    batch.Succeeded(index);
                    break;
                case ReminderRemoval removal:
                    Key(_deleteReminder, removal.GrainId, removal.Name).Execute();
                    batch.Succeeded(index);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown storage write {batch[index].GetType().Name}.");
            }
        }
        var step = MergeStep();
        transaction.Commit();
        _staged.Committed(_stagedNow);
        _staged.StepCommitted(step);
    }

    public void Dispose()
    {
        // Every statement is finalized before its connection closes.
        foreach (var statement in _statements)
        {
            statement.Dispose();
        }
        _connection.Dispose();
    }

    private void WriteState(CommitBatch<StorageWrite> batch, int index, StateWrite write, long now)
    {
        var changed = write.ExpectedVersion == 0
            ? Key(_insertState, write.GrainId, write.StateName).Blob(3, write.Payload).Int64(4, now).Execute()
            : Key(_updateState, write.GrainId, write.StateName).Blob(3, write.Payload).Int64(4, now).Int64(5, write.ExpectedVersion).Execute();
        if (changed == 1)
        {
            StageIndexRows(write.Index);
            batch.Succeeded(index, write.NewVersion);
        }
        else
        {
            batch.Conflicted(index, write.ConflictMessage);
        }
    }

    private void AppendEvents(CommitBatch<StorageWrite> batch, int index, EventsAppend append)
    {
        var expected = append.ExpectedVersion;
        if (Key(_selectJournalVersion, append.GrainId, append.JournalName).ScalarInt64() != expected)
        {
            batch.Conflicted(index, append.ConflictMessage);
            return;
        }
        for (var i = 0; i < append.Events.Count; i++)
        {
            if (Key(_insertEvent, append.GrainId, append.JournalName).Int64(3, expected + i + 1).Blob(4, append.Events[i]).Execute() == 0)
            {
                // Cannot happen while this connection holds the write lock, but never leave half an append behind.
                Key(_deleteEventRange, append.GrainId, append.JournalName).Int64(3, expected).Int64(4, expected + i).Execute();
                batch.Conflicted(index, append.ConflictMessage);
                return;
            }
        }
        StageIndexRows(append.Index);
        batch.Succeeded(index, expected + append.Events.Count);
    }

    /// <summary>Runs only once the write carrying the rows passed its version check, in the same transaction.</summary>
    private void StageIndexRows(IReadOnlyList<IndexEntry> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var staged = new StagedRow(_staged.NextSequence(), row.Index, row.Key, row.ItemId, row.Payload.ToArray());
            _insertStagedIndexRow.Int64(0, staged.Sequence).Text(1, staged.Index).Text(2, staged.Key).Text(3, staged.ItemId)
                .Blob(4, staged.Payload).Execute();
            _stagedNow.Add(staged);
        }
    }

    /// <summary>Carries the round's next step: rows merged into the tree in key order, or merged rows deleted from the stage.</summary>
    private RoundStep MergeStep()
    {
        var step = _staged.NextStep();
        foreach (var row in step.Merge.Span)
        {
            _upsertIndexRow.Text(0, row.Index).Text(1, row.Key).Text(2, row.ItemId).Blob(3, row.Payload).Execute();
        }
        if (step.DeleteThrough > 0)
        {
            _deleteStagedIndexRows.Int64(0, step.DeleteThrough).Execute();
        }
        return step;
    }

    private void WriteSnapshot(CommitBatch<StorageWrite> batch, int index, SnapshotWrite snapshot, long now)
    {
        if (Key(_upsertSnapshot, snapshot.GrainId, snapshot.JournalName).Int64(3, snapshot.Version).Blob(4, snapshot.Payload).Int64(5, now).Execute() == 1)
        {
            Key(_deleteCoveredEvents, snapshot.GrainId, snapshot.JournalName).Int64(3, snapshot.Version).Execute();
            StageIndexRows(snapshot.Index);
            batch.Succeeded(index, snapshot.Version);
        }
        else
        {
            batch.Conflicted(index, snapshot.ConflictMessage);
        }
    }

    /// <summary>Binds the first three parameters every grain-keyed statement starts with: type, key and name.</summary>
    private static SqliteStatement Key(SqliteStatement statement, GrainId grainId, string name) =>
        statement.Text(0, grainId.Type).Text(1, grainId.Key).Text(2, name);

    private SqliteStatement Prepare(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var statement = SqliteStatement.Prepare(_connection, sql, parameterNames);
        _statements.Add(statement);
        return statement;
    }
}
