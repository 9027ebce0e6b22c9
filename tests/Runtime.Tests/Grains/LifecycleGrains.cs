namespace GroupBuy.Runtime.Tests.Grains;

public sealed record Tally(int Value);

public interface ITallyGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    Task<int> Get();

    Task<string?> Etag();

    Task DeactivateSoon();

    Task KeepAlive(TimeSpan duration);

    /// <summary>Holds the turn until the probe's gate opens.</summary>
    Task Hold(string gate);
}

/// <summary>A durable counter that reports its lifecycle to the probe.</summary>
public sealed class TallyGrain(Probe probe, [PersistentState("tally")] IPersistentState<Tally> tally) : Grain, ITallyGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        probe.Record($"activate:{GetPrimaryKeyString()}:{tally.State?.Value ?? 0}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivated();
        probe.Record($"deactivate:{GetPrimaryKeyString()}:{reason.Code}");
        if (GetPrimaryKeyString().StartsWith("slow", StringComparison.Ordinal))
        {
            probe.Signal("deactivating");
            await probe.Gate("deactivating");
        }
    }

    public async Task<int> Add(int amount)
    {
        tally.State = new Tally((tally.State?.Value ?? 0) + amount);
        await tally.WriteStateAsync();
        return tally.State.Value;
    }

    public Task<int> Get() => Task.FromResult(tally.State?.Value ?? 0);

    public Task<string?> Etag() => Task.FromResult(tally.Etag);

    public Task DeactivateSoon()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task KeepAlive(TimeSpan duration)
    {
        DelayDeactivation(duration);
        return Task.CompletedTask;
    }

    public Task Hold(string gate) => probe.Gate(gate);
}

public interface IFlakyGrain : IGrainWithIntegerKey
{
    Task<string> Hello();
}

/// <summary>Fails its first activation, to show that the next call tries again.</summary>
public sealed class FlakyGrain(Probe probe) : Grain, IFlakyGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        probe.Increment($"flaky:{GetPrimaryKeyLong()}") == 1
            ? throw new InvalidOperationException("first activation fails")
            : Task.CompletedTask;

    public Task<string> Hello() => Task.FromResult("hello");
}

public interface IShortLivedGrain : IGrainWithGuidKey
{
    Task Touch();
}

[CollectionAgeLimit(Minutes = 2)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    public Task Touch() => Task.CompletedTask;
}
