namespace GroupBuy.Runtime.Catalog;

/// <summary>
/// The inbox: a call to a grain whose turn is taken joins a lock-free stack instead of taking the activation's lock,
/// so the callers of a hot grain do not contend for that lock with the work loop serving them. Whoever holds the lock
/// next moves the inbox into the queues in arrival order before it reads them (<see cref="MoveInboxLocked"/>), and the
/// turn is never given up while the inbox holds a call (<see cref="GiveUpTurnLocked"/>).
/// </summary>
internal sealed partial class Activation
{
    /// <summary>The inbox of an activation that is gone: a post finds it and takes the locked way, which answers Defunct.</summary>
    private static readonly Request Closed = new ClosedInbox();

    /// <summary>Calls posted while the turn was taken, newest first, linked through <see cref="Request.Posted"/>.</summary>
    private Request? _inbox;

    /// <summary>
    /// Posts a call to the busy grain without the lock. False, with the request untouched, when the turn is free (the
    /// call may run inline) or the activation is gone; the caller then takes the locked way.
    /// </summary>
    public bool TryPost(Request request)
    {
        if (!Volatile.Read(ref _turnOwned))
        {
            return false;
        }
        var head = Volatile.Read(ref _inbox);
        while (true)
        {
            var depth = (head?.PostedDepth ?? 0) + 1;
            // Near the queue's bound the locked way counts exactly and rejects an overflowing call at once.
            if (ReferenceEquals(head, Closed) || depth + QueuedNow >= Runtime.Options.MaxQueuedRequests)
            {
                request.Posted = null;
                return false;
            }
            request.Posted = head;
            request.PostedDepth = depth;
            var seen = Interlocked.CompareExchange(ref _inbox, request, head);
            if (ReferenceEquals(seen, head))
            {
                break;
            }
            head = seen;
        }
        // The exchange is a full fence, and so are the ones after the turn is marked free (GiveUpTurnLocked) and after
        // the activation stops being watched for timeouts (UnwatchUnlessPostedLocked): either that side sees this call,
        // or these reads see the turn free or the activation unwatched, and the lock below puts that right.
        if (!Volatile.Read(ref _turnOwned) || !Volatile.Read(ref _watchedForTimeouts))
        {
            bool schedule;
            lock (_lock)
            {
                // A call behind a turn that never yields must still time out, as one queued under the lock does.
                WatchForTimeoutsLocked();
                schedule = TryTakeTurnLocked();
            }
            if (schedule)
            {
                Schedule();
            }
        }
        return true;
    }

    /// <summary>The requests waiting in the queues, read without the lock: a hint that may be a moment old.</summary>
    private int QueuedNow => (Volatile.Read(ref _pending)?.Count ?? 0) + (Volatile.Read(ref _interleaving)?.Count ?? 0);

    /// <summary>Moves the posted calls into the queues, oldest first, as if each had been queued under the lock.</summary>
    private void MoveInboxLocked()
    {
        if (Volatile.Read(ref _inbox) is null || _status == ActivationStatus.Invalid)
        {
            return;
        }
        EnqueuePostedLocked(TakeInbox(replacement: null));
    }

    /// <summary>Closes the inbox of an activation about to go: the calls still in it join the queues, which go with it.</summary>
    private void CloseInboxLocked() => EnqueuePostedLocked(TakeInbox(replacement: Closed));

    private void EnqueuePostedLocked(Request? oldest)
    {
        while (oldest is not null)
        {
            var next = oldest.Posted;
            oldest.Posted = null;
            EnqueueLocked(oldest);
            oldest = next;
        }
    }

    /// <summary>Empties the inbox (or closes it) and returns its calls linked oldest first.</summary>
    private Request? TakeInbox(Request? replacement)
    {
        var newest = Interlocked.Exchange(ref _inbox, replacement);
        if (ReferenceEquals(newest, Closed))
        {
            return null;
        }
        Request? oldest = null;
        while (newest is not null)
        {
            var next = newest.Posted;
            newest.Posted = oldest;
            oldest = newest;
            newest = next;
        }
        return oldest;
    }

    /// <summary>
    /// Gives the turn up unless runnable work is left, calls posted meanwhile included; true when the turn is kept. The
    /// fence pairs with the exchange of <see cref="TryPost"/>.
    /// </summary>
    private bool GiveUpTurnLocked()
    {
        _turnOwned = false;
        Interlocked.MemoryBarrier();
        return TryTakeTurnLocked();
    }

    /// <summary>
    /// Stops watching for timeouts once nothing waits or runs, unless a call was posted meanwhile; false when it stays
    /// watched. The fence pairs with the exchange of <see cref="TryPost"/>.
    /// </summary>
    private bool UnwatchUnlessPostedLocked()
    {
        _watchedForTimeouts = false;
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _inbox) is { } head && !ReferenceEquals(head, Closed))
        {
            _watchedForTimeouts = true;
            return false;
        }
        Runtime.Timeouts.Unwatch(this);
        return true;
    }

    private sealed class ClosedInbox() : Request(default, 0)
    {
        public override string Name => "closed inbox";

        public override bool IsAnswered => true;

        public override bool Run(Activation activation) => throw new InvalidOperationException("The closed inbox is not a call.");

        public override void Fail(Exception exception)
        {
        }
    }
}
