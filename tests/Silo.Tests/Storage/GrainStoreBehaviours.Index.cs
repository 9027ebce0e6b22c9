using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    protected const string IndexName = "orders-by-shopper";

    [Fact]
    public async Task Index_rows_written_with_a_state_write_and_a_journal_append_read_back_under_their_key()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("state"), 0, [Row("ann", "order-1", "from a state write")], Cancellation);
        await Store.AppendAsync(JournalName, Grain(2), 0, [Bytes("e1")],
            [Row("ann", "order-2", "from an append"), Row("bob", "order-3", "bob's"), new("other-index", "ann", "order-4", Bytes("elsewhere"))],
            Cancellation);

        Assert.Equal([("order-1", "from a state write"), ("order-2", "from an append")], await IndexAsync("ann"));
        Assert.Equal([("order-3", "bob's")], await IndexAsync("bob"));
        Assert.Equal([("order-4", "elsewhere")], await IndexAsync("ann", "other-index"));
        Assert.Empty(await IndexAsync("carl"));
        Assert.Equal(new StoredStateView("state", 1), View(await Store.ReadAsync(StateName, Grain(1), Cancellation)));
        Assert.Equal([(1L, "e1")], await EventsAsync(Grain(2), 0));
    }

    [Fact]
    public async Task Writing_an_index_row_again_replaces_its_payload_and_within_one_write_the_last_one_wins()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1")], [Row("ann", "order-1", "pending")], Cancellation);

        await Store.AppendAsync(JournalName, Grain(1), 1, [Bytes("e2")], [Row("ann", "order-1", "paid")], Cancellation);
        await Store.WriteAsync(StateName, Grain(2), Bytes("state"), 0,
            [Row("ann", "order-2", "first"), Row("ann", "order-3", "kept"), Row("ann", "order-2", "second")], Cancellation);

        Assert.Equal([("order-1", "paid"), ("order-2", "second"), ("order-3", "kept")], await IndexAsync("ann"));
    }

    [Fact]
    public async Task A_write_or_append_that_fails_its_version_check_writes_none_of_its_index_rows()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("one"), 0, Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1")], Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.WriteAsync(StateName, Grain(1), Bytes("stale"), 0, [Row("ann", "from-stale-insert", "x")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.WriteAsync(StateName, Grain(1), Bytes("stale"), 2, [Row("ann", "from-stale-update", "x")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("stale")], [Row("ann", "from-stale-append", "x")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.AppendAsync(JournalName, Grain(1), 0, [], [Row("ann", "from-stale-index-only-append", "x")], Cancellation));

        Assert.Empty(await IndexAsync("ann"));
        Assert.Equal(new StoredStateView("one", 1), View(await Store.ReadAsync(StateName, Grain(1), Cancellation)));
        Assert.Equal([(1L, "e1")], await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task In_a_shared_batch_stale_writes_lose_their_index_rows_while_their_neighbours_commit_theirs()
    {
        const int grains = 8;
        // Every grain's state and journal at version 1; the odd ones move on to 2, so their writes below are stale.
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => Store.WriteAsync(StateName, Grain(i), Bytes("seed"), 0, Cancellation)));
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => Store.AppendAsync(JournalName, Grain(i), 0, [Bytes("seed")], Cancellation)));
        await Task.WhenAll(Enumerable.Range(0, grains).Where(i => i % 2 == 1).Select(i => Store.WriteAsync(StateName, Grain(i), Bytes("moved on"), 1, Cancellation)));
        await Task.WhenAll(Enumerable.Range(0, grains).Where(i => i % 2 == 1).Select(i => Store.AppendAsync(JournalName, Grain(i), 1, [Bytes("moved on")], Cancellation)));
        var before = Metrics.StorageTransactions;

        var writes = new List<Task>();
        await using (await BlockWritesAsync())
        {
            // Stale and current writes alternate and gather in at most two transactions, so one holds both kinds.
            for (var i = 0; i < grains; i++)
            {
                writes.Add(Store.WriteAsync(StateName, Grain(i), Bytes($"batched {i}"), 1, [Row($"shopper-{i}", "state", $"state of {i}")], Cancellation));
                // Rows alone do not move the journal, so the append behind them still expects version 1.
                writes.Add(Store.AppendAsync(JournalName, Grain(i), 1, [], [Row($"shopper-{i}", "index-only", $"index of {i}")], Cancellation));
                writes.Add(Store.AppendAsync(JournalName, Grain(i), 1, [Bytes($"batched {i}")], [Row($"shopper-{i}", "journal", $"journal of {i}")], Cancellation));
            }
        }

        for (var i = 0; i < grains; i++)
        {
            var (state, indexOnly, append) = (writes[3 * i], writes[(3 * i) + 1], writes[(3 * i) + 2]);
            if (i % 2 == 1)
            {
                await Assert.ThrowsAsync<InconsistentStateException>(() => state);
                await Assert.ThrowsAsync<InconsistentStateException>(() => append);
                await Assert.ThrowsAsync<InconsistentStateException>(() => indexOnly);
                Assert.Empty(await IndexAsync($"shopper-{i}"));
            }
            else
            {
                await Task.WhenAll(state, append, indexOnly);
                Assert.Equal([("index-only", $"index of {i}"), ("journal", $"journal of {i}"), ("state", $"state of {i}")], await IndexAsync($"shopper-{i}"));
            }
        }
        Assert.InRange(Metrics.StorageTransactions - before, 1, 2);
    }

    [Fact]
    public async Task Of_two_writes_from_the_same_version_only_the_first_commits_its_index_rows()
    {
        await Store.InitializeAsync(Cancellation);

        Task<long> firstWrite, secondWrite;
        Task firstAppend, secondAppend;
        await using (await BlockWritesAsync())
        {
            firstWrite = Store.WriteAsync(StateName, Grain(1), Bytes("first"), 0, [Row("ann", "write", "first")], Cancellation);
            secondWrite = Store.WriteAsync(StateName, Grain(1), Bytes("second"), 0, [Row("ann", "write", "second"), Row("ann", "second-write", "x")], Cancellation);
            firstAppend = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("a")], [Row("ann", "append", "first")], Cancellation);
            secondAppend = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("b")], [Row("ann", "append", "second"), Row("ann", "second-append", "x")], Cancellation);
        }

        Assert.Equal(1, await firstWrite);
        await firstAppend;
        await Assert.ThrowsAsync<InconsistentStateException>(() => secondWrite);
        await Assert.ThrowsAsync<InconsistentStateException>(() => secondAppend);
        Assert.Equal([("append", "first"), ("write", "first")], await IndexAsync("ann"));
    }

    [Fact]
    public async Task Index_rows_written_with_a_snapshot_commit_only_when_the_snapshot_is_stored()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1"), Bytes("e2"), Bytes("e3"), Bytes("e4")], Cancellation);

        await Store.WriteSnapshotAsync(JournalName, Grain(1), 3, Bytes("state@3"), [Row("ann", "order-1", "as of 3"), Row("ann", "order-2", "as of 3")], Cancellation);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.WriteSnapshotAsync(JournalName, Grain(1), 2, Bytes("state@2"), [Row("ann", "order-1", "as of 2"), Row("bob", "order-3", "as of 2")], Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Store.WriteSnapshotAsync(JournalName, Grain(1), 9, Bytes("state@9"), [Row("ann", "order-2", "as of 9")], Cancellation));
        await Store.WriteSnapshotAsync(JournalName, Grain(1), 4, Bytes("state@4"), [Row("ann", "order-2", "as of 4")], Cancellation);

        Assert.Equal([("order-1", "as of 3"), ("order-2", "as of 4")], await IndexAsync("ann"));
        Assert.Empty(await IndexAsync("bob"));
        Assert.Empty(await EventsAsync(Grain(1), 0));
    }

    [Fact]
    public async Task An_append_of_index_rows_alone_writes_them_at_the_journal_version_without_moving_it()
    {
        await Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1")], Cancellation);

        await Store.AppendAsync(JournalName, Grain(1), 1, [], [Row("ann", "order-1", "indexed")], Cancellation);
        await Store.AppendAsync(JournalName, Grain(2), 0, [], [Row("ann", "order-2", "from a journal never written")], Cancellation);

        Assert.Equal([("order-1", "indexed"), ("order-2", "from a journal never written")], await IndexAsync("ann"));
        Assert.Equal([(1L, "e1")], await EventsAsync(Grain(1), 0));
        Assert.Empty(await EventsAsync(Grain(2), 0));
        await Store.AppendAsync(JournalName, Grain(1), 1, [Bytes("e2")], Cancellation);
        Assert.Equal([(1L, "e1"), (2L, "e2")], await EventsAsync(Grain(1), 0));
        // With neither events nor rows there is nothing to write, and so nothing to check.
        await Store.AppendAsync(JournalName, Grain(1), 7, [], [], Cancellation);
    }

    [Fact]
    public async Task Index_rows_survive_closing_and_reopening_the_store()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("state"), 0, [Row("ann", "order-1", "kept")], Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 0, [], [Row("ann", "order-2", "kept too")], Cancellation);
        await Store.DisposeAsync();

        var reopened = OpenStore();

        Assert.Equal([("order-1", "kept"), ("order-2", "kept too")],
            (await reopened.ReadIndexAsync(IndexName, "ann", Cancellation)).Select(Item).Order());
    }

    [Fact]
    public async Task A_database_from_before_grain_indexes_is_migrated_when_the_store_opens()
    {
        await ApplyFirstSchemaScriptOnlyAsync();
        Assert.Equal([1L], await AppliedSchemaVersionsAsync());

        await Store.WriteAsync(StateName, Grain(1), Bytes("state"), 0, [Row("ann", "order-1", "after the upgrade")], Cancellation);

        Assert.Equal([("order-1", "after the upgrade")], await IndexAsync("ann"));
        Assert.Equal(AllSchemaVersions, await AppliedSchemaVersionsAsync());
    }

    [Fact]
    public void A_malformed_index_row_is_refused_before_it_can_join_a_batch()
    {
        Assert.Throws<ArgumentException>(() => { _ = Store.WriteAsync(StateName, Grain(1), Bytes("x"), 0, [new("", "ann", "order-1", Bytes("x"))], Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.AppendAsync(JournalName, Grain(1), 0, [], [new(IndexName, "", "order-1", Bytes("x"))], Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1")], [new(IndexName, "ann", "a\0b", Bytes("x"))], Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.ReadIndexAsync(IndexName, "", Cancellation); });
        // A lone surrogate has no UTF-8 form: stored, it would become U+FFFD, and two items one.
        Assert.Throws<ArgumentException>(() => { _ = Store.AppendAsync(JournalName, Grain(1), 0, [Bytes("e1")], [new(IndexName, "ann", "a\uD800b", Bytes("x"))], Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.ReadIndexAsync(IndexName, "\uDC00", Cancellation); });
    }

    /// <summary>Applies only schema script 001, as a release from before grain indexes left the database.</summary>
    protected abstract Task ApplyFirstSchemaScriptOnlyAsync();

    /// <summary>Every schema script version of the store, in order.</summary>
    protected abstract IReadOnlyList<long> AllSchemaVersions { get; }

    /// <summary>The schema script versions recorded in the test's database, in order.</summary>
    protected abstract Task<IReadOnlyList<long>> AppliedSchemaVersionsAsync();

    private static IndexEntry Row(string key, string itemId, string payload) => new(IndexName, key, itemId, Bytes(payload));

    private static (string ItemId, string? Payload) Item(IndexedItem item) => (item.ItemId, Text(item.Payload));

    /// <summary>The items under a key, ordered by item id (a store returns them in no particular order).</summary>
    private async Task<IEnumerable<(string ItemId, string? Payload)>> IndexAsync(string key, string index = IndexName) =>
        (await Store.ReadIndexAsync(index, key, Cancellation)).Select(Item).OrderBy(item => item.ItemId, StringComparer.Ordinal);
}
