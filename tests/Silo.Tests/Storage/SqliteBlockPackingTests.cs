using System.Text;
using GroupBuy.Runtime;
using GroupBuy.Silo.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The SQLite store packs every block it writes (staged index rows, staged events, a run's rows) and reads blocks an
/// earlier version stored plain. Rounds, runs and blocks are sized small so that a few hundred writes fill every kind.
/// </summary>
public sealed class SqliteBlockPackingTests : SqliteStagingTestBase
{
    private const string Index = "orders-by-shopper";

    /// <summary>The tables holding blocks, each with its blob column.</summary>
    private static readonly (string Table, string Key, string Blob)[] BlockTables =
    [
        ("grain_index_blocks", "block", "rows"),
        ("grain_index_staged_blocks", "last_sequence", "rows"),
        ("journal_events_staged_blocks", "last_sequence", "events"),
    ];

    private readonly IndexModel _model = new(Index);
    private int _appends;

    [Fact]
    public async Task Every_block_is_written_packed_and_rows_that_repeat_take_a_fraction_of_their_bytes()
    {
        var store = Open();
        await WriteOrdersAsync(store, from: 0, count: 300);

        foreach (var (table, _, blob) in BlockTables)
        {
            var (blocks, plain, stored, unpacked) = await MeasureAsync(table, blob);
            Assert.True(blocks > 0, $"{table} holds no block");
            Assert.Equal(0, plain);
            // The events here are a byte each: only the blocks of rows have anything to shrink.
            Assert.True(table.StartsWith("journal", StringComparison.Ordinal) || stored * 3 < unpacked, $"{table}: {stored} bytes stored for {unpacked} unpacked");
        }
        await AssertReadsModelAsync(store);
    }

    [Fact]
    public async Task Blocks_stored_plain_by_an_earlier_version_read_the_same_and_compact_with_packed_ones()
    {
        var store = Open();
        await WriteOrdersAsync(store, from: 0, count: 200);
        await store.DisposeAsync();
        // As an earlier version left the file: every block as written, none packed.
        foreach (var (table, key, blob) in BlockTables)
        {
            await UnpackAllAsync(table, key, blob);
        }

        var reopened = Open();
        await AssertReadsModelAsync(reopened);
        var lastCompacted = await CountAsync("SELECT coalesce(max(run), 0) FROM grain_index_runs WHERE level > 0 AND listed = 1");
        await WriteOrdersAsync(reopened, from: 200, count: 200);

        Assert.True((await CountAsync("SELECT coalesce(max(run), 0) FROM grain_index_runs WHERE level > 0 AND listed = 1"))[0] > lastCompacted[0], "no compaction ran after the reopen");
        await AssertReadsModelAsync(reopened);
    }

    [Fact]
    public void A_block_packed_in_a_way_this_version_does_not_know_is_refused_rather_than_misread()
    {
        using var packing = new BlockPacking();
        var packed = packing.Pack("rows"u8).ToArray();

        Assert.Equal("rows"u8.ToArray(), BlockPacking.Unpack(packed, BlockPacking.Deflate));
        Assert.Throws<InvalidDataException>(() => BlockPacking.Unpack(packed, BlockPacking.Deflate + 1));
    }

    [Fact]
    public void Blocks_unpacked_one_after_another_into_one_buffer_each_read_as_written()
    {
        using var packing = new BlockPacking();
        var longer = packing.Pack(Encoding.UTF8.GetBytes(new string('a', 500) + "end")).ToArray();
        var shorter = packing.Pack("rows"u8).ToArray();
        byte[]? buffer = null;

        Assert.Equal(new string('a', 500) + "end", Encoding.UTF8.GetString(BlockPacking.Unpack(longer, BlockPacking.Deflate, ref buffer)));
        var reused = buffer;
        var second = BlockPacking.Unpack(shorter, BlockPacking.Deflate, ref buffer);

        Assert.Same(reused, buffer);
        Assert.Equal("rows"u8.ToArray(), second.ToArray());
        // A plain block is read where it is stored; the buffer is left for the next packed one.
        var plain = "plain"u8.ToArray();
        Assert.Same(plain, BlockPacking.Unpack(plain, BlockPacking.Plain, ref buffer).Array);
        Assert.Same(reused, buffer);
    }

    [Fact]
    public void A_block_read_from_a_longer_buffer_yields_its_own_rows_and_none_of_the_bytes_after_it()
    {
        var builder = new IndexBlockBuilder(targetBytes: 4096);
        var prefix = IndexKeys.Of(Index, "shopper-1", "");
        builder.Add(IndexKeys.Of(Index, "shopper-1", "order-1"), "{}"u8);
        builder.Add(IndexKeys.Of(Index, "shopper-1", "order-2"), "{}"u8);
        var (_, _, rows, _) = builder.Take();
        // What a longer block left in a reused buffer: another row of the same key.
        var stale = new IndexBlockBuilder(targetBytes: 4096);
        stale.Add(IndexKeys.Of(Index, "shopper-1", "order-0"), "{}"u8);
        var buffer = new byte[rows.Length + 64];
        rows.Span.CopyTo(buffer);
        stale.Take().Rows.Span.CopyTo(buffer.AsSpan(rows.Length));

        Assert.Equal(["order-1", "order-2"], IndexBlockReader.RowsUnder(buffer, rows.Length, prefix).Select(row => row.ItemId));
    }

    private SqliteGrainStore Open() =>
        Open(new StagedIndexRows(roundRows: 32, chunkRows: 8), new StagedJournalEvents(roundRows: 1_000_000), new IndexRuns(fanIn: 2, compactRows: 8, blockBytes: 2048));

    /// <summary>Orders of a few shoppers, each a JSON row much like a real one, ten an append (and an event).</summary>
    private async Task WriteOrdersAsync(SqliteGrainStore store, int from, int count)
    {
        for (var first = from; first < from + count; first += 10)
        {
            var rows = Enumerable.Range(first, 10).Select(i =>
            {
                var order = $"fs.d872fabdb8514381b9318dffcc53fc9c.{i}";
                var payload = $$"""{"orderId":"{{order}}","kind":"flashSale","ownerId":"d872fabdb8514381b9318dffcc53fc9c","createdAt":"2026-11-23T01:24:23.{{i:D7}}+00:00"}""";
                return _model.Row($"shopper-{i % 7}", order, payload);
            });
            await _model.AppendAsync(store, [.. rows], Cancellation);
            _appends++;
        }
    }

    /// <summary>Every key's rows, and the journal's events (one a write), as written.</summary>
    private async Task AssertReadsModelAsync(SqliteGrainStore store)
    {
        foreach (var key in _model.Keys)
        {
            await _model.AssertReadsAsync(store, key, Cancellation);
        }
        var (_, events) = await store.ReadJournalAsync("ledger", GrainId.Create("sale", "s1"), Cancellation);
        Assert.Equal(Enumerable.Range(1, _appends).Select(v => ((long)v, "e")), events.Select(e => (e.Version, Encoding.UTF8.GetString(e.Payload))));
    }

    private async Task<(long Blocks, long Plain, long Stored, long Unpacked)> MeasureAsync(string table, string blob)
    {
        await using var connection = await ConnectAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {blob}, packing FROM {table}";
        await using var reader = await select.ExecuteReaderAsync(Cancellation);
        var (blocks, plain, stored, unpacked) = (0L, 0L, 0L, 0L);
        while (await reader.ReadAsync(Cancellation))
        {
            var bytes = reader.GetFieldValue<byte[]>(0);
            var packing = reader.GetInt64(1);
            blocks++;
            plain += packing == BlockPacking.Plain ? 1 : 0;
            stored += bytes.Length;
            unpacked += BlockPacking.Unpack(bytes, packing).Length;
        }
        return (blocks, plain, stored, unpacked);
    }

    private async Task UnpackAllAsync(string table, string key, string blob)
    {
        await using var connection = await ConnectAsync();
        var blocks = new List<(long Key, byte[] Bytes)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT {key}, {blob}, packing FROM {table}";
            await using var reader = await select.ExecuteReaderAsync(Cancellation);
            while (await reader.ReadAsync(Cancellation))
            {
                blocks.Add((reader.GetInt64(0), BlockPacking.Unpack(reader.GetFieldValue<byte[]>(1), reader.GetInt64(2))));
            }
        }
        Assert.NotEmpty(blocks);
        foreach (var (id, bytes) in blocks)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE {table} SET {blob} = $bytes, packing = 0 WHERE {key} = $key";
            update.Parameters.AddWithValue("$bytes", bytes);
            update.Parameters.AddWithValue("$key", id);
            await update.ExecuteNonQueryAsync(Cancellation);
        }
    }

    private async Task<SqliteConnection> ConnectAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Cancellation);
        return connection;
    }
}
