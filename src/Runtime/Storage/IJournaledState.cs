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
    /// Upserts a row of a grain index in the commit of the journal's next snapshot, not of its next append: for a
    /// row that only restates what the events since that snapshot already hold, so that it is written once per
    /// snapshot rather than once per change. Adding the same index + key + item id again before then replaces it.
    /// </summary>
    /// <remarks>
    /// A snapshot drops the events it covers, so the state must read such rows back when it loads and lay the events
    /// after the snapshot over them. Rows still waiting are held by this activation only: after a load, add again the
    /// row of everything the replayed events changed.
    /// </remarks>
    void AddToIndexWithSnapshot<TItem>(string index, string key, string itemId, TItem item);

    /// <summary>
    /// Has every snapshot from now on ask <paramref name="source"/> for rows as well, when it is taken: the alternative to
    /// <see cref="AddToIndexWithSnapshot"/> for a state that can name what changed since its last snapshot without
    /// holding a row for each change. The same load rule applies.
    /// </summary>
    void TakeSnapshotRowsFrom(Storage.ISnapshotRowSource source);
}
