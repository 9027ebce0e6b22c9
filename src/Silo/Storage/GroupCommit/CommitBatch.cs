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

    internal void Add(PendingWrite<TWrite> entry) => _entries.Add(entry);

    internal void Clear() => _entries.Clear();

    internal void ReleaseAll()
    {
        foreach (var entry in _entries)
        {
            entry.Release();
        }
    }

    internal void FailAll(Exception exception)
    {
        foreach (var entry in _entries)
        {
            entry.TrySetException(exception);
        }
    }
}
