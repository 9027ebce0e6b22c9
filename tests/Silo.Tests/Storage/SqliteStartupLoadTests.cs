using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>The staged data a store loads at start-up is loaded once: a load that fails part-way is never repeated over it.</summary>
public sealed class SqliteStartupLoadTests : SqliteStagingTestBase
{
    [Fact]
    public async Task A_start_up_load_that_fails_part_way_leaves_the_store_unavailable_instead_of_loading_events_twice()
    {
        var grain = GrainId.Create("sale", "s1");
        var first = Open(new StagedIndexRows(1_000_000, 512), new StagedJournalEvents(1_000_000, 512));
        await first.AppendAsync("ledger", grain, 0, [new byte[] { 1 }, new byte[] { 2 }], [new IndexEntry("orders", "u1", "o1", new byte[] { 9 })], Cancellation);
        await first.DisposeAsync();
        // Index blocks that cannot be read make the load fail after the journal's staged events were loaded.
        await CountAsync("UPDATE grain_index_staged_blocks SET packing = packing + 100 RETURNING 0");
        var second = Open(new StagedIndexRows(1_000_000, 512), new StagedJournalEvents(1_000_000, 512));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => second.InitializeAsync(Cancellation));
        await CountAsync("UPDATE grain_index_staged_blocks SET packing = packing - 100 RETURNING 0");

        // The fault has cleared, but this store has half its staged data in memory: it stays unavailable.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => second.ReadJournalAsync("ledger", grain, Cancellation));
        await second.DisposeAsync();
        var restarted = Open(new StagedIndexRows(1_000_000, 512), new StagedJournalEvents(1_000_000, 512));
        var (_, events) = await restarted.ReadJournalAsync("ledger", grain, Cancellation);
        await restarted.DisposeAsync();

        Assert.Equal([1L, 2L], events.Select(e => e.Version).ToArray());
    }
}
