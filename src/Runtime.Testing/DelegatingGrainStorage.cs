using GroupBuy.Runtime.Storage;

namespace GroupBuy.Runtime.Testing;

/// <summary>
/// Passes every state and journal call on to a memory storage, so a test double that stalls, fails or counts some
/// calls overrides only those and forwards nothing by hand. Only the members a store must implement are forwarded:
/// the interfaces' default members (the overloads without index rows, <see cref="IJournalStorage.ReadJournalAsync"/>,
/// <see cref="IJournalStorage.AppendWhenReadyAsync"/>) keep their default bodies, which call back through this
/// storage, so an override sees every write and append whichever member the runtime uses.
/// </summary>
public abstract class DelegatingGrainStorage(MemoryGrainStorage inner) : IGrainStorage, IJournalStorage
{
    /// <summary>The storage every call is passed on to: what a test reads to see what was stored, past any override.</summary>
    public MemoryGrainStorage Inner { get; } = inner;

    public virtual Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        Inner.ReadAsync(stateName, grainId, cancellationToken);

    public virtual Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
        Inner.WriteAsync(stateName, grainId, payload, expectedVersion, index, cancellationToken);

    public virtual Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken) =>
        Inner.ClearAsync(stateName, grainId, expectedVersion, cancellationToken);

    public virtual Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken) =>
        Inner.ReadSnapshotAsync(journalName, grainId, cancellationToken);

    public virtual Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken) =>
        Inner.ReadEventsAsync(journalName, grainId, afterVersion, cancellationToken);

    public virtual Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
        Inner.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);

    public virtual Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
        Inner.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
}
