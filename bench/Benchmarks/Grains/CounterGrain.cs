using GroupBuy.Runtime;

namespace GroupBuy.Benchmarks.Grains;

/// <summary>The hot grain of P1: one counter, both return shapes a grain method may have.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Completes synchronously: the call path should allocate nothing.</summary>
    ValueTask<int> Increment();

    /// <summary>Completes synchronously with a <see cref="Task{TResult}"/>, the one allocation the grain itself makes.</summary>
    Task<int> IncrementTask();
}

/// <summary>A tiny non-reentrant grain: each call adds one to a field that needs no lock.</summary>
public sealed class CounterGrain : Grain, ICounterGrain
{
    private int _count;

    public ValueTask<int> Increment() => new(++_count);

    public Task<int> IncrementTask() => Task.FromResult(++_count);
}

/// <summary>The baseline of P1: the same counter as a plain object guarded by <c>lock</c>.</summary>
public sealed class LockedCounter
{
    private readonly Lock _gate = new();
    private int _count;

    public ValueTask<int> Increment()
    {
        lock (_gate)
        {
            return new(++_count);
        }
    }
}
