using System.Text;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The SQLite store stages grain index rows in commit order and merges them into the key-ordered table in rounds.
/// These tests size the rounds small, so that a few dozen writes go through whole rounds, and read every key back
/// against a model of what was written.
/// </summary>
public sealed class SqliteStagedIndexTests : SqliteStagingTestBase
{
    private const string Index = "orders-by-shopper";
    private const int RoundRows = 64;
    private const int ChunkRows = 16;

    private readonly IndexModel _model = new(Index);

    [Fact]
    public async Task Rows_read_back_as_written_before_during_and_after_merge_rounds_replacements_included()
    {
        var store = Open();
        var random = new Random(20261122);

        for (var write = 0; write < 300; write++)
        {
            await AppendAsync(store, [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Row($"shopper-{random.Next(40)}", $"order-{random.Next(150)}", $"v{write}"))]);
            if (write % 7 == 0)
            {
                await AssertReadsModelAsync(store, $"shopper-{random.Next(40)}");
            }
        }

        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(store, key);
        }
        var (merged, staged) = await CountRowsAsync();
        Assert.True(merged > 0, "no round merged its rows");
        Assert.True(staged < _model.RowsWritten / 2, $"{staged} rows still staged of {_model.RowsWritten} written");
        // What is on disk alone, staged and merged, gives the same answers.
        await store.DisposeAsync();
        var reopened = Open();
        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
    }

    [Fact]
    public async Task Rows_staged_and_never_merged_are_read_back_after_the_store_reopens()
    {
        var store = Open(roundRows: 1_000_000);
        await AppendAsync(store, [Row("ann", "order-1", "pending"), Row("bob", "order-2", "pending")]);
        await AppendAsync(store, [Row("ann", "order-1", "paid")]);
        await store.DisposeAsync();

        var reopened = Open(roundRows: 1_000_000);

        await AssertReadsModelAsync(reopened, "ann");
        await AssertReadsModelAsync(reopened, "bob");
        Assert.Equal((0, 3), await CountRowsAsync());
    }

    [Fact]
    public async Task A_round_cut_short_by_a_restart_is_merged_again_and_newer_rows_still_win()
    {
        var store = Open();
        for (var i = 0; i < RoundRows; i++)
        {
            await AppendAsync(store, [Row($"shopper-{i % 8}", $"order-{i}", "first")]);
        }
        // The round started with the last write; these two carry its first two chunks, and replace a row it holds.
        await AppendAsync(store, [Row("shopper-1", "order-1", "second")]);
        await AppendAsync(store, [Row("shopper-7", "order-63", "second")]);
        Assert.Equal((2 * ChunkRows, RoundRows + 2), await CountRowsAsync());
        await store.DisposeAsync();

        var reopened = Open();
        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
        for (var i = 0; i < RoundRows; i++)
        {
            await AppendAsync(reopened, [Row($"shopper-{i % 8}", $"order-{i % 3}", "third")]);
        }

        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
        var (merged, staged) = await CountRowsAsync();
        Assert.Equal(RoundRows, merged);
        Assert.True(staged < RoundRows, $"{staged} rows still staged: the interrupted round never finished");
    }

    [Fact]
    public async Task A_commit_that_stages_more_than_a_chunk_merges_twice_as_many_so_that_rounds_keep_up()
    {
        var store = Open();
        for (var i = 0; i < RoundRows; i++)
        {
            await AppendAsync(store, [Row($"shopper-{i % 8}", $"order-{i}", "first")]);
        }
        // The round started with the last write. This one stages 40 rows, more than a chunk of 16: it merges 80, so all 64.
        await AppendAsync(store, [.. Enumerable.Range(0, 40).Select(i => Row($"shopper-{i % 8}", $"late-{i}", "late"))]);

        Assert.Equal(RoundRows, (await CountRowsAsync()).Merged);
        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(store, key);
        }
    }

    private SqliteGrainStore Open(int roundRows = RoundRows) => Open(new StagedIndexRows(roundRows, ChunkRows), new StagedJournalEvents());

    private Task AppendAsync(SqliteGrainStore store, IReadOnlyList<IndexEntry> rows) => _model.AppendAsync(store, rows, Cancellation);

    private Task AssertReadsModelAsync(SqliteGrainStore store, string key) => _model.AssertReadsAsync(store, key, Cancellation);

    /// <summary>Rows written to runs (a row in two runs counts twice), and rows still staged (replaced ones included).</summary>
    private async Task<(long Merged, long Staged)> CountRowsAsync()
    {
        var counts = await CountAsync(
            "SELECT (SELECT coalesce(sum(row_count), 0) FROM grain_index_blocks), (SELECT coalesce(sum(row_count), 0) FROM grain_index_staged_blocks)");
        return (counts[0], counts[1]);
    }

    private static IndexEntry Row(string key, string itemId, string payload) => new(Index, key, itemId, Encoding.UTF8.GetBytes(payload));
}
