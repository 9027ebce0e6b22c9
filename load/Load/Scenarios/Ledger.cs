using System.Collections.Concurrent;

namespace GroupBuy.Load.Scenarios;

/// <summary>What a run created and what the server acknowledged: the invariant check reads it back at the end.</summary>
public sealed class Ledger
{
    public ConcurrentDictionary<string, byte> FlashSales { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, byte> GroupBuys { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, byte> Teams { get; } = new(StringComparer.Ordinal);

    /// <summary>Every order the server acknowledged (201), with its owner's token to read it back.</summary>
    public ConcurrentBag<AcknowledgedOrder> Orders { get; } = [];

    /// <summary>Chat groups with a member's token to read their history.</summary>
    public ConcurrentDictionary<string, string> Groups { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<AcknowledgedMessage> Messages { get; } = [];
}

public sealed record AcknowledgedOrder(string OrderId, string RefId, string Token);

public sealed record AcknowledgedMessage(string GroupId, long Seq);
