using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>Records what a live topic publishes and lets a test wait for an event, past or future.</summary>
internal sealed class LiveRecorder<T> : IDisposable
    where T : class
{
    private readonly Lock _lock = new();
    private readonly List<T> _events = [];
    private readonly List<(Func<T, bool> Condition, TaskCompletionSource<T> Seen)> _waits = [];
    private readonly IDisposable _subscription;

    public LiveRecorder(TestCluster silo, string topic) =>
        _subscription = silo.Services.GetRequiredService<ILiveTopics>().Subscribe(topic, (_, e) => Add((T)e));

    public IReadOnlyList<T> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public Task<T> WaitForAsync(Func<T, bool> condition)
    {
        lock (_lock)
        {
            if (_events.Find(e => condition(e)) is { } seen)
            {
                return Task.FromResult(seen);
            }
            var wait = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((condition, wait));
            return wait.Task.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void Add(T liveEvent)
    {
        lock (_lock)
        {
            _events.Add(liveEvent);
            foreach (var wait in _waits.Where(w => w.Condition(liveEvent)).ToList())
            {
                wait.Seen.TrySetResult(liveEvent);
                _waits.Remove(wait);
            }
        }
    }
}
