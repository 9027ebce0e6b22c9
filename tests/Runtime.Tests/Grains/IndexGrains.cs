namespace GroupBuy.Runtime.Tests.Grains;

/// <summary>A note filed under a tag: what the tests' index rows carry.</summary>
public sealed record TaggedNote(string Note, int Amount);

public interface INotebookGrain : IGrainWithStringKey
{
    /// <summary>Journals the note and files it under its tag in the same append.</summary>
    Task Journal(string tag, string noteId, string note);

    /// <summary>Writes the note as the state and files it under its tag in the same write.</summary>
    Task Keep(string tag, string noteId, string note);

    /// <summary>Journals the note and files it under its tag with the journal's next snapshot.</summary>
    Task JournalFiledLater(string tag, string noteId, string note);
}

/// <summary>Writes index rows every way: with a journal append, with a journal snapshot and with a state write.</summary>
public sealed class NotebookGrain(
    [PersistentState("journal")] IJournaledState<Ledger, LedgerEntry> journal,
    [PersistentState("page")] IPersistentState<Tally> page) : Grain, INotebookGrain
{
    public const string Index = "notes-by-tag";

    public async Task Journal(string tag, string noteId, string note)
    {
        journal.Raise(new LedgerEntry(1, note));
        journal.AddToIndex(Index, tag, noteId, new TaggedNote(note, 1));
        await journal.ConfirmAsync();
    }

    public async Task JournalFiledLater(string tag, string noteId, string note)
    {
        journal.Raise(new LedgerEntry(1, note));
        journal.AddToIndexWithSnapshot(Index, tag, noteId, new TaggedNote(note, 1));
        await journal.ConfirmAsync();
    }

    public async Task Keep(string tag, string noteId, string note)
    {
        page.State = new Tally((page.State?.Value ?? 0) + 1);
        page.AddToIndex(Index, tag, noteId, new TaggedNote(note, page.State.Value));
        await page.WriteStateAsync();
    }
}
