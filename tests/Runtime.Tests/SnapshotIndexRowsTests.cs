using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>
/// Rows for the snapshot go in the commit of the journal's next snapshot that is stored, each once, as last changed:
/// rows the grain added ahead (<c>AddToIndexWithSnapshot</c>) and rows its row source makes as the snapshot is taken.
/// </summary>
public sealed class SnapshotIndexRowsTests
{
    private readonly Probe _probe = new();
    private readonly SnapshotGate _gate = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rows_wait_for_the_snapshot_and_go_in_its_commit_as_last_added(bool fromRowSource)
    {
        await using var silo = await StartAsync(interval: 3);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("a");

        await FileLater(notebook, fromRowSource, "red", "a1", "apples");
        await FileLater(notebook, fromRowSource, "red", "a1", "apricots");
        Assert.Empty(await NotesAsync(silo, "red"));   // the appends carried none of them

        await FileLater(notebook, fromRowSource, "red", "a2", "avocados");
        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(["apricots", "avocados"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
        Assert.Equal(0, silo.Storage.JournalLength("journal", TestCluster.IdOf(notebook)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_snapshot_that_was_not_stored_leaves_its_rows_for_the_next_one(bool fromRowSource)
    {
        await using var silo = await StartAsync(interval: 2);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("b");
        _gate.RefuseNext = true;

        await FileLater(notebook, fromRowSource, "red", "b1", "bananas");
        await FileLater(notebook, fromRowSource, "red", "b2", "berries");   // its snapshot is refused
        await FileLater(notebook, fromRowSource, "red", "b3", "blackcurrants");
        await silo.RestartAsync(TestSilo.Token);

        Assert.False(_gate.RefuseNext);
        Assert.Equal(["bananas", "berries", "blackcurrants"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_row_added_again_while_a_snapshot_is_being_written_goes_with_the_next_one(bool fromRowSource)
    {
        await using var silo = await StartAsync(interval: 2);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("c");
        var held = _gate.HoldNext();

        await FileLater(notebook, fromRowSource, "red", "c1", "cherries");
        await FileLater(notebook, fromRowSource, "red", "c2", "clementines");
        await held.Reached.WaitAsync(TestSilo.Token);
        var again = FileLater(notebook, fromRowSource, "red", "c1", "currants");   // its turn runs while the snapshot is held
        held.Release();
        await again;
        await FileLater(notebook, fromRowSource, "red", "c3", "cranberries");
        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(["clementines", "cranberries", "currants"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
    }

    private static Task FileLater(INotebookGrain notebook, bool fromRowSource, string tag, string noteId, string note) =>
        fromRowSource ? notebook.JournalTakenLater(tag, noteId, note) : notebook.JournalFiledLater(tag, noteId, note);

    private Task<TestCluster> StartAsync(int interval) =>
        TestSilo.StartAsync(_probe, runtime: o => o.JournalSnapshotInterval = interval,
            services: _gate.AddTo);

    private static Task<IReadOnlyList<TaggedNote>> NotesAsync(TestCluster silo, string tag) =>
        silo.Storage.ReadIndexAsync<TaggedNote>(NotebookGrain.Index, tag, TestSilo.Token);
}
