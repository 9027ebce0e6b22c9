using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Runtime.Tests.Grains;

public interface IFlakyCounterGrain : IGrainWithStringKey
{
    Task Set(int value);

    Task<int> Get();

    /// <summary>Stays in flight until the probe's gate opens, so that later calls overlap it.</summary>
    Task Hold(string gate);

    /// <summary>Asks to be deactivated once idle.</summary>
    Task Leave();

    /// <summary>Awaits a helper grain that calls this counter back once the probe's gate opens (a campaign awaiting a team that calls the campaign).</summary>
    Task<string> AskHelper(string helper, string gate);

    /// <summary>
    /// Starts a helper that calls this counter back at once (its call waits in the queue behind this turn), then writes
    /// <paramref name="value"/>; whatever the write did, answers what the helper heard.
    /// </summary>
    Task<string> SetWhileCalledBack(int value, string helper);
}

/// <summary>Reentrant, as every production grain is: calls overlap while one is held.</summary>
[Reentrant]
public sealed class FlakyCounterGrain(Probe probe, [PersistentState("counter", FlakyStorage.Name)] IPersistentState<Tally> counter) : Grain, IFlakyCounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public async Task Set(int value)
    {
        counter.State = new Tally(value);
        await counter.WriteStateAsync();
    }

    public Task<int> Get() => Task.FromResult(counter.State?.Value ?? 0);

    public async Task Hold(string gate)
    {
        // The runtime tracks a running call (for its response timeout) once the call first awaits: yielding before saying
        // it is in keeps a test from moving the clock while the call is not yet tracked.
        await Task.Yield();
        probe.Signal($"in:{gate}");
        await probe.Gate(gate);
    }

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<string> AskHelper(string helper, string gate) =>
        GrainFactory.GetGrain<ICallingBackGrain>(helper).CallBack(GetPrimaryKeyString(), gate);

    public async Task<string> SetWhileCalledBack(int value, string helper)
    {
        var callingBack = GrainFactory.GetGrain<ICallingBackGrain>(helper).CallBackNow(GetPrimaryKeyString());
        counter.State = new Tally(value);
        try
        {
            await counter.WriteStateAsync();
        }
        catch (StorageUnavailableException)
        {
            // The write failed in this turn, with the helper's call still queued: it must not wait for this call to end.
        }
        return await callingBack;
    }
}

public interface ICallingBackGrain : IGrainWithStringKey
{
    /// <summary>Once the gate opens, reads the counter: "served" with its value, or "refused" when the counter turned the call away.</summary>
    Task<string> CallBack(string counter, string gate);

    /// <summary>Reads the counter at once, the same way.</summary>
    Task<string> CallBackNow(string counter);
}

/// <summary>Not reentrant, as a team is: while it waits on the counter, calls to it wait too.</summary>
public sealed class CallingBackGrain(Probe probe) : Grain, ICallingBackGrain
{
    public async Task<string> CallBack(string counter, string gate)
    {
        probe.Signal($"in:{gate}");
        await probe.Gate(gate);
        return await CallBackNow(counter);
    }

    public async Task<string> CallBackNow(string counter)
    {
        try
        {
            return $"served {await GrainFactory.GetGrain<IFlakyCounterGrain>(counter).Get()}";
        }
        catch (StorageUnavailableException)
        {
            return "refused";
        }
    }
}

public interface IFlakyLedgerGrain : IGrainWithStringKey
{
    Task Record(int amount);

    Task<int> Total();

    Task Hold(string gate);
}

[Reentrant]
public sealed class FlakyLedgerGrain(Probe probe, [PersistentState("flaky-ledger", FlakyStorage.Name)] IJournaledState<Ledger, LedgerEntry> ledger) : Grain, IFlakyLedgerGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public async Task Record(int amount)
    {
        ledger.Raise(new LedgerEntry(amount, $"n{amount}"));
        await ledger.ConfirmAsync();
    }

    public Task<int> Total() => Task.FromResult(ledger.State.Total);

    public async Task Hold(string gate)
    {
        probe.Signal($"in:{gate}");
        await probe.Gate(gate);
    }
}

/// <summary>Memory storage whose next write or append fails, as a store that lost its connection would.</summary>
public sealed class FlakyStorage() : DelegatingGrainStorage(new MemoryGrainStorage())
{
    public const string Name = "flaky";

    public bool FailNext { get; set; }

    public override Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
        => TakeFailure() is { } failure ? Task.FromException<long>(failure) : base.WriteAsync(stateName, grainId, payload, expectedVersion, index, cancellationToken);

    public override Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
        => TakeFailure() is { } failure ? Task.FromException(failure) : base.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);

    private StorageUnavailableException? TakeFailure()
    {
        if (!FailNext)
        {
            return null;
        }
        FailNext = false;
        return new StorageUnavailableException("The test cut the store off.", new IOException("connection lost"));
    }
}

public sealed class Gauge
{
    public double Reading { get; set; }
}

public interface IGaugeGrain : IGrainWithStringKey
{
    Task Save(double reading);

    Task<double> Read();
}

/// <summary>Not reentrant: a wedged call would block every later one.</summary>
public sealed class GaugeGrain(Probe probe, [PersistentState("gauge")] IPersistentState<Gauge> gauge) : Grain, IGaugeGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public async Task Save(double reading)
    {
        gauge.State.Reading = reading;
        await gauge.WriteStateAsync();
    }

    public Task<double> Read() => Task.FromResult(gauge.State.Reading);
}
