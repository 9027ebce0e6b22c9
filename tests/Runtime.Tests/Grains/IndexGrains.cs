using GroupBuy.Runtime.Storage;

namespace GroupBuy.Runtime.Tests.Grains;

/// <summary>A note filed under a tag: what the tests' index rows carry.</summary>
public sealed record TaggedNote(string Note, int Amount);

public interface INotebookGrain : IGrainWithStringKey
{
    /// <summary>Journals the note and files it under its tag in the same append.</summary>
    Task Journal(string tag, string noteId, string note);

    /// <summary>Writes the note as the state and files it under its tag in the same write.</summary>
    Task Keep(string tag, string noteId, string note);

    /// <summary>Journals the note and files it under its tag with the journal's next snapshot (its row source names it).</summary>
    Task JournalFiledLater(string tag, string noteId, string note);
}

/// <summary>Writes index rows every way: with a journal append, with a journal snapshot and with a state write.</summary>
public sealed class NotebookGrain(
    [PersistentState("journal")] IJournaledState<Ledger, LedgerEntry> journal,
    [PersistentState("page")] IPersistentState<Tally> page) : Grain, INotebookGrain
{
    public const string Index = "notes-by-tag";

    private readonly NotesForSnapshot _forSnapshot = new();

    public async Task Journal(string tag, string noteId, string note)
    {
        journal.Raise(new LedgerEntry(1, note));
        journal.AddToIndex(Index, tag, noteId, new TaggedNote(note, 1));
        await journal.ConfirmAsync();
    }

    public async Task JournalFiledLater(string tag, string noteId, string note)
    {
        journal.Raise(new LedgerEntry(1, note));
        _forSnapshot.Note(tag, noteId, note, journal.Version);
        await journal.ConfirmAsync();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        journal.TakeSnapshotRowsFrom(_forSnapshot);
        return Task.CompletedTask;
    }

    public async Task Keep(string tag, string noteId, string note)
    {
        page.State = new Tally((page.State?.Value ?? 0) + 1);
        page.AddToIndex(Index, tag, noteId, new TaggedNote(note, page.State.Value));
        await page.WriteStateAsync();
    }

    /// <summary>Notes changed since the last stored snapshot, each with the journal version of its last change.</summary>
    private sealed class NotesForSnapshot : ISnapshotRowSource
    {
        private readonly Dictionary<(string Tag, string NoteId), (string Note, long Version)> _changed = [];

        public void Note(string tag, string noteId, string note, long version) => _changed[(tag, noteId)] = (note, version);

        public void AddRows(SnapshotRows rows, long version)
        {
            foreach (var ((tag, noteId), (note, _)) in _changed)
            {
                rows.Add(Index, tag, noteId, new TaggedNote(note, 1));
            }
        }

        public void Stored(long version)
        {
            foreach (var (key, (_, changedAt)) in _changed)
            {
                if (changedAt <= version)
                {
                    _changed.Remove(key);
                }
            }
        }
    }
}
