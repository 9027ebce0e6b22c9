using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

public sealed class ActivationTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Getting_a_reference_activates_nothing_until_it_is_called()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("lazy");

        Assert.False(silo.IsActive(grain));
        Assert.Equal(grain, silo.GrainFactory.GetGrain<ITallyGrain>("lazy"));
        await grain.Get();
        Assert.True(silo.IsActive(grain));
    }

    [Fact]
    public async Task Concurrent_first_calls_create_exactly_one_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => silo.GrainFactory.GetGrain<ITallyGrain>("one").Add(1), TestSilo.Token)));

        Assert.Equal(1, _probe.Activations);
        Assert.Equal(200, await silo.GrainFactory.GetGrain<ITallyGrain>("one").Get());
    }

    [Fact]
    public async Task A_failed_activation_fails_its_call_and_the_next_call_tries_again()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IFlakyGrain>(7);

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Hello());

        Assert.Equal("hello", await grain.Hello());
    }

    [Fact]
    public async Task DeactivateOnIdle_runs_OnDeactivateAsync_and_the_next_call_reactivates_with_state()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("idle");
        await grain.Add(5);

        await grain.DeactivateSoon();
        await silo.WhenDeactivated(grain);

        Assert.False(silo.IsActive(grain));
        Assert.Equal(5, await grain.Get());
        Assert.Equal(["activate:idle:0", "deactivate:idle:ApplicationRequested", "activate:idle:5"], _probe.Events);
    }

    [Fact]
    public async Task Calls_that_arrive_during_deactivation_reach_the_next_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("slow-handover");
        await grain.DeactivateSoon();
        await _probe.Signaled("deactivating");   // OnDeactivateAsync is now waiting at its gate

        var late = grain.Add(1);
        Assert.False(late.IsCompleted);
        _probe.Open("deactivating");

        Assert.Equal(1, await late);
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task Idle_activations_are_collected_at_their_age_and_come_back_with_their_state()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime =>
        {
            runtime.CollectionAge = TimeSpan.FromMinutes(10);
            runtime.CollectionQuantum = TimeSpan.FromMinutes(1);
        });
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("aging");
        await grain.Add(3);

        silo.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True(silo.IsActive(grain));
        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await silo.WhenDeactivated(grain);

        Assert.False(silo.IsActive(grain));
        Assert.Contains("deactivate:aging:ActivationIdle", _probe.Events);
        Assert.Equal(3, await grain.Get());
    }

    [Fact]
    public async Task A_call_resets_the_idle_age()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.CollectionAge = TimeSpan.FromMinutes(10));
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("busy");

        for (var i = 0; i < 5; i++)
        {
            await grain.Get();
            silo.Clock.Advance(TimeSpan.FromMinutes(6));
        }

        Assert.True(silo.IsActive(grain));
        Assert.Equal(0, _probe.Deactivations);
    }

    [Fact]
    public async Task Collection_age_can_be_set_per_grain_class_and_per_grain_type()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime =>
        {
            runtime.CollectionAge = TimeSpan.FromHours(1);
            runtime.CollectionAgeByGrainType["tally"] = TimeSpan.FromMinutes(5);
        });
        var shortLived = silo.GrainFactory.GetGrain<IShortLivedGrain>(Guid.NewGuid());
        var tally = silo.GrainFactory.GetGrain<ITallyGrain>("configured");
        var flaky = silo.GrainFactory.GetGrain<IFlakyGrain>(1);
        await shortLived.Touch();
        await tally.Get();
        await Assert.ThrowsAsync<InvalidOperationException>(() => flaky.Hello());
        await flaky.Hello();

        silo.Clock.Advance(TimeSpan.FromMinutes(4));
        await silo.WhenDeactivated(shortLived);
        Assert.True(silo.IsActive(tally));
        silo.Clock.Advance(TimeSpan.FromMinutes(3));
        await silo.WhenDeactivated(tally);

        Assert.False(silo.IsActive(shortLived));
        Assert.False(silo.IsActive(tally));
        Assert.True(silo.IsActive(flaky));
    }

    [Fact]
    public async Task DelayDeactivation_keeps_an_idle_activation_past_its_age()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.CollectionAge = TimeSpan.FromMinutes(10));
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("kept");
        await grain.KeepAlive(TimeSpan.FromMinutes(30));

        silo.Clock.Advance(TimeSpan.FromMinutes(25));
        Assert.True(silo.IsActive(grain));
        silo.Clock.Advance(TimeSpan.FromMinutes(20));
        await silo.WhenDeactivated(grain);

        Assert.False(silo.IsActive(grain));
    }

    [Fact]
    public async Task Stopping_the_silo_runs_OnDeactivateAsync_of_every_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => silo.GrainFactory.GetGrain<ITallyGrain>($"s{i}").Get()));

        await silo.RestartAsync(TestSilo.Token);

        Assert.Equal(20, _probe.Deactivations);
        Assert.Equal(0, silo.ActivationCount);
    }
}

public sealed class StoppedSiloTests
{
    [Fact]
    public async Task A_reference_held_across_a_crash_reaches_nothing_of_the_dead_silo()
    {
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(probe);
        var stale = silo.GrainFactory.GetGrain<ITallyGrain>("stale-ref");
        await stale.Add(1);

        await silo.CrashAndRestartAsync(TestSilo.Token);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => stale.Add(1));
        Assert.Equal(2, await silo.GrainFactory.GetGrain<ITallyGrain>("stale-ref").Add(1));
    }
}

public sealed class ShutdownTests
{
    [Fact]
    public async Task A_request_that_never_ends_does_not_keep_the_silo_from_stopping_when_the_stop_times_out()
    {
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(probe);
        var stuck = silo.GrainFactory.GetGrain<ITallyGrain>("stuck");
        var held = stuck.Hold("never");

        using var timeout = new CancellationTokenSource();
        var stopping = silo.StopSiloAsync(timeout.Token);
        Assert.False(stopping.IsCompleted);          // graceful: it waits for the request in flight
        await timeout.CancelAsync();                 // until the host's stop timeout

        await stopping;
        Assert.False(held.IsCompleted);
        await silo.StartSiloAsync(TestSilo.Token);
    }
}
