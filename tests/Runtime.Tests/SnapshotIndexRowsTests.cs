using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>Rows added for the snapshot go in the commit of the journal's next snapshot that is stored, each once, as last added.</summary>
public sealed class SnapshotIndexRowsTests
{
    private readonly Probe _probe = new();
    private readonly SnapshotGate _gate = new();

    [Fact]
    public async Task Rows_wait_for_the_snapshot_and_go_in_its_commit_as_last_added()
    {
        await using var silo = await StartAsync(interval: 3);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("a");

        await notebook.JournalFiledLater("red", "a1", "apples");
        await notebook.JournalFiledLater("red", "a1", "apricots");
        Assert.Empty(await NotesAsync(silo, "red"));   // the appends carried none of them

        await notebook.JournalFiledLater("red", "a2", "avocados");
        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(["apricots", "avocados"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
        Assert.Equal(0, silo.Storage.JournalLength("journal", TestCluster.IdOf(notebook)));
    }

    [Fact]
    public async Task A_snapshot_that_was_not_stored_leaves_its_rows_for_the_next_one()
    {
        await using var silo = await StartAsync(interval: 2);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("b");
        _gate.RefuseNext = true;

        await notebook.JournalFiledLater("red", "b1", "bananas");
        await notebook.JournalFiledLater("red", "b2", "berries");   // its snapshot is refused
        await notebook.JournalFiledLater("red", "b3", "blackcurrants");
        await silo.RestartAsync(TestSilo.Token);

        Assert.False(_gate.RefuseNext);
        Assert.Equal(["bananas", "berries", "blackcurrants"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
    }

    [Fact]
    public async Task A_row_added_again_while_a_snapshot_is_being_written_goes_with_the_next_one()
    {
        await using var silo = await StartAsync(interval: 2);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("c");
        var held = _gate.HoldNext();

        await notebook.JournalFiledLater("red", "c1", "cherries");
        await notebook.JournalFiledLater("red", "c2", "clementines");
        await held.Reached.WaitAsync(TestSilo.Token);
        var again = notebook.JournalFiledLater("red", "c1", "currants");   // its turn runs while the snapshot is held
        held.Release();
        await again;
        await notebook.JournalFiledLater("red", "c3", "cranberries");
        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(["clementines", "cranberries", "currants"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
    }

    private Task<TestCluster> StartAsync(int interval) =>
        TestSilo.StartAsync(_probe, runtime: o => o.JournalSnapshotInterval = interval,
            services: s => s.AddKeyedSingleton<IJournalStorage>(PersistentStateAttribute.DefaultStorage, (sp, _) => _gate.Over(sp.GetRequiredService<MemoryGrainStorage>())));

    private static Task<IReadOnlyList<TaggedNote>> NotesAsync(TestCluster silo, string tag) =>
        silo.Storage.ReadIndexAsync<TaggedNote>(NotebookGrain.Index, tag, TestSilo.Token);

    /// <summary>The memory store's journals, with the next snapshot write refused, or held until released.</summary>
    private sealed class SnapshotGate
    {
        private Held? _held;

        public bool RefuseNext { get; set; }

        public Held HoldNext() => _held = new Held();

        public IJournalStorage Over(MemoryGrainStorage inner) => new Journals(inner, this);

        public sealed class Held
        {
            private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public Task Reached => _reached.Task;

            public void Release() => _released.TrySetResult();

            public Task PassAsync()
            {
                _reached.TrySetResult();
                return _released.Task;
            }
        }

        private sealed class Journals(MemoryGrainStorage inner, SnapshotGate gate) : IJournalStorage
        {
            public Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken) =>
                inner.ReadSnapshotAsync(journalName, grainId, cancellationToken);

            public Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken) =>
                inner.ReadEventsAsync(journalName, grainId, afterVersion, cancellationToken);

            public Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
                inner.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);

            public async Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                if (gate.RefuseNext)
                {
                    gate.RefuseNext = false;
                    throw new InconsistentStateException($"Snapshot {version} of {grainId} refused by the test.");
                }
                if (Interlocked.Exchange(ref gate._held, null) is { } held)
                {
                    await held.PassAsync();
                }
                await inner.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
            }
        }
    }
}
