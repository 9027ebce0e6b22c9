using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// Holds back every state write of one grain type on the test silo's memory storage, as a stalled disk
/// would, so a test can crash the silo at exactly that instant. A held write never completes: the crash
/// lost it.
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

    /// <summary>Registers the gate in front of the memory storage (the last "Default" registration wins).</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddKeyedSingleton<IGrainStorage>(PersistentStateAttribute.DefaultStorage, (sp, _) =>
            new GatedStorage((IGrainStorage)sp.GetRequiredKeyedService<IJournalStorage>(PersistentStateAttribute.DefaultStorage), this));

    private sealed class GatedStorage(IGrainStorage inner, StorageGate gate) : IGrainStorage
    {
        public Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
            inner.ReadAsync(stateName, grainId, cancellationToken);

        public async Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken)
        {
            if (grainId.Type == gate._heldType)
            {
                gate._hit.TrySetResult();
                await gate._lost.Task;
            }
            return await inner.WriteAsync(stateName, grainId, payload, expectedVersion, cancellationToken);
        }

        public Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken) =>
            inner.ClearAsync(stateName, grainId, expectedVersion, cancellationToken);
    }
}
