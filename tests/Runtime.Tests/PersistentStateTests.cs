using System.Collections.Concurrent;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

public sealed class PersistentStateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>The journal's threshold for a large snapshot, and a little more than one ledger event of a 1,000-character note.</summary>
    private const int LargeSnapshotBytes = 64 * 1024;
    private const int NoteEventBytes = 1_030;

    private readonly Probe _probe = new();
    private readonly GatedStorage _gated = new();

    [Fact]
    public async Task State_is_loaded_before_activation_and_survives_a_restart()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<ITallyGrain>("kept").Add(41);

        await silo.RestartAsync(TestSilo.Token);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("kept");

        Assert.Equal(42, await grain.Add(1));
        Assert.Contains("activate:kept:41", _probe.Events);
    }

    [Fact]
    public async Task Etag_is_the_stored_version()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("etag");

        Assert.Null(await grain.Etag());
        await grain.Add(1);
        await grain.Add(1);

        Assert.Equal("2", await grain.Etag());
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_and_the_next_call_sees_the_stored_truth()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("stale");
        await grain.Add(1);
        // Another writer moves the stored row on behind the activation's back.
        var id = Testing.TestCluster.IdOf(grain);
        await silo.Storage.WriteAsync("tally", id, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Tally(100), Storage.StateBinding.Json), 1, TestSilo.Token);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Add(1));

        await silo.WhenDeactivated(grain);
        Assert.Equal(101, await grain.Add(1));
    }

    [Fact]
    public async Task Concurrent_writes_of_one_state_are_coalesced_and_each_caller_sees_its_change_committed()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ICoalescingGrain>("c");
        var id = Testing.TestCluster.IdOf(grain);
        var writesBefore = silo.Storage.Writes;

        var written = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            var value = await grain.Increment();
            // When a caller is released, the stored state already holds its change.
            var stored = await silo.Storage.ReadAsync("coalesced", id, TestSilo.Token);
            var storedValue = System.Text.Json.JsonSerializer.Deserialize<Tally>(stored!.Payload, Storage.StateBinding.Json)!.Value;
            return (value, storedValue);
        }));

        Assert.Equal(Enumerable.Range(1, 500), written.Select(w => w.value).Order());
        Assert.All(written, w => Assert.True(w.storedValue >= w.value));
        Assert.True(silo.Storage.Writes - writesBefore < 500, $"{silo.Storage.Writes - writesBefore} writes for 500 changes");
    }

    [Fact]
    public async Task Journaled_state_replays_after_a_restart_and_snapshots_keep_the_journal_short()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.JournalSnapshotInterval = 50);
        var grain = silo.GrainFactory.GetGrain<ILedgerGrain>("book");

        var versions = await Task.WhenAll(Enumerable.Range(1, 230).Select(i => grain.Record(i, $"n{i}")));
        Assert.Equal(Enumerable.Range(1, 230).Select(i => (long)i), versions.Order());

        var raised = await grain.Notes();
        await silo.RestartAsync(TestSilo.Token);
        var (total, notes, version) = await silo.GrainFactory.GetGrain<ILedgerGrain>("book").Read();

        // Batches are cut and turned into JSON off the grain's turn: the journal still holds them in the order raised.
        Assert.Equal(raised, await silo.GrainFactory.GetGrain<ILedgerGrain>("book").Notes());
        Assert.Equal(230 * 231 / 2, total);
        Assert.Equal(230, notes);
        Assert.Equal(230, version);
        Assert.True(silo.Storage.JournalLength("ledger", Testing.TestCluster.IdOf(grain)) < 100);
    }

    [Fact]
    public async Task A_large_snapshot_waits_until_the_events_since_it_add_up_to_half_its_size()
    {
        // Every note is about 1 KB and the ledger keeps them all, so past 64 KB each snapshot grows with the history.
        var snapshots = new SnapshotLog();
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.JournalSnapshotInterval = 10, snapshots.Register);
        var grain = silo.GrainFactory.GetGrain<ILedgerGrain>("large");
        for (var i = 1; i <= 150; i++)
        {
            await grain.Record(i, new string('n', 1_000));
        }

        await silo.RestartAsync(TestSilo.Token);

        // Every 10 events while the snapshots are small (up to 70), then 35 events after 70 KB, 52 after 105 KB: where an
        // interval alone writes one every 10. A snapshot stored late (a busy machine) moves the points, never the spacing.
        var written = snapshots.Written;
        Assert.Contains(written, snapshot => snapshot.Bytes >= LargeSnapshotBytes);
        foreach (var (earlier, later) in written.Zip(written.Skip(1)))
        {
            var events = later.Version - earlier.Version;
            Assert.True(events >= 10, $"snapshots at {earlier.Version} and {later.Version}: closer than the interval");
            Assert.True(earlier.Bytes < LargeSnapshotBytes || events * 2 * NoteEventBytes >= earlier.Bytes,
                $"the snapshot at {later.Version} came {events} events after one of {earlier.Bytes} bytes, before they added up to half of it");
        }
        var (_, notes, version) = await silo.GrainFactory.GetGrain<ILedgerGrain>("large").Read();
        Assert.Equal((150, 150L), (notes, version));
    }

    [Fact]
    public async Task A_clear_issued_while_a_write_is_in_flight_applies_before_a_write_issued_after_it()
    {
        await using var silo = await StartGatedAsync();
        var grain = silo.GrainFactory.GetGrain<IClearingGrain>("after");
        await grain.Set(1);
        _gated.Closed = true;
        var first = grain.Set(2);
        Assert.True(SpinWait.SpinUntil(() => _gated.Waiting == 1, Bound));

        var clear = grain.Clear();
        var second = grain.Set(3);
        _gated.Open();
        await Task.WhenAll(first, clear, second).WaitAsync(Bound, TestSilo.Token);

        await AssertStoredAsync(grain, 3);
    }

    [Fact]
    public async Task A_write_issued_while_a_clear_is_in_flight_lands_after_it()
    {
        await using var silo = await StartGatedAsync();
        var grain = silo.GrainFactory.GetGrain<IClearingGrain>("during");
        await grain.Set(1);
        _gated.Closed = true;
        var clear = grain.Clear();
        Assert.True(SpinWait.SpinUntil(() => _gated.Waiting == 1, Bound));

        var write = grain.Set(2);
        _gated.Open();
        await Task.WhenAll(clear, write).WaitAsync(Bound, TestSilo.Token);

        await AssertStoredAsync(grain, 2);
    }

    [Fact]
    public async Task A_clear_issued_after_writes_leaves_storage_and_memory_cleared()
    {
        await using var silo = await StartGatedAsync();
        var grain = silo.GrainFactory.GetGrain<IClearingGrain>("last");
        await grain.Set(1);
        _gated.Closed = true;
        var first = grain.Set(2);
        Assert.True(SpinWait.SpinUntil(() => _gated.Waiting == 1, Bound));

        var second = grain.Set(3);
        var clear = grain.Clear();
        _gated.Open();
        await Task.WhenAll(first, second, clear).WaitAsync(Bound, TestSilo.Token);

        var stored = await _gated.Inner.ReadAsync("clearing", Testing.TestCluster.IdOf(grain), TestSilo.Token);
        Assert.Null(stored!.Payload);
        Assert.Equal((0, stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), false), await grain.Read());
    }

    /// <summary>Storage holds <paramref name="value"/>, and the grain reads that value at the stored version.</summary>
    private async Task AssertStoredAsync(IClearingGrain grain, int value)
    {
        var stored = await _gated.Inner.ReadAsync("clearing", Testing.TestCluster.IdOf(grain), TestSilo.Token);
        Assert.Equal(value, System.Text.Json.JsonSerializer.Deserialize<Tally>(stored!.Payload, Storage.StateBinding.Json)!.Value);
        Assert.Equal((value, stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), true), await grain.Read());
    }

    private Task<Testing.TestCluster> StartGatedAsync() =>
        TestSilo.StartAsync(_probe, services: s => s.AddKeyedSingleton<Storage.IGrainStorage>(GatedStorage.Name, _gated));

    /// <summary>Every snapshot the default storage stored, in order: its version and size.</summary>
    private sealed class SnapshotLog
    {
        private readonly ConcurrentQueue<(long Version, int Bytes)> _written = new();

        public (long Version, int Bytes)[] Written => [.. _written];

        /// <summary>Puts itself in front of the silo's memory storage for journals, as each silo starts.</summary>
        public void Register(IServiceCollection services) =>
            services.AddKeyedSingleton<IJournalStorage>(PersistentStateAttribute.DefaultStorage,
                (provider, _) => new Recorder(provider.GetRequiredService<MemoryGrainStorage>(), _written));

        private sealed class Recorder(MemoryGrainStorage inner, ConcurrentQueue<(long Version, int Bytes)> written) : DelegatingGrainStorage(inner)
        {
            public override async Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                await base.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
                written.Enqueue((version, payload.Length));
            }
        }
    }
}
