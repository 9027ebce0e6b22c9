using System.Collections.Concurrent;

namespace GroupBuy.Runtime.Catalog;

/// <summary>
/// The silo's activations: at most one per grain, created on the first call, and collected when idle
/// past their age (per grain class, else <see cref="Hosting.GrainRuntimeOptions.CollectionAge"/>).
/// </summary>
internal sealed class ActivationCatalog(GrainRuntime runtime)
{
    /// <summary>Enough for chains of grains that call others while deactivating; grains that wake each other forever are not waited for.</summary>
    private const int MaxShutdownPasses = 16;

    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private ITimer? _collector;

    public int Count => _activations.Count;

    /// <summary>The grain's activation, created (not yet activated) if it has none: one hash and one lookup when it exists.</summary>
    public Activation GetOrAdd(GrainId grainId) =>
        _activations.GetOrAdd(grainId, static (id, runtime) => new Activation(id, runtime.Types.ClassFor(id.Type), runtime), runtime);

    /// <summary>A few resident grains with their status, for logs.</summary>
    public IEnumerable<string> Sample(int count) => _activations.Values.Take(count).Select(a => $"{a.GrainId} ({a.Status})");

    public Activation? Find(GrainId grainId) => _activations.TryGetValue(grainId, out var activation) ? activation : null;

    public void Remove(Activation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation));

    public void Start()
    {
        var quantum = runtime.Options.CollectionQuantum;
        _collector = runtime.TimeProvider.CreateTimer(static state => ((ActivationCatalog)state!).CollectIdle(), this, quantum, quantum);
    }

    public void Stop() => _collector?.Dispose();

    /// <summary>One pass of the idle collector.</summary>
    public int CollectIdle()
    {
        var now = runtime.TimeProvider.GetTimestamp();
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            var age = activation.Class.CollectionAge
                ?? (runtime.Options.CollectionAgeByGrainType.TryGetValue(activation.Class.GrainType, out var configured) ? configured : runtime.Options.CollectionAge);
            if (activation.TryCollectIdle(now, age))
            {
                collected++;
            }
        }
        return collected;
    }

    /// <summary>
    /// Deactivates every activation, including those created meanwhile (a grain's <c>OnDeactivateAsync</c> calling
    /// another grain, a request sent on to a grain's next activation): pass after pass until the catalog is empty.
    /// The passes are bounded, since grains that keep waking each other while stopping would never let it empty.
    /// </summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        for (var pass = 1; pass <= MaxShutdownPasses; pass++)
        {
            var activations = _activations.Values.ToList();
            if (activations.Count == 0)
            {
                return;
            }
            foreach (var activation in activations)
            {
                activation.RequestDeactivation(reason);
            }
            await Task.WhenAll(activations.Select(a => a.WhenDeactivated)).WaitAsync(cancellationToken);
        }
        if (!_activations.IsEmpty)
        {
            runtime.Log.ShutdownPassesExhausted(_activations.Count, MaxShutdownPasses);
        }
    }
}
