using GroupBuy.Runtime;

namespace GroupBuy.Silo.Storage.GroupCommit;

/// <summary>
/// The writes a <see cref="CommitQueue{TWrite}"/> took for one transaction. The provider runs each one,
/// records its outcome here (<see cref="Succeeded"/> or <see cref="Conflicted"/>) and commits; callers
/// learn their outcome only after that commit.
/// </summary>
internal sealed class CommitBatch<TWrite>
{
    private readonly List<PendingWrite<TWrite>> _entries = [];
    /// <summary>Writes that turned out to have nothing to write: released with the batch, never shown to the provider.</summary>
    private readonly List<PendingWrite<TWrite>> _settled = [];

    public int Count => _entries.Count;

    public TWrite this[int index] => _entries[index].Write;

    /// <summary>The write at <paramref name="index"/> passed its version check; its caller will receive <paramref name="version"/>.</summary>
    public void Succeeded(int index, long version = 0)
    {
        var entry = _entries[index];
        entry.Version = version;
        entry.Conflict = null;
    }

    /// <summary>The write at <paramref name="index"/> failed its version check; only its caller gets the exception.</summary>
    public void Conflicted(int index, string message) =>
        _entries[index].Conflict = new InconsistentStateException(message);

    /// <summary>Puts <paramref name="write"/> in the place of the write at <paramref name="index"/>, before the transaction runs.</summary>
    public void Replace(int index, TWrite write) => _entries[index].Write = write;

    /// <summary>Takes the write at <paramref name="index"/> out of the transaction: it succeeds with the batch, writing nothing.</summary>
    public void SettleWithoutWrite(int index)
    {
        _settled.Add(_entries[index]);
        _entries.RemoveAt(index);
    }

    /// <summary>Takes the write at <paramref name="index"/> out of the transaction and fails its caller alone, at once.</summary>
    public void FailWithoutWrite(int index, Exception exception)
    {
        _entries[index].TrySetException(exception);
        _entries.RemoveAt(index);
    }

    /// <summary>True when no write is left for a transaction: each was settled or failed without one.</summary>
    internal bool NothingToWrite => _entries.Count == 0;

    internal void Add(PendingWrite<TWrite> entry) => _entries.Add(entry);

    internal void Clear()
    {
        _entries.Clear();
        _settled.Clear();
    }

    internal void ReleaseAll()
    {
        _entries.ForEach(entry => entry.Release());
        _settled.ForEach(entry => entry.Release());
    }

    internal void FailAll(Exception exception)
    {
        _entries.ForEach(entry => entry.TrySetException(exception));
        _settled.ForEach(entry => entry.TrySetException(exception));
    }
}
