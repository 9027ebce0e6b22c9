using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Testing;

/// <summary>
/// Puts itself between the grains and the memory storage's journals so a test can refuse the next snapshot write, or
/// hold it until released, and see what a grain does meanwhile. Appends and reads pass straight through.
/// </summary>
public sealed class SnapshotGate
{
    private Held? _held;

    /// <summary>The next snapshot write fails, as a store that could not take it would.</summary>
    public bool RefuseNext { get; set; }

    /// <summary>The next snapshot write waits, once it is reached, until <see cref="Held.Release"/>.</summary>
    public Held HoldNext() => _held = new Held();

    /// <summary>Registers the gate as the default journal storage, over the silo's memory storage.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddKeyedSingleton<IJournalStorage>(PersistentStateAttribute.DefaultStorage,
            (sp, _) => new Journals(sp.GetRequiredService<MemoryGrainStorage>(), this));

    public sealed class Held
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the held snapshot write has begun.</summary>
        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        internal Task PassAsync()
        {
            _reached.TrySetResult();
            return _released.Task;
        }
    }

    private sealed class Journals(MemoryGrainStorage inner, SnapshotGate gate) : DelegatingGrainStorage(inner)
    {
        public override async Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
        {
            if (gate.RefuseNext)
            {
                gate.RefuseNext = false;
                throw new InconsistentStateException($"Snapshot {version} of {grainId} refused by the test.");
            }
            if (Interlocked.Exchange(ref gate._held, null) is { } held)
            {
                await held.PassAsync();
            }
            await Inner.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
        }
    }
}
