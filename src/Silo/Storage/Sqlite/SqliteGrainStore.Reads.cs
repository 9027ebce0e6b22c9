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
        var (from, to) = IndexKeys.Range(index, key);
        // One statement, so that one database snapshot answers it: a compaction committed meanwhile cannot hide a run's rows.
        var stored = await QueryAsync(SqliteSql.SelectKeyRows,
            parameters =>
            {
                parameters.AddWithValue("$from", from);
                parameters.AddWithValue("$to", to);
                parameters.AddWithValue("$index", index);
                parameters.AddWithValue("$key", key);
            },
            reader => NewestStoredRows(reader, from),
            cancellationToken).ConfigureAwait(false);
        return StagedIndexRows.Over(stored, staged);
    }

    /// <summary>
    /// The key's newest rows on disk, from <see cref="SqliteSql.SelectKeyRows"/>: the listed runs, lowest level and
    /// newest first, then the rows merged before runs existed. Blocks are kept as stored (packed, several times smaller)
    /// and unpacked one at a time into one buffer: a hot sale's activation reads a million rows from some 20,000 blocks,
    /// which need not all be held unpacked at once.
    /// </summary>
    private static List<IndexedItem> NewestStoredRows(SqliteDataReader reader, byte[] keyPrefix)
    {
        var blocks = new List<(long Level, long Run, byte[] Stored, long Packing)>();
        var merged = new List<IndexedItem>();
        while (reader.Read())
        {
            if (reader.IsDBNull(0))
            {
                merged.Add(new IndexedItem(reader.GetString(2), reader.GetFieldValue<byte[]>(3)));
            }
            else
            {
                blocks.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2), reader.GetInt64(4)));
            }
        }
        blocks.Sort(static (a, b) => a.Level != b.Level ? a.Level.CompareTo(b.Level) : b.Run.CompareTo(a.Run));
        var items = new List<IndexedItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        byte[]? buffer = null;
        foreach (var block in blocks)
        {
            var rows = BlockPacking.Unpack(block.Stored, block.Packing, ref buffer);
            foreach (var (itemId, payload) in IndexBlockReader.RowsUnder(rows.Array!, rows.Count, keyPrefix))
            {
                if (seen.Add(itemId))
                {
                    items.Add(new IndexedItem(itemId, payload));
                }
            }
        }
        foreach (var item in merged)
        {
            if (seen.Add(item.ItemId))
            {
                items.Add(item);
            }
        }
        return items;
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
        ThrowIfBroken();
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
