using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// What teams ask of their campaign. Each handler decides and changes synchronously, then writes: a seat
/// is acknowledged to its team only once the campaign's record of it is durable.
/// </summary>
public sealed partial class GroupBuyGrain
{
    public async Task<Result<bool>> ClaimSeat(SeatRequest request)
    {
        if (Seats.Find(request.OrderId) == request)
        {
            // A repeat (the team's call timed out on a slow store): answered only once a write holding the seat is
            // stored, which may still be in flight for the first claim.
            await _campaign.WriteStateAsync();
            return Result<bool>.Ok(true);
        }
        var dropped = DropStaleClaims(request);
        var refusal = ClaimRefusal(request);
        if (refusal is null)
        {
            Seats.Take(request);
        }
        if (refusal is null || dropped)
        {
            await CommitAsync();
        }
        return refusal is null ? Result<bool>.Ok(true) : Result<bool>.Fail(refusal);
    }

    public async Task ReleaseSeats(IReadOnlyList<SeatRequest> seats)
    {
        if (State.Draft is null)
        {
            return;
        }
        var released = false;
        foreach (var seat in seats)
        {
            released |= Seats.Release(seat.OrderId, seat.TeamId);
        }
        if (released)
        {
            NoteReleased();
            await CommitAsync(settle: true);
        }
        else
        {
            await SettleAsync();
        }
    }

    public async Task TeamChanged(TeamSnapshot team)
    {
        if (State.Draft is null || team.GroupBuyId != Id || !State.Teams.TryGetValue(team.Id, out var entry))
        {
            return;
        }
        var changed = !entry.Confirmed;
        if (team.Status != TeamStatus.Forming)
        {
            Close(team.Id, team.Status, team.Status == TeamStatus.Succeeded ? team.Size : 0);
            changed = true;
        }
        else
        {
            State.Teams[team.Id] = entry with { Confirmed = true };
        }
        if (changed)
        {
            await CommitAsync(settle: true);
        }
        else
        {
            await SettleAsync();
        }
    }

    /// <summary>
    /// A team reuses an order id only when its earlier claim of it was never stored on the team's side (a
    /// crash between the claim and the team's write), and it claims a seat for a shopper only after it
    /// checked the shopper holds none in it: in both cases the campaign's record is stale, so it goes.
    /// </summary>
    private bool DropStaleClaims(SeatRequest request)
    {
        if (!State.Teams.TryGetValue(request.TeamId, out var team) || !team.IsForming)
        {
            return false;
        }
        var dropped = Seats.Find(request.OrderId) is { } reused && Seats.Release(reused.OrderId, reused.TeamId);
        if (Seats.HeldBy(request.ShopperId) is { } own && own.TeamId == request.TeamId)
        {
            dropped |= Seats.Release(own.OrderId, own.TeamId);
        }
        return dropped;
    }

    private DomainError? ClaimRefusal(SeatRequest request)
    {
        if (State.Draft is not { } draft)
        {
            return new DomainError(ErrorCodes.NotFound, $"Group buy {Id} does not exist.");
        }
        if (!State.Teams.TryGetValue(request.TeamId, out var team) || !team.IsForming)
        {
            return new DomainError(ErrorCodes.TeamClosed, $"Team {request.TeamId} is not forming in group buy {Id}.");
        }
        var now = Now;
        if (now < draft.StartsAt)
        {
            return new DomainError(ErrorCodes.NotStarted, "The group buy has not started.");
        }
        if (now >= draft.EndsAt)
        {
            return new DomainError(ErrorCodes.Ended, "The group buy has ended.");
        }
        if (Seats.HeldBy(request.ShopperId) is not null)
        {
            return new DomainError(ErrorCodes.AlreadyMember, "The shopper already holds a seat in a forming team of this group buy.");
        }
        return Remaining == 0 ? new DomainError(ErrorCodes.SoldOut, "No unit is left for a new seat.") : null;
    }

    /// <summary>A team reached its end: it leaves the state, counted; its seats are no longer held; a succeeded team's become sold.</summary>
    private void Close(string teamId, TeamStatus outcome, int sold)
    {
        State.TeamsSucceeded += outcome == TeamStatus.Succeeded ? 1 : 0;
        State.TeamsFailed += outcome == TeamStatus.Failed ? 1 : 0;
        State.Teams.Remove(teamId);
        Seats.ReleaseTeam(teamId);
        Forming.Remove(teamId);
        State.Sold += sold;
        NoteReleased();
    }
}
