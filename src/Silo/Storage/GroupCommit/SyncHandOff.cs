namespace GroupBuy.Silo.Storage.GroupCommit;

/// <summary>
/// Committed batches handed from the commit loop to the thread that syncs them. That thread blocks without spinning
/// while nothing waits for a sync: on a machine of few cores a spinning waiter takes a core from the requests, and a
/// blocking collection's semaphore spins before it sleeps, once for every batch.
/// </summary>
internal sealed class SyncHandOff<T>
{
    private readonly object _gate = new();
    private readonly Queue<T> _waiting = new();
    private bool _completed;

    /// <summary>Runs each time the taker is about to block, holding the hand-off's lock (tests add items only then).</summary>
    internal Action? Waiting { get; init; }

    public void Add(T item)
    {
        lock (_gate)
        {
            _waiting.Enqueue(item);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>No more items: the taker finishes what is queued, then stops.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Blocks until something is queued, then moves all of it to <paramref name="taken"/>; false once completed and drained.</summary>
    public bool TakeAll(List<T> taken)
    {
        lock (_gate)
        {
            while (_waiting.Count == 0)
            {
                if (_completed)
                {
                    return false;
                }
                Waiting?.Invoke();
                Monitor.Wait(_gate);
            }
            while (_waiting.TryDequeue(out var item))
            {
                taken.Add(item);
            }
            return true;
        }
    }
}
