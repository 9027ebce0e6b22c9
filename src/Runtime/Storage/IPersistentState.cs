namespace GroupBuy.Runtime;

/// <summary>
/// A grain's durable state (Orleans' <c>IPersistentState&lt;T&gt;</c>), loaded before activation completes.
/// Concurrent <see cref="WriteStateAsync"/> calls are coalesced: at most one write is in flight, and each
/// caller completes only after a write that contains its change has committed.
/// </summary>
public interface IPersistentState<TState> : Storage.IIndexWriter
{
    TState State { get; set; }

    /// <summary>The stored version as text; null before the first write.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <see cref="State"/>, with the index rows added since the last write (<see cref="Storage.IIndexWriter"/>),
    /// in one commit; a stale version throws <see cref="InconsistentStateException"/> and writes neither.
    /// </summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Clears the stored state after the writes issued before it and ahead of those issued after it; <see cref="State"/>
    /// is reset at once. A failed clear drops the activation, as a failed write does.
    /// </summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
