using System.Text.Json;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>
/// A state that failed to write is never served again: the activation admits no new call, leaves once its calls in
/// flight end, and the next activation reloads what storage holds. Reentrant grains included, while calls overlap.
/// </summary>
public sealed class StateFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Probe _probe = new();
    private readonly FlakyStorage _flaky = new();

    [Fact]
    public async Task After_a_failed_write_a_busy_reentrant_grain_serves_no_new_call_and_the_next_activation_reads_the_stored_value()
    {
        await using var silo = await StartAsync();
        var counter = silo.GrainFactory.GetGrain<IFlakyCounterGrain>("c");
        await counter.Set(1);
        var held = counter.Hold("g1");
        await _probe.Signaled("in:g1").WaitAsync(Bound, TestSilo.Token);

        _flaky.FailNext = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => counter.Set(2));
        var read = counter.Get();

        // Held back while the call in flight runs: the failed activation's memory holds 2, storage holds 1.
        Assert.False(read.IsCompleted);
        _probe.Open("g1");
        await held.WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(1, await read.WaitAsync(Bound, TestSilo.Token));
        Assert.Equal(2, _probe.Activations);

        await counter.Set(3);
        Assert.Equal(3, await counter.Get());
    }

    [Fact]
    public async Task After_a_failed_append_a_busy_reentrant_grain_serves_no_new_call_and_the_next_activation_replays_the_stored_events()
    {
        await using var silo = await StartAsync();
        var ledger = silo.GrainFactory.GetGrain<IFlakyLedgerGrain>("l");
        await ledger.Record(1);
        var held = ledger.Hold("g1");
        await _probe.Signaled("in:g1").WaitAsync(Bound, TestSilo.Token);

        _flaky.FailNext = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => ledger.Record(10));
        var total = ledger.Total();

        Assert.False(total.IsCompleted);
        _probe.Open("g1");
        await held.WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(1, await total.WaitAsync(Bound, TestSilo.Token));

        await ledger.Record(100);
        Assert.Equal(101, await ledger.Total());
    }

    [Fact]
    public async Task After_a_failed_write_a_call_back_from_a_grain_the_call_in_flight_awaits_is_refused_at_once_not_held()
    {
        await using var silo = await StartAsync();
        var counter = silo.GrainFactory.GetGrain<IFlakyCounterGrain>("cycle");
        await counter.Set(1);
        var asking = counter.AskHelper("helper", "g1");
        await _probe.Signaled("in:g1").WaitAsync(Bound, TestSilo.Token);

        _flaky.FailNext = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => counter.Set(2));
        var outside = counter.Get();
        _probe.Open("g1");

        // The helper's call back is refused: held for the next activation, it would wait on the call in flight, which
        // waits on the helper, until the response timeout (never, on this silo's clock).
        Assert.Equal("refused", await asking.WaitAsync(Bound, TestSilo.Token));
        // A call from outside any grain is part of no such cycle: held, then served by the next activation from storage.
        Assert.Equal(1, await outside.WaitAsync(Bound, TestSilo.Token));
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task After_a_failed_write_a_call_from_a_grain_already_waiting_in_the_queue_is_refused_too()
    {
        await using var silo = await StartAsync();
        var counter = silo.GrainFactory.GetGrain<IFlakyCounterGrain>("queued");
        await counter.Set(1);

        _flaky.FailNext = true;
        var heard = await counter.SetWhileCalledBack(2, "queued-helper").WaitAsync(Bound, TestSilo.Token);

        Assert.Equal("refused", heard);
        Assert.Equal(1, await counter.Get().WaitAsync(Bound, TestSilo.Token));
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task DeactivateOnIdle_on_a_busy_reentrant_grain_holds_new_calls_for_the_next_activation()
    {
        await using var silo = await StartAsync();
        var counter = silo.GrainFactory.GetGrain<IFlakyCounterGrain>("leaving");
        await counter.Set(5);
        var held = counter.Hold("g1");
        await _probe.Signaled("in:g1").WaitAsync(Bound, TestSilo.Token);

        await counter.Leave();
        var read = counter.Get();

        Assert.False(read.IsCompleted);
        _probe.Open("g1");
        await held.WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(5, await read.WaitAsync(Bound, TestSilo.Token));
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task A_state_that_cannot_be_serialized_fails_its_caller_at_once_and_the_grain_serves_the_next_call_from_storage()
    {
        await using var silo = await StartAsync();
        var gauge = silo.GrainFactory.GetGrain<IGaugeGrain>("g");
        await gauge.Save(1.5);

        // No clock advance: the serializer's own exception, not a response timeout.
        var failure = await Assert.ThrowsAnyAsync<ArgumentException>(() => gauge.Save(double.NaN).WaitAsync(Bound, TestSilo.Token));
        var serializers = Assert.ThrowsAny<ArgumentException>(() => JsonSerializer.SerializeToUtf8Bytes(new Gauge { Reading = double.NaN }, StateBinding.Json));
        Assert.Equal((serializers.GetType(), serializers.Message), (failure.GetType(), failure.Message));

        Assert.Equal(1.5, await gauge.Read().WaitAsync(Bound, TestSilo.Token));
        await gauge.Save(2.5).WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(2.5, await gauge.Read());
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task A_call_held_for_the_next_activation_times_out_counted_from_when_it_was_issued()
    {
        await using var silo = await StartAsync(runtime => runtime.ResponseTimeout = TimeSpan.FromSeconds(10));
        var counter = silo.GrainFactory.GetGrain<IFlakyCounterGrain>("late");
        var held = counter.Hold("g1");
        await _probe.Signaled("in:g1").WaitAsync(Bound, TestSilo.Token);
        await counter.Leave();

        // Issued now, held while "g1" runs, then sent on to the next activation, where it waits for a gate never opened.
        var late = counter.Hold("g2");
        silo.Clock.Advance(TimeSpan.FromSeconds(6));
        _probe.Open("g1");
        await held.WaitAsync(Bound, TestSilo.Token);
        await _probe.Signaled("in:g2").WaitAsync(Bound, TestSilo.Token);
        Assert.False(late.IsCompleted);

        // Ten seconds after it was issued, four after it was sent on.
        silo.Clock.Advance(TimeSpan.FromSeconds(4));
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => late.WaitAsync(Bound, TestSilo.Token));
        Assert.Contains("got no response", timedOut.Message, StringComparison.Ordinal);  // the runtime's, not the test's bound
        Assert.Equal(2, _probe.Activations);
        _probe.Open("g2");  // so that the silo stops without waiting for the grain
    }

    private Task<Testing.TestCluster> StartAsync(Action<Hosting.GrainRuntimeOptions>? runtime = null) =>
        TestSilo.StartAsync(_probe, runtime, services: s =>
        {
            s.AddKeyedSingleton<IGrainStorage>(FlakyStorage.Name, _flaky);
            s.AddKeyedSingleton<IJournalStorage>(FlakyStorage.Name, _flaky);
        });
}
