using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>Reads: they bypass the commit queue and run on pooled connections beside the writer (WAL).</summary>
public sealed partial class SqliteGrainStore
{
    public Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(stateName, nameof(stateName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync(SqliteSql.SelectState, parameters => BindJournalOrState(parameters, grainId, stateName),
            static reader => reader.Read()
                ? new StoredState(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
                : null,
            cancellationToken);
    }

    public Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync(SqliteSql.SelectSnapshot, parameters => BindJournalOrState(parameters, grainId, journalName),
            static reader => reader.Read() ? new JournalSnapshot(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1)) : null,
            cancellationToken);
    }

    public Task<(JournalSnapshot? Snapshot, IReadOnlyList<JournalEntry> Events)> ReadJournalAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return ReadJournalEventsAsync(journalName, grainId, cancellationToken);
    }

    private async Task<(JournalSnapshot? Snapshot, IReadOnlyList<JournalEntry> Events)> ReadJournalEventsAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // Staged events first: one merged, or covered by a snapshot, meanwhile is in the tables by the time it leaves memory.
        var staged = _journals.Of(new JournalKey(grainId.Type, grainId.Key, journalName));
        var (snapshot, stored) = await QueryAsync(SqliteSql.SelectJournal, parameters => BindJournalOrState(parameters, grainId, journalName),
            static reader =>
            {
                JournalSnapshot? snapshot = null;
                var events = new List<JournalEntry>();
                while (reader.Read())
                {
                    if (reader.GetInt64(0) == 0)
                    {
                        snapshot = new JournalSnapshot(reader.GetFieldValue<byte[]>(2), reader.GetInt64(1));
                    }
                    else
                    {
                        events.Add(new JournalEntry(reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
                    }
                }
                return (snapshot, events);
            },
            cancellationToken).ConfigureAwait(false);
        return (snapshot, StagedJournalEvents.After(snapshot?.Version ?? 0, stored, staged));
    }

    public Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return ReadEventsAfterAsync(journalName, grainId, afterVersion, cancellationToken);
    }

    private async Task<IReadOnlyList<JournalEntry>> ReadEventsAfterAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var staged = _journals.Of(new JournalKey(grainId.Type, grainId.Key, journalName));
        var stored = await QueryAsync<IReadOnlyList<JournalEntry>>(SqliteSql.SelectEvents,
            parameters =>
            {
                BindJournalOrState(parameters, grainId, journalName);
                parameters.AddWithValue("$after", afterVersion);
            },
            static reader =>
            {
                var events = new List<JournalEntry>();
                while (reader.Read())
                {
                    events.Add(new JournalEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
                }
                return events;
            },
            cancellationToken).ConfigureAwait(false);
        return StagedJournalEvents.After(afterVersion, stored, staged);
    }

    public Task<IReadOnlyList<IndexedItem>> ReadIndexAsync(string index, string key, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(index, nameof(index));
        StorageArguments.CheckName(key, nameof(key));
        return ReadIndexRowsAsync(index, key, cancellationToken);
    }

    private async Task<IReadOnlyList<IndexedItem>> ReadIndexRowsAsync(string index, string key, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // Staged rows first: one merged meanwhile is in a listed run by the time it leaves memory.
        var staged = _staged.Of(index, key);
        try
        {
            var connection = new SqliteConnection(_readConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return StagedIndexRows.Over(ReadStoredIndexRows(connection, index, key), staged);
            }
        }
        catch (SqliteException exception)
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>
    /// The key's newest rows on disk: the listed runs, lowest level and newest first, then the rows merged before
    /// runs existed. One read transaction, so that a compaction committed meanwhile cannot hide a run's rows.
    /// </summary>
    private static List<IndexedItem> ReadStoredIndexRows(SqliteConnection connection, string index, string key)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        var items = new List<IndexedItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var runs = new List<long>();
        using (var select = Command(connection, transaction, SqliteSql.SelectListedRuns))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                runs.Add(reader.GetInt64(0));
            }
        }
        var (from, to) = IndexKeys.Range(index, key);
        using (var blocks = Command(connection, transaction, SqliteSql.SelectRunBlocks))
        {
            var run = blocks.Parameters.Add("$run", SqliteType.Integer);
            blocks.Parameters.AddWithValue("$from", from);
            blocks.Parameters.AddWithValue("$to", to);
            foreach (var number in runs)
            {
                run.Value = number;
                using var reader = blocks.ExecuteReader();
                while (reader.Read())
                {
                    foreach (var (itemId, payload) in IndexBlockReader.RowsUnder(reader.GetFieldValue<byte[]>(0), from))
                    {
                        if (seen.Add(itemId))
                        {
                            items.Add(new IndexedItem(itemId, payload));
                        }
                    }
                }
            }
        }
        using (var merged = Command(connection, transaction, SqliteSql.SelectIndex))
        {
            merged.Parameters.AddWithValue("$index", index);
            merged.Parameters.AddWithValue("$key", key);
            using var reader = merged.ExecuteReader();
            while (reader.Read())
            {
                if (seen.Add(reader.GetString(0)))
                {
                    items.Add(new IndexedItem(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
                }
            }
        }
        transaction.Commit();
        return items;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<ReminderEntry>>(SqliteSql.SelectReminders, static _ => { },
            static reader =>
            {
                var reminders = new List<ReminderEntry>();
                while (reader.Read())
                {
                    reminders.Add(new ReminderEntry(
                        GrainId.Create(reader.GetString(0), reader.GetString(1)),
                        reader.GetString(2),
                        SqliteTime.FromMicroseconds(reader.GetInt64(3)),
                        reader.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(4))));
                }
                return reminders;
            },
            cancellationToken);

    /// <summary>Readiness: the schema is in place and the file answers a query.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT 1", static _ => { }, static reader => reader.Read(), cancellationToken);

    private static void BindJournalOrState(SqliteParameterCollection parameters, GrainId grainId, string name)
    {
        parameters.AddWithValue("$type", grainId.Type);
        parameters.AddWithValue("$key", grainId.Key);
        parameters.AddWithValue("$name", name);
    }

    private async Task<T> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            var connection = new SqliteConnection(_readConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command.Parameters);
                using var reader = command.ExecuteReader();
                return read(reader);
            }
        }
        catch (SqliteException exception)
        {
            throw Unavailable(exception);
        }
    }
}
