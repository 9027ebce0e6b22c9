using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using Npgsql;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>Reads: they bypass the commit queue and run on the data source's pool.</summary>
public sealed partial class PostgresGrainStore
{
    public Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(stateName, nameof(stateName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync(PostgresSql.SelectState,
            parameters => parameters.Text(grainId.Type).Text(grainId.Key).Text(stateName),
            static async (reader, token) => await reader.ReadAsync(token).ConfigureAwait(false)
                ? new StoredState(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
                : null,
            cancellationToken);
    }

    public Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync(PostgresSql.SelectSnapshot,
            parameters => parameters.Text(grainId.Type).Text(grainId.Key).Text(journalName),
            static async (reader, token) => await reader.ReadAsync(token).ConfigureAwait(false)
                ? new JournalSnapshot(reader.GetFieldValue<byte[]>(0), reader.GetInt64(1))
                : null,
            cancellationToken);
    }

    public Task<(JournalSnapshot? Snapshot, IReadOnlyList<JournalEntry> Events)> ReadJournalAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync(PostgresSql.SelectJournal,
            parameters => parameters.Text(grainId.Type).Text(grainId.Key).Text(journalName),
            static async (reader, token) =>
            {
                JournalSnapshot? snapshot = null;
                var events = new List<JournalEntry>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    if (reader.GetInt32(0) == 0)
                    {
                        snapshot = new JournalSnapshot(reader.GetFieldValue<byte[]>(2), reader.GetInt64(1));
                    }
                    else
                    {
                        events.Add(new JournalEntry(reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
                    }
                }
                return (snapshot, (IReadOnlyList<JournalEntry>)events);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        return QueryAsync<IReadOnlyList<JournalEntry>>(PostgresSql.SelectEvents,
            parameters => parameters.Text(grainId.Type).Text(grainId.Key).Text(journalName).Int64(afterVersion),
            static async (reader, token) =>
            {
                var events = new List<JournalEntry>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    events.Add(new JournalEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
                }
                return events;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<IndexedItem>> ReadIndexAsync(string index, string key, CancellationToken cancellationToken)
    {
        StorageArguments.CheckName(index, nameof(index));
        StorageArguments.CheckName(key, nameof(key));
        return QueryAsync<IReadOnlyList<IndexedItem>>(PostgresSql.SelectIndex,
            parameters => parameters.Text(index).Text(key),
            static async (reader, token) =>
            {
                var items = new List<IndexedItem>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    items.Add(new IndexedItem(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
                }
                return items;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<ReminderEntry>>(PostgresSql.SelectReminders, static _ => { },
            static async (reader, token) =>
            {
                var reminders = new List<ReminderEntry>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    reminders.Add(new ReminderEntry(
                        GrainId.Create(reader.GetString(0), reader.GetString(1)),
                        reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3),
                        reader.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(4))));
                }
                return reminders;
            },
            cancellationToken);

    /// <summary>Readiness: the schema is in place and the server answers a query.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT 1", static _ => { }, static async (reader, token) => await reader.ReadAsync(token).ConfigureAwait(false), cancellationToken);

    private async Task<T> QueryAsync<T>(
        string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            var command = _dataSource.CreateCommand(sql);
            await using (command.ConfigureAwait(false))
            {
                bind(command.Parameters);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (PostgresFailures.IsStorageFailure(exception))
        {
            throw Unavailable(exception);
        }
    }
}
