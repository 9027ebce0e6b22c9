namespace GroupBuy.Runtime;

/// <summary>A state that is rebuilt by applying events in order.</summary>
public interface IEventSourced<in TEvent>
{
    void Apply(TEvent @event);
}

/// <summary>
/// A grain's state kept as an event journal with periodic snapshots (the part Orleans' <c>JournaledGrain</c>
/// plays): the cost of one change does not grow with the history. <see cref="Raise"/> applies an event at
/// once; <see cref="ConfirmAsync"/> makes every event raised before it durable, sharing one append with
/// concurrent confirmers. Index rows added with <see cref="Storage.IIndexWriter.AddToIndex"/> are written in the same
/// commit as the events raised before the next confirmation.
/// </summary>
public interface IJournaledState<TState, TEvent> : Storage.IIndexWriter
    where TState : class, IEventSourced<TEvent>, new()
{
    /// <summary>The state with every raised event applied, confirmed or not.</summary>
    TState State { get; }

    /// <summary>How many events have been raised over the journal's life.</summary>
    long Version { get; }

    /// <summary>How many of them are durable.</summary>
    long ConfirmedVersion { get; }

    void Raise(TEvent @event);

    Task ConfirmAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Has every snapshot from now on ask <paramref name="source"/> for index rows when it is taken, and write them in
    /// the snapshot's commit, not an append's: for rows that only restate what the events since the last snapshot
    /// hold, so that each is written once per snapshot rather than once per change.
    /// </summary>
    /// <remarks>
    /// A snapshot drops the events it covers, so the state must read such rows back when it loads and lay the events
    /// after the snapshot over them. What the source has yet to write is known to this activation only: after a load,
    /// it must count everything the replayed events changed as changed.
    /// </remarks>
    void TakeSnapshotRowsFrom(Storage.ISnapshotRowSource source);

    /// <summary>
    /// Writes a snapshot of the state as it is now, once every event raised so far is durable, so that the store drops
    /// the events it covers: for a journal about to rest, whose events would otherwise stay stored until the next
    /// interval's snapshot. False when none could be stored (the journal failed, or the write did; either is logged).
    /// </summary>
    Task<bool> TakeSnapshotAsync(CancellationToken cancellationToken = default);
}
