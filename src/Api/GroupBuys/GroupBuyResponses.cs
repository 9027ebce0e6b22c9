using GroupBuy.Api.Orders;
using GroupBuy.Grains.Interfaces.GroupBuys;

namespace GroupBuy.Api.GroupBuys;

public sealed record OpenTeamResponse(string Id, int Needed, DateTimeOffset ExpiresAt);

/// <summary>How many teams are forming, have formed and have failed (an addition to the contract's shape).</summary>
public sealed record TeamCountsResponse(int Forming, int Succeeded, int Failed);

/// <summary>The contract's <c>GroupBuy</c>; <c>openTeams</c> lists forming teams, fewest needed first, at most 20.</summary>
public sealed record GroupBuyResponse(
    string Id, string Sku, long Price, long LeaderPrice, long SoloPrice, int TeamSize, int TeamWindowSeconds, int Quantity, int Remaining,
    GroupBuyStatus Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, IReadOnlyList<OpenTeamResponse> OpenTeams, long Version, DateTimeOffset ServerTime,
    decimal CommissionRate, TeamCountsResponse Teams)
{
    public static GroupBuyResponse From(GroupBuySnapshot g) =>
        new(g.Id, g.Sku, g.Price, g.LeaderPrice, g.SoloPrice, g.TeamSize, g.TeamWindowSeconds, g.Quantity, g.Remaining, g.Status, g.StartsAt, g.EndsAt,
            [.. g.OpenTeams.Take(20).Select(t => new OpenTeamResponse(t.TeamId, t.Needed, t.ExpiresAt))], g.Version, g.ServerTime, g.CommissionRate,
            new(g.Teams.Forming, g.Teams.Succeeded, g.Teams.Failed));
}

public sealed record TeamMemberResponse(string Name, bool Paid);

/// <summary>The contract's <c>Team</c>: members by display name only, in seat order.</summary>
public sealed record TeamResponse(
    string Id, string GroupBuyId, int Size, int Joined, int Paid, int Needed, TeamStatus Status, DateTimeOffset ExpiresAt,
    IReadOnlyList<TeamMemberResponse> Members, long Version, DateTimeOffset ServerTime)
{
    public static TeamResponse From(TeamSnapshot t) =>
        new(t.Id, t.GroupBuyId, t.Size, t.Joined, t.Paid, t.Needed, t.Status, t.ExpiresAt, [.. t.Members.Select(m => new TeamMemberResponse(m.Name, m.Paid))], t.Version, t.ServerTime);
}

public sealed record TeamJoinResponse(OrderResponse Order, TeamResponse Team)
{
    public static TeamJoinResponse From(TeamJoin join) => new(OrderResponse.From(join.Order), TeamResponse.From(join.Team));
}
