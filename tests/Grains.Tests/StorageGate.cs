using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests;

/// <summary>
/// Holds back every state write and journal append of one grain type on the test silo's memory storage, as a
/// stalled disk would, so a test can crash the silo at exactly that instant. A held write never completes: the
/// crash lost it, with the index rows it carried; unless the test calls <see cref="Resume"/> instead.
/// </summary>
internal sealed class StorageGate
{
    private readonly TaskCompletionSource _hit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _heldType;

    /// <summary>Completes when the first write was held back.</summary>
    public Task Hit => _hit.Task.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);

    public void Hold(string grainType) => _heldType = grainType;

    public void Stop() => _heldType = null;

    /// <summary>Stops holding and lets the held writes through, as a disk that stalled and recovered would.</summary>
    public void Resume()
    {
        _heldType = null;
        _lost.TrySetResult();
    }

    /// <summary>Registers the gate in front of the memory storage (the last "Default" registration wins).</summary>
    public void AddTo(IServiceCollection services)
    {
        const string name = PersistentStateAttribute.DefaultStorage;
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new GatedStorage(sp.GetRequiredService<MemoryGrainStorage>(), this));
        services.AddKeyedSingleton<IJournalStorage>(name, (sp, _) => new GatedStorage(sp.GetRequiredService<MemoryGrainStorage>(), this));
    }

    private async Task PassAsync(GrainId grainId)
    {
        if (grainId.Type == _heldType)
        {
            _hit.TrySetResult();
            await _lost.Task;
        }
    }

    private sealed class GatedStorage(MemoryGrainStorage inner, StorageGate gate) : DelegatingGrainStorage(inner)
    {
        public override async Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
        {
            await gate.PassAsync(grainId);
            return await base.WriteAsync(stateName, grainId, payload, expectedVersion, index, cancellationToken);
        }

        public override async Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
        {
            await gate.PassAsync(grainId);
            await base.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);
        }
    }
}
