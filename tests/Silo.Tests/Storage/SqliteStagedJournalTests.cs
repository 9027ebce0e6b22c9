using System.Text;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Sqlite;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The SQLite store stages journal events in commit order and merges them into the events table in rounds; events a
/// snapshot covers first are never merged. These tests size the rounds small and read every journal back against a
/// model of what was written: its snapshot, and every event after it.
/// </summary>
public sealed class SqliteStagedJournalTests : SqliteStagingTestBase
{
    private const string Journal = "ledger";
    private const int RoundRows = 64;
    private const int ChunkRows = 16;

    private readonly Dictionary<string, JournalModel> _model = [];
    private StagedJournalEvents _staged = new();

    [Fact]
    public async Task Journals_read_back_as_written_through_rounds_snapshots_conflicts_and_a_reopen()
    {
        var store = Open();
        var random = new Random(20261122);
        var sales = Enumerable.Range(0, 12).Select(i => $"sale-{i}").ToArray();

        for (var step = 0; step < 400; step++)
        {
            var sale = sales[random.Next(sales.Length)];
            var journal = ModelOf(sale);
            switch (random.Next(10))
            {
                case 0:
                    // A writer behind or ahead, whether the journal's last events are staged or merged.
                    var wrong = journal.Version == 0 || random.Next(2) == 0 ? journal.Version + 1 : journal.Version - 1;
                    await Assert.ThrowsAsync<InconsistentStateException>(() => AppendAsync(store, sale, wrong, 1));
                    break;
                case 1:
                    // A snapshot past the journal's version, or older than the one it holds.
                    var refused = journal.SnapshotVersion < 2 || random.Next(2) == 0 ? journal.Version + 1 : journal.SnapshotVersion - 1;
                    await Assert.ThrowsAsync<InconsistentStateException>(() => SnapshotAsync(store, sale, refused));
                    break;
                case 2 or 3:
                    // An append and a snapshot of its last event, queued together: most often one transaction holds both.
                    var (from, count) = (journal.Version, random.Next(1, 4));
                    await Task.WhenAll(AppendAsync(store, sale, from, count), SnapshotAsync(store, sale, from + count));
                    break;
                default:
                    await AppendAsync(store, sale, journal.Version, random.Next(1, 4));
                    break;
            }
            if (step % 9 == 0)
            {
                await AssertReadsModelAsync(store, sales[random.Next(sales.Length)], random);
            }
        }

        foreach (var sale in sales)
        {
            await AssertReadsModelAsync(store, sale, random);
        }
        var (merged, staged, covered) = await CountEventsAsync();
        Assert.True(merged > 0, "no round merged its events");
        Assert.True(staged < RoundRows * 2, $"{staged} events still staged");
        Assert.Equal(0, covered);
        await store.DisposeAsync();

        // What is on disk alone, staged and merged, gives the same answers, and the versions carry on.
        var reopened = Open();
        foreach (var sale in sales)
        {
            await AssertReadsModelAsync(reopened, sale, random);
            await AppendAsync(reopened, sale, ModelOf(sale).Version, 1);
            await AssertReadsModelAsync(reopened, sale, random);
        }
    }

