using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Activations_calls_queue_lengths_and_turn_durations_are_measured()
    {
        var probe = new Probe();
        await using var silo = await TestSilo.StartAsync(probe);
        var meters = silo.Services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this silo's meter: other tests run their own silos beside this one.
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, value, _, _) => measured.AddOrUpdate(i.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<int>((i, value, _, _) => measured.AddOrUpdate(i.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((i, value, _, _) => measured.AddOrUpdate(i.Name, value, (_, sum) => sum + value));
        listener.Start();

        var grain = silo.GrainFactory.GetGrain<ITurnGrain>("m");
        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => grain.Increment()));
        await silo.DeactivateAsync(grain);

        Assert.Equal(1, measured["groupbuy.runtime.activations.created"]);
        Assert.Equal(0, measured["groupbuy.runtime.activations"]);
        Assert.Equal(100, measured["groupbuy.runtime.calls"]);
        Assert.True(measured["groupbuy.runtime.queue.length"] > 0);
        Assert.True(measured.ContainsKey("groupbuy.runtime.turn.duration"));
    }
}
