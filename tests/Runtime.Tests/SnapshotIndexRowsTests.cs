using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>
/// Rows a journal's row source names go in the commit of the next snapshot that is stored, each once, as last changed.
/// </summary>
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
            services: _gate.AddTo);

    private static Task<IReadOnlyList<TaggedNote>> NotesAsync(TestCluster silo, string tag) =>
        silo.Storage.ReadIndexAsync<TaggedNote>(NotebookGrain.Index, tag, TestSilo.Token);
}
