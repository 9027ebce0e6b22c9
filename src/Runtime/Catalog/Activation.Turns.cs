using System.Diagnostics;
using GroupBuy.Runtime.Invocation;

namespace GroupBuy.Runtime.Catalog;

/// <summary>How a call may enter an activation.</summary>
internal enum Admission
{
    /// <summary>The caller owns the turn and runs the method on its own thread.</summary>
    Inline,

    /// <summary>
    /// The grain has no activation yet: the caller owns the turn, activates it on its own thread, and then
    /// runs its call (the first in line) at once if activation completed without waiting.
    /// </summary>
    Activate,

    /// <summary>The call must wait in the activation's queue.</summary>
    Queue,

    /// <summary>The activation is gone; look the grain up again.</summary>
    Defunct,
}

/// <summary>
/// The turn scheduler. An activation is its own <see cref="SynchronizationContext"/>: every await in grain
/// code posts its continuation back here, and one work item at a time drains continuations and starts
/// queued requests, so a turn never overlaps another. Non-reentrant grains start a request only when no
/// other is in flight (awaits included); <c>[Reentrant]</c>, <c>[AlwaysInterleave]</c> and <c>[ReadOnly]</c>
/// relax that as in Orleans. An idle activation runs a call inline on the caller's thread, which
/// allocates nothing when the grain completes synchronously; likewise the call that finds a grain not yet
/// activated runs the activation step and then itself inline, when activation completes without waiting.
/// </summary>
internal sealed partial class Activation : SynchronizationContext, IThreadPoolWorkItem
{
    private const int MaxInlineDepth = 8;
    private const int ItemsPerSlice = 64;

    [ThreadStatic]
    private static int t_inlineDepth;

    private readonly Lock _lock = new();
    private Queue<(SendOrPostCallback Callback, object? State)>? _continuations;
    private Queue<Request>? _pending;
    private Queue<Request>? _interleaving;
    private HashSet<Request>? _running;
    private bool _turnOwned;
    private int _inFlight;
    private int _inFlightWriters;
    private bool _watchedForTimeouts;

    /// <summary>
    /// Set when the activation must serve no new call (its state failed, or the grain asked to go): new calls, inline or
    /// queued, wait in the queue while the calls in flight finish, and then go to the next activation. Only those two
    /// causes close it, not the collector (which takes idle activations only) nor shutdown.
    /// </summary>
    /// <remarks>
    /// A call in flight may await a call back into this grain (a campaign awaiting a team that calls the campaign); held
    /// here, that call would end the cycle only at <c>ResponseTimeout</c>, and served here, it would see the state that
    /// failed to write. So after a failed write, calls from grains are refused while calls are in flight
    /// (<see cref="RefusesLocked"/>). After <c>DeactivateOnIdle</c> they are held, as in Orleans: nothing failed there.
    /// </remarks>
    private bool _admissionClosed;

    public Admission TryEnterInline(GrainMethodOptions options)
    {
        lock (_lock)
        {
            switch (_status)
            {
                case ActivationStatus.Valid:
                    return TryBeginInlineLocked(options) ? Admission.Inline : Admission.Queue;
                case ActivationStatus.Invalid:
                    return Admission.Defunct;
                case ActivationStatus.Created when !_turnOwned && t_inlineDepth < MaxInlineDepth:
                    // Nothing can be queued before the first call, so this caller is first in line.
                    BeginActivationLocked();
                    _turnOwned = true;
                    return Admission.Activate;
                default:
                    // A new activation starts when its first request is queued, so a failed activation fails that request.
                    return Admission.Queue;
            }
        }
    }

