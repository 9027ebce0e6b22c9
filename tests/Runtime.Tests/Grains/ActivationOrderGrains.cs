namespace GroupBuy.Runtime.Tests.Grains;

public interface IGatedActivationGrain : IGrainWithStringKey
{
    Task<string> Mark(string name);

    [AlwaysInterleave]
    Task<string> Ping(string name);

    /// <summary>Whether the call runs on a thread whose context is this grain's activation.</summary>
    Task<bool> OnItsOwnTurn();
}

/// <summary>
/// Waits in <c>OnActivateAsync</c> for the probe's gate <c>activate:{key}</c> when its key starts with "gated",
/// asks to be deactivated there when its key starts with "brief", and has a second caller queue behind the
/// activating one when its key starts with "crowded".
/// </summary>
public sealed class GatedActivationGrain(Probe probe) : Grain, IGatedActivationGrain
{
    private SynchronizationContext? _activationContext;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        probe.Activated();
        probe.Record($"activating:{key}");
        _activationContext = SynchronizationContext.Current;
        if (key.StartsWith("gated", StringComparison.Ordinal))
        {
            probe.Signal($"activating:{key}");
            await probe.Gate($"activate:{key}");
        }
        if (key.StartsWith("crowded", StringComparison.Ordinal))
        {
            // Another caller arrives while this activation's synchronous part still runs, and queues.
            var self = GrainFactory.GetGrain<IGatedActivationGrain>(key);
            var other = Task.Run(() => self.Mark("second"), cancellationToken);
            if (!SpinWait.SpinUntil(() => Activation.QueuedRequests == 1 || other.IsFaulted, TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("The second call never queued.");
            }
            await Task.Yield();
        }
        if (key.StartsWith("brief", StringComparison.Ordinal) && probe.Activations == 1)
        {
            DeactivateOnIdle();
        }
        probe.Record($"activated:{key}");
    }

    public Task<string> Mark(string name)
    {
        probe.Record(name);
        probe.Signal($"marked:{name}");
        return Task.FromResult(name);
    }

    public Task<string> Ping(string name) => Mark(name);

    public Task<bool> OnItsOwnTurn() => Task.FromResult(_activationContext is not null && SynchronizationContext.Current == _activationContext);
}
