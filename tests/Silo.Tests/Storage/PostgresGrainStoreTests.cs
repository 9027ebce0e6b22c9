using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Silo.Storage;
using GroupBuy.Silo.Storage.Postgres;
using GroupBuy.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>The store behaviours on the real PostgreSQL server of the test assembly, one database per test.</summary>
public sealed class PostgresGrainStoreTests(PostgresFixture postgres) : GrainStoreBehaviours
{
    private string _connectionString = "";

    protected override async Task PrepareDatabaseAsync() =>
        _connectionString = await postgres.Server.CreateDatabaseAsync(Cancellation);

    protected override IDurableGrainStore CreateStore(RuntimeMetrics metrics) =>
        new PostgresGrainStore(_connectionString, metrics, TimeProvider.System, NullLogger<PostgresGrainStore>.Instance);

    protected override async Task<IAsyncDisposable> BlockWritesAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Cancellation);
        var transaction = await connection.BeginTransactionAsync(Cancellation);
        // SHARE mode lets reads through but makes every INSERT, UPDATE and DELETE wait.
        await using (var command = new NpgsqlCommand(
            "LOCK TABLE grain_state, journal_events, journal_snapshots, reminders IN SHARE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(Cancellation);
        }
        return new Releaser(async () =>
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        });
    }
}
