using GroupBuy.Runtime;

namespace GroupBuy.Silo.Storage.GroupCommit;

/// <summary>
/// One caller's write waiting in a <see cref="CommitQueue{TWrite}"/>: the write, the caller's task (this
/// completion source) and, once its transaction has run, its own outcome.
/// </summary>
internal sealed class PendingWrite<TWrite> : TaskCompletionSource<long>
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;
    private CancellationTokenRegistration _cancellation;

    public PendingWrite(TWrite write)
        : base(TaskCreationOptions.RunContinuationsAsynchronously) => Write = write;

    /// <summary>The write; a promised one is replaced by what it became when its transaction starts.</summary>
    public TWrite Write { get; set; }

    /// <summary>The version the write produced, valid when <see cref="Conflict"/> is null.</summary>
    public long Version { get; set; }

    /// <summary>The caller's own version conflict, if its row failed the check.</summary>
    public InconsistentStateException? Conflict { get; set; }

    /// <summary>Cancels the caller's task if <paramref name="cancellationToken"/> fires before the write is taken into a batch.</summary>
    public void CancelWhileWaiting(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingWrite<TWrite>)state!).TryCancel(token), this);
        }
    }

    /// <summary>Claims the write for a batch; false when its caller cancelled first.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Waiting) != Waiting)
        {
            return false;
        }
        // Once taken, the write completes with its batch; a later cancellation changes nothing.
        _cancellation.Unregister();
        return true;
    }

    /// <summary>Completes the caller with its recorded outcome (after its transaction committed).</summary>
    public void Release()
    {
        if (Conflict is { } conflict)
        {
            TrySetException(conflict);
        }
        else
        {
            TrySetResult(Version);
        }
    }

    /// <summary>The write was never queued (the queue is closed): stop watching its caller's token.</summary>
    public void Abandon() => _cancellation.Unregister();

    private void TryCancel(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
        {
            TrySetCanceled(cancellationToken);
        }
    }
}
