using System.Collections.Concurrent;

namespace GroupBuy.Runtime.Tests.Grains;

/// <summary>What test grains report back: overlaps, events in order, gates a test opens.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<string, int> _counters = new();
    private int _inside;

    public ConcurrentQueue<string> Events { get; } = new();

    public int MaxConcurrency { get; private set; }

    private int _activations;
    private int _deactivations;

    public int Activations => Volatile.Read(ref _activations);

    public int Deactivations => Volatile.Read(ref _deactivations);

    public int Activated() => Interlocked.Increment(ref _activations);

    public int Deactivated() => Interlocked.Increment(ref _deactivations);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _inside);
        lock (Events)
        {
            MaxConcurrency = Math.Max(MaxConcurrency, now);
        }
    }

    public void Leave() => Interlocked.Decrement(ref _inside);

    public int Increment(string counter) => _counters.AddOrUpdate(counter, 1, static (_, n) => n + 1);

    public void Record(string name) => Events.Enqueue(name);

    public Task Gate(string name) => _gates.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Open(string name) => _gates.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Signal(string name) => _signals.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task Signaled(string name) => _signals.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
