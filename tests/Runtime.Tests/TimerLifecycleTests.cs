using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Runtime.Tests;

/// <summary>Timers live with their activation and never overlap; deactivation is bounded on the runtime's clock; a stop leaves nothing active.</summary>
public sealed class TimerLifecycleTests
{
    /// <summary>How long a test waits, in real time, for what must happen.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Probe _probe = new();

    [Fact]
    public async Task A_tick_queued_when_the_grain_deactivates_is_dropped_and_does_not_wake_the_grain()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.ResponseTimeout = TimeSpan.FromHours(1));
        var grain = silo.GrainFactory.GetGrain<IZombieTimerGrain>("z");
        await grain.Start();
        var hold = grain.HoldThenDeactivate();
        await _probe.Signaled("holding").WaitAsync(Bound, TestSilo.Token);
        var gone = silo.WhenDeactivated(grain);

        silo.Clock.Advance(TimeSpan.FromMinutes(3));   // the tick queues behind the held request
        _probe.Open("release");
        await hold.WaitAsync(Bound, TestSilo.Token);
        await gone.WaitAsync(Bound, TestSilo.Token);

        Assert.False(silo.IsActive(grain));
        await grain.Touch();   // a new activation; a tick sent on to it would run first
        Assert.Equal(["z:activated:1", "z:deactivated:1", "z:activated:2"], _probe.Events);
    }

    [Fact]
    public async Task A_tick_that_outlives_the_response_timeout_is_not_overlapped_by_the_next()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime =>
        {
            runtime.ResponseTimeout = TimeSpan.FromSeconds(10);
            runtime.CollectionAge = TimeSpan.FromHours(1);   // ticks do not keep a grain active
        }, WithLogSignals);
        var grain = silo.GrainFactory.GetGrain<ISlowTickGrain>("slow");
        await grain.Start();

        silo.Clock.Advance(TimeSpan.FromMinutes(7));
        await _probe.Signaled("tick-start:1").WaitAsync(Bound, TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromSeconds(11));   // the tick's caller-side answer times out
        await _probe.Signaled("log:TimerFailed").WaitAsync(Bound, TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(7));   // a timer re-armed by that answer would start tick 2 now
        Assert.Equal(1, await grain.Ticks());
        _probe.Open("tick-end:1");
        var rearmed = silo.Clock.WhenTimerSet(TimeSpan.FromMinutes(7));
        await rearmed.WaitAsync(Bound, TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(7));
        await _probe.Signaled("tick-start:2").WaitAsync(Bound, TestSilo.Token);

        Assert.Equal(1, _probe.MaxConcurrency);
        Assert.Equal(["tick-start:1", "tick-end:1", "tick-start:2"], _probe.Events);
        _probe.Open("tick-end:2");   // lets the silo stop at once
    }

    [Fact]
    public async Task Changing_a_timer_while_its_tick_runs_moves_the_next_tick_but_never_beside_the_running_one()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ISlowTickGrain>("changed");
        await grain.Start();

        silo.Clock.Advance(TimeSpan.FromMinutes(7));
        await _probe.Signaled("tick-start:1").WaitAsync(Bound, TestSilo.Token);
        await grain.Reschedule(TimeSpan.FromMinutes(1));
        silo.Clock.Advance(TimeSpan.FromMinutes(1));   // the new due time passes while tick 1 runs
        Assert.Equal(1, await grain.Ticks());
        _probe.Open("tick-end:1");

        // Due already: tick 2 starts as soon as tick 1 has ended, with no more time passing.
        await _probe.Signaled("tick-start:2").WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(1, _probe.MaxConcurrency);
        Assert.Equal(["tick-start:1", "tick-end:1", "tick-start:2"], _probe.Events);
        _probe.Open("tick-end:2");   // lets the silo stop at once
    }

    [Fact]
    public async Task OnDeactivateAsync_gets_a_token_that_cancels_after_the_deactivation_timeout_on_the_runtime_clock()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.DeactivationTimeout = TimeSpan.FromMinutes(1));
        var grain = silo.GrainFactory.GetGrain<IStuckDeactivateGrain>("polite");
        await grain.Ping();
        await grain.Leave();
        await _probe.Signaled("deactivating").WaitAsync(Bound, TestSilo.Token);
        var gone = silo.WhenDeactivated(grain);

        silo.Clock.Advance(TimeSpan.FromMinutes(1));

        await _probe.Signaled("deactivate-token-canceled").WaitAsync(Bound, TestSilo.Token);
        await gone.WaitAsync(Bound, TestSilo.Token);
    }

    [Fact]
    public async Task A_grain_that_ignores_its_deactivation_token_is_left_behind_after_the_timeout()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.DeactivationTimeout = TimeSpan.FromMinutes(1), WithLogSignals);
        var grain = silo.GrainFactory.GetGrain<IStuckDeactivateGrain>("deaf");
        await grain.Ping();
        await grain.Leave();
        await _probe.Signaled("deactivating").WaitAsync(Bound, TestSilo.Token);
        var gone = silo.WhenDeactivated(grain);

        silo.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(gone.IsCompleted);
        silo.Clock.Advance(TimeSpan.FromSeconds(1));

        await gone.WaitAsync(Bound, TestSilo.Token);
        await _probe.Signaled("log:DeactivationAbandoned").WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(2, await grain.Ping().WaitAsync(Bound, TestSilo.Token));   // a new activation answers
        _probe.Open("never");   // lets the silo stop at once
    }

    [Fact]
    public async Task A_grain_first_called_while_the_silo_stops_is_deactivated_too()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<IStopCallerGrain>("caller").Touch();

        await silo.StopSiloAsync(TestSilo.Token);

        Assert.Equal(["caller:deactivating", "late:activated:1", "late:deactivated:1"], _probe.Events);
    }

    private void WithLogSignals(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(new LogSignals(_probe));
}
