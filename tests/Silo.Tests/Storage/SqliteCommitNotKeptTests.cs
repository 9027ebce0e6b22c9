using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// A failure after a transaction committed, while the store takes it into memory, leaves memory and file apart: the
/// store then refuses everything until a restart loads the file again, and loses nothing that committed.
/// </summary>
public sealed class SqliteCommitNotKeptTests : SqliteStagingTestBase
{
    private static readonly GrainId Sale = GrainId.Create("sale", "s1");

    [Fact]
    public async Task A_commit_the_store_cannot_take_into_memory_fails_its_callers_and_every_later_operation_until_a_restart()
    {
        var failing = false;
        var store = Open(new StagedIndexRows(), new StagedJournalEvents(),
            afterCommit: () =>
            {
                if (Volatile.Read(ref failing))
                {
                    throw new InvalidOperationException("memory fault");
                }
            });
        await store.AppendAsync("ledger", Sale, 0, [new byte[] { 1 }], [Order("o1")], Cancellation);

        Volatile.Write(ref failing, true);
        var failed = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => store.AppendAsync("ledger", Sale, 1, [new byte[] { 2 }], [Order("o2")], Cancellation));
        Volatile.Write(ref failing, false);

        Assert.Contains("memory fault", failed.ToString(), StringComparison.Ordinal);
        // The journal's events in memory took the failed commit, its index rows did not: nothing may be served from it.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.AppendAsync("ledger", Sale, 2, [new byte[] { 3 }], Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync("profile", Sale, new byte[] { 7 }, 0, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadJournalAsync("ledger", Sale, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadIndexAsync("orders", "u1", Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("profile", Sale, Cancellation));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.PingAsync(Cancellation));
        await store.DisposeAsync();

        // The failed commit had committed: after the restart it is there, events and index rows alike.
        var restarted = Open(new StagedIndexRows(), new StagedJournalEvents());
        var (_, events) = await restarted.ReadJournalAsync("ledger", Sale, Cancellation);
        var orders = await restarted.ReadIndexAsync("orders", "u1", Cancellation);
        await restarted.AppendAsync("ledger", Sale, 2, [new byte[] { 3 }], Cancellation);

        Assert.Equal([1L, 2L], events.Select(e => e.Version).ToArray());
        Assert.Equal(["o1", "o2"], orders.Select(o => o.ItemId).Order(StringComparer.Ordinal).ToArray());
    }

    private static IndexEntry Order(string id) => new("orders", "u1", id, new byte[] { 9 });
}
