using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// A write that a store runs inside a group-commit transaction. The <c>Create</c> methods check the arguments
/// before anything is queued, so one malformed write can never fail a transaction shared with other callers.
/// </summary>
internal abstract record StorageWrite;

/// <summary>Writes a state's payload, or clears it when <see cref="Payload"/> is null; version-checked.</summary>
internal sealed record StateWrite(string StateName, GrainId GrainId, ReadOnlyMemory<byte>? Payload, long ExpectedVersion) : StorageWrite
{
    public long NewVersion => ExpectedVersion + 1;

    public string ConflictMessage =>
        $"State '{StateName}' of {GrainId} is not at version {ExpectedVersion}: another writer changed it first.";

    public static StateWrite Create(string stateName, GrainId grainId, ReadOnlyMemory<byte>? payload, long expectedVersion)
    {
        StorageArguments.CheckName(stateName, nameof(stateName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(expectedVersion, nameof(expectedVersion));
        return new(stateName, grainId, payload, expectedVersion);
    }
}

/// <summary>Appends events as versions <c>ExpectedVersion + 1 …</c>; version-checked.</summary>
internal sealed record EventsAppend(string JournalName, GrainId GrainId, long ExpectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> Events) : StorageWrite
{
    public string ConflictMessage =>
        $"Journal '{JournalName}' of {GrainId} is not at version {ExpectedVersion}: another writer appended first.";

    public static EventsAppend Create(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(expectedVersion, nameof(expectedVersion));
        ArgumentNullException.ThrowIfNull(events);
        // A copy: the caller's list may change while the append waits for its batch.
        return new(journalName, grainId, expectedVersion, [.. events]);
    }
}

/// <summary>Stores a journal snapshot and drops the events it covers.</summary>
internal sealed record SnapshotWrite(string JournalName, GrainId GrainId, long Version, ReadOnlyMemory<byte> Payload) : StorageWrite
{
    public string ConflictMessage =>
        $"Journal '{JournalName}' of {GrainId} cannot take a snapshot at version {Version}: the journal has not reached it, or holds a later snapshot.";

    public static SnapshotWrite Create(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload)
    {
        StorageArguments.CheckName(journalName, nameof(journalName));
        StorageArguments.CheckGrain(grainId, nameof(grainId));
        StorageArguments.CheckVersion(version, nameof(version));
        return new(journalName, grainId, version, payload);
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
