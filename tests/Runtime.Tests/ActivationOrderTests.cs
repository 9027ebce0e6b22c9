using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

/// <summary>
/// The call that finds no activation activates the grain on its own turn; when activation has to wait, that call
/// still runs first, ahead of the calls that arrived meanwhile, which keep their arrival order.
/// </summary>
public sealed class ActivationOrderTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task The_activating_call_runs_first_and_later_calls_keep_arrival_order_while_activation_waits()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IGatedActivationGrain>("gated-order");

        var first = grain.Mark("first");
        await _probe.Signaled("activating:gated-order");   // OnActivateAsync now waits at its gate
        var second = grain.Ping("second");               // interleaving, but before activation arrival order holds
        var third = grain.Mark("third");
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        _probe.Open("activate:gated-order");
        await Task.WhenAll(first, second, third);

        Assert.Equal(["activating:gated-order", "activated:gated-order", "first", "second", "third"], _probe.Events);
        Assert.Equal(1, _probe.Activations);
    }

    [Fact]
    public async Task The_activating_call_stays_ahead_of_a_call_that_queued_during_the_synchronous_part_of_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IGatedActivationGrain>("crowded");

        Assert.Equal("first", await grain.Mark("first"));
        await _probe.Signaled("marked:second").WaitAsync(TestSilo.Token);

        Assert.Equal(["activating:crowded", "activated:crowded", "first", "second"], _probe.Events);
        Assert.Equal(1, _probe.Activations);
    }

    [Fact]
    public async Task A_call_after_an_activation_that_completed_at_once_runs_on_the_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IGatedActivationGrain>("plain");

        Assert.Equal("one", await grain.Mark("one"));
        Assert.True(await grain.OnItsOwnTurn());
        Assert.Equal(["activating:plain", "activated:plain", "one"], _probe.Events);
    }

    [Fact]
    public async Task The_activating_call_reaches_the_next_activation_when_OnActivateAsync_asks_to_deactivate()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IGatedActivationGrain>("brief");

        Assert.Equal("kept", await grain.Mark("kept"));

        Assert.Equal(2, _probe.Activations);
        Assert.Equal(["activating:brief", "activated:brief", "activating:brief", "activated:brief", "kept"], _probe.Events);
    }

    [Fact]
    public async Task Concurrent_first_calls_to_many_grains_each_activate_once_and_all_complete()
    {
        await using var silo = await TestSilo.StartAsync(_probe);

        var calls = Enumerable.Range(0, 2_000).Select(i => Task.Run(
            () => silo.GrainFactory.GetGrain<IGatedActivationGrain>($"many-{i % 500}").Mark("m"), TestSilo.Token));
        await Task.WhenAll(calls);

        Assert.Equal(500, _probe.Activations);
        Assert.Equal(500, silo.ActivationCount);
    }
}
