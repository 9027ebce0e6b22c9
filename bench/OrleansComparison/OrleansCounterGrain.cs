namespace GroupBuy.OrleansComparison;

/// <summary>P1's hot counter written for Orleans: the same non-reentrant grain as bench/Benchmarks' <c>CounterGrain</c>.</summary>
public interface IOrleansCounterGrain : Orleans.IGrainWithStringKey
{
    ValueTask<int> Increment();
}

public sealed class OrleansCounterGrain : Orleans.Grain, IOrleansCounterGrain
{
    private int _count;

    public ValueTask<int> Increment() => new(++_count);
}
