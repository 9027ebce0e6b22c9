using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

public sealed class TurnSchedulingTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Non_reentrant_grain_never_overlaps_turns_under_1000_concurrent_calls()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("hot");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => grain.Increment(), TestSilo.Token)));

        Assert.Equal(1, _probe.MaxConcurrency);
        Assert.Equal(1000, await grain.Count());
        Assert.Equal(Enumerable.Range(1, 1000), results.Order());
    }

    [Fact]
    public async Task Grain_fields_changed_by_1000_concurrent_calls_without_locks_end_exactly_right()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grains = Enumerable.Range(0, 4).Select(i => silo.GrainFactory.GetGrain<ITurnGrain>($"g{i}")).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => grains[i % 4].Increment(), TestSilo.Token)));

        foreach (var grain in grains)
        {
            Assert.Equal(250, await grain.Count());
        }
    }

    [Fact]
    public async Task Reentrant_grain_interleaves_requests_at_awaits()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<IReentrantTurnGrain>("r");

        var first = grain.Hold("a");
        // The second request completes while the first still waits at its await.
        await grain.Hold2Async(_probe);
        Assert.False(first.IsCompleted);
        _probe.Open("a");
        await first;

        Assert.Equal(["a:start", "b:start", "b:end", "a:end"], _probe.Events);
    }

    [Fact]
    public async Task Non_reentrant_grain_starts_the_next_request_only_after_the_previous_completes()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("n");

        var first = grain.Hold("a");
        var second = grain.Hold("b");
        _probe.Open("b");
        _probe.Open("a");
        await Task.WhenAll(first, second);

        Assert.Equal(["a:start", "a:end", "b:start", "b:end"], _probe.Events);
    }

    [Fact]
    public async Task A_call_that_finds_the_turn_running_on_another_thread_waits_in_line_and_runs_after_it()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("busy");
        var holding = await HoldTurnOnAnotherThreadAsync(grain, "a");

        // The turn is taken, not released at an await: the call waits in the activation's queue.
        var next = grain.Hold("b");
        Assert.False(next.IsCompleted);
        Assert.DoesNotContain("b:start", _probe.Events);
        _probe.Open("b");
        _probe.Open("a");
        await Task.WhenAll(holding, next);

        Assert.Equal(["a:start", "a:end", "b:start", "b:end"], _probe.Events);
    }

    [Fact]
    public async Task Calls_that_wait_for_a_turn_running_on_another_thread_run_in_their_arrival_order()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("line");
        var holding = await HoldTurnOnAnotherThreadAsync(grain, "a");

        var waiting = Enumerable.Range(0, 5).Select(_ => grain.Increment()).ToArray();
        _probe.Open("a");
        await holding;

        var answers = await Task.WhenAll(waiting);
        Assert.Equal([1, 2, 3, 4, 5], answers);
    }

    /// <summary>Activates the grain, then takes its turn on a pool thread and keeps it (no await) until the gate opens.</summary>
    private async Task<Task> HoldTurnOnAnotherThreadAsync(ITurnGrain grain, string gate)
    {
        await grain.Count();
        var holding = Task.Run(() => grain.HoldTurn(gate), TestSilo.Token);
        await _probe.Signaled($"{gate}:holding");
        return holding;
    }

    [Fact]
    public async Task Read_only_requests_interleave_with_each_other_but_not_with_writers()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("ro");

        var firstReader = grain.HoldReading("r1");
        var secondReader = grain.HoldReading("r2");
        _probe.Open("r2");
        await secondReader;          // ran beside the first reader
        var writer = grain.Hold("w");
        _probe.Open("w");
        Assert.False(writer.IsCompleted);
        _probe.Open("r1");
        await Task.WhenAll(firstReader, writer);

        Assert.Equal(["r1:start", "r2:start", "r2:end", "r1:end", "w:start", "w:end"], _probe.Events);
    }

    [Fact]
    public async Task Always_interleave_method_runs_while_a_request_is_awaiting()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("ai");

        var held = grain.Hold("a");
        Assert.Equal("p", await grain.Ping("p"));
        _probe.Open("a");
        await held;

        Assert.Equal(["a:start", "p:ping", "a:end"], _probe.Events);
    }

    [Fact]
    public async Task Continuations_of_grain_code_return_to_the_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);

        Assert.True(await silo.GrainFactory.GetGrain<ITurnGrain>("c").ContinuationsStayOnTheActivation());
    }

    [Fact]
    public async Task Self_call_on_a_non_reentrant_grain_times_out_after_the_response_timeout()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.ResponseTimeout = TimeSpan.FromSeconds(2));
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("self");

        var cycle = grain.CallSelf();
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cycle.IsCompleted);
        silo.Clock.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<TimeoutException>(() => cycle);
        Assert.Equal(0, await grain.Count());
    }

    [Fact]
    public async Task A_call_waiting_behind_a_turn_that_never_yields_times_out_after_the_response_timeout()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.ResponseTimeout = TimeSpan.FromSeconds(2));
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("stuck");
        var holding = await HoldTurnOnAnotherThreadAsync(grain, "a");

        var waiting = grain.Increment();
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        silo.Clock.Advance(TimeSpan.FromSeconds(2));
        var timedOut = waiting.IsFaulted;
        _probe.Open("a");
        await holding;

        Assert.True(timedOut);
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(0, await grain.Count());
    }

    [Fact]
    public async Task Self_call_on_a_reentrant_grain_completes()
    {
        await using var silo = await TestSilo.StartAsync(_probe);

        Assert.Equal(0, await silo.GrainFactory.GetGrain<IReentrantTurnGrain>("self").CallSelf());
    }

    [Fact]
    public async Task Calls_to_a_busy_grain_that_keeps_deactivating_are_each_served_exactly_once()
    {
        const int Callers = 32;
        const int CallsEach = 100;
        await using var silo = await TestSilo.StartAsync(_probe);
        var grain = silo.GrainFactory.GetGrain<ITallyGrain>("busy");

        // Callers on the pool's threads find the turn taken and post to the inbox, while the grain keeps leaving.
        var adding = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            var totals = new List<int>();
            for (var i = 0; i < CallsEach; i++)
            {
                totals.Add(await grain.Add(1));
            }
            return totals;
        }, TestSilo.Token)).ToArray();
        var leaving = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await grain.DeactivateSoon();
                await grain.Get();
            }
        }, TestSilo.Token);

        var totals = await Task.WhenAll(adding).WaitAsync(TimeSpan.FromMinutes(1), TestSilo.Token);
        await leaving.WaitAsync(TimeSpan.FromMinutes(1), TestSilo.Token);

        Assert.Equal(Enumerable.Range(1, Callers * CallsEach), totals.SelectMany(t => t).Order());
        Assert.Equal(Callers * CallsEach, await grain.Get());
        Assert.True(_probe.Activations > 1);
    }

    [Fact]
    public async Task A_full_request_queue_rejects_at_once()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.MaxQueuedRequests = 10);
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("q");
        await grain.Count();                 // activated, so the next call runs at once rather than waiting
        var holding = grain.Hold("a");
        var queued = Enumerable.Range(0, 10).Select(_ => grain.Increment()).ToArray();

        var rejected = grain.Increment();

        Assert.True(rejected.IsFaulted);
        var exception = await Assert.ThrowsAsync<GrainOverloadedException>(() => rejected);
        Assert.Equal(TestCluster.IdOf(grain), exception.GrainId);
        _probe.Open("a");
        await Task.WhenAll([holding, .. queued]);
        Assert.Equal(10, await grain.Count());
    }

    [Fact]
    public async Task The_queue_bound_counts_every_waiting_call_of_an_activation_interleaving_ones_included()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.MaxQueuedRequests = 4);
        var grain = silo.GrainFactory.GetGrain<IReentrantTurnGrain>("bound");
        var holding = grain.Hold("a");
        // From here the activation admits no new call until "a" ends, so every call waits: two in line, two interleaving.
        await grain.Leave();
        Task[] queued = [grain.Increment(), grain.Increment(), grain.Ping("p1"), grain.Ping("p2")];

        var interleaving = grain.Ping("p3");
        var inLine = grain.Increment();

        var waiting = queued.Count(call => !call.IsCompleted);
        var rejectedAtOnce = (interleaving.IsFaulted, inLine.IsFaulted);
        _probe.Open("a");
        await Task.WhenAll([holding, .. queued]).WaitAsync(TimeSpan.FromSeconds(10), TestSilo.Token);
        Assert.Equal(4, waiting);
        Assert.Equal((true, true), rejectedAtOnce);
        await Assert.ThrowsAsync<GrainOverloadedException>(() => interleaving);
        await Assert.ThrowsAsync<GrainOverloadedException>(() => inLine);
    }
}

internal static class TurnGrainExtensions
{
    /// <summary>Runs a second held request to completion on the same grain.</summary>
    public static Task Hold2Async(this IReentrantTurnGrain grain, Probe probe)
    {
        probe.Open("b");
        return grain.Hold("b");
    }
}
