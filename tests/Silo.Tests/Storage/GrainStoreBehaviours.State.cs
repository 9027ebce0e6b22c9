using GroupBuy.Runtime;

namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    [Fact]
    public async Task Written_state_reads_back_with_the_version_each_write_returned()
    {
        Assert.Null(await Store.ReadAsync(StateName, Grain(1), Cancellation));

        var first = await Store.WriteAsync(StateName, Grain(1), Bytes("one"), 0, Cancellation);
        var second = await Store.WriteAsync(StateName, Grain(1), Bytes("two"), first, Cancellation);

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        var stored = await Store.ReadAsync(StateName, Grain(1), Cancellation);
        Assert.Equal("two", Text(stored!.Payload));
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task An_empty_payload_reads_back_empty_not_as_a_cleared_state()
    {
        await Store.WriteAsync(StateName, Grain(1), ReadOnlyMemory<byte>.Empty, 0, Cancellation);
        await Store.AppendAsync(JournalName, Grain(1), 0, [ReadOnlyMemory<byte>.Empty], Cancellation);

        var stored = await Store.ReadAsync(StateName, Grain(1), Cancellation);
        Assert.NotNull(stored!.Payload);
        Assert.Empty(stored.Payload);
        var (_, events) = await Store.ReadJournalAsync(JournalName, Grain(1), Cancellation);
        Assert.Empty(Assert.Single(events).Payload);
    }

    [Fact]
    public async Task States_are_kept_apart_by_grain_type_key_and_state_name()
    {
        var rows = new[]
        {
            (Name: StateName, Grain: GrainId.Create("cart", "a")),
            (Name: StateName, Grain: GrainId.Create("cart", "b")),
            (Name: StateName, Grain: GrainId.Create("order", "a")),
            (Name: "coupons", Grain: GrainId.Create("cart", "a")),
        };

        await Task.WhenAll(rows.Select(row => Store.WriteAsync(row.Name, row.Grain, Bytes($"{row.Name}@{row.Grain}"), 0, Cancellation)));

        foreach (var row in rows)
        {
            var stored = await Store.ReadAsync(row.Name, row.Grain, Cancellation);
            Assert.Equal($"{row.Name}@{row.Grain}", Text(stored!.Payload));
        }
    }

    [Fact]
    public async Task A_write_with_a_stale_version_throws_and_leaves_the_stored_row_unchanged()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("one"), 0, Cancellation);
        await Store.WriteAsync(StateName, Grain(1), Bytes("two"), 1, Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("stale"), 1, Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("future"), 3, Cancellation));

        var stored = await Store.ReadAsync(StateName, Grain(1), Cancellation);
        Assert.Equal("two", Text(stored!.Payload));
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task A_second_insert_from_version_zero_throws()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("first"), 0, Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("second"), 0, Cancellation));

        var stored = await Store.ReadAsync(StateName, Grain(1), Cancellation);
        Assert.Equal("first", Text(stored!.Payload));
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task Clear_keeps_the_row_and_advances_its_version_so_a_pre_clear_writer_fails()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("one"), 0, Cancellation);
        var beforeClear = await Store.WriteAsync(StateName, Grain(1), Bytes("two"), 1, Cancellation);

        var cleared = await Store.ClearAsync(StateName, Grain(1), beforeClear, Cancellation);

        Assert.Equal(3, cleared);
        Assert.Equal(new StoredStateView(null, 3), View(await Store.ReadAsync(StateName, Grain(1), Cancellation)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("old writer"), beforeClear, Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(StateName, Grain(1), Bytes("fresh insert"), 0, Cancellation));
        Assert.Equal(4, await Store.WriteAsync(StateName, Grain(1), Bytes("after clear"), cleared, Cancellation));
    }

    [Fact]
    public async Task A_clear_with_a_stale_version_throws_and_keeps_the_payload()
    {
        await Store.WriteAsync(StateName, Grain(1), Bytes("one"), 0, Cancellation);
        await Store.WriteAsync(StateName, Grain(1), Bytes("two"), 1, Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.ClearAsync(StateName, Grain(1), 1, Cancellation));

        Assert.Equal(new StoredStateView("two", 2), View(await Store.ReadAsync(StateName, Grain(1), Cancellation)));
    }

    [Fact]
    public void A_malformed_write_is_refused_before_it_can_join_a_batch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Store.WriteAsync(StateName, Grain(1), Bytes("x"), -1, Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.WriteAsync(StateName, GrainId.Create("cart", "a\0b"), Bytes("x"), 0, Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.WriteAsync(StateName, default, Bytes("x"), 0, Cancellation); });
        Assert.Throws<ArgumentException>(() => { _ = Store.ClearAsync("", Grain(1), 0, Cancellation); });
    }

    protected static StoredStateView? View(Runtime.Storage.StoredState? stored) =>
        stored is null ? null : new StoredStateView(Text(stored.Payload), stored.Version);

    /// <summary>A stored state with its payload as text, for whole-value assertions.</summary>
    protected sealed record StoredStateView(string? Payload, long Version);
}
