using System.Collections.Concurrent;
using GroupBuy.Runtime.Catalog;

namespace GroupBuy.Runtime.Scheduling;

/// <summary>
/// Fails calls that get no response within the response timeout (a call cycle between non-reentrant
/// grains ends this way, as in Orleans). Only activations with queued or awaiting calls are watched, so
/// a call that completes inline costs nothing here.
/// </summary>
internal sealed class CallTimeouts(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<Activation, byte> _watched = new();
    private ITimer? _timer;

    public void Watch(Activation activation) => _watched.TryAdd(activation, 0);

    public void Unwatch(Activation activation) => _watched.TryRemove(activation, out _);

    public void Start()
    {
        // Check several times per timeout so a call fails close to its deadline.
        var timeout = runtime.Options.ResponseTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 8, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = runtime.TimeProvider.CreateTimer(static state => ((CallTimeouts)state!).Check(), this, period, period);
    }

    public void Stop() => _timer?.Dispose();

    public void Check()
    {
        var now = runtime.TimeProvider.GetTimestamp();
        foreach (var activation in _watched.Keys)
        {
            activation.ExpireRequests(now, runtime.Options.ResponseTimeout);
        }
    }
}
