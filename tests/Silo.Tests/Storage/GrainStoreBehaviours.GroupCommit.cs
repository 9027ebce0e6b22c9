using GroupBuy.Runtime;

namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    [Fact]
    public async Task Concurrent_writes_from_200_grains_share_fewer_than_200_transactions_and_each_caller_gets_its_own_version()
    {
        const int grains = 200;
        // Grain i starts at version i % 4, so every caller expects (and must get back) a different version.
        for (var round = 0; round < 3; round++)
        {
            var current = round;
            await Task.WhenAll(Enumerable.Range(0, grains).Where(i => i % 4 > current)
                .Select(i => Store.WriteAsync(StateName, Grain(i), Bytes($"seed {current}"), current, Cancellation)));
        }
        var before = Metrics.StorageTransactions;

        var versions = await Task.WhenAll(Enumerable.Range(0, grains)
            .Select(i => Store.WriteAsync(StateName, Grain(i), Bytes($"payload of {i}"), i % 4, Cancellation)));

        var transactions = Metrics.StorageTransactions - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"{GetType().Name}: {grains} concurrent writes committed in {transactions} transactions");
        Assert.InRange(transactions, 1, grains - 1);
        Assert.Equal(Enumerable.Range(0, grains).Select(i => (long)(i % 4) + 1), versions);
        var stored = await Task.WhenAll(Enumerable.Range(0, grains).Select(i => Store.ReadAsync(StateName, Grain(i), Cancellation)));
        Assert.Equal(
            Enumerable.Range(0, grains).Select(i => new StoredStateView($"payload of {i}", (i % 4) + 1)),
            stored.Select(View));
    }

    [Fact]
    public async Task A_stale_write_in_a_shared_batch_fails_alone_while_the_others_commit()
    {
        const int count = 50;
        const int stale = 25;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Store.WriteAsync(StateName, Grain(i), Bytes("seed"), 0, Cancellation)));
        await Store.WriteAsync(StateName, Grain(stale), Bytes("moved on"), 1, Cancellation);
        var before = Metrics.StorageTransactions;

        Task<long>[] writes;
        await using (await BlockWritesAsync())
        {
            // The writer is held, so these gather: at most one transaction before the block lifts, one after.
            writes = Enumerable.Range(0, count)
                .Select(i => Store.WriteAsync(StateName, Grain(i), Bytes($"batched {i}"), 1, Cancellation))
                .ToArray();
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[stale]);
        for (var i = 0; i < count; i++)
        {
            if (i != stale)
            {
                Assert.Equal(2, await writes[i]);
                Assert.Equal(new StoredStateView($"batched {i}", 2), View(await Store.ReadAsync(StateName, Grain(i), Cancellation)));
            }
        }
        Assert.Equal(new StoredStateView("moved on", 2), View(await Store.ReadAsync(StateName, Grain(stale), Cancellation)));
        Assert.InRange(Metrics.StorageTransactions - before, 1, 2);
    }

    [Fact]
    public async Task Of_two_concurrent_appends_from_the_same_version_only_the_first_commits()
    {
        await Store.InitializeAsync(Cancellation);

        Task first;
        Task second;
        await using (await BlockWritesAsync())
        {
            first = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a")], Cancellation);
            second = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("b"), Bytes("c")], Cancellation);
        }

        await first;
        await Assert.ThrowsAsync<InconsistentStateException>(() => second);
        var events = await Store.ReadEventsAsync(JournalName, Grain(1), 0, Cancellation);
        Assert.Equal([(1L, "a")], events.Select(e => (e.Version, Text(e.Payload))));
    }
}
