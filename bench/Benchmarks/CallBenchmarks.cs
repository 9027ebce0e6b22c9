using BenchmarkDotNet.Attributes;
using GroupBuy.Benchmarks.Grains;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Benchmarks;

/// <summary>
/// P1, sequential: one caller awaiting one hot grain in a loop. The figure is the time of one call; the
/// allocation column shows what one call allocates (0 B for a synchronously completing <c>ValueTask&lt;int&gt;</c>).
/// </summary>
[MemoryDiagnoser]
public class SequentialCall
{
    public const int Calls = 1_000;

    private readonly LockedCounter _locked = new();
    private TestCluster? _cluster;
    private ICounterGrain _grain = null!;

    // Targeted at this class's own benchmarks, so that a subclass may add benchmarks with set-ups of their own.
    [GlobalSetup(Targets = [nameof(SequentialLock), nameof(SequentialCallValueTask), nameof(SequentialCallTask)])]
    public async Task SetupAsync()
    {
        _cluster = await BenchSilo.StartAsync();
        _grain = _cluster.GrainFactory.GetGrain<ICounterGrain>("sequential");
        // Activate before measuring: P1 is about calls to a resident grain.
        await _grain.Increment();
    }

    [GlobalCleanup(Targets = [nameof(SequentialLock), nameof(SequentialCallValueTask), nameof(SequentialCallTask)])]
    public async Task CleanupAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "lock, ValueTask<int>")]
    public async ValueTask<int> SequentialLock()
    {
        var locked = _locked;
        var last = 0;
        for (var i = 0; i < Calls; i++)
        {
            last = await locked.Increment();
        }
        return last;
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "grain, ValueTask<int>")]
    public async ValueTask<int> SequentialCallValueTask()
    {
        var grain = _grain;
        var last = 0;
        for (var i = 0; i < Calls; i++)
        {
            last = await grain.Increment();
        }
        return last;
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "grain, Task<int>")]
    public async Task<int> SequentialCallTask()
    {
        var grain = _grain;
        var last = 0;
        for (var i = 0; i < Calls; i++)
        {
            last = await grain.IncrementTask();
        }
        return last;
    }
}

/// <summary>
/// P1, concurrent: 64 callers, each awaiting <see cref="CallsPerCaller"/> calls, on one hot non-reentrant
/// grain, against the same 64 callers on a <c>lock</c>-guarded counter (the baseline). Mean is the time of
/// one call, so calls/s = 1 s ÷ Mean; Ratio is the grain's Mean ÷ the lock's, so the grain's calls/s are
/// 1 ÷ Ratio of the lock's, and the bar (≥ 0.10× the lock's calls/s) is Ratio ≤ 10.
/// </summary>
[MemoryDiagnoser]
public class Concurrent64
{
    public const int Callers = 64;
    public const int CallsPerCaller = 1_000;

    private readonly LockedCounter _locked = new();
    private readonly Func<Task> _grainCaller;
    private readonly Func<Task> _lockCaller;
    private TestCluster? _cluster;
    private ICounterGrain _grain = null!;

    public Concurrent64()
    {
        _grainCaller = GrainCallerAsync;
        _lockCaller = LockCallerAsync;
    }

    // Targeted at this class's own benchmarks, so that a subclass may add benchmarks with set-ups of their own.
    [GlobalSetup(Targets = [nameof(Concurrent64Lock), nameof(Concurrent64Grain)])]
    public async Task SetupAsync()
    {
        _cluster = await BenchSilo.StartAsync();
        _grain = _cluster.GrainFactory.GetGrain<ICounterGrain>("hot");
        await _grain.Increment();
    }

    [GlobalCleanup(Targets = [nameof(Concurrent64Lock), nameof(Concurrent64Grain)])]
    public async Task CleanupAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Concurrent64Lock() => RunCallers(_lockCaller);

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Concurrent64Grain() => RunCallers(_grainCaller);

    /// <summary>Runs <see cref="Callers"/> callers at once, each on the thread pool, and completes when all have.</summary>
    protected static Task RunCallers(Func<Task> caller)
    {
        var callers = new Task[Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(caller);
        }
        return Task.WhenAll(callers);
    }

    private async Task GrainCallerAsync()
    {
        var grain = _grain;
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await grain.Increment();
        }
    }

    private async Task LockCallerAsync()
    {
        var locked = _locked;
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await locked.Increment();
        }
    }
}