    /// <summary>
    /// Runs a call admitted with <see cref="Admission.Activate"/>: the activation step runs as a turn on the caller's
    /// thread; when it completes without waiting (memory storage, or no state) the call runs inline in the same turn,
    /// with no queue, no thread-pool hop and no allocation beyond the activation itself. Otherwise the call waits at
    /// the head of the queue, ahead of calls that arrived while the grain was activating, and a failed activation
    /// fails it, as when the first call is queued.
    /// </summary>
    public ValueTask<TResult> ActivateInline<TMethod, TResult>(TMethod method)
        where TMethod : struct, IGrainMethod<TResult>
    {
        Task<Exception?> activating;
        var callerContext = Current;
        SetSynchronizationContext(this);
        t_inlineDepth++;
        try
        {
            activating = ActivateAsync();
        }
        finally
        {
            t_inlineDepth--;
            SetSynchronizationContext(callerContext);
        }

        if (activating.IsCompletedSuccessfully)
        {
            if (activating.Result is { } failure)
            {
                // The activation is gone and the calls queued behind this one have been failed.
                ReleaseTurn(completed: null);
                return ValueTask.FromException<TResult>(failure);
            }
            var start = false;
            lock (_lock)
            {
                // The turn has been held since admission, so no request has started: only a deactivation
                // asked for in OnActivateAsync keeps this call from running now.
                if (_status == ActivationStatus.Valid && CanStartLocked(method.Options))
                {
                    BeginLocked(method.Options);
                    start = true;
                }
            }
            if (start)
            {
                return RunOwnedTurn<TMethod, TResult>(method);
            }
        }

        // As for a call that went async inline, the response timeout counts from here.
        var request = new Request<TMethod, TResult>(method, Runtime.TimeProvider.GetTimestamp());
        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                request.Fail(activating.IsCompletedSuccessfully && activating.Result is { } failure
                    ? failure
                    : new InvalidOperationException($"{GrainId} could not be activated."));
            }
            else
            {
                EnqueueFirstLocked(request);
            }
        }
        ReleaseTurn(completed: null);
        return new ValueTask<TResult>(request.Task);
    }

    /// <summary>Requests waiting in the queues (diagnostics and tests).</summary>
    internal int QueuedRequests
    {
        get
        {
            lock (_lock)
            {
                MoveInboxLocked();
                return (_pending?.Count ?? 0) + (_interleaving?.Count ?? 0);
            }
        }
    }

    /// <summary>Runs a call admitted inline: the caller's thread executes the grain until it completes or awaits.</summary>
    public ValueTask<TResult> RunInline<TMethod, TResult>(TMethod method)
        where TMethod : struct, IGrainMethod<TResult> =>
        RunOwnedTurn<TMethod, TResult>(method);

    /// <summary>Runs a call whose caller owns the turn and has begun the request.</summary>
    private ValueTask<TResult> RunOwnedTurn<TMethod, TResult>(TMethod method)
        where TMethod : struct, IGrainMethod<TResult>
    {
        ValueTask<TResult> result;
        var callerContext = Current;
        SetSynchronizationContext(this);
        t_inlineDepth++;
        try
        {
            result = method.Invoke(Grain);
        }
        catch (Exception exception)
        {
            result = ValueTask.FromException<TResult>(exception);
        }
        finally
        {
            t_inlineDepth--;
            SetSynchronizationContext(callerContext);
        }

        if (result.IsCompleted)
        {
            ReleaseTurn(completed: method.Options);
            return result;
        }
        // The grain awaited: the request stays in flight and its continuations run on the work loop.
        var request = new Request<TMethod, TResult>(method, Runtime.TimeProvider.GetTimestamp());
        request.Track(this, result);
        ReleaseTurn(completed: null);
        return new ValueTask<TResult>(request.Task);
    }

    /// <summary>A hint read without the lock: the turn is taken, so a call is likely to wait and may make its request first.</summary>
    public bool LooksBusy => Volatile.Read(ref _turnOwned);

    /// <summary>
    /// Admits a call that made its request before the lock (<see cref="LooksBusy"/>): Inline when the turn came free
    /// meanwhile (the request is not used), Queue when the request now waits, Defunct when the activation is gone. So a
    /// call to a busy grain takes the activation's lock once, not once to look and once to queue.
    /// </summary>
    public Admission EnterOrEnqueue(Request request)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status == ActivationStatus.Valid && TryBeginInlineLocked(request.Options))
            {
                return Admission.Inline;
            }
            if (!TryEnqueueLocked(request, out schedule))
            {
                return Admission.Defunct;
            }
        }
        if (schedule)
        {
            Schedule();
        }
        return Admission.Queue;
    }

    /// <summary>Queues a request; false when the activation is gone. A full queue answers the request with an overload failure.</summary>
    public bool TryEnqueue(Request request)
    {
        bool schedule;
        lock (_lock)
        {
            if (!TryEnqueueLocked(request, out schedule))
            {
                return false;
            }
        }
        if (schedule)
        {
            Schedule();
        }
        return true;
    }

    private bool TryBeginInlineLocked(GrainMethodOptions options)
    {
        MoveInboxLocked();
        if (_turnOwned || t_inlineDepth >= MaxInlineDepth || HasQueuedWorkLocked() || !CanStartLocked(options))
        {
            return false;
        }
        _turnOwned = true;
        BeginLocked(options);
        return true;
    }

    private bool TryEnqueueLocked(Request request, out bool schedule)
    {
        schedule = false;
        if (_status == ActivationStatus.Invalid)
        {
            return false;
        }
        // Calls posted earlier keep their place ahead of this one.
        MoveInboxLocked();
        var startActivation = _status == ActivationStatus.Created;
        if (EnqueueLocked(request))
        {
            schedule = startActivation ? StartActivationLocked() : TryTakeTurnLocked();
        }
        return true;
    }

    /// <summary>Puts a request in its queue; false when it was answered at once instead (refused, or the queue is full).</summary>
    private bool EnqueueLocked(Request request)
    {
        if (RefusesLocked(request))
        {
            request.Fail(Refusal(_stateFailure!));
            return false;
        }
        // Interleaving requests may pass the line, but only once the activation runs: before that, arrival order holds.
        var queue = (request.Options & GrainMethodOptions.AlwaysInterleave) != 0 && _status == ActivationStatus.Valid
            ? _interleaving ??= new()
            : _pending ??= new();
        // The bound counts every waiting call of the activation, interleaving or in line.
        var queued = (_pending?.Count ?? 0) + (_interleaving?.Count ?? 0);
        if (queued >= Runtime.Options.MaxQueuedRequests)
        {
            Runtime.Metrics.CallRejected(Class.GrainType);
            request.Fail(new GrainOverloadedException(GrainId, Runtime.Options.MaxQueuedRequests));
            return false;
        }
        queue.Enqueue(request);
        Runtime.Metrics.RequestQueued(queued + 1);
        WatchForTimeoutsLocked();
        return true;
    }

    /// <summary>A request that went async has an answer; the activation may start the next one.</summary>
    public void RequestCompleted(Request request)
    {
        bool schedule;
        lock (_lock)
        {
            _running?.Remove(request);
            EndLocked(request.Options);
            schedule = TryTakeTurnLocked();
        }
        if (schedule)
        {
            Schedule();
        }
    }

    public void TrackRunning(Request request)
    {
        lock (_lock)
        {
            (_running ??= []).Add(request);
            WatchForTimeoutsLocked();
        }
    }

    /// <summary>
    /// Answers with a <see cref="TimeoutException"/> every call older than <paramref name="timeout"/>.
    /// Returns false, and stops being watched, once nothing is waiting or running.
    /// </summary>
    public bool ExpireRequests(long now, TimeSpan timeout)
    {
        lock (_lock)
        {
            MoveInboxLocked();
            ExpireQueued(_pending, now, timeout);
            ExpireQueued(_interleaving, now, timeout);
            if (_running is not null)
            {
                foreach (var request in _running)
                {
                    if (!request.IsAnswered && IsExpired(request, now, timeout))
                    {
                        request.Fail(TimeoutFor(request, timeout));
                    }
                }
            }
            if (_pending is { Count: > 0 } || _interleaving is { Count: > 0 } || _running is { Count: > 0 })
            {
                return true;
            }
            return !UnwatchUnlessPostedLocked();
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            (_continuations ??= new()).Enqueue((d, state));
            schedule = !_turnOwned;
            _turnOwned = true;
        }
        if (schedule)
        {
            Schedule();
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code never blocks on its own activation.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// The work loop: continuations first (they finish started work), then startable requests. A request that completes
    /// within its turn is ended under the lock the loop takes for the next item, so a hot grain's queued call costs the
    /// activation's lock once here, not twice.
    /// </summary>
    public void Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        GrainMethodOptions? ended = null;
        try
        {
            for (var i = 0; i < ItemsPerSlice; i++)
            {
                SendOrPostCallback? callback = null;
                object? state = null;
                Request? request;
                lock (_lock)
                {
                    EndLocked(ref ended);
                    if (_continuations is { Count: > 0 })
                    {
                        (callback, state) = _continuations.Dequeue();
                        request = null;
                    }
                    else if ((request = TakeStartableLocked()) is null)
                    {
                        if (GiveUpTurnLocked())
                        {
                            continue;
                        }
                        return;
                    }
                }
                var started = Runtime.Metrics.TimesTurns ? Stopwatch.GetTimestamp() : 0;
                if (callback is not null)
                {
                    RunContinuation(callback, state);
                }
                else if (request!.Run(this))
                {
                    ended = request.Options;
                }
                Runtime.Metrics.TurnCompleted(started);
            }
            lock (_lock)
            {
                EndLocked(ref ended);
            }
            // Keep the turn but let other work items run: one hot grain must not starve the pool.
            Schedule();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    private void RunContinuation(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception exception)
        {
            // Await continuations do not throw; anything else posted here is a grain bug, not a reason to stop the loop.
            Runtime.Log.ContinuationFailed(exception, GrainId);
        }
    }

    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    private void ReleaseTurn(GrainMethodOptions? completed)
    {
        bool schedule;
        lock (_lock)
        {
            if (completed is { } options)
            {
                EndLocked(options);
            }
            schedule = GiveUpTurnLocked();
        }
        if (schedule)
        {
            Schedule();
        }
    }

    private bool TryTakeTurnLocked()
    {
        if (_turnOwned || !HasRunnableWorkLocked())
        {
            return false;
        }
        _turnOwned = true;
        return true;
    }

    private bool HasRunnableWorkLocked()
    {
        MoveInboxLocked();
        if (_continuations is { Count: > 0 })
        {
            return true;
        }
        if (_status != ActivationStatus.Valid || _admissionClosed)
        {
            return false;
        }
        DropAnswered(_interleaving);
        DropAnswered(_pending);
        return _interleaving is { Count: > 0 } || (_pending is { Count: > 0 } && CanStartLocked(_pending.Peek().Options));
    }

    private Request? TakeStartableLocked()
    {
        if (!HasRunnableWorkLocked())
        {
            return null;
        }
        var request = _interleaving is { Count: > 0 } ? _interleaving.Dequeue() : _pending!.Dequeue();
        BeginLocked(request.Options);
        return request;
    }

    private bool CanStartLocked(GrainMethodOptions options) =>
        !_admissionClosed
        && (_inFlight == 0
            || Class.IsReentrant
            || (options & GrainMethodOptions.AlwaysInterleave) != 0
            || ((options & GrainMethodOptions.ReadOnly) != 0 && _inFlightWriters == 0));

    private void CloseAdmission()
    {
        lock (_lock)
        {
            _admissionClosed = true;
        }
    }

    private void BeginLocked(GrainMethodOptions options)
    {
        _inFlight++;
        if ((options & GrainMethodOptions.ReadOnly) == 0)
        {
            _inFlightWriters++;
        }
        Runtime.Metrics.CallDelivered();
    }

    /// <summary>Ends the request the work loop ran to completion, if any.</summary>
    private void EndLocked(ref GrainMethodOptions? ended)
    {
        if (ended is { } options)
        {
            ended = null;
            EndLocked(options);
        }
    }

    private void EndLocked(GrainMethodOptions options)
    {
        _inFlight--;
        if ((options & GrainMethodOptions.ReadOnly) == 0)
        {
            _inFlightWriters--;
        }
        if (_inFlight == 0 && _deactivateWhenIdle && _status == ActivationStatus.Valid)
        {
            BeginDeactivationLocked();
        }
    }

    /// <summary>Puts the call that caused the activation ahead of the calls that arrived while it was activating.</summary>
    private void EnqueueFirstLocked(Request request)
    {
        MoveInboxLocked();
        var pending = _pending ??= new();
        if (pending.Count == 0)
        {
            pending.Enqueue(request);
        }
        else
        {
            var later = pending.ToArray();
            pending.Clear();
            pending.Enqueue(request);
            foreach (var queued in later)
            {
                pending.Enqueue(queued);
            }
        }
        Runtime.Metrics.RequestQueued(pending.Count);
        WatchForTimeoutsLocked();
    }

    private bool HasQueuedWorkLocked() =>
        _continuations is { Count: > 0 } || _pending is { Count: > 0 } || _interleaving is { Count: > 0 };

    private bool HasQueuedRequestsLocked() => _pending is { Count: > 0 } || _interleaving is { Count: > 0 };

    private List<Request> DrainQueuedLocked()
    {
        var drained = new List<Request>();
        while (_interleaving is { Count: > 0 })
        {
            drained.Add(_interleaving.Dequeue());
        }
        while (_pending is { Count: > 0 })
        {
            drained.Add(_pending.Dequeue());
        }
        return drained;
    }

    private void WatchForTimeoutsLocked()
    {
        if (!_watchedForTimeouts)
        {
            _watchedForTimeouts = true;
            Runtime.Timeouts.Watch(this);
        }
    }

    private void ExpireQueued(Queue<Request>? queue, long now, TimeSpan timeout)
    {
        if (queue is null)
        {
            return;
        }
        // Queues are in call order, so expired calls are at the front.
        while (queue.TryPeek(out var head) && (head.IsAnswered || IsExpired(head, now, timeout)))
        {
            queue.Dequeue();
            head.Fail(TimeoutFor(head, timeout));
        }
    }

    private static void DropAnswered(Queue<Request>? queue)
    {
        while (queue is not null && queue.TryPeek(out var head) && head.IsAnswered)
        {
            queue.Dequeue();
        }
    }

    private bool IsExpired(Request request, long now, TimeSpan timeout) =>
        Runtime.TimeProvider.GetElapsedTime(request.CalledAt, now) >= timeout;

    private TimeoutException TimeoutFor(Request request, TimeSpan timeout) =>
        new($"{request.Name} on {GrainId} got no response within {timeout}.");
}
