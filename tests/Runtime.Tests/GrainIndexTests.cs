using System.Text.Json;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

/// <summary>Index rows travel with the write that makes them: durable with it, lost with it, never without it.</summary>
public sealed class GrainIndexTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Rows_written_with_appends_and_state_writes_of_several_grains_are_read_back_under_their_key_after_a_restart()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<INotebookGrain>("a").Journal("red", "a1", "apples");
        await silo.GrainFactory.GetGrain<INotebookGrain>("b").Keep("red", "b1", "berries");
        await silo.GrainFactory.GetGrain<INotebookGrain>("b").Keep("green", "b2", "limes");

        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(["apples", "berries"], (await NotesAsync(silo, "red")).Select(n => n.Note).Order());
        Assert.Equal(["limes"], (await NotesAsync(silo, "green")).Select(n => n.Note));
        Assert.Empty(await NotesAsync(silo, "blue"));
    }

    [Fact]
    public async Task Writing_an_item_again_replaces_it()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("c");

        await notebook.Keep("red", "c1", "cherries");
        await notebook.Keep("red", "c1", "currants");

        Assert.Equal([new TaggedNote("currants", 2)], await NotesAsync(silo, "red"));
    }

    [Fact]
    public async Task An_append_refused_for_a_stale_version_writes_none_of_its_rows()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("d");
        await notebook.Journal("red", "d1", "dates");
        // Another writer appends first, behind the activation's back.
        var id = Testing.TestCluster.IdOf(notebook);
        await silo.Storage.AppendAsync("journal", id, 1, [JsonSerializer.SerializeToUtf8Bytes(new LedgerEntry(5, "elsewhere"), StateBinding.Json)], TestSilo.Token);

        await Assert.ThrowsAsync<InconsistentStateException>(() => notebook.Journal("red", "d2", "damsons"));

        Assert.Equal(["dates"], (await NotesAsync(silo, "red")).Select(n => n.Note));
    }

    [Fact]
    public async Task A_state_write_refused_for_a_stale_version_writes_none_of_its_rows()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var notebook = silo.GrainFactory.GetGrain<INotebookGrain>("f");
        await notebook.Keep("red", "f1", "figs");
        var id = Testing.TestCluster.IdOf(notebook);
        await silo.Storage.WriteAsync("page", id, JsonSerializer.SerializeToUtf8Bytes(new Tally(100), StateBinding.Json), 1, TestSilo.Token);

        await Assert.ThrowsAsync<InconsistentStateException>(() => notebook.Keep("red", "f2", "feijoas"));

        Assert.Equal(["figs"], (await NotesAsync(silo, "red")).Select(n => n.Note));
    }

    private static Task<IReadOnlyList<TaggedNote>> NotesAsync(Testing.TestCluster silo, string tag) =>
        silo.Storage.ReadIndexAsync<TaggedNote>(NotebookGrain.Index, tag, TestSilo.Token);
}
