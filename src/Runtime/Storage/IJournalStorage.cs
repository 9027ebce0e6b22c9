namespace GroupBuy.Runtime.Storage;

/// <summary>One journaled event at its version (1-based, contiguous per journal).</summary>
public readonly record struct JournalEntry(long Version, byte[] Payload);

/// <summary>A journal's next append, as it stood when the store started the transaction that carries it.</summary>
public sealed record JournalCut(long ExpectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> Events, IReadOnlyList<IndexEntry> Index);

/// <summary>A journal's latest snapshot: the state after the event at <see cref="Version"/>.</summary>
public sealed record JournalSnapshot(byte[] Payload, long Version);

/// <summary>
/// Keeps event journals with periodic snapshots, so the cost of one append does not grow with the
/// journal's length. Appends are version-checked and may be group-committed like state writes.
/// A store may keep the payload buffers it is handed rather than copy them: a caller must not change a buffer
/// after passing it.
/// </summary>
public interface IJournalStorage
{
    Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// The latest snapshot and the events after it: what loading a journal reads. A store may answer both in one
    /// round trip (an activation's only read); by default it reads one, then the other.
    /// </summary>
    async Task<(JournalSnapshot? Snapshot, IReadOnlyList<JournalEntry> Events)> ReadJournalAsync(string journalName, GrainId grainId, CancellationToken cancellationToken)
    {
        var snapshot = await ReadSnapshotAsync(journalName, grainId, cancellationToken).ConfigureAwait(false);
        return (snapshot, await ReadEventsAsync(journalName, grainId, snapshot?.Version ?? 0, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The events after <paramref name="afterVersion"/>, in version order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Appends events as versions <c>expectedVersion + 1 …</c>; throws <see cref="InconsistentStateException"/>
    /// when any of those versions already exists (another writer appended first).
    /// </summary>
    Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, CancellationToken cancellationToken) =>
        AppendAsync(journalName, grainId, expectedVersion, events, [], cancellationToken);

    /// <summary>
    /// Appends events as above and, in the same commit, upserts <paramref name="index"/>'s rows: all of it becomes
    /// durable, or none of it. A version conflict writes nothing.
    /// </summary>
    Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken);

    /// <summary>
    /// Appends what <paramref name="cut"/> answers when the store is ready to write it: a journal promises its next
    /// append while the one before it (<paramref name="previous"/>) is still being written, and the append holds
    /// everything raised until the store takes it. A group-committing store cuts it when the transaction that carries
    /// it starts, which is after <paramref name="previous"/> has committed (its caller may still wait for the log's
    /// sync), since its queue keeps their order; by
    /// default the cut waits for <paramref name="previous"/> to finish, then runs off the caller's turn. A cut with
    /// nothing in it writes nothing; a cut that throws fails this append alone.
    /// </summary>
    async Task AppendWhenReadyAsync(string journalName, GrainId grainId, Task previous, Func<JournalCut> cut, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var batch = await Task.Run(cut, cancellationToken).ConfigureAwait(false);
        await AppendAsync(journalName, grainId, batch.ExpectedVersion, batch.Events, batch.Index, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores a snapshot at <paramref name="version"/> and drops the events it covers.</summary>
    Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        WriteSnapshotAsync(journalName, grainId, version, payload, [], cancellationToken);

    /// <summary>
    /// Stores a snapshot as above and, in the same commit, upserts <paramref name="index"/>'s rows: only when the
    /// snapshot is stored (a journal that has not reached <paramref name="version"/>, or holds a later snapshot, gets
    /// neither), so the rows are never older than the snapshot a load reads.
    /// </summary>
    Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken);
}
