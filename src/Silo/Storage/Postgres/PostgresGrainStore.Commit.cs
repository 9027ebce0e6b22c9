using GroupBuy.Silo.Storage.GroupCommit;
using Npgsql;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>
/// Group commit on PostgreSQL: a batch of writes becomes one transaction whose statements travel in one
/// <see cref="NpgsqlBatch"/> round trip. No statement fails on a version conflict (the row count tells), so one
/// stale writer never aborts the others' transaction.
/// </summary>
public sealed partial class PostgresGrainStore
{
    /// <summary>How often a batch is re-run when a journal append raced another store's transaction.</summary>
    private const int MaxAttempts = 3;

    private protected override async Task CommitAsync(CommitBatch<StorageWrite> batch)
    {
        try
        {
            await _schema.EnsureAsync(CancellationToken.None).ConfigureAwait(false);
            for (var attempt = 1; !await TryCommitAsync(batch).ConfigureAwait(false); attempt++)
            {
                if (attempt == MaxAttempts)
                {
                    throw new InvalidOperationException($"Journal appends kept racing another writer's transaction {MaxAttempts} times.");
                }
                StorageLog.PostgresBatchRetried(_logger, batch.Count, attempt + 1);
            }
        }
        catch (Exception exception) when (PostgresFailures.IsConnectionLost(exception))
        {
            ConnectionLost(exception);
            throw;
        }
    }

    /// <summary>Runs the batch in one transaction; false (rolled back) when an append was only partly inserted.</summary>
    private async Task<bool> TryCommitAsync(CommitBatch<StorageWrite> batch)
    {
        var now = _timeProvider.GetUtcNow();
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var statements = new NpgsqlBatch(connection, transaction);
                await using (statements.ConfigureAwait(false))
                {
                    // The statement whose row count tells each write's outcome.
                    var outcomeStatement = new int[batch.Count];
                    for (var index = 0; index < batch.Count; index++)
                    {
                        outcomeStatement[index] = AddStatements(statements.BatchCommands, batch[index], now);
                    }
                    await statements.ExecuteNonQueryAsync().ConfigureAwait(false);
                    for (var index = 0; index < batch.Count; index++)
                    {
                        // Rows, not RecordsAffected: a write carrying index rows reports its outcome from a SELECT.
                        if (!RecordOutcome(batch, index, checked((int)statements.BatchCommands[outcomeStatement[index]].Rows)))
                        {
                            return false; // disposing the transaction rolls it back
                        }
                    }
                    await transaction.CommitAsync().ConfigureAwait(false);
                    return true;
                }
            }
        }
    }

    private static int AddStatements(NpgsqlBatchCommandCollection statements, StorageWrite write, DateTimeOffset now)
    {
        var first = statements.Count;
        switch (write)
        {
            case StateWrite state:
                var stateStatement = Statement(statements, StateSql(state));
                stateStatement.Text(state.GrainId.Type).Text(state.GrainId.Key).Text(state.StateName).Bytes(state.Payload).Time(now);
                if (state.ExpectedVersion != 0)
                {
                    stateStatement.Int64(state.ExpectedVersion);
                }
                if (state.Index.Count > 0)
                {
                    stateStatement.IndexRows(state.Index);
                }
                break;
            case EventsAppend append:
                var appendStatement = Statement(statements, AppendSql(append))
                    .Text(append.GrainId.Type).Text(append.GrainId.Key).Text(append.JournalName).Int64(append.ExpectedVersion);
                if (append.Events.Count > 0)
                {
                    appendStatement.BytesArray(append.Events);
                }
                if (append.Index.Count > 0)
                {
                    appendStatement.IndexRows(append.Index);
                }
                break;
            case SnapshotWrite snapshot:
                var snapshotStatement = Statement(statements, snapshot.Index.Count == 0 ? PostgresSql.UpsertSnapshot : PostgresSql.UpsertSnapshotWithIndex)
                    .Text(snapshot.GrainId.Type).Text(snapshot.GrainId.Key).Text(snapshot.JournalName)
                    .Int64(snapshot.Version).Bytes(snapshot.Payload).Time(now);
                if (snapshot.Index.Count > 0)
                {
                    snapshotStatement.IndexRows(snapshot.Index);
                }
                Statement(statements, PostgresSql.DeleteCoveredEvents)
                    .Text(snapshot.GrainId.Type).Text(snapshot.GrainId.Key).Text(snapshot.JournalName).Int64(snapshot.Version);
                break;
            case ReminderUpsert upsert:
                var entry = upsert.Entry;
                Statement(statements, PostgresSql.UpsertReminder)
                    .Text(entry.GrainId.Type).Text(entry.GrainId.Key).Text(entry.Name).Time(entry.DueAt)
                    .NullableInt64(entry.Period is { } period ? (long)period.TotalMilliseconds : null);
                break;
            case ReminderRemoval removal:
                Statement(statements, PostgresSql.DeleteReminder).Text(removal.GrainId.Type).Text(removal.GrainId.Key).Text(removal.Name);
                break;
            default:
                throw new InvalidOperationException($"Unknown storage write {write.GetType().Name}.");
        }
        return first;
    }

    /// <summary>Index rows ride in the write's own statement, so they commit exactly when its version check passes.</summary>
    private static string StateSql(StateWrite state) => (state.ExpectedVersion == 0, state.Index.Count > 0) switch
    {
        (true, false) => PostgresSql.InsertState,
        (false, false) => PostgresSql.UpdateState,
        (true, true) => PostgresSql.InsertStateWithIndex,
        (false, true) => PostgresSql.UpdateStateWithIndex,
    };

    private static string AppendSql(EventsAppend append) =>
        append.Events.Count == 0 ? PostgresSql.UpsertIndexRows
        : append.Index.Count == 0 ? PostgresSql.AppendEvents
        : PostgresSql.AppendEventsWithIndex;

    /// <summary>The outcome statement's row count when an append went through: one per event, or, with no events, one per index row.</summary>
    private static int AppendedRows(EventsAppend append) => append.Events.Count > 0 ? append.Events.Count : append.Index.Count;

    private static NpgsqlParameterCollection Statement(NpgsqlBatchCommandCollection statements, string sql)
    {
        var statement = new NpgsqlBatchCommand(sql);
        statements.Add(statement);
        return statement.Parameters;
    }

    /// <summary>Records the write's outcome from its statement's row count; false when an append was only partly inserted.</summary>
    private static bool RecordOutcome(CommitBatch<StorageWrite> batch, int index, int rows)
    {
        switch (batch[index])
        {
            case StateWrite state when rows == 1:
                batch.Succeeded(index, state.NewVersion);
                break;
            case StateWrite state:
                batch.Conflicted(index, state.ConflictMessage);
                break;
            case EventsAppend append when rows == AppendedRows(append):
                batch.Succeeded(index, append.ExpectedVersion + append.Events.Count);
                break;
            case EventsAppend append when rows == 0:
                batch.Conflicted(index, append.ConflictMessage);
                break;
            case EventsAppend:
                return false;
            case SnapshotWrite snapshot when rows == 1:
                batch.Succeeded(index, snapshot.Version);
                break;
            case SnapshotWrite snapshot:
                batch.Conflicted(index, snapshot.ConflictMessage);
                break;
            default:
                batch.Succeeded(index);
                break;
        }
        return true;
    }
}
