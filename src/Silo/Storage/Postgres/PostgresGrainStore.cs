using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GroupBuy.Silo.Storage.Postgres;

/// <summary>
/// The production store: grain states, journals and reminders in PostgreSQL, on an <see cref="NpgsqlDataSource"/>
/// the store owns. Writes are group-committed: each batch is one transaction sent as one round trip of
/// statements, every row version-checked on its own. Reads go straight to the pool.
/// </summary>
public sealed partial class PostgresGrainStore : GroupCommittedStore, IDurableGrainStore
{
    private const string ProviderName = "postgres";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SchemaGate _schema;
    private int _disposed;

    /// <param name="connectionString">
    /// An Npgsql connection string; <c>Timeout=3</c> and <c>Max Auto Prepare=32</c> are added unless it sets them.
    /// </param>
    /// <param name="metrics">Counts each group-commit transaction.</param>
    /// <param name="timeProvider">Stamps modification times.</param>
    /// <param name="logger">Logs schema set-up and failed batches.</param>
    public PostgresGrainStore(string connectionString, RuntimeMetrics metrics, TimeProvider timeProvider, ILogger<PostgresGrainStore> logger)
        : base(ProviderName, metrics, logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _dataSource = NpgsqlDataSource.Create(PostgresConnectionDefaults.Apply(connectionString));
        _timeProvider = timeProvider;
        _logger = logger;
        _schema = new SchemaGate(ApplySchemaAsync);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresFailures.IsStorageFailure(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>Commits the writes already queued, then closes the data source.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await Writes.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, PostgresSql.LockSchema, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, PostgresSql.CreateSchemaVersion, cancellationToken).ConfigureAwait(false);
                var applied = new HashSet<long>();
                var select = new NpgsqlCommand(PostgresSql.SelectSchemaVersions, connection);
                await using (select.ConfigureAwait(false))
                {
                    var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            applied.Add(reader.GetInt64(0));
                        }
                    }
                }
                foreach (var script in SchemaScript.Load("Postgres"))
                {
                    if (applied.Contains(script.Version))
                    {
                        continue;
                    }
                    await ExecuteAsync(connection, script.Sql, cancellationToken).ConfigureAwait(false);
                    var record = new NpgsqlCommand(PostgresSql.InsertSchemaVersion, connection);
                    await using (record.ConfigureAwait(false))
                    {
                        record.Parameters.Int64(script.Version).Text(script.Name).Time(_timeProvider.GetUtcNow());
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    StorageLog.SchemaScriptApplied(_logger, ProviderName, script.Name);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private StorageUnavailableException Unavailable(Exception exception)
    {
        if (PostgresFailures.IsConnectionLost(exception))
        {
            ConnectionLost(exception);
        }
        return new StorageUnavailableException($"PostgreSQL could not be reached or failed: {exception.Message}", exception);
    }

    /// <summary>Drops idle pooled connections, which died with the server, so the next operation connects afresh.</summary>
    private void ConnectionLost(Exception exception)
    {
        StorageLog.PostgresConnectionLost(_logger, exception);
        _dataSource.Clear();
    }
}
