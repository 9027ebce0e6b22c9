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
