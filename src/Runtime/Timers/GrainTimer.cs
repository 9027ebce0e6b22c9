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
/// (interleaving only when asked). The next tick is armed when the callback completes, never before.
/// </summary>
internal sealed class GrainTimer<TState>(Activation activation, Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    : GrainTimer
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopped = new();
    private ITimer? _timer;
    private TimeSpan _period = options.Period;

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
            _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
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
        if (_stopped.IsCancellationRequested)
        {
            return;
        }
        var request = new Request<Tick, bool>(new Tick(this), activation.Runtime.TimeProvider.GetTimestamp());
        if (!activation.TryEnqueue(request))
        {
            Dispose();
            return;
        }
        request.Task.ContinueWith(static (tick, self) => ((GrainTimer<TState>)self!).AfterTick(tick), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void AfterTick(Task tick)
    {
        if (tick.Exception is { } exception)
        {
            activation.Runtime.Log.TimerFailed(exception.InnerException ?? exception, activation.GrainId);
        }
        lock (_lock)
        {
            if (!_stopped.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
            {
                _timer?.Change(_period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task<bool> RunAsync()
    {
        await callback(state, _stopped.Token);
        return true;
    }

    private readonly struct Tick(GrainTimer<TState> timer) : IGrainMethod<bool>
    {
        public GrainMethodOptions Options => timer.Interleave ? GrainMethodOptions.AlwaysInterleave : GrainMethodOptions.None;

        public string Name => "grain timer";

        public ValueTask<bool> Invoke(object grain) => new(timer.RunAsync());
    }
}
