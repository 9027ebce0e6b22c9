using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.GroupBuys;

/// <summary>
/// A group buy's terms. <see cref="LeaderPrice"/> defaults to <see cref="Price"/> and may be 0;
/// <see cref="CommissionRate"/> is what a referring group's leader earns (0 to 0.5).
/// </summary>
public sealed record GroupBuyDraft(
    string Sku,
    long Price,
    long? LeaderPrice,
    long SoloPrice,
    int TeamSize,
    int TeamWindowSeconds,
    int Quantity,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string MerchantId,
    decimal CommissionRate = 0);

public enum GroupBuyStatus
{
    Scheduled,
    Live,
    SoldOut,
    Ended,
}

/// <summary>A forming team in the campaign's "join a team that is nearly full" list.</summary>
public sealed record OpenTeam(string TeamId, int Needed, DateTimeOffset ExpiresAt);

public sealed record GroupBuySnapshot(
    string Id,
    string Sku,
    long Price,
    long LeaderPrice,
    long SoloPrice,
    int TeamSize,
    int TeamWindowSeconds,
    int Quantity,
    int Remaining,
    GroupBuyStatus Status,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    IReadOnlyList<OpenTeam> OpenTeams,
    string MerchantId,
    long Version,
    DateTimeOffset ServerTime,
    decimal CommissionRate,
    TeamCounts Teams);

/// <summary>How many of a campaign's teams are forming, have formed, and have failed (for merchants' dashboards).</summary>
public sealed record TeamCounts(int Forming, int Succeeded, int Failed);

/// <summary>What a team asks of its campaign when a seat is taken.</summary>
public sealed record SeatRequest(string TeamId, string ShopperId, string OrderId);

/// <summary>
/// A group-buy campaign (key: id, no dots). It owns the unit pool taken from the product's stock
/// (<c>group-buy:{id}</c>), enforces one seat per shopper among its forming teams, and keeps the open-teams
/// list, fewest needed first. It publishes its snapshot to <c>group-buy:{id}</c> on change.
/// </summary>
public interface IGroupBuyGrain : IGrainWithStringKey
{
    Task<Result<GroupBuySnapshot>> Create(GroupBuyDraft draft);

    Task<GroupBuySnapshot?> Get();

    /// <summary>Opens a team with the shopper as leader in seat 1; a <paramref name="referral"/> goes on the order.</summary>
    Task<Result<TeamJoin>> OpenTeam(Shopper shopper, Referral? referral = null);

    /// <summary>A seat in the forming team that needs the fewest, or a new team with the shopper as leader.</summary>
    Task<Result<TeamJoin>> QuickJoin(Shopper shopper, Referral? referral = null);

    /// <summary>
    /// Called by a team taking a seat: checks the campaign is live, the shopper holds no seat in another
    /// forming team, and a unit is left, then reserves the unit. Idempotent per order id.
    /// </summary>
    Task<Result<bool>> ClaimSeat(SeatRequest request);

    /// <summary>Called by a team when a seat's order closes unpaid or the team fails: the unit returns, the shopper is free.</summary>
    Task ReleaseSeats(IReadOnlyList<SeatRequest> seats);

    /// <summary>Called by a team whenever it changes, to keep the open-teams list and the sold count.</summary>
    Task TeamChanged(TeamSnapshot team);
}
