using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Silo.Storage;
using GroupBuy.Silo.Storage.Sqlite;
using GroupBuy.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>The store behaviours on a real SQLite file, one file per test.</summary>
public sealed class SqliteGrainStoreTests : GrainStoreBehaviours
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("data/groupbuy.db");

    [Fact]
    public async Task The_database_file_is_write_ahead_logged()
    {
        await Store.InitializeAsync(Cancellation);

        await using var connection = Connect();
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Cancellation));
    }

    [Fact]
    public async Task An_index_read_from_a_file_that_is_not_a_database_reports_the_store_unavailable()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192), Cancellation);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => Store.ReadIndexAsync("orders-by-shopper", "ann", Cancellation));
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_is_unavailable_until_the_first_is_disposed()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("from the first"), 0, Cancellation);
        var second = OpenStore();

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => second.ReadAsync(StateName, Grain(1), Cancellation));
        Assert.Contains("open in another store", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => second.WriteAsync(StateName, Grain(2), Bytes("refused"), 0, Cancellation));

        await Store.DisposeAsync();
        Assert.Equal(new StoredStateView("from the first", 1), View(await second.ReadAsync(StateName, Grain(1), Cancellation)));
        Assert.Equal(1, await second.WriteAsync(StateName, Grain(2), Bytes("now"), 0, Cancellation));
    }

    protected override Task PrepareDatabaseAsync() => Task.CompletedTask;

    protected override IDurableGrainStore CreateStore(RuntimeMetrics metrics) =>
        new SqliteGrainStore(DatabasePath, metrics, TimeProvider.System, NullLogger<SqliteGrainStore>.Instance);

    protected override async Task ApplyFirstSchemaScriptOnlyAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using var connection = Connect();
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = SchemaScript.Load("Sqlite").Single(script => script.Version == 1).Sql + ";" + SqliteSql.CreateSchemaVersion + ";" +
            "INSERT INTO schema_version (version, script, applied_at) VALUES (1, '001_initial', 0)";
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    protected override IReadOnlyList<long> AllSchemaVersions => [1, 2, 3, 4, 5, 6, 7];

    protected override async Task<IReadOnlyList<long>> AppliedSchemaVersionsAsync()
    {
        await using var connection = Connect();
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version";
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
        var connection = Connect();
        await connection.OpenAsync(Cancellation);
        // BEGIN IMMEDIATE: holds the file's write lock until rolled back.
        var transaction = connection.BeginTransaction(deferred: false);
        return new Releaser(async () =>
        {
            transaction.Rollback();
            transaction.Dispose();
            await connection.DisposeAsync();
        });
    }

    protected override ValueTask CleanUpAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private SqliteConnection Connect() =>
        new(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
}
