using BenchmarkDotNet.Attributes;
using GroupBuy.Benchmarks;

namespace GroupBuy.OrleansComparison;

/// <summary>P1, sequential (<see cref="SequentialCall"/>), with the same loop on an Orleans grain.</summary>
[MemoryDiagnoser]
public class SequentialCallWithOrleans : SequentialCall
{
    private OrleansSilo? _orleans;
    private IOrleansCounterGrain _orleansGrain = null!;

    /// <summary>Only Orleans runs for its benchmark, and only this project's runtime for the others.</summary>
    [GlobalSetup(Target = nameof(SequentialCallOrleans))]
    public void SetupOrleans() => (_orleans, _orleansGrain) = OrleansSilo.StartWithCounter("sequential");

    [GlobalCleanup(Target = nameof(SequentialCallOrleans))]
    public void CleanupOrleans() => _orleans?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Calls, Description = "Orleans grain, ValueTask<int>")]
    public async ValueTask<int> SequentialCallOrleans()
    {
        var grain = _orleansGrain;
        var last = 0;
        for (var i = 0; i < Calls; i++)
        {
            last = await grain.Increment();
        }
        return last;
    }
}

/// <summary>P1, 64 callers (<see cref="Concurrent64"/>), with the same callers on an Orleans grain.</summary>
[MemoryDiagnoser]
public class Concurrent64WithOrleans : Concurrent64
{
    private readonly Func<Task> _orleansCaller;
    private OrleansSilo? _orleans;
    private IOrleansCounterGrain _orleansGrain = null!;

    public Concurrent64WithOrleans() => _orleansCaller = OrleansCallerAsync;

    /// <summary>Only Orleans runs for its benchmark, and only this project's runtime for the others.</summary>
    [GlobalSetup(Target = nameof(Concurrent64Orleans))]
    public void SetupOrleans() => (_orleans, _orleansGrain) = OrleansSilo.StartWithCounter("hot");

    [GlobalCleanup(Target = nameof(Concurrent64Orleans))]
    public void CleanupOrleans() => _orleans?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Concurrent64Orleans() => RunCallers(_orleansCaller);

    private async Task OrleansCallerAsync()
    {
        var grain = _orleansGrain;
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await grain.Increment();
        }
    }
}
