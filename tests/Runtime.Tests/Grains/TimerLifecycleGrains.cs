namespace GroupBuy.Runtime.Tests.Grains;

public interface IZombieTimerGrain : IGrainWithStringKey
{
    Task Start();

    /// <summary>Holds the turn until the probe's "release" gate opens, then asks to be deactivated.</summary>
    Task HoldThenDeactivate();

    Task Touch();
}

/// <summary>A non-reentrant grain with a timer; reports "key:activated:n", "key:deactivated:n" and "key:tick:n:afterDeactivate=…".</summary>
public sealed class ZombieTimerGrain(Probe probe) : Grain, IZombieTimerGrain
{
    private int _instance;
    private bool _deactivated;

    private string Key => GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _instance = probe.Increment($"{Key}:activations");
        probe.Record($"{Key}:activated:{_instance}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        probe.Record($"{Key}:deactivated:{_instance}");
        return Task.CompletedTask;
    }

    public Task Start()
    {
        RegisterGrainTimer(_ =>
        {
            probe.Record($"{Key}:tick:{_instance}:afterDeactivate={_deactivated}");
            return Task.CompletedTask;
        }, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3));
        return Task.CompletedTask;
    }

    public async Task HoldThenDeactivate()
    {
        probe.Signal("holding");
        await probe.Gate("release");
        DeactivateOnIdle();
    }

    public Task Touch() => Task.CompletedTask;
}

public interface ISlowTickGrain : IGrainWithStringKey
{
    Task Start();

    /// <summary>Moves the timer's next tick (called while a tick runs: the grain is reentrant).</summary>
    Task Reschedule(TimeSpan dueTime);

    /// <summary>Ticks started; a call queues behind a tick that is waiting to start, so it also tells the test that tick has started.</summary>
    Task<int> Ticks();
}

/// <summary>Every 7 minutes a tick that lasts until the test opens "tick-end:n"; the probe counts overlaps.</summary>
[Reentrant]
public sealed class SlowTickGrain(Probe probe) : Grain, ISlowTickGrain
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(7);
    private IGrainTimer? _timer;
    private int _ticks;

    public Task Start()
    {
        _timer = RegisterGrainTimer(async _ =>
        {
            // The runtime tracks a tick in flight (for its response timeout) once the tick first awaits: yielding before
            // saying it started keeps a test from moving the clock while the tick is not yet tracked.
            await Task.Yield();
            var n = ++_ticks;
            probe.Enter();
            probe.Record($"tick-start:{n}");
            probe.Signal($"tick-start:{n}");
            await probe.Gate($"tick-end:{n}");
            probe.Record($"tick-end:{n}");
            probe.Leave();
        }, Period, Period);
        return Task.CompletedTask;
    }

    public Task Reschedule(TimeSpan dueTime)
    {
        _timer!.Change(dueTime, Period);
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);
}

public interface IStuckDeactivateGrain : IGrainWithStringKey
{
    Task<int> Ping();

    Task Leave();
}

/// <summary>
/// Never finishes <c>OnDeactivateAsync</c> by itself: "deaf" grains ignore the token, others end when it cancels.
/// Reports "deactivating" and "deactivate-token-canceled".
/// </summary>
public sealed class StuckDeactivateGrain(Probe probe) : Grain, IStuckDeactivateGrain
{
    public Task<int> Ping() => Task.FromResult(probe.Increment($"{GetPrimaryKeyString()}:pings"));

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        cancellationToken.Register(() => probe.Signal("deactivate-token-canceled"));
        probe.Signal("deactivating");
        if (GetPrimaryKeyString().StartsWith("deaf", StringComparison.Ordinal))
        {
            await probe.Gate("never");
        }
        else
        {
            await Task.WhenAny(probe.Gate("never"), Task.Delay(Timeout.Infinite, cancellationToken));
        }
    }
}

public interface IStopCallerGrain : IGrainWithStringKey
{
    Task Touch();
}

/// <summary>Calls a grain that was not active from its <c>OnDeactivateAsync</c>.</summary>
public sealed class StopCallerGrain(Probe probe) : Grain, IStopCallerGrain
{
    public Task Touch() => Task.CompletedTask;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record("caller:deactivating");
        await GrainFactory.GetGrain<IZombieTimerGrain>("late").Touch();
    }
}
