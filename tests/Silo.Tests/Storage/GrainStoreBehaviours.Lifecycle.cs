namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    [Fact]
    public async Task State_and_journal_survive_closing_and_reopening_the_store()
    {
        var version = await Store.WriteAsync(StateName, Grain(1), Bytes("kept"), 0, Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1"), Bytes("e2"), Bytes("e3")], Cancellation);
        await Store.WriteSnapshotAsync(JournalName, Grain(1), 2, Bytes("state@2"), Cancellation);
        await Store.DisposeAsync();

        var reopened = OpenStore();

        Assert.Equal(new StoredStateView("kept", 1), View(await reopened.ReadAsync(StateName, Grain(1), Cancellation)));
        Assert.Equal(2, await reopened.WriteAsync(StateName, Grain(1), Bytes("again"), version, Cancellation));
        Assert.Equal(2, (await reopened.ReadSnapshotAsync(JournalName, Grain(1), Cancellation))!.Version);
        Assert.Equal([3L], (await reopened.ReadEventsAsync(JournalName, Grain(1), 0, Cancellation)).Select(e => e.Version));
    }

    [Fact]
    public async Task Initializing_twice_and_concurrently_is_harmless()
    {
        await Task.WhenAll(Store.InitializeAsync(Cancellation), Store.InitializeAsync(Cancellation));
        await Store.InitializeAsync(Cancellation);

        Assert.Equal(1, await Store.WriteAsync(StateName, Grain(1), Bytes("after"), 0, Cancellation));
    }

    [Fact]
    public async Task Disposing_the_store_commits_the_writes_already_queued_and_refuses_later_ones()
    {
        await Store.InitializeAsync(Cancellation);
        var writes = Enumerable.Range(0, 100).Select(i => Store.WriteAsync(StateName, Grain(i), Bytes($"queued {i}"), 0, Cancellation)).ToArray();

        await Store.DisposeAsync();

        Assert.All(writes, write => Assert.True(write.IsCompletedSuccessfully));
        Assert.All(await Task.WhenAll(writes), version => Assert.Equal(1, version));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.WriteAsync(StateName, Grain(0), Bytes("late"), 1, Cancellation));
        var reopened = OpenStore();
        for (var i = 0; i < writes.Length; i++)
        {
            Assert.Equal(new StoredStateView($"queued {i}", 1), View(await reopened.ReadAsync(StateName, Grain(i), Cancellation)));
        }
    }

    [Fact]
    public async Task A_write_whose_caller_cancelled_before_it_was_batched_is_not_written()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("x"), 0, cancelled.Token));

        Assert.Null(await Store.ReadAsync(StateName, Grain(1), Cancellation));
    }

    [Fact]
    public async Task The_probe_answers_once_the_database_is_reachable()
    {
        await Store.PingAsync(Cancellation);

        Assert.Null(await Store.ReadAsync(StateName, Grain(1), Cancellation));
    }
}
