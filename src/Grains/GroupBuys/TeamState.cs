using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>A taken seat: who holds it (the name is what the public sees) and its order.</summary>
public sealed record TeamSeat(string ShopperId, string Name, string OrderId);

/// <summary>
/// What the team still owes to others after a change it has stored. Each delivery is idempotent on the
/// receiving side, so the outbox is redelivered after a crash or a failure without harm.
/// </summary>
public sealed class TeamOutbox
{
    /// <summary>Seats whose units the campaign has not yet taken back.</summary>
    public List<SeatRequest> Releases { get; set; } = [];

    /// <summary>Paid orders of a failed team the gateway has not yet refunded.</summary>
    public List<string> Refunds { get; set; } = [];

    /// <summary>The campaign has not yet seen the team's latest snapshot.</summary>
    public bool NotifyCampaign { get; set; }

    public bool IsEmpty => Releases.Count == 0 && Refunds.Count == 0 && !NotifyCampaign;
}

public sealed class TeamState
{
    /// <summary>Null until the team is opened.</summary>
    public TeamTerms? Terms { get; set; }

    public TeamStatus Status { get; set; }

    /// <summary>Seats held now (pending or paid), in the order they were taken; a released seat leaves.</summary>
    public List<TeamSeat> Seats { get; set; } = [];

    /// <summary>Every order of the team, closed ones included, by id.</summary>
    public Dictionary<string, OrderSnapshot> Orders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The next order's sequence number; it moves only when a seat is stored, so order ids are never reused once stored.</summary>
    public long NextSeq { get; set; } = 1;

    public long Version { get; set; }

    public TeamOutbox Outbox { get; set; } = new();
}
