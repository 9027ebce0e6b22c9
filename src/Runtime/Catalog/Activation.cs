using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Timers;

namespace GroupBuy.Runtime.Catalog;

internal enum ActivationStatus
{
    Created,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>
/// One resident grain. This part holds its identity and lifecycle: activation (create through DI, load
/// state, <c>OnActivateAsync</c>), idle collection, and deactivation. Lifecycle steps run as turns of
/// the activation itself, between requests. Scheduling is in <c>Activation.Turns.cs</c>.
/// </summary>
internal sealed partial class Activation(GrainId grainId, GrainClass grainClass, GrainRuntime runtime)
{
    private static readonly SendOrPostCallback ActivateStep = static self => _ = ((Activation)self!).ActivateAsync();
    private static readonly SendOrPostCallback DeactivateStep = static self => _ = ((Activation)self!).DeactivateAsync();

    private volatile ActivationStatus _status;
    private Grain? _grain;
    private IActivationState[] _states = [];
    private List<GrainTimer>? _timers;
    private bool _deactivateWhenIdle;
    private DeactivationReason _deactivationReason;
    private Exception? _stateFailure;
    private TaskCompletionSource? _deactivated;
    private long _keepAliveUntil;

    public GrainId GrainId { get; } = grainId;

    public GrainClass Class { get; } = grainClass;

    public GrainRuntime Runtime { get; } = runtime;

    public object Grain => _grain ?? throw new InvalidOperationException($"{GrainId} has no grain instance.");

    /// <summary>Gone from the catalog: callers holding it must look the grain up again.</summary>
    public bool IsDefunct => _status == ActivationStatus.Invalid;

    internal ActivationStatus Status => _status;

    /// <summary>Set on every call without a lock; the idle collector clears it and notes the time.</summary>
    internal bool Touched { get; set; }

    internal long IdleSince { get; private set; }

