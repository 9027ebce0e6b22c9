using GroupBuy.Grains.Interfaces.GroupBuys;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// A team as its campaign knows it. <see cref="Confirmed"/> turns true once the team has told the campaign
/// it exists (a team whose opening a crash cut short is found and dropped on the campaign's next activation).
/// </summary>
public sealed record CampaignTeam(long Ordinal, DateTimeOffset ExpiresAt, bool Confirmed, TeamStatus Status, int Sold)
{
    public bool IsForming => Status == TeamStatus.Forming;
}

/// <summary>
/// A campaign's durable state. Units: <c>quantity = free + held + sold</c>, where held are the seats in
/// <see cref="Seats"/> (pending or paid, in forming teams) and sold the units of succeeded teams.
/// </summary>
public sealed class GroupBuyState
{
    public GroupBuyDraft? Draft { get; set; }

    public long Version { get; set; }

    /// <summary>How many teams were ever opened: each team's ordinal, so earlier teams fill first.</summary>
    public long TeamsOpened { get; set; }

    /// <summary>
    /// The teams still forming. A team that closes leaves, counted in <see cref="TeamsSucceeded"/> or
    /// <see cref="TeamsFailed"/>, so that this state, written whole on every change, stays the size of what is forming
    /// however many teams the campaign has seen: a late or repeated notice about a closed team finds no forming team
    /// and changes nothing. (States stored before 2026-11-22 list closed teams too; activation folds them in.)
    /// </summary>
    public Dictionary<string, CampaignTeam> Teams { get; set; } = new(StringComparer.Ordinal);

    public int TeamsSucceeded { get; set; }

    public int TeamsFailed { get; set; }

    /// <summary>The held seats, by order id.</summary>
    public Dictionary<string, SeatRequest> Seats { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Units sold: the seats of succeeded teams.</summary>
    public int Sold { get; set; }

    /// <summary>Units given back to the product; only once the campaign has ended (until then they are sold again).</summary>
    public int Released { get; set; }
}
