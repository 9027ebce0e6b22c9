using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The one connection every SQLite write goes through, with its statements prepared once. A batch runs in a
/// single <c>BEGIN IMMEDIATE</c> transaction; each write is checked on its own and a failed check only records
/// that write's conflict (and skips its grain index rows), so the rest of the batch still commits.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];
    private readonly SqliteCommand _insertState;
    private readonly SqliteCommand _updateState;
    private readonly SqliteCommand _selectJournalVersion;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _deleteEventRange;
    private readonly SqliteCommand _upsertSnapshot;
    private readonly SqliteCommand _deleteCoveredEvents;
    private readonly SqliteCommand _upsertIndexRow;
    private readonly SqliteCommand _upsertReminder;
    private readonly SqliteCommand _deleteReminder;

    private SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insertState = Prepare(SqliteSql.InsertState, "$type", "$key", "$name", "$payload", "$now");
        _updateState = Prepare(SqliteSql.UpdateState, "$type", "$key", "$name", "$payload", "$now", "$expected");
        _selectJournalVersion = Prepare(SqliteSql.SelectJournalVersion, "$type", "$key", "$name");
        _insertEvent = Prepare(SqliteSql.InsertEvent, "$type", "$key", "$name", "$version", "$payload");
        _deleteEventRange = Prepare(SqliteSql.DeleteEventRange, "$type", "$key", "$name", "$after", "$last");
        _upsertSnapshot = Prepare(SqliteSql.UpsertSnapshot, "$type", "$key", "$name", "$version", "$payload", "$now");
        _deleteCoveredEvents = Prepare(SqliteSql.DeleteCoveredEvents, "$type", "$key", "$name", "$version");
        _upsertIndexRow = Prepare(SqliteSql.UpsertIndexRow, "$index", "$key", "$item", "$payload");
        _upsertReminder = Prepare(SqliteSql.UpsertReminder, "$type", "$key", "$name", "$due", "$period");
        _deleteReminder = Prepare(SqliteSql.DeleteReminder, "$type", "$key", "$name");
    }

    public static SqliteWriter Open(string connectionString, int busyTimeoutMilliseconds)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // FULL: the WAL is synced at every commit, so an acknowledged write survives a power cut.
            pragmas.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {busyTimeoutMilliseconds};";
            pragmas.ExecuteNonQuery();
            return new SqliteWriter(connection);
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
        using var transaction = _connection.BeginTransaction(deferred: false);
        foreach (var command in _commands)
        {
            command.Transaction = transaction;
        }
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
                    Execute(_upsertReminder, entry.GrainId.Type, entry.GrainId.Key, entry.Name,
                        SqliteTime.ToMicroseconds(entry.DueAt), entry.Period is { } period ? (long)period.TotalMilliseconds : null);
                    batch.Succeeded(index);
                    break;
                case ReminderRemoval removal:
                    Execute(_deleteReminder, removal.GrainId.Type, removal.GrainId.Key, removal.Name);
                    batch.Succeeded(index);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown storage write {batch[index].GetType().Name}.");
            }
        }
        transaction.Commit();
    }

    public void Dispose()
    {
        foreach (var command in _commands)
        {
            command.Dispose();
        }
        _connection.Dispose();
    }

    private void WriteState(CommitBatch<StorageWrite> batch, int index, StateWrite write, long now)
    {
        object payload = write.Payload is { } bytes ? Blob.ToArray(bytes) : DBNull.Value;
        var (type, key) = (write.GrainId.Type, write.GrainId.Key);
        var changed = write.ExpectedVersion == 0
            ? Execute(_insertState, type, key, write.StateName, payload, now)
            : Execute(_updateState, type, key, write.StateName, payload, now, write.ExpectedVersion);
        if (changed == 1)
        {
            UpsertIndex(write.Index);
            batch.Succeeded(index, write.NewVersion);
        }
        else
        {
            batch.Conflicted(index, write.ConflictMessage);
        }
    }

    private void AppendEvents(CommitBatch<StorageWrite> batch, int index, EventsAppend append)
    {
        var (type, key, name, expected) = (append.GrainId.Type, append.GrainId.Key, append.JournalName, append.ExpectedVersion);
        Bind(_selectJournalVersion, type, key, name);
        if ((long)_selectJournalVersion.ExecuteScalar()! != expected)
        {
            batch.Conflicted(index, append.ConflictMessage);
            return;
        }
        for (var i = 0; i < append.Events.Count; i++)
        {
            if (Execute(_insertEvent, type, key, name, expected + i + 1, Blob.ToArray(append.Events[i])) == 0)
            {
                // Cannot happen while this connection holds the write lock, but never leave half an append behind.
                Execute(_deleteEventRange, type, key, name, expected, expected + i);
                batch.Conflicted(index, append.ConflictMessage);
                return;
            }
        }
        UpsertIndex(append.Index);
        batch.Succeeded(index, expected + append.Events.Count);
    }

    /// <summary>Runs only once the write carrying the rows passed its version check, in the same transaction.</summary>
    private void UpsertIndex(IReadOnlyList<IndexEntry> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Execute(_upsertIndexRow, row.Index, row.Key, row.ItemId, Blob.ToArray(row.Payload));
        }
    }

    private void WriteSnapshot(CommitBatch<StorageWrite> batch, int index, SnapshotWrite snapshot, long now)
    {
        var (type, key, name) = (snapshot.GrainId.Type, snapshot.GrainId.Key, snapshot.JournalName);
        if (Execute(_upsertSnapshot, type, key, name, snapshot.Version, Blob.ToArray(snapshot.Payload), now) == 1)
        {
            Execute(_deleteCoveredEvents, type, key, name, snapshot.Version);
            batch.Succeeded(index, snapshot.Version);
        }
        else
        {
            batch.Conflicted(index, snapshot.ConflictMessage);
        }
    }

    private SqliteCommand Prepare(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameterName in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = parameterName });
        }
        _commands.Add(command);
        return command;
    }

    private static int Execute(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        Bind(command, values);
        return command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
