using System.Text;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The SQLite store writes each merge round's index rows as a sorted run and compacts a level's runs into one of the
/// next. These tests size everything small (rounds of 32 rows, runs compacted two at a time, eight rows a compaction
/// step, blocks of a few rows) so that a few hundred writes go through several levels, and read every key back against
/// a model of what was written.
/// </summary>
public sealed class SqliteIndexRunsTests : SqliteStagingTestBase
{
    private const string Index = "orders-by-shopper";
    private const int RoundRows = 32;

    private readonly IndexModel _model = new(Index);
    private IndexRuns _runs = null!;

    [Fact]
    public async Task Rows_read_back_as_written_through_rounds_and_compactions_of_several_levels_and_after_reopening()
    {
        var store = Open();
        var random = new Random(20261122);
        // Keys that begin other keys, and keys outside ASCII (one beyond the basic plane), in the runs' order.
        string[] keys = [.. Enumerable.Range(0, 30).Select(i => $"shopper-{i}"), "顾客", "顾客-2", "\U0001F6D2", "ｚ"];

        for (var write = 0; write < 400; write++)
        {
            await AppendAsync(store, [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Row(keys[random.Next(keys.Length)], $"order-{random.Next(60)}", $"v{write}"))]);
            if (write % 5 == 0)
            {
                await AssertReadsModelAsync(store, keys[random.Next(keys.Length)]);
            }
        }

        foreach (var key in keys)
        {
            await AssertReadsModelAsync(store, key);
        }
        var levels = await CountAsync("SELECT coalesce(max(level), 0), count(*) FROM grain_index_runs WHERE listed = 1");
        Assert.True(levels[0] >= 2, $"the runs reached level {levels[0]} only");
        Assert.True(levels[1] <= 2 * levels[0] + 1, $"{levels[1]} runs are listed over {levels[0] + 1} levels: compaction fell behind");
        // What is on disk alone, staged and in runs, gives the same answers.
        await store.DisposeAsync();
        var reopened = Open();
        foreach (var key in keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
    }

    [Fact]
    public async Task A_compaction_cut_short_by_a_restart_is_abandoned_and_done_again_with_nothing_lost()
    {
        var store = Open();
        var write = 0;
        while (_runs.Compacting is not { Started: true, Done: false })
        {
            await AppendAsync(store, [Row($"shopper-{write % 9}", $"order-{write % 50}", $"v{write}")]);
            write++;
        }
        var output = _runs.Compacting.Output;
        await store.DisposeAsync();

        var reopened = Open();
        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
        Assert.Equal(output, _runs.Dropping);
        while ((await CountAsync($"SELECT count(*) FROM grain_index_blocks WHERE run = {output}"))[0] > 0)
        {
            await AppendAsync(reopened, [Row($"shopper-{write % 9}", $"order-{write % 50}", $"v{write}")]);
            write++;
        }
        for (var i = 0; i < 4 * RoundRows; i++, write++)
        {
            await AppendAsync(reopened, [Row($"shopper-{write % 9}", $"order-{write % 50}", $"v{write}")]);
        }

        foreach (var key in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, key);
        }
        var outputRuns = await CountAsync($"SELECT count(*) FROM grain_index_runs WHERE run = {output}");
        Assert.Equal(0, outputRuns[0]);
        Assert.True((await CountAsync("SELECT coalesce(max(level), 0) FROM grain_index_runs WHERE listed = 1"))[0] >= 1, "no compaction finished after the restart");
    }

    [Fact]
    public async Task Rows_merged_before_runs_existed_are_read_under_newer_rows_in_runs()
    {
        var store = Open();
        await AppendAsync(store, [Row("ann", "order-0", "staged")]);
        await store.DisposeAsync();
        // A file merged before runs existed holds its rows in grain_index.
        await ExecuteAsync(
            "INSERT INTO grain_index (index_name, key, item_id, payload) VALUES " +
            $"('{Index}', 'ann', 'order-1', x'{Convert.ToHexString(Encoding.UTF8.GetBytes("old"))}'), " +
            $"('{Index}', 'ann', 'order-2', x'{Convert.ToHexString(Encoding.UTF8.GetBytes("old"))}')");
        _model.Set("ann", "order-1", "old");
        _model.Set("ann", "order-2", "old");

        var reopened = Open();
        await AppendAsync(reopened, [Row("ann", "order-2", "new")]);
        for (var i = 0; i < 3 * RoundRows; i++)
        {
            await AppendAsync(reopened, [Row($"shopper-{i % 5}", $"order-{i}", "filler")]);
        }

        Assert.True((await CountAsync("SELECT count(*) FROM grain_index_runs WHERE listed = 1"))[0] > 0, "no run was listed");
        await AssertReadsModelAsync(reopened, "ann");
    }

    private SqliteGrainStore Open() =>
        Open(new StagedIndexRows(RoundRows, chunkRows: 8), new StagedJournalEvents(), _runs = new IndexRuns(fanIn: 2, compactRows: 8, blockBytes: 64));

    private Task AppendAsync(SqliteGrainStore store, IReadOnlyList<IndexEntry> rows) => _model.AppendAsync(store, rows, Cancellation);

    private Task AssertReadsModelAsync(SqliteGrainStore store, string key) => _model.AssertReadsAsync(store, key, Cancellation);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static IndexEntry Row(string key, string itemId, string payload) => new(Index, key, itemId, Encoding.UTF8.GetBytes(payload));
}
