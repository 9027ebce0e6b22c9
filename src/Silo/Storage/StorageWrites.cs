using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// A write that a store runs inside a group-commit transaction. The <c>Create</c> methods check the arguments
/// before anything is queued, so one malformed write can never fail a transaction shared with other callers.
/// </summary>
internal abstract record StorageWrite;

/// <summary>
/// Writes a state's payload, or clears it when <see cref="Payload"/> is null; version-checked. The
/// <see cref="Index"/> rows are upserted in the same transaction, only when the check passes.
/// </summary>
internal sealed record StateWrite(string StateName, GrainId GrainId, ReadOnlyMemory<byte>? Payload, long ExpectedVersion, IReadOnlyList<IndexEntry> Index) : StorageWrite
{
    public long NewVersion => ExpectedVersion + 1;

    public string ConflictMessage =>
        $"State '{StateName}' of {GrainId} is not at version {ExpectedVersion}: another writer changed it first.";

    public static StateWrite Create(string stateName, GrainId grainId, ReadOnlyMemory<byte>? payload, long expectedVersion, IReadOnlyList<IndexEntry> index)
    {
        StorageArguments.CheckName(stateName, nameof(stateName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(expectedVersion, nameof(expectedVersion));
        return new(stateName, grainId, payload, expectedVersion, IndexRows.Copy(index, nameof(index)));
    }
}

/// <summary>
/// Appends events as versions <c>ExpectedVersion + 1 …</c>; version-checked. The <see cref="Index"/> rows are
/// upserted in the same transaction, only when the check passes. With no events, the append checks the version
/// and writes just the rows.
/// </summary>
internal sealed record EventsAppend(string JournalName, GrainId GrainId, long ExpectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> Events, IReadOnlyList<IndexEntry> Index) : StorageWrite
{
    public string ConflictMessage =>
        $"Journal '{JournalName}' of {GrainId} is not at version {ExpectedVersion}: another writer appended first.";

    public static EventsAppend Create(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(expectedVersion, nameof(expectedVersion));
        ArgumentNullException.ThrowIfNull(events);
        // A copy: the caller's list may change while the append waits for its batch.
        return new(journalName, grainId, expectedVersion, [.. events], IndexRows.Copy(index, nameof(index)));
    }
}

/// <summary>
/// A journal's promised append (<see cref="IJournalStorage.AppendWhenReadyAsync"/>): replaced by the
/// <see cref="EventsAppend"/> that <see cref="Cut"/> answers when the transaction that carries it starts.
/// </summary>
internal sealed record PulledAppend(string JournalName, GrainId GrainId, Func<JournalCut> Cut) : StorageWrite
{
    public static PulledAppend Create(string journalName, GrainId grainId, Func<JournalCut> cut)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        ArgumentNullException.ThrowIfNull(cut);
        return new(journalName, grainId, cut);
    }

    /// <summary>The append as cut now.</summary>
    public EventsAppend ToAppend()
    {
        var cut = Cut();
        return EventsAppend.Create(JournalName, GrainId, cut.ExpectedVersion, cut.Events, cut.Index);
    }
}

/// <summary>
/// Stores a journal snapshot and drops the events it covers. The <see cref="Index"/> rows are upserted in the same
/// transaction, only when the snapshot is stored.
/// </summary>
internal sealed record SnapshotWrite(string JournalName, GrainId GrainId, long Version, ReadOnlyMemory<byte> Payload, IReadOnlyList<IndexEntry> Index) : StorageWrite
{
    public string ConflictMessage =>
        $"Journal '{JournalName}' of {GrainId} cannot take a snapshot at version {Version}: the journal has not reached it, or holds a later snapshot.";

    public static SnapshotWrite Create(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(version, nameof(version));
        return new(journalName, grainId, version, payload, IndexRows.Copy(index, nameof(index)));
    }
}

internal sealed record ReminderUpsert(ReminderEntry Entry) : StorageWrite
{
    public static ReminderUpsert Create(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageArguments.CheckGrain(entry.GrainId, nameof(entry));
        StorageArguments.CheckName(entry.Name, nameof(entry));
        if (entry.Period is { } period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(entry));
        }
        return new(entry);
    }
}

internal sealed record ReminderRemoval(GrainId GrainId, string Name) : StorageWrite
{
    public static ReminderRemoval Create(GrainId grainId, string name)
    {
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckName(name, nameof(name));
        return new(grainId, name);
    }
}

/// <summary>The grain index rows a state write, journal append or snapshot carries.</summary>
internal static class IndexRows
{
    /// <summary>
    /// A checked copy of <paramref name="index"/> (the caller's list may change while the write waits for its batch)
    /// holding each index + key + item id once, the last one given winning, as if upserted in order: one upsert
    /// statement may not touch a row twice.
    /// </summary>
    public static IReadOnlyList<IndexEntry> Copy(IReadOnlyList<IndexEntry> index, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(index, parameterName);
        if (index.Count == 0)
        {
            return [];
        }
        var rows = new IndexEntry[index.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = index[i];
            StorageArguments.CheckName(row.Index, parameterName);
            StorageArguments.CheckName(row.Key, parameterName);
            StorageArguments.CheckName(row.ItemId, parameterName);
            rows[i] = row;
        }
        return rows.Length == 1 ? rows : LastOfEach(rows);
    }

    private static IndexEntry[] LastOfEach(IndexEntry[] rows)
    {
        var seen = new HashSet<(string, string, string)>(rows.Length);
        var kept = new List<IndexEntry>(rows.Length);
        for (var i = rows.Length - 1; i >= 0; i--)
        {
            if (seen.Add((rows[i].Index, rows[i].Key, rows[i].ItemId)))
            {
                kept.Add(rows[i]);
            }
        }
        if (kept.Count == rows.Length)
        {
            return rows;
        }
        kept.Reverse();
        return [.. kept];
    }
}
