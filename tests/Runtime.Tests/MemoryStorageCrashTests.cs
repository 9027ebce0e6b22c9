using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>
/// The memory storage outlives the silos a test crashes. A crashed silo's writes must then behave as a dead
/// process's: what landed before the crash stays, and nothing it had under way lands after its successor started.
/// </summary>
public sealed class MemoryStorageCrashTests
{
    private static readonly GrainId Ledger = new("ledger", "l1");

    [Fact]
    public async Task An_append_under_way_when_its_silo_crashes_never_lands_and_the_next_silo_appends_at_the_same_version()
    {
        var storage = new MemoryGrainStorage();
        var crashed = storage.ForSilo();
        await crashed.AppendAsync("journal", Ledger, 0, [new byte[] { 1 }], TestSilo.Token);
        var ahead = new TaskCompletionSource();
        var underWay = crashed.AppendWhenReadyAsync("journal", Ledger, ahead.Task,
            () => new JournalCut(1, [new byte[] { 2 }], []), TestSilo.Token);

        crashed.Crash();
        var successor = storage.ForSilo();
        await successor.AppendAsync("journal", Ledger, 1, [new byte[] { 3 }], TestSilo.Token);
        ahead.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => underWay);
        var events = await storage.ReadEventsAsync("journal", Ledger, 0, TestSilo.Token);
        Assert.Equal([(1L, (byte)1), (2L, (byte)3)], events.Select(e => (e.Version, e.Payload[0])));
    }

    [Fact]
    public async Task A_crashed_silo_writes_no_state_snapshot_or_reminder()
    {
        var storage = new MemoryGrainStorage();
        var crashed = storage.ForSilo();
        crashed.Crash();

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashed.WriteAsync("state", Ledger, new byte[] { 1 }, 0, TestSilo.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashed.WriteSnapshotAsync("journal", Ledger, 0, new byte[] { 1 }, TestSilo.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashed.UpsertAsync(new ReminderEntry(Ledger, "clock", DateTimeOffset.UnixEpoch, null), TestSilo.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashed.RemoveAsync(Ledger, "clock", TestSilo.Token));
        Assert.Null(await storage.ReadAsync("state", Ledger, TestSilo.Token));
        Assert.Null(await storage.ReadSnapshotAsync("journal", Ledger, TestSilo.Token));
        Assert.Empty(await storage.ReadAllAsync(TestSilo.Token));
    }

    [Fact]
    public async Task The_test_cluster_cuts_off_the_storage_of_the_silo_it_crashes_and_not_of_the_one_it_starts()
    {
        await using var silo = await TestSilo.StartAsync(new Probe());
        await silo.GrainFactory.GetGrain<ITallyGrain>("kept").Add(5);
        var crashedStorage = silo.Services.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorage);

        await silo.CrashAndRestartAsync(TestSilo.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashedStorage.WriteAsync("late", Ledger, new byte[] { 1 }, 0, TestSilo.Token));
        Assert.Null(await silo.Storage.ReadAsync("late", Ledger, TestSilo.Token));
        Assert.Equal(6, await silo.GrainFactory.GetGrain<ITallyGrain>("kept").Add(1));
    }
}
