using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// The write side shared by the durable stores: every write becomes a queued operation, and the store's
/// <see cref="CommitAsync"/> commits what has gathered as one transaction (group commit).
/// </summary>
public abstract class GroupCommittedStore
{
    /// <param name="provider">The provider's name in metrics and logs.</param>
    /// <param name="metrics">Counts each committed transaction.</param>
    /// <param name="logger">Logs failed batches.</param>
    /// <param name="flushesAfterCommit">
    /// True when the store's commit returns before the transaction is durable: callers then wait for <see cref="Flush"/>.
    /// </param>
    private protected GroupCommittedStore(string provider, RuntimeMetrics metrics, ILogger logger, bool flushesAfterCommit = false) =>
        Writes = new CommitQueue<StorageWrite>(batch => CommitAsync(batch), provider, metrics, logger, prepare: CutPulledAppends,
            flush: flushesAfterCommit ? Flush : null);

    private protected CommitQueue<StorageWrite> Writes { get; }

    public Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(stateName, grainId, payload, expectedVersion, [], cancellationToken);

    public Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(StateWrite.Create(stateName, grainId, payload, expectedVersion, index), cancellationToken);

    public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(StateWrite.Create(stateName, grainId, null, expectedVersion, []), cancellationToken);

    public Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, CancellationToken cancellationToken) =>
        AppendAsync(journalName, grainId, expectedVersion, events, [], cancellationToken);

    public Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
    {
        var append = EventsAppend.Create(journalName, grainId, expectedVersion, events, index);
        // Nothing to write: no transaction. Index rows alone still commit, checked against the journal's version.
        return append.Events.Count == 0 && append.Index.Count == 0 ? Task.CompletedTask : Writes.EnqueueAsync(append, cancellationToken);
    }

    public Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        WriteSnapshotAsync(journalName, grainId, version, payload, [], cancellationToken);

    public Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(SnapshotWrite.Create(journalName, grainId, version, payload, index), cancellationToken);

    public Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(ReminderUpsert.Create(entry), cancellationToken);

    public Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(ReminderRemoval.Create(grainId, name), cancellationToken);

    /// <summary>
    /// Queues the promise of a journal's next append. The queue keeps its order, so the append before it has committed
    /// by the time this one is cut, at the start of its own transaction (<see cref="CutPulledAppends"/>), even when its
    /// caller still waits for the log's sync: a later transaction is never durable without the earlier ones.
    /// </summary>
    public Task AppendWhenReadyAsync(string journalName, GrainId grainId, Task previous, Func<JournalCut> cut, CancellationToken cancellationToken) =>
        Writes.EnqueueAsync(PulledAppend.Create(journalName, grainId, cut), cancellationToken);

    /// <summary>
    /// Turns each promised append into the append it is now, as its transaction starts; one with nothing to write
    /// leaves the transaction, as <see cref="AppendAsync(string, GrainId, long, IReadOnlyList{ReadOnlyMemory{byte}}, IReadOnlyList{IndexEntry}, CancellationToken)"/>
    /// never queues an empty append.
    /// </summary>
    private static void CutPulledAppends(CommitBatch<StorageWrite> batch)
    {
        for (var index = batch.Count - 1; index >= 0; index--)
        {
            if (batch[index] is not PulledAppend pulled)
            {
                continue;
            }
            EventsAppend append;
            try
            {
                append = pulled.ToAppend();
            }
            catch (Exception exception)
            {
                // One journal's bad cut fails that journal alone: the transaction carries other writers too.
                batch.FailWithoutWrite(index, exception);
                continue;
            }
            if (append.Events.Count == 0 && append.Index.Count == 0)
            {
                batch.SettleWithoutWrite(index);
            }
            else
            {
                batch.Replace(index, append);
            }
        }
    }

    /// <summary>Commits one batch in one transaction, each row version-checked on its own.</summary>
    private protected abstract Task CommitAsync(CommitBatch<StorageWrite> batch);

    /// <summary>
    /// Makes every transaction committed so far durable (only for a store that flushes after commit). Runs on the commit
    /// queue's flusher thread and blocks it for the disk.
    /// </summary>
    private protected virtual void Flush()
    {
    }
}
