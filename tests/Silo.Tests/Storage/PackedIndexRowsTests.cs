using System.Text;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// A generation of staged index rows packed into chunks: rows cross from chunk to chunk, a row may outgrow a chunk, and
/// a round started again moves one generation's rows into another. Each read goes against what was kept.
/// </summary>
public sealed class PackedIndexRowsTests
{
    private const string Index = "orders-by-shopper";

    private readonly Stack<byte[]> _spareChunks = new();

    [Fact]
    public void Rows_filling_several_chunks_and_one_larger_than_a_chunk_read_back_newest_first()
    {
        var rows = new PackedIndexRows(_spareChunks);
        var third = PackedIndexRows.ChunkBytes / 3;
        rows.Keep(Index, "ann", "order-1", Payload('a', third));
        rows.Keep(Index, "bob", "order-2", Payload('b', third));
        rows.Keep(Index, "ann", "order-3", Payload('c', third));
        rows.Keep(Index, "ann", "order-4", Payload('d', PackedIndexRows.ChunkBytes + 10));
        rows.Keep(Index, "ann", "order-1", Payload('e', 5));

        Assert.Equal([("order-1", "e", 5), ("order-4", "d", PackedIndexRows.ChunkBytes + 10), ("order-3", "c", third)], Read(rows, "ann"));
        Assert.Equal([("order-2", "b", third)], Read(rows, "bob"));
        Assert.Empty(Read(rows, "cy"));
    }

    [Fact]
    public void Rows_sort_by_key_and_keep_staging_order_within_an_item()
    {
        var rows = new PackedIndexRows(_spareChunks);
        rows.Keep(Index, "bob", "order-2", Payload('1', 3));
        rows.Keep(Index, "ann", "order-9", Payload('2', 3));
        rows.Keep(Index, "bob", "order-10", Payload('3', 3));
        rows.Keep(Index, "bob", "order-2", Payload('4', 3));
        rows.Keep(Index, "an", "order-1", Payload('5', 3));

        var sorted = rows.All();
        Array.Sort(sorted, rows.Compare);

        Assert.Equal(["an/order-1:5", "ann/order-9:2", "bob/order-10:3", "bob/order-2:1", "bob/order-2:4"], sorted.Select(position => Describe(rows, position)));
    }

    [Fact]
    public void Rows_moved_to_an_older_generation_come_after_its_own_and_chunks_are_reused_once_cleared()
    {
        var older = new PackedIndexRows(_spareChunks);
        var newer = new PackedIndexRows(_spareChunks);
        older.Keep(Index, "ann", "order-1", Payload('a', 4));
        newer.Keep(Index, "ann", "order-1", Payload('b', 4));
        newer.Keep("orders-by-merchant", "ann", "order-2", Payload('c', 4));

        newer.MoveTo(older);
        newer.Clear();

        Assert.Equal([("order-1", "b", 4)], Read(older, "ann"));
        Assert.Equal(3, older.Count);
        Assert.Equal(0, newer.Count);
        Assert.Single(_spareChunks);
        older.Clear();
        Assert.Equal(2, _spareChunks.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_round_sorts_as_whole_keys_compare_whatever_its_keys_share(int seed)
    {
        // Keys built to defeat a sort on a few bytes: indexes whose names start alike (one name a prefix of another),
        // keys sharing long stretches then differing anywhere, keys that are prefixes of others, separators and
        // characters beyond ASCII near the bytes compared, repeated items.
        var random = new Random(seed);
        string[] indexes = ["orders", "orders-by-shopper", "flash-sale-orders", "ordersz"];
        string[] stems = ["", "s", "shopper-", "shopper-0000000000000000", "fs.4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e."];
        var rows = new PackedIndexRows(_spareChunks);
        for (var i = 0; i < 3_000; i++)
        {
            var key = Pick(random, stems) + Tail(random);
            var itemId = Pick(random, stems) + Tail(random);
            rows.Keep(Pick(random, indexes), key, itemId, Payload('x', random.Next(4)));
        }
        var expected = rows.All();
        Array.Sort(expected, rows.Compare);

        var sorted = rows.All();
        rows.Sort(sorted);

        Assert.Equal(expected, sorted);
    }

    [Fact]
    public void A_round_of_one_index_whose_keys_differ_only_past_their_first_16_bytes_still_sorts()
    {
        var rows = new PackedIndexRows(_spareChunks);
        var sale = "4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e";
        foreach (var sequence in new[] { 10, 9, 100, 1, 11 })
        {
            rows.Keep("flash-sale-orders", sale, $"fs.{sale}.{sequence}", Payload('y', 1));
        }

        var sorted = rows.All();
        rows.Sort(sorted);

        Assert.Equal([$"{sale}/fs.{sale}.1:y", $"{sale}/fs.{sale}.10:y", $"{sale}/fs.{sale}.100:y", $"{sale}/fs.{sale}.11:y", $"{sale}/fs.{sale}.9:y"],
            sorted.Select(position => Describe(rows, position)));
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    /// <summary>A few characters from a small alphabet that includes a zero's neighbour, a separator-like dot and a non-ASCII letter.</summary>
    private static string Tail(Random random) => new([.. Enumerable.Range(0, random.Next(4)).Select(_ => "\u0001.a0é"[random.Next(5)])]);

    private static byte[] Payload(char fill, int length) => Encoding.ASCII.GetBytes(new string(fill, length));

    /// <summary>The key's items newest first, each as its id, its payload's fill and its length.</summary>
    private static List<(string ItemId, string Fill, int Length)> Read(PackedIndexRows rows, string key)
    {
        var items = new List<IndexedItem>();
        rows.AddNewest(Index, key, new HashSet<string>(StringComparer.Ordinal), items);
        return [.. items.Select(item => (item.ItemId, Encoding.ASCII.GetString(item.Payload, 0, 1), item.Payload.Length))];
    }

    private static string Describe(PackedIndexRows rows, long position)
    {
        var (_, key, itemId) = IndexKeys.Split(rows.Row(position, out var payload));
        return $"{key}/{itemId}:{Encoding.ASCII.GetString(payload)[0]}";
    }
}
