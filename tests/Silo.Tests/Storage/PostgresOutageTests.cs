using System.Diagnostics;
using GroupBuy.Runtime;
using GroupBuy.Silo.Storage.Postgres;
using GroupBuy.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// PostgreSQL going down and coming back, on a server of this class's own so that stopping it disturbs no
/// other test.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    /// <summary>Far above the 3-second connect timeout: a hang fails the test instead of stalling the run.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private PostgresServer? _server;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private PostgresServer Server => _server!;

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync(Cancellation);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stopped_server_fails_operations_within_seconds_and_the_store_recovers_after_a_restart()
    {
        var connectionString = await Server.CreateDatabaseAsync(Cancellation);
        var metrics = GrainStoreBehaviours.NewMetrics();
        await using var store = new PostgresGrainStore(connectionString, metrics, TimeProvider.System, NullLogger<PostgresGrainStore>.Instance);
        await using var untouched = new PostgresGrainStore(connectionString, metrics, TimeProvider.System, NullLogger<PostgresGrainStore>.Instance);
        var grain = GrainId.Create("cart", 1);
        var version = await store.WriteAsync("cart", grain, "before"u8.ToArray(), 0, Cancellation);
        // Concurrent reads leave several idle connections in the pool, each of which dies with the server.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.ReadAsync("cart", grain, Cancellation)));

        await Server.StopServerAsync(Cancellation);
        var outage = Stopwatch.StartNew();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync("cart", grain, "during"u8.ToArray(), version, Cancellation).WaitAsync(HangGuard, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("cart", grain, Cancellation).WaitAsync(HangGuard, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.PingAsync(Cancellation).WaitAsync(HangGuard, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => untouched.ReadAsync("cart", grain, Cancellation).WaitAsync(HangGuard, Cancellation));
        Assert.InRange(outage.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        await Server.StartServerAsync(Cancellation);

        Assert.Equal(2, await store.WriteAsync("cart", grain, "after"u8.ToArray(), version, Cancellation));
        var stored = await untouched.ReadAsync("cart", grain, Cancellation);
        Assert.Equal(("after", 2L), (System.Text.Encoding.UTF8.GetString(stored!.Payload!), stored.Version));
    }

    [Fact]
    public async Task After_the_server_terminates_the_pooled_connections_only_the_first_operation_fails()
    {
        var connectionString = await Server.CreateDatabaseAsync(Cancellation);
        await using var store = new PostgresGrainStore(connectionString, GrainStoreBehaviours.NewMetrics(), TimeProvider.System, NullLogger<PostgresGrainStore>.Instance);
        var grain = GrainId.Create("cart", 1);
        var version = await store.WriteAsync("cart", grain, "before"u8.ToArray(), 0, Cancellation);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.ReadAsync("cart", grain, Cancellation)));

        await TerminateConnectionsAsync(new NpgsqlConnectionStringBuilder(connectionString).Database!);

        var first = await Record.ExceptionAsync(() => store.ReadAsync("cart", grain, Cancellation));
        Assert.True(first is null or StorageUnavailableException, $"unexpected {first}");
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(version, (await store.ReadAsync("cart", grain, Cancellation))!.Version);
        }
        Assert.Equal(version + 1, await store.WriteAsync("cart", grain, "after"u8.ToArray(), version, Cancellation));
    }

    private async Task TerminateConnectionsAsync(string database)
    {
        await using var admin = new NpgsqlConnection(Server.AdminConnectionString);
        await admin.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
        // At least the store's writer connection is there; how many pooled readers exist depends on timing.
        Assert.True((long)(await command.ExecuteScalarAsync(Cancellation))! >= 1);
    }
}
