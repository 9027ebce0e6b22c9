using System.Text;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Runtime.Tests;

/// <summary>The memory store's index answers as a dictionary of index → key → item → payload would.</summary>
public sealed class MemoryIndexTests
{
    [Fact]
    public void Rows_are_read_back_under_their_own_index_and_key_only()
    {
        var index = new MemoryIndex();
        index.Upsert(Row("orders", "ann", "o1", "first"));
        index.Upsert(Row("orders", "ann", "o2", "second"));
        index.Upsert(Row("orders", "bob", "o3", "third"));
        index.Upsert(Row("referrals", "ann", "o1", "referred"));

        Assert.Equal(["o1=first", "o2=second"], Read(index, "orders", "ann"));
        Assert.Equal(["o3=third"], Read(index, "orders", "bob"));
        Assert.Equal(["o1=referred"], Read(index, "referrals", "ann"));
        Assert.Empty(index.Read("orders", "cat"));
        Assert.Empty(index.Read("refunds", "ann"));
    }

    [Fact]
    public void Writing_an_item_again_replaces_its_payload_and_keeps_one_row()
    {
        var index = new MemoryIndex();
        index.Upsert(Row("orders", "ann", "o1", "pending"));
        index.Upsert(Row("orders", "ann", "o2", "pending"));

        index.Upsert(Row("orders", "ann", "o1", "paid, with a longer payload than before"));

        Assert.Equal(["o1=paid, with a longer payload than before", "o2=pending"], Read(index, "orders", "ann"));
    }

    [Fact]
    public void A_payload_read_back_is_a_copy_the_caller_may_change()
    {
        var index = new MemoryIndex();
        index.Upsert(Row("orders", "ann", "o1", "kept"));

        index.Read("orders", "ann")[0].Payload[0] = (byte)'X';

        Assert.Equal(["o1=kept"], Read(index, "orders", "ann"));
    }

    [Fact]
    public void Payloads_larger_than_a_block_share_are_kept_whole()
    {
        var index = new MemoryIndex(blockBytes: 64);
        var large = new string('L', 1000);
        index.Upsert(Row("orders", "ann", "small", "s"));
        index.Upsert(Row("orders", "ann", "large", large));
        index.Upsert(Row("orders", "ann", "after", "a"));

        Assert.Equal(["after=a", "large=" + large, "small=s"], Read(index, "orders", "ann"));
    }

    [Fact]
    public void Replaced_payloads_are_dropped_once_they_outweigh_the_live_ones_and_the_rest_are_kept_intact()
    {
        var index = new MemoryIndex(blockBytes: 256);
        for (var item = 0; item < 10; item++)
        {
            index.Upsert(Row("orders", "ann", $"o{item}", $"placed {item:D3}"));
        }
        for (var round = 0; round < 2_000; round++)
        {
            index.Upsert(Row("orders", "bob", "o-hot", $"round {round:D4}"));
        }

        Assert.Equal([.. Enumerable.Range(0, 10).Select(item => $"o{item}=placed {item:D3}")], Read(index, "orders", "ann"));
        Assert.Equal(["o-hot=round 1999"], Read(index, "orders", "bob"));
        // 11 live payloads of 10 bytes: what is kept stays within a few blocks, not 2,010 payloads' worth.
        Assert.InRange(index.KeptBytes, 110, 6 * 256);
    }

    [Fact]
    public void Many_keys_and_items_written_and_rewritten_in_any_order_read_back_as_a_dictionary_would()
    {
        var index = new MemoryIndex(blockBytes: 4096);
        var model = new Dictionary<(string Index, string Key), Dictionary<string, string>>();
        var random = new Random(20261122);
        string[] names = ["orders-by-shopper", "flash-sale-orders", "orders-by-leader"];
        for (var write = 0; write < 30_000; write++)
        {
            // Few keys with many items (a sale's orders) and many keys with few (shoppers' lists).
            var name = names[random.Next(names.Length)];
            var key = random.Next(4) == 0 ? $"sale-{random.Next(3)}" : $"shopper-{random.Next(2_000)}";
            var item = $"fs.{key}.{random.Next(random.Next(4) == 0 ? 5_000 : 20)}";
            var payload = $"{{\"write\":{write}}}";
            index.Upsert(Row(name, key, item, payload));
            var items = model.TryGetValue((name, key), out var existing) ? existing : model[(name, key)] = [];
            items[item] = payload;
        }

        foreach (var ((name, key), items) in model)
        {
            Assert.Equal([.. items.Select(pair => $"{pair.Key}={pair.Value}").Order(StringComparer.Ordinal)], Read(index, name, key));
        }
    }

    [Fact]
    public void Rows_upserted_in_batches_of_any_size_read_back_as_when_upserted_one_by_one()
    {
        var oneByOne = new MemoryIndex(blockBytes: 4096);
        var batched = new MemoryIndex(blockBytes: 4096);
        var random = new Random(20261123);
        var keys = new HashSet<(string Index, string Key)>();
        for (var batch = 0; batch < 200; batch++)
        {
            // Sizes below, within and above the passes' stack buffers; the same row twice in a batch, and new keys.
            var size = batch % 10 == 0 ? random.Next(300, 700) : random.Next(1, 40);
            var rows = new List<IndexEntry>(size);
            for (var i = 0; i < size; i++)
            {
                var name = random.Next(5) == 0 ? "flash-sale-orders" : "orders-by-shopper";
                var key = name == "flash-sale-orders" ? $"sale-{random.Next(3)}" : $"shopper-{random.Next(3_000)}";
                rows.Add(Row(name, key, $"fs.{key}.{random.Next(30)}", $"{{\"batch\":{batch},\"row\":{i}}}"));
                keys.Add((name, key));
            }
            foreach (var row in rows)
            {
                oneByOne.Upsert(row);
            }
            batched.Upsert(rows);
        }

        Assert.True(keys.Count > 1_000);
        foreach (var (name, key) in keys)
        {
            // Newest first, as read: the rows' order and payloads, not just the set.
            Assert.Equal(ReadInOrder(oneByOne, name, key), ReadInOrder(batched, name, key));
        }
    }

    private static string[] ReadInOrder(MemoryIndex index, string name, string key) =>
        [.. index.Read(name, key).Select(item => $"{item.ItemId}={Encoding.UTF8.GetString(item.Payload)}")];

    private static IndexEntry Row(string index, string key, string itemId, string payload) =>
        new(index, key, itemId, Encoding.UTF8.GetBytes(payload));

    private static string[] Read(MemoryIndex index, string name, string key) =>
        [.. index.Read(name, key).Select(item => $"{item.ItemId}={Encoding.UTF8.GetString(item.Payload)}").Order(StringComparer.Ordinal)];
}
