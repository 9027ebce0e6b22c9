using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Runtime.Tests.Grains;

public interface ICoalescingGrain : IGrainWithStringKey
{
    /// <summary>Adds one and writes the state; returns the value it wrote.</summary>
    Task<int> Increment();
}

/// <summary>Reentrant, so concurrent writers meet in one activation and their writes coalesce.</summary>
[Reentrant]
public sealed class CoalescingGrain([PersistentState("coalesced")] IPersistentState<Tally> tally) : Grain, ICoalescingGrain
{
    public async Task<int> Increment()
    {
        var value = (tally.State?.Value ?? 0) + 1;
        tally.State = new Tally(value);
        await tally.WriteStateAsync();
        return value;
    }
}

public sealed class Ledger : IEventSourced<LedgerEntry>
{
    public int Total { get; set; }

    public List<string> Notes { get; set; } = [];

    public void Apply(LedgerEntry @event)
    {
        Total += @event.Amount;
        Notes.Add(@event.Note);
    }
}

public sealed record LedgerEntry(int Amount, string Note);

public interface ILedgerGrain : IGrainWithStringKey
{
    Task<long> Record(int amount, string note);

    Task<(int Total, int Notes, long Version)> Read();

    /// <summary>The notes in the order their events were applied.</summary>
    Task<IReadOnlyList<string>> Notes();
}

[Reentrant]
public sealed class LedgerGrain([PersistentState("ledger")] IJournaledState<Ledger, LedgerEntry> ledger) : Grain, ILedgerGrain
{
    public async Task<long> Record(int amount, string note)
    {
        ledger.Raise(new LedgerEntry(amount, note));
        var version = ledger.Version;
        await ledger.ConfirmAsync();
        return version;
    }

    public Task<(int Total, int Notes, long Version)> Read() =>
        Task.FromResult((ledger.State.Total, ledger.State.Notes.Count, ledger.ConfirmedVersion));

    public Task<IReadOnlyList<string>> Notes() => Task.FromResult<IReadOnlyList<string>>([.. ledger.State.Notes]);
}

public interface IClearingGrain : IGrainWithStringKey
{
    Task Set(int value);

    Task Clear();

    /// <summary>The state as the activation holds it: value (0 when none), etag, whether a record exists.</summary>
    Task<(int Value, string? Etag, bool RecordExists)> Read();
}

/// <summary>Reentrant, so a clear and a write of its one state overlap.</summary>
[Reentrant]
public sealed class ClearingGrain([PersistentState("clearing", GatedStorage.Name)] IPersistentState<Tally> tally) : Grain, IClearingGrain
{
    public async Task Set(int value)
    {
        tally.State = new Tally(value);
        await tally.WriteStateAsync();
    }

    public Task Clear() => tally.ClearStateAsync();

    public Task<(int Value, string? Etag, bool RecordExists)> Read() => Task.FromResult((tally.State?.Value ?? 0, tally.Etag, tally.RecordExists));
}

/// <summary>Memory storage whose writes and clears wait, while <see cref="Closed"/>, until <see cref="Open"/> is called.</summary>
public sealed class GatedStorage() : DelegatingGrainStorage(new MemoryGrainStorage())
{
    public const string Name = "gated";

    private TaskCompletionSource _gate = NewGate();
    private int _waiting;

    public bool Closed { get; set; }

    /// <summary>Writes and clears waiting at the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Open()
    {
        Closed = false;
        _gate.TrySetResult();
        _gate = NewGate();
    }

    public override async Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
    {
        await PassAsync();
        return await base.WriteAsync(stateName, grainId, payload, expectedVersion, index, cancellationToken);
    }

    public override async Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken)
    {
        await PassAsync();
        return await base.ClearAsync(stateName, grainId, expectedVersion, cancellationToken);
    }

    private async Task PassAsync()
    {
        if (!Closed)
        {
            return;
        }
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.Task;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
