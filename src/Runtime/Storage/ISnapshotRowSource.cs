namespace GroupBuy.Runtime.Storage;

/// <summary>
/// Supplies the index rows of a journal's snapshots when each is taken (see
/// <see cref="IJournaledState{TState, TEvent}.TakeSnapshotRowsFrom"/>). The state names what changed since its last
/// stored snapshot however is cheapest, rather than holding a row per change until then: a sale's new orders are every
/// sequence above a mark, so it keeps a number instead of an object per order. Both methods run on the grain's turn.
/// </summary>
public interface ISnapshotRowSource
{
    /// <summary>
    /// A snapshot of the state at journal version <paramref name="version"/> is being taken: add the row of everything
    /// that changed since the last snapshot <see cref="Stored"/> reported, as it stands now.
    /// </summary>
    void AddRows(SnapshotRows rows, long version);

    /// <summary>
    /// The snapshot taken at <paramref name="version"/> is stored with its rows. A snapshot that fails is not reported:
    /// the next one must carry its rows again.
    /// </summary>
    void Stored(long version);
}

/// <summary>The rows a snapshot carries, gathered from an <see cref="ISnapshotRowSource"/>.</summary>
public sealed class SnapshotRows
{
    internal List<PendingIndexRow> Rows { get; } = [];

    /// <summary>
    /// Upserts a row of a grain index in the snapshot's commit: the item as JSON, or in <paramref name="format"/> when
    /// given (turned into bytes off the turn when there are many).
    /// </summary>
    public void Add<TItem>(string index, string key, string itemId, TItem item, IndexRowFormat<TItem>? format = null) =>
        Rows.Add(PendingIndexRow.Of(index, key, itemId, item, format));
}
