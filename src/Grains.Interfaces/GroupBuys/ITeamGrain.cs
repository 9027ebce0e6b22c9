using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.GroupBuys;

/// <summary><c>forming → (succeeded | failed)</c>.</summary>
public enum TeamStatus
{
    Forming,
    Succeeded,
    Failed,
}

/// <summary>A seat as the public sees it: a display name, never a user id.</summary>
public sealed record TeamMember(string Name, bool Paid);

public sealed record TeamSnapshot(
    string Id,
    string GroupBuyId,
    int Size,
    int Joined,
    int Paid,
    int Needed,
    TeamStatus Status,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<TeamMember> Members,
    long Version,
    DateTimeOffset ServerTime);

/// <summary>The result of opening or joining a team: the shopper's order and the team after the seat was taken.</summary>
public sealed record TeamJoin(OrderSnapshot Order, TeamSnapshot Team);

/// <summary>What a campaign gives a team it opens.</summary>
public sealed record TeamTerms(string GroupBuyId, string Sku, long Price, long LeaderPrice, int Size, DateTimeOffset ExpiresAt, decimal CommissionRate = 0);

/// <summary>
/// One team (key: id, no dots). Non-reentrant: a seat is checked and taken in one turn. Seat 1 is the
/// leader's. A seat counts while its order is pending or paid; an unpaid seat is released at its pay-by
/// time; all seats paid → succeeded (orders confirmed); the deadline first → failed (paid refunded,
/// pending cancelled, units back). Publishes its snapshot to <c>team:{id}</c> on change.
/// </summary>
public interface ITeamGrain : IGrainWithStringKey
{
    /// <summary>Called by the campaign: starts the team with the leader in seat 1.</summary>
    Task<Result<TeamJoin>> Open(TeamTerms terms, Shopper leader, Referral? referral = null);

    /// <summary>Refusals: <c>team_full</c>, <c>already_member</c>, <c>team_closed</c>, <c>not_found</c>, and the campaign's.</summary>
    Task<Result<TeamJoin>> Join(Shopper shopper, Referral? referral = null);

    Task<TeamSnapshot?> Get();

    Task<Result<OrderSnapshot>> Pay(string orderId, string shopperId);

    Task<OrderSnapshot?> GetOrder(string orderId);
}