    /// <summary>Completes when this activation has been deactivated (or failed to activate).</summary>
    public Task WhenDeactivated
    {
        get
        {
            lock (_lock)
            {
                return _status == ActivationStatus.Invalid
                    ? Task.CompletedTask
                    : (_deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    /// <summary>Asks for deactivation once no request is running (the grain's own <c>DeactivateOnIdle</c>, the collector, shutdown).</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status == ActivationStatus.Created)
            {
                // Never activated: nothing to run, just leave the catalog.
                // A call posts only while the turn is taken, which it never was here, so the inbox is empty.
                CloseInboxLocked();
                _status = ActivationStatus.Invalid;
                Runtime.Catalog.Remove(this);
                return;
            }
            if (_status is ActivationStatus.Deactivating or ActivationStatus.Invalid || _deactivateWhenIdle)
            {
                return;
            }
            _deactivateWhenIdle = true;
            _deactivationReason = reason;
            if (_status == ActivationStatus.Valid && _inFlight == 0)
            {
                BeginDeactivationLocked();
            }
            schedule = TryTakeTurnLocked();
        }
        if (schedule)
        {
            Schedule();
        }
    }

    /// <summary>As in Orleans, the grain's own request also admits no new call: a busy reentrant grain leaves once its calls end.</summary>
    public void DeactivateOnIdle()
    {
        CloseAdmission();
        RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = timeSpan <= TimeSpan.Zero ? 0 : Runtime.TimeProvider.GetTimestamp() + (long)(timeSpan.TotalSeconds * Runtime.TimeProvider.TimestampFrequency);
        Interlocked.Exchange(ref _keepAliveUntil, until);
    }

    /// <summary>The idle collector's check: deactivates when unused for <paramref name="age"/>.</summary>
    public bool TryCollectIdle(long now, TimeSpan age)
    {
        bool schedule;
        lock (_lock)
        {
            MoveInboxLocked();
            if (_status != ActivationStatus.Valid || _inFlight > 0 || _deactivateWhenIdle || HasQueuedRequestsLocked() || Interlocked.Read(ref _keepAliveUntil) > now)
            {
                return false;
            }
            if (Touched)
            {
                Touched = false;
                IdleSince = now;
                return false;
            }
            if (Runtime.TimeProvider.GetElapsedTime(IdleSince, now) < age)
            {
                return false;
            }
            _deactivateWhenIdle = true;
            _deactivationReason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"Idle for {age}.");
            BeginDeactivationLocked();
            schedule = TryTakeTurnLocked();
        }
        if (schedule)
        {
            Schedule();
        }
        return true;
    }

    internal IGrainTimer RegisterTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        var timer = new GrainTimer<TState>(this, callback, state, options);
        lock (_lock)
        {
            if (_status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
            {
                throw new InvalidOperationException($"{GrainId} is deactivating; it cannot start a timer.");
            }
            (_timers ??= []).Add(timer);
        }
        timer.Start();
        return timer;
    }

    internal void TimerDisposed(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <summary>
    /// Drops the activation after its state could not be written: it admits no new call, since its memory holds changes
    /// that were never stored, and the calls that arrive meanwhile go to the next activation, which reloads the stored truth.
    /// A call from another grain is refused instead while calls are still in flight here (<see cref="RefusesLocked"/>).
    /// </summary>
    internal void StateFailed(Exception exception)
    {
        List<Request> refused;
        lock (_lock)
        {
            MoveInboxLocked();
            _admissionClosed = true;
            _stateFailure = exception;
            refused = [.. TakeRefusedLocked(_pending), .. TakeRefusedLocked(_interleaving)];
        }
        foreach (var request in refused)
        {
            request.Fail(Refusal(exception));
        }
        RequestDeactivation(new DeactivationReason(DeactivationReasonCode.StateFailure, exception.Message));
    }

    /// <summary>
    /// Whether a call must be refused rather than held for the next activation: it comes from a grain while calls are still
    /// in flight at this failed activation. That grain may be what one of those calls awaits (a campaign awaiting a team
    /// that calls the campaign back), and holding its call would hold them both until the response timeout; refused, it
    /// hears "retry shortly" at once, as its own caller will.
    /// </summary>
    private bool RefusesLocked(Request request) => _stateFailure is not null && _inFlight > 0 && request.FromGrain;

    /// <summary>Takes the refused calls out of <paramref name="queue"/> in one turn round it; the rest keep their order.</summary>
    private List<Request> TakeRefusedLocked(Queue<Request>? queue)
    {
        List<Request> refused = [];
        for (var left = queue?.Count ?? 0; left > 0; left--)
        {
            var request = queue!.Dequeue();
            if (RefusesLocked(request))
            {
                refused.Add(request);
            }
            else
            {
                queue.Enqueue(request);
            }
        }
        return refused;
    }

    private StorageUnavailableException Refusal(Exception failure) =>
        new($"{GrainId} could not store its state and is being replaced; retry shortly.", failure);

    private bool StartActivationLocked()
    {
        BeginActivationLocked();
        (_continuations ??= new()).Enqueue((ActivateStep, this));
        return TryTakeTurnLocked();
    }

    private void BeginActivationLocked()
    {
        _status = ActivationStatus.Activating;
        Runtime.Metrics.ActivationCreated(Class.GrainType);
    }

    /// <summary>The activation step, run as a turn; never throws: a failure is returned after failing the queued calls.</summary>
    private async Task<Exception?> ActivateAsync()
    {
        try
        {
            var (grain, states) = Class.Create(Runtime.Services, this);
            grain.Activation = this;
            _grain = grain;
            _states = states;
            foreach (var state in states)
            {
                await state.LoadAsync(Runtime.ShutdownToken);
            }
            await grain.OnActivateAsync(Runtime.ShutdownToken);
            lock (_lock)
            {
                _status = ActivationStatus.Valid;
                IdleSince = Runtime.TimeProvider.GetTimestamp();
                if (_deactivateWhenIdle && _inFlight == 0)
                {
                    BeginDeactivationLocked();
                }
            }
            // This step runs as a turn, so the work loop goes on to the waiting requests by itself.
            return null;
        }
        catch (Exception exception)
        {
            Runtime.Log.ActivationFailed(exception, GrainId);
            foreach (var request in Retire())
            {
                request.Fail(exception);
            }
            _deactivated?.TrySetResult();
            return exception;
        }
    }

    /// <summary>
    /// Runs <c>OnDeactivateAsync</c> within <c>DeactivationTimeout</c> on the runtime's clock, as Orleans does: its
    /// token cancels then, and deactivation goes on without waiting more, whether or not the grain heeded the token.
    /// </summary>
    private async Task DeactivateGrainAsync(Grain grain)
    {
        var timeout = Runtime.Options.DeactivationTimeout;
        using var expired = new CancellationTokenSource(timeout, Runtime.TimeProvider);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(Runtime.ShutdownToken, expired.Token);
        var deactivating = grain.OnDeactivateAsync(_deactivationReason, token.Token);
        try
        {
            await deactivating.WaitAsync(token.Token);
        }
        catch (OperationCanceledException) when (!deactivating.IsCompleted)
        {
            Runtime.Log.DeactivationAbandoned(GrainId, timeout);
        }
    }

    /// <summary>Leaves the catalog for good and hands back the requests still waiting.</summary>
    private List<Request> Retire()
    {
        List<Request> waiting;
        lock (_lock)
        {
            CloseInboxLocked();
            _status = ActivationStatus.Invalid;
            waiting = DrainQueuedLocked();
        }
        Runtime.Catalog.Remove(this);
        Runtime.Metrics.ActivationRemoved(Class.GrainType);
        return waiting;
    }

    private void BeginDeactivationLocked()
    {
        _status = ActivationStatus.Deactivating;
        (_continuations ??= new()).Enqueue((DeactivateStep, this));
    }

    private async Task DeactivateAsync()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = _timers?.ToArray() ?? [];
            _timers = null;
        }
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
        try
        {
            if (_grain is not null)
            {
                await DeactivateGrainAsync(_grain);
            }
        }
        catch (Exception exception)
        {
            // Best effort, as in Orleans: a failing OnDeactivateAsync does not keep the activation alive.
            Runtime.Log.DeactivationFailed(exception, GrainId);
        }
        try
        {
            // Writes still under way (a coalesced write, a journal snapshot) finish before the activation goes.
            await Task.WhenAll(_states.Select(s => s.WhenWritten())).WaitAsync(Runtime.Options.DeactivationTimeout, Runtime.TimeProvider);
        }
        catch (Exception exception)
        {
            // A failed write has dropped the activation already; the stored state is the truth.
            Runtime.Log.DeactivationFailed(exception, GrainId);
        }

        // Requests that arrived while deactivating go to the next activation, created only now; a timer tick
        // lives and dies with this activation, so it must not wake the grain again.
        foreach (var request in Retire())
        {
            if (request.StaysWithActivation)
            {
                request.Fail(new OperationCanceledException($"{GrainId} was deactivated before {request.Name} ran."));
            }
            else
            {
                Runtime.Redispatch(GrainId, request);
            }
        }
        _deactivated?.TrySetResult();
    }
}
