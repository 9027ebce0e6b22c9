using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    [Fact]
    public async Task Appended_events_read_back_in_version_order()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a"), Bytes("b")], Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 2, [Bytes("c")], Cancellation);

        Assert.Equal([(1L, "a"), (2L, "b"), (3L, "c")], await EventsAsync(Grain(1), 0));
        Assert.Equal([(2L, "b"), (3L, "c")], await EventsAsync(Grain(1), 1));
        Assert.Empty(await EventsAsync(Grain(2), 0));
        Assert.Empty(await Store.ReadEventsAsync("other", Grain(1), 0, Cancellation));
    }

    [Fact]
    public async Task A_promised_append_is_cut_when_its_transaction_starts_after_the_one_before_it_committed()
    {
        var raised = new List<string> { "a" };
        Task? second = null;
        var firstCommittedAtSecondCut = false;
        Task first = null!;
        first = Store.AppendWhenReadyAsync(JournalName, Grain(1), Task.CompletedTask, () =>
        {
            // The journal promises its next append once this one is cut; what is raised meanwhile goes in it.
            second = Store.AppendWhenReadyAsync(JournalName, Grain(1), first, () =>
            {
                // Committed: its transaction is counted, though its caller may still wait for the log's sync.
                firstCommittedAtSecondCut = Metrics.StorageTransactions == 1;
                return Cut(1, raised);
            }, Cancellation);
            var cut = Cut(0, raised);
            raised.AddRange(["b", "c"]);
            return cut;
        }, Cancellation);

        await first;
        await second!;

        Assert.True(firstCommittedAtSecondCut);
        Assert.Equal([(1L, "a"), (2L, "b"), (3L, "c")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task A_promised_append_cut_at_a_version_the_journal_has_not_reached_throws_and_adds_nothing()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a")], Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.AppendWhenReadyAsync(JournalName, Grain(1), Task.CompletedTask, () => new JournalCut(3, [Bytes("x")], []), Cancellation));

        Assert.Equal([(1L, "a")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task A_promised_append_with_nothing_to_write_succeeds_without_a_transaction()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a")], Cancellation);
        var transactions = Metrics.StorageTransactions;

        await Store.AppendWhenReadyAsync(JournalName, Grain(1), Task.CompletedTask, () => new JournalCut(1, [], []), Cancellation);

        Assert.Equal(transactions, Metrics.StorageTransactions);
        Assert.Equal([(1L, "a")], await EventsAsync(Grain(1), 0));
    }

    /// <summary>Takes every event raised so far, as a journal's cut does.</summary>
    private static JournalCut Cut(long expectedVersion, List<string> raised)
    {
        var cut = new JournalCut(expectedVersion, [.. raised.Select(e => (ReadOnlyMemory<byte>)Bytes(e))], []);
        raised.Clear();
        return cut;
    }

    [Fact]
    public async Task An_append_from_a_stale_or_future_version_throws_and_adds_nothing()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a"), Bytes("b")], Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.AppendAsync(JournalName, Grain(1), 1, [Bytes("x"), Bytes("y")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("x")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.AppendAsync(JournalName, Grain(1), 5, [Bytes("x")], Cancellation));

        Assert.Equal([(1L, "a"), (2L, "b")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task A_snapshot_drops_the_events_it_covers_and_reads_after_it_return_only_later_events()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [.. Enumerable.Range(1, 5).Select(i => (ReadOnlyMemory<byte>)Bytes($"e{i}"))], Cancellation);

        await Store.WriteSnapshotAsync(JournalName, Grain(1), 3, Bytes("state@3"), Cancellation);

        var snapshot = await Store.ReadSnapshotAsync(JournalName, Grain(1), Cancellation);
        Assert.Equal(("state@3", 3L), (Text(snapshot!.Payload), snapshot.Version));
        Assert.Equal([(4L, "e4"), (5L, "e5")], await EventsAsync(Grain(1), 0));
        Assert.Equal([(4L, "e4"), (5L, "e5")], await EventsAsync(Grain(1), snapshot.Version));

        await Store.AppendAsync(JournalName, Grain(1), 5, [Bytes("e6")], Cancellation);
        Assert.Equal([(4L, "e4"), (5L, "e5"), (6L, "e6")], await EventsAsync(Grain(1), 3));
    }

    [Fact]
    public async Task An_append_behind_a_snapshot_that_covers_every_event_throws()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1"), Bytes("e2"), Bytes("e3")], Cancellation);
        await Store.WriteSnapshotAsync(JournalName, Grain(1), 3, Bytes("state@3"), Cancellation);
        Assert.Empty(await EventsAsync(Grain(1), 0));

        // The covered events are gone, yet their versions are still taken.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("x")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.AppendAsync(JournalName, Grain(1), 2, [Bytes("x")], Cancellation));

        await Store.AppendAsync(JournalName, Grain(1), 3, [Bytes("e4")], Cancellation);
        Assert.Equal([(4L, "e4")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task A_snapshot_ahead_of_the_journal_or_behind_the_stored_snapshot_throws_and_changes_nothing()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1"), Bytes("e2"), Bytes("e3"), Bytes("e4")], Cancellation);
        await Store.WriteSnapshotAsync(JournalName, Grain(1), 3, Bytes("state@3"), Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteSnapshotAsync(JournalName, Grain(1), 5, Bytes("state@5"), Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteSnapshotAsync(JournalName, Grain(1), 2, Bytes("state@2"), Cancellation));

        var snapshot = await Store.ReadSnapshotAsync(JournalName, Grain(1), Cancellation);
        Assert.Equal(("state@3", 3L), (Text(snapshot!.Payload), snapshot.Version));
        Assert.Equal([(4L, "e4")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task A_journal_never_written_has_no_snapshot_and_no_events()
    {
        Assert.Null(await Store.ReadSnapshotAsync(JournalName, Grain(1), Cancellation));
        Assert.Empty(await Store.ReadEventsAsync(JournalName, Grain(1), 0, Cancellation));
    }

    [Fact]
    public async Task Loading_a_journal_reads_its_snapshot_and_the_events_after_it_in_one_go()
    {
        var (none, noEvents) = await Store.ReadJournalAsync(JournalName, Grain(1), Cancellation);
        Assert.Null(none);
        Assert.Empty(noEvents);

        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1"), Bytes("e2"), Bytes("e3")], Cancellation);
        var (unsnapped, all) = await Store.ReadJournalAsync(JournalName, Grain(1), Cancellation);
        Assert.Null(unsnapped);
        Assert.Equal([(1L, "e1"), (2L, "e2"), (3L, "e3")], all.Select(e => (e.Version, Text(e.Payload))));

        await Store.WriteSnapshotAsync(JournalName, Grain(1), 2, Bytes("state@2"), Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 3, [Bytes("e4")], Cancellation);
        var (snapshot, after) = await Store.ReadJournalAsync(JournalName, Grain(1), Cancellation);
        Assert.Equal(("state@2", 2L), (Text(snapshot!.Payload), snapshot.Version));
        Assert.Equal([(3L, "e3"), (4L, "e4")], after.Select(e => (e.Version, Text(e.Payload))));
        Assert.Null((await Store.ReadJournalAsync(JournalName, Grain(2), Cancellation)).Snapshot);
    }

    private async Task<IEnumerable<(long Version, string? Payload)>> EventsAsync(GrainId grainId, long afterVersion) =>
        (await Store.ReadEventsAsync(JournalName, grainId, afterVersion, Cancellation)).Select(e => (e.Version, Text(e.Payload)));
}
