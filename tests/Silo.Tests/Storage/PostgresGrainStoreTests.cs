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

    [Fact]
    public async Task Two_stores_on_one_database_share_it()
    {
        var other = OpenStore();

        await Task.WhenAll(Store.InitializeAsync(Cancellation), other.InitializeAsync(Cancellation));
        var version = await Store.WriteAsync(StateName, Grain(1), Bytes("from the first"), 0, Cancellation);

        Assert.Equal(new StoredStateView("from the first", 1), View(await other.ReadAsync(StateName, Grain(1), Cancellation)));
        Assert.Equal(2, await other.WriteAsync(StateName, Grain(1), Bytes("from the second"), version, Cancellation));
    }

    protected override async Task PrepareDatabaseAsync() =>
        _connectionString = await postgres.Server.CreateDatabaseAsync(Cancellation);

    protected override IDurableGrainStore CreateStore(RuntimeMetrics metrics) =>
        new PostgresGrainStore(_connectionString, metrics, TimeProvider.System, NullLogger<PostgresGrainStore>.Instance);

    protected override async Task ApplyFirstSchemaScriptOnlyAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(
            SchemaScript.Load("Postgres").Single(script => script.Version == 1).Sql + ";" + PostgresSql.CreateSchemaVersion + ";" +
            "INSERT INTO schema_version (version, script, applied_at) VALUES (1, '001_initial', now())");
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    protected override IReadOnlyList<long> AllSchemaVersions => [1, 2];

    protected override async Task<IReadOnlyList<long>> AppliedSchemaVersionsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand("SELECT version FROM schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var versions = new List<long>();
        while (await reader.ReadAsync(Cancellation))
        {
            versions.Add(reader.GetInt64(0));
        }
        return versions;
    }

    protected override async Task<IAsyncDisposable> BlockWritesAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Cancellation);
        var transaction = await connection.BeginTransactionAsync(Cancellation);
        // SHARE mode lets reads through but makes every INSERT, UPDATE and DELETE wait.
        await using (var command = new NpgsqlCommand(
            "LOCK TABLE grain_state, journal_events, journal_snapshots, grain_index, reminders IN SHARE MODE", connection, transaction))
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
