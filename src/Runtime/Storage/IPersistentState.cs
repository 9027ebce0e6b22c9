namespace GroupBuy.Runtime;

/// <summary>
/// A grain's durable state (Orleans' <c>IPersistentState&lt;T&gt;</c>), loaded before activation completes.
/// Concurrent <see cref="WriteStateAsync"/> calls are coalesced: at most one write is in flight, and each
/// caller completes only after a write that contains its change has committed.
/// </summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }

    /// <summary>The stored version as text; null before the first write.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; a stale version throws <see cref="InconsistentStateException"/>.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Upserts a row of a grain index (see <see cref="Storage.IGrainIndex"/>) in the same commit as the next
    /// <see cref="WriteStateAsync"/>: it becomes durable exactly when the state that made it does.
    /// </summary>
    void AddToIndex<TItem>(string index, string key, string itemId, TItem item);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
