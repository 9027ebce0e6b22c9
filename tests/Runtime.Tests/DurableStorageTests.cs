using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using GroupBuy.Silo.Storage;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>The runtime on the real durable stores: what a grain wrote is there after a restart, and writes share commits.</summary>
public abstract class DurableStorageTests
{
    private readonly Probe _probe = new();

    protected abstract Task<Action<IServiceCollection>> StorageAsync();

    private async Task<TestCluster> StartAsync() => await TestSilo.StartAsync(_probe, services: await StorageAsync(), memoryStorage: false);

    [Fact]
    public async Task State_survives_a_silo_restart()
    {
        await using var silo = await StartAsync();
        await silo.GrainFactory.GetGrain<ITallyGrain>("durable").Add(7);

        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(8, await silo.GrainFactory.GetGrain<ITallyGrain>("durable").Add(1));
    }

    [Fact]
    public async Task State_acknowledged_before_a_crash_is_there_after_it()
    {
        await using var silo = await StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => silo.GrainFactory.GetGrain<ITallyGrain>($"c{i}").Add(i)));

        await silo.CrashAndRestartAsync(TestSilo.Token);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(i, await silo.GrainFactory.GetGrain<ITallyGrain>($"c{i}").Get());
        }
    }

    [Fact]
    public async Task Concurrent_writes_from_distinct_grains_share_transactions_and_each_caller_sees_its_own_commit()
    {
        await using var silo = await StartAsync();
        var grains = Enumerable.Range(0, 200).Select(i => silo.GrainFactory.GetGrain<ITallyGrain>($"batch{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Get()));
        var metrics = silo.Services.GetRequiredService<RuntimeMetrics>();
        var before = metrics.StorageTransactions;

        var written = await Task.WhenAll(grains.Select((g, i) => Task.Run(() => g.Add(i + 1), TestSilo.Token)));

        var transactions = metrics.StorageTransactions - before;
        Assert.True(transactions < 200, $"{transactions} transactions for 200 writes");
        Assert.Equal(Enumerable.Range(1, 200), written);
        await silo.RestartAsync(TestSilo.Token);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i + 1, await silo.GrainFactory.GetGrain<ITallyGrain>($"batch{i}").Get());
        }
    }

    [Fact]
    public async Task A_deadline_reminder_fires_after_a_restart()
    {
        await using var silo = await StartAsync();
        await silo.GrainFactory.GetGrain<IAlarmGrain>("durable").SetDeadline(silo.Clock.GetUtcNow().AddMinutes(3));

        await silo.StopSiloAsync(TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(10));
        await silo.StartSiloAsync(TestSilo.Token);

        await _probe.Signaled("durable:deadline:1");
    }

    [Fact]
    public async Task Journaled_state_survives_a_restart()
    {
        await using var silo = await StartAsync();
        var ledger = silo.GrainFactory.GetGrain<ILedgerGrain>("durable");
        await Task.WhenAll(Enumerable.Range(1, 100).Select(i => ledger.Record(i, "x")));

        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal((5050, 100, 100L), await silo.GrainFactory.GetGrain<ILedgerGrain>("durable").Read());
    }
}

public sealed class SqliteDurableStorageTests : DurableStorageTests, IDisposable
{
    private readonly TempDirectory _data = new();

    protected override Task<Action<IServiceCollection>> StorageAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(_data.File("silo.db")));

    public void Dispose() => _data.Dispose();
}

public sealed class PostgresDurableStorageTests(PostgresFixture postgres) : DurableStorageTests
{
    protected override async Task<Action<IServiceCollection>> StorageAsync()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync(TestSilo.Token);
        return services => services.AddPostgresGrainStorage(connectionString);
    }
}
