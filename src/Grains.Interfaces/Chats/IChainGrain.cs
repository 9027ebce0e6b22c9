using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Chats;

public sealed record ChainPickup(string Place, DateTimeOffset At);

/// <summary>What the leader fills in to start a chain: the deal is a flash sale, picked up at the leader's point.</summary>
public sealed record ChainDraft(string Title, string? Note, string FlashSaleId, ChainPickup Pickup);

/// <summary>What a group gives a chain it starts.</summary>
public sealed record ChainTerms(string GroupId, string LeaderId, ChainDraft Draft);

public enum ChainStatus
{
    Open,
    Closed,
}

/// <summary>One line of the chain ("1. 小王 ×2"); the shopper id and order stay inside the grains.</summary>
public sealed record ChainEntry(int No, string ShopperId, string Name, int Quantity, string OrderId, long Amount, DateTimeOffset CreatedAt);

public sealed record ChainTotals(int Entries, int Quantity, long Amount);

public sealed record ChainSnapshot(
    string Id,
    string GroupId,
    string LeaderId,
    string Title,
    string? Note,
    string FlashSaleId,
    string Sku,
    long Price,
    ChainPickup Pickup,
    ChainStatus Status,
    IReadOnlyList<ChainEntry> Entries,
    ChainTotals Totals,
    long Version,
    DateTimeOffset ServerTime);

/// <summary>A member's entry: the line, the order it made, and the chain after it.</summary>
public sealed record ChainEntered(ChainEntry Entry, OrderSnapshot Order, ChainSnapshot Chain);

/// <summary>
/// A sign-up chain (接龙, key: chain id, no dots): the leader's order form for a flash sale. Non-reentrant, so
/// "one entry per member" is checked and taken in one turn. Each entry buys through the flash sale with a key
/// derived from chain and member (a retry after a crash finds the same order), referred by the group.
/// Publishes its snapshot to <c>chain:{id}</c> on every change.
/// </summary>
public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Called by the group: <c>not_found</c> when the flash sale does not exist, <c>conflict</c> when the chain does.</summary>
    Task<Result<ChainSnapshot>> Open(ChainTerms terms);

    Task<ChainSnapshot?> Get();

    /// <summary>Refusals: <c>not_found</c>, <c>not_member</c>, <c>ended</c> (closed), <c>already_member</c>, and the flash sale's.</summary>
    Task<Result<ChainEntered>> Enter(Shopper shopper, int quantity);

    /// <summary>The leader closes the chain (<c>forbidden</c> for others); closing again changes nothing.</summary>
    Task<Result<ChainSnapshot>> Close(string callerId);
}
