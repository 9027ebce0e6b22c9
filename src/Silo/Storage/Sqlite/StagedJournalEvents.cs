using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// Journal events committed to <c>journal_events_staged</c> and not yet merged into <c>journal_events</c>, each
/// journal's kept in memory in version order, and merged in rounds (<see cref="MergeRounds{TRow}"/>). With many busy
/// grains each commit appends to many journals, and each append would otherwise rewrite a page of the events' key
/// index. A snapshot makes the staged events it covers useless: they leave memory at once and are never merged.
/// </summary>
/// <remarks>
/// The staged events of a journal are always its newest: a journal with any in memory has the last of them as its
/// version, so the writer's version check reads no table. An event leaves memory only after the transaction that merged
/// it, or the snapshot that covers it, has committed, and a reader copies a journal's staged events before it reads the
/// tables, so every event committed before the read began is in one or the other, or under the snapshot it reads. A
/// crash leaves the staged events in their table: start-up drops those a snapshot covers and merges the rest again,
/// where merging an event twice leaves the first. One store opens a database file at a time.
/// </remarks>
internal sealed class StagedJournalEvents(int roundRows = StagedJournalEvents.DefaultRoundRows, int chunkRows = StagedJournalEvents.DefaultChunkRows)
    : MergeRounds<StagedEvent>(roundRows, chunkRows)
{
    /// <summary>Staged events that start a merge round: thousands of journals' several events each.</summary>
    public const int DefaultRoundRows = 65_536;

    /// <summary>
    /// Events merged with each transaction of the round (more when the transaction stages more, see
    /// <see cref="MergeRounds{TRow}.NextStep"/>): small, so that a commit carrying a chunk keeps its callers waiting little.
    /// </summary>
    public const int DefaultChunkRows = 512;

    private readonly Dictionary<JournalKey, List<StagedEvent>> _byJournal = [];

    /// <summary>The journal's version when it has staged events (writer only: the writer alone changes them).</summary>
    public long? VersionOf(JournalKey journal) => _byJournal.TryGetValue(journal, out var events) ? events[^1].Version : null;

    /// <summary>Takes the events and snapshots of a transaction that has committed.</summary>
    public void Committed(List<StagedEvent> events, Dictionary<JournalKey, long> snapshots)
    {
        lock (Gate)
        {
            foreach (var staged in events)
            {
                Keep(staged);
            }
            foreach (var (journal, version) in snapshots)
            {
                Cover(journal, version);
            }
        }
        StartRoundWhenDue();
    }

    /// <summary>The journal's staged events, copied: read them before the tables.</summary>
    public List<JournalEntry> Of(JournalKey journal)
    {
        lock (Gate)
        {
            return _byJournal.TryGetValue(journal, out var events)
                ? [.. events.Select(staged => new JournalEntry(staged.Version, staged.Payload))]
                : [];
        }
    }

    /// <summary>
    /// The stored events followed by the staged ones that come after them (an event merged meanwhile is in both):
    /// <paramref name="after"/> is the version the stored events start after (a snapshot's, or the reader's).
    /// </summary>
    public static IReadOnlyList<JournalEntry> After(long after, IReadOnlyList<JournalEntry> stored, List<JournalEntry> staged)
    {
        var last = stored.Count > 0 ? stored[^1].Version : after;
        var first = staged.FindIndex(entry => entry.Version > last);
        if (first < 0)
        {
            return stored;
        }
        var events = new List<JournalEntry>(stored.Count + staged.Count - first);
        events.AddRange(stored);
        events.AddRange(staged.Skip(first));
        return events;
    }

    protected override StagedEvent[] Staged() => [.. _byJournal.Values.SelectMany(events => events)];

    protected override StagedEvent[] Sorted(StagedEvent[] events)
    {
        Array.Sort(events, static (a, b) =>
        {
            var order = JournalKey.Compare(a.Journal, b.Journal);
            return order != 0 ? order : a.Version.CompareTo(b.Version);
        });
        return events;
    }

    protected override void Release(StagedEvent[] events, long end)
    {
        // The round is in journal order: each journal's released events are the oldest of its list.
        for (var i = 0; i < events.Length; i++)
        {
            if ((i == 0 || !events[i].Journal.Equals(events[i - 1].Journal)) && _byJournal.TryGetValue(events[i].Journal, out var staged))
            {
                staged.RemoveAll(e => e.Sequence <= end);
                if (staged.Count == 0)
                {
                    _byJournal.Remove(events[i].Journal);
                }
            }
        }
    }

    /// <summary>Takes an event read back from the stage at start-up, in sequence order.</summary>
    public void Load(StagedEvent staged)
    {
        Loaded(staged.Sequence);
        lock (Gate)
        {
            Keep(staged);
        }
    }

    /// <summary>Appends the event to its journal's, unless a snapshot covers it (loaded so at start-up) (under the gate).</summary>
    private void Keep(StagedEvent staged)
    {
        if (staged.Covered)
        {
            return;
        }
        if (!_byJournal.TryGetValue(staged.Journal, out var events))
        {
            _byJournal[staged.Journal] = events = [];
        }
        events.Add(staged);
    }

    /// <summary>The journal's events up to the snapshot leave memory and will not be merged (under the gate).</summary>
    private void Cover(JournalKey journal, long version)
    {
        if (!_byJournal.TryGetValue(journal, out var events))
        {
            return;
        }
        foreach (var staged in events)
        {
            if (staged.Version <= version)
            {
                staged.Covered = true;
            }
        }
        events.RemoveAll(staged => staged.Covered);
        if (events.Count == 0)
        {
            _byJournal.Remove(journal);
        }
    }
}

/// <summary>A journal: its grain's type and key, and its name.</summary>
internal readonly record struct JournalKey(string Type, string Key, string Name)
{
    /// <summary>The order of the events table's key: ordinal, which is SQLite's order for the ASCII ids grains have.</summary>
    public static int Compare(JournalKey a, JournalKey b)
    {
        var order = string.CompareOrdinal(a.Type, b.Type);
        order = order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
        return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
    }
}

/// <summary>One staged journal event. <see cref="Covered"/>: a committed snapshot covers it, so no round merges it (writer only).</summary>
internal sealed class StagedEvent(long sequence, JournalKey journal, long version, byte[] payload)
{
    public long Sequence { get; } = sequence;

    public JournalKey Journal { get; } = journal;

    public long Version { get; } = version;

    public byte[] Payload { get; } = payload;

    public bool Covered { get; set; }
}
