using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Referrals;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// Opening teams and quick-joins. Many quick-joins at once must fill teams one after another and never
/// over-fill: each forming team counts the seats promised to quick-joins in flight, a quick-join picks the
/// team with the fewest free seats left after those promises, and a new team is opened only when no team
/// has one. A new team is registered (with its leader's seat promised) before it is asked to open, so the
/// quick-joins that follow see it at once. Picking and promising happen in one synchronous step.
/// </summary>
public sealed partial class GroupBuyGrain
{
    private readonly HashSet<string> _joining = new(StringComparer.Ordinal);
    private readonly HashSet<string> _opening = new(StringComparer.Ordinal);

    public async Task<Result<TeamJoin>> OpenTeam(Shopper shopper, Referral? referral = null)
    {
        if (Admit(shopper) is { } refusal)
        {
            return Result<TeamJoin>.Fail(refusal);
        }
        try
        {
            return await OpenNewTeamAsync(shopper, referral);
        }
        finally
        {
            _joining.Remove(shopper.Id);
        }
    }

    public async Task<Result<TeamJoin>> QuickJoin(Shopper shopper, Referral? referral = null)
    {
        if (Admit(shopper) is { } refusal)
        {
            return Result<TeamJoin>.Fail(refusal);
        }
        try
        {
            var tried = new HashSet<string>(StringComparer.Ordinal);
            while (PickTeam(tried) is { } teamId)
            {
                tried.Add(teamId);
                Seats.Promise(teamId, shopper.Id);
                Result<TeamJoin> joined;
                try
                {
                    joined = await Team(teamId).Join(shopper, referral);
                }
                finally
                {
                    Seats.Unpromise(teamId, shopper.Id);
                }
                // Lost a race for the last seat, or the team closed meanwhile: the next candidate.
                if (joined.IsSuccess || joined.Error!.Code is not (ErrorCodes.TeamFull or ErrorCodes.TeamClosed or ErrorCodes.NotFound))
                {
                    return joined;
                }
            }
            return await OpenNewTeamAsync(shopper, referral);
        }
        finally
        {
            _joining.Remove(shopper.Id);
        }
    }

    /// <summary>The campaign-wide checks before a shopper takes a seat; an admitted shopper is marked busy.</summary>
    private DomainError? Admit(Shopper shopper)
    {
        if (State.Draft is null)
        {
            return new DomainError(ErrorCodes.NotFound, $"Group buy {Id} does not exist.");
        }
        switch (StatusAt(Now))
        {
            case GroupBuyStatus.Scheduled:
                return new DomainError(ErrorCodes.NotStarted, "The group buy has not started.");
            case GroupBuyStatus.Ended:
                return new DomainError(ErrorCodes.Ended, "The group buy has ended.");
            case GroupBuyStatus.SoldOut:
                return new DomainError(ErrorCodes.SoldOut, "No unit is left for a new seat.");
        }
        return Seats.HeldBy(shopper.Id) is not null || !_joining.Add(shopper.Id)
            ? new DomainError(ErrorCodes.AlreadyMember, "The shopper already holds a seat in a forming team of this group buy.")
            : null;
    }

    /// <summary>The forming team with the fewest free seats after promises (but at least one); earlier teams win ties.</summary>
    private string? PickTeam(HashSet<string> tried)
    {
        var now = Now;
        string? best = null;
        var bestFree = int.MaxValue;
        foreach (var teamId in Forming)
        {
            if (tried.Contains(teamId) || State.Teams[teamId].ExpiresAt <= now)
            {
                continue;
            }
            var free = Draft.TeamSize - Seats.HeldIn(teamId) - Seats.PromisedIn(teamId);
            if (free > 0 && free < bestFree)
            {
                (best, bestFree) = (teamId, free);
            }
        }
        return best;
    }

    private async Task<Result<TeamJoin>> OpenNewTeamAsync(Shopper leader, Referral? referral)
    {
        var draft = Draft;
        var teamId = Guid.NewGuid().ToString("N");
        var expiresAt = Min(Now + TimeSpan.FromSeconds(draft.TeamWindowSeconds), draft.EndsAt);
        State.Teams[teamId] = new CampaignTeam(++State.TeamsOpened, expiresAt, Confirmed: false, TeamStatus.Forming, Sold: 0);
        Forming.Add(teamId);
        _opening.Add(teamId);
        Seats.Promise(teamId, leader.Id);
        Result<TeamJoin> opened;
        try
        {
            var terms = new TeamTerms(Id, draft.Sku, draft.Price, draft.LeaderPrice ?? draft.Price, draft.TeamSize, expiresAt, draft.CommissionRate);
            opened = await Team(teamId).Open(terms, leader, referral);
        }
        finally
        {
            _opening.Remove(teamId);
            Seats.Unpromise(teamId, leader.Id);
        }
        if (!opened.IsSuccess && Seats.HeldIn(teamId) == 0 && State.Teams.TryGetValue(teamId, out var team) && team is { IsForming: true, Confirmed: false })
        {
            // Refused before it took its first seat: the team never existed. The next write forgets it.
            State.Teams.Remove(teamId);
            Forming.Remove(teamId);
        }
        return opened;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
