using GroupBuy.Runtime.Catalog;
using GroupBuy.Runtime.Invocation;

namespace GroupBuy.Runtime.Timers;

internal abstract class GrainTimer : IGrainTimer
{
    public abstract void Change(TimeSpan dueTime, TimeSpan period);

    public abstract void Dispose();
}

/// <summary>
/// A grain timer: each tick is queued to the activation as a request, so it runs as a turn of the grain
/// (interleaving only when asked). At most one tick is outstanding: the next is armed when the callback
/// itself has finished, not when the tick's answer does (a caller-side timeout answers while the callback
/// still runs). A tick belongs to its activation: it is never sent to a later one, and once the timer has
/// stopped a tick still queued does nothing.
/// </summary>
internal sealed class GrainTimer<TState>(Activation activation, Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    : GrainTimer
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopped = new();
    private ITimer? _timer;
    private TimeSpan _period = options.Period;
    private bool _tickOutstanding;
    /// <summary>A <see cref="Change"/> made while a tick was outstanding, applied when it ends: due time, and when it was asked.</summary>
    private (TimeSpan DueTime, long At)? _changedDuringTick;

    private bool Interleave => options.Interleave;

    public void Start()
    {
        lock (_lock)
        {
            _timer = activation.Runtime.TimeProvider.CreateTimer(static self => ((GrainTimer<TState>)self!).OnDue(), this, options.DueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public override void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _period = period;
            if (_tickOutstanding)
            {
                // Arming now could start a tick beside the running one; the change waits for it to end.
                _changedDuringTick = (dueTime, activation.Runtime.TimeProvider.GetTimestamp());
                return;
            }
            if (!_stopped.IsCancellationRequested)
            {
                _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public override void Dispose()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested)
            {
                return;
            }
            _stopped.Cancel();
            _timer?.Dispose();
        }
        activation.TimerDisposed(this);
    }

    private void OnDue()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested || _tickOutstanding)
            {
                return;
            }
            _tickOutstanding = true;
        }
        var tick = new PendingTick(this);
        var request = new Request<Tick, bool>(new Tick(this, tick), activation.Runtime.TimeProvider.GetTimestamp()) { StaysWithActivation = true };
        if (!activation.TryEnqueue(request))
        {
            Dispose();
            return;
        }
        request.Task.ContinueWith(static (answer, pending) => ((PendingTick)pending!).Timer.OnAnswered(answer, (PendingTick)pending), tick,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The tick's caller-side answer: a tick that never started (expired in the queue, dropped at deactivation) ends here.</summary>
    private void OnAnswered(Task answer, PendingTick tick)
    {
        if (tick.TryAbandon())
        {
            TickEnded();
        }
        if (answer.Exception?.InnerException is { } exception && !(exception is OperationCanceledException && _stopped.IsCancellationRequested))
        {
            activation.Runtime.Log.TimerFailed(exception, activation.GrainId);
        }
    }

    private async Task<bool> RunAsync(object grain, PendingTick tick)
    {
        // A tick runs only on its own activation's grain, only while the timer runs, and only once.
        if (!tick.TryStart())
        {
            return false;
        }
        if (_stopped.IsCancellationRequested || !ReferenceEquals(grain, activation.Grain))
        {
            TickEnded();
            return false;
        }
        try
        {
            await callback(state, _stopped.Token);
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
            // The timer stopped under the callback: that is its end, not a failure.
        }
        catch (Exception exception)
        {
            activation.Runtime.Log.TimerFailed(exception, activation.GrainId);
        }
        finally
        {
            TickEnded();
        }
        return true;
    }

    private void TickEnded()
    {
        lock (_lock)
        {
            _tickOutstanding = false;
            if (_stopped.IsCancellationRequested || _timer is null)
            {
                return;
            }
            if (_changedDuringTick is { } change)
            {
                _changedDuringTick = null;
                if (change.DueTime != Timeout.InfiniteTimeSpan)
                {
                    var left = change.DueTime - activation.Runtime.TimeProvider.GetElapsedTime(change.At);
                    _timer.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
            else if (_period != Timeout.InfiniteTimeSpan)
            {
                _timer.Change(_period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>One tick's fate, decided once: it starts on the grain, or it is abandoned unstarted.</summary>
    private sealed class PendingTick(GrainTimer<TState> timer)
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Abandoned = 2;

        private int _state;

        public GrainTimer<TState> Timer { get; } = timer;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
    }

    private readonly struct Tick(GrainTimer<TState> timer, PendingTick tick) : IGrainMethod<bool>
    {
        public GrainMethodOptions Options => timer.Interleave ? GrainMethodOptions.AlwaysInterleave : GrainMethodOptions.None;

        public string Name => "grain timer";

        public ValueTask<bool> Invoke(object grain) => new(timer.RunAsync(grain, tick));
    }
}