    [Fact]
    public async Task Staged_events_a_snapshot_covers_are_left_out_at_start_up_and_the_rest_read_back()
    {
        var store = Open(roundRows: 1_000_000);
        await AppendAsync(store, "sale-a", 0, 3);
        await AppendAsync(store, "sale-a", 3, 3);
        await SnapshotAsync(store, "sale-a", 4);
        await AppendAsync(store, "sale-b", 0, 2);
        await store.DisposeAsync();

        var reopened = Open(roundRows: 1_000_000);

        await AssertReadsModelAsync(reopened, "sale-a", new Random(1));
        // The covered events stay in their blocks until a round deletes them, but never reach memory or the table.
        Assert.Equal((0, 8, 0), await CountEventsAsync());
        Assert.Equal(2, _staged.Of(JournalOf("sale-a")).Count);
        await AssertReadsModelAsync(reopened, "sale-b", new Random(1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => AppendAsync(reopened, "sale-a", 5, 1));
        await AppendAsync(reopened, "sale-a", 6, 1);
        await AssertReadsModelAsync(reopened, "sale-a", new Random(1));
    }

    [Fact]
    public async Task A_round_cut_short_by_a_restart_is_merged_again_without_losing_or_doubling_an_event()
    {
        var store = Open();
        for (var i = 0; i < RoundRows; i++)
        {
            await AppendAsync(store, $"sale-{i % 8}", ModelOf($"sale-{i % 8}").Version, 1);
        }
        // The round started with the last append; these two carry its first two chunks.
        await AppendAsync(store, "sale-1", ModelOf("sale-1").Version, 1);
        await AppendAsync(store, "sale-2", ModelOf("sale-2").Version, 1);
        Assert.Equal((2 * ChunkRows, RoundRows + 2, 0), await CountEventsAsync());
        await store.DisposeAsync();

        var reopened = Open();
        for (var i = 0; i < RoundRows - 8; i++)
        {
            await AppendAsync(reopened, $"sale-{i % 8}", ModelOf($"sale-{i % 8}").Version, 1);
        }

        foreach (var sale in _model.Keys)
        {
            await AssertReadsModelAsync(reopened, sale, new Random(2));
        }
        var (merged, staged, _) = await CountEventsAsync();
        // The round after the restart took every event staged by then: the 66 before it and the first one after.
        Assert.Equal(RoundRows + 3, merged);
        Assert.True(staged < RoundRows, $"{staged} events still staged: the interrupted round never finished");
        // The round's events left memory with it; those staged since are all that is kept.
        Assert.Equal(staged, _model.Keys.Sum(sale => _staged.Of(JournalOf(sale)).Count));
    }

    [Fact]
    public async Task A_round_never_merges_events_a_snapshot_covered_before_or_with_their_chunk()
    {
        var store = Open();
        for (var i = 0; i < RoundRows; i++)
        {
            await AppendAsync(store, $"sale-{i % 8}", ModelOf($"sale-{i % 8}").Version, 1);
        }
        // The round holds 8 events of each sale, in sale order: each chunk of 16 is two sales' events.
        await SnapshotAsync(store, "sale-3", 8);       // carries sale-0 and sale-1
        await AppendAsync(store, "sale-0", 8, 1);      // carries sale-2, and sale-3's, covered since
        await AppendAsync(store, "sale-0", 9, 1);      // carries sale-4 and sale-5
        await SnapshotAsync(store, "sale-7", 8);       // carries sale-6, and sale-7's, covered in this very transaction

        var (merged, _, covered) = await CountEventsAsync();
        Assert.Equal(0, covered);
        Assert.Equal(RoundRows - 16, merged);
        foreach (var sale in _model.Keys)
        {
            await AssertReadsModelAsync(store, sale, new Random(3));
        }
    }

    private SqliteGrainStore Open(int roundRows = RoundRows) => Open(new StagedIndexRows(), _staged = new StagedJournalEvents(roundRows, ChunkRows));

    private static JournalKey JournalOf(string sale)
    {
        var grain = GrainId.Create("sale", sale);
        return new JournalKey(grain.Type, grain.Key, Journal);
    }

    private JournalModel ModelOf(string sale)
    {
        if (!_model.TryGetValue(sale, out var journal))
        {
            _model[sale] = journal = new JournalModel();
        }
        return journal;
    }

    /// <summary>Appends events after the expected version; the model takes them only if the store does.</summary>
    private async Task AppendAsync(SqliteGrainStore store, string sale, long expected, int count)
    {
        var events = Enumerable.Range(1, count).Select(i => $"{sale}@{expected + i}").ToList();
        await store.AppendAsync(Journal, GrainId.Create("sale", sale), expected, [.. events.Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e))], Cancellation);
        ModelOf(sale).Events.AddRange(events);
    }

    private async Task SnapshotAsync(SqliteGrainStore store, string sale, long version)
    {
        await store.WriteSnapshotAsync(Journal, GrainId.Create("sale", sale), version, Encoding.UTF8.GetBytes($"{sale}#{version}"), Cancellation);
        ModelOf(sale).SnapshotVersion = version;
    }

    /// <summary>The journal's snapshot and events after it, and the events after a random version, as the model has them.</summary>
    private async Task AssertReadsModelAsync(SqliteGrainStore store, string sale, Random random)
    {
        var journal = ModelOf(sale);
        var (snapshot, events) = await store.ReadJournalAsync(Journal, GrainId.Create("sale", sale), Cancellation);
        Assert.Equal(journal.SnapshotVersion, snapshot?.Version ?? 0);
        Assert.Equal(journal.SnapshotVersion == 0 ? null : $"{sale}#{journal.SnapshotVersion}", snapshot is null ? null : Encoding.UTF8.GetString(snapshot.Payload));
        Assert.Equal(journal.After(journal.SnapshotVersion), Read(events));

        var after = random.NextInt64(journal.Version + 1);
        var pulled = await store.ReadEventsAsync(Journal, GrainId.Create("sale", sale), after, Cancellation);
        Assert.Equal(journal.After(Math.Max(after, journal.SnapshotVersion)), Read(pulled));
    }

    private static List<(long, string)> Read(IReadOnlyList<JournalEntry> events) =>
        [.. events.Select(e => (e.Version, Encoding.UTF8.GetString(e.Payload)))];

    /// <summary>Merged events, staged events (covered ones included), and merged events a snapshot covers (never any).</summary>
    private async Task<(long Merged, long Staged, long Covered)> CountEventsAsync()
    {
        var counts = await CountAsync(
            "SELECT (SELECT count(*) FROM journal_events), (SELECT coalesce(sum(event_count), 0) FROM journal_events_staged_blocks), " +
            "(SELECT count(*) FROM journal_events e JOIN journal_snapshots s USING (grain_type, grain_key, journal_name) WHERE e.version <= s.version)");
        return (counts[0], counts[1], counts[2]);
    }

    private sealed class JournalModel
    {
        public List<string> Events { get; } = [];

        public long SnapshotVersion { get; set; }

        public long Version => Events.Count;

        public List<(long, string)> After(long version) => [.. Events.Select((e, i) => ((long)i + 1, e)).Skip((int)version)];
    }
}
