using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// A group-buy campaign: the unit pool taken from the product, the authority for "one seat per shopper
/// among the forming teams", the quick-join dispatcher and the open-teams list.
/// <para>
/// Deadlock freedom. The campaign is <c>[Reentrant]</c> and every check-then-act is synchronous inside one
/// turn (no await between a check and its change; the write comes after), so interleaving is safe. Teams
/// are non-reentrant and call the campaign (ClaimSeat, ReleaseSeats, TeamChanged) from inside their turn;
/// the campaign calls teams (Open, Join, Get) while it awaits. A wait cycle would need a grain that blocks
/// its callers to wait, directly or not, on itself: a team waits only on the campaign (which admits every
/// call, even while it awaits a team), on shopper order lists and the gateway; the handlers teams call
/// wait only on storage and the product; shoppers and products call nobody. Neither grain calls another
/// from <c>OnActivateAsync</c> (recovery runs as a timer turn), so no activation waits on a cycle either.
/// </para>
/// </summary>
[Reentrant]
[GrainType("group-buy")]
public sealed partial class GroupBuyGrain(
    [PersistentState("group-buy")] IPersistentState<GroupBuyState> campaign,
    TimeProvider timeProvider,
    ILiveTopics topics,
    ILogger<GroupBuyGrain> logger) : Grain, IGroupBuyGrain, IRemindable
{
    private const int OpenTeamsShown = 20;

    private readonly IPersistentState<GroupBuyState> _campaign = campaign;
    private readonly TimeProvider _clock = timeProvider;
    private readonly ILiveTopics _topics = topics;
    private readonly ILogger _logger = logger;
    private SeatBook? _seats;
    private List<string>? _forming;
    private bool _creating;
    private long _published;

    private GroupBuyState State => _campaign.State;

    private GroupBuyDraft Draft => State.Draft ?? throw new InvalidOperationException("The group buy does not exist.");

    private string Id => GetPrimaryKeyString();

    private string ReservationId => $"group-buy:{Id}";

    private DateTimeOffset Now => _clock.GetUtcNow();

    private SeatBook Seats => _seats ??= new SeatBook(State.Seats);

    private TeamCounts Outcomes => new(Forming.Count, State.TeamsSucceeded, State.TeamsFailed);

    /// <summary>Forming teams in the order they were opened.</summary>
    private List<string> Forming => _forming ??= [.. State.Teams.Where(t => t.Value.IsForming).OrderBy(t => t.Value.Ordinal).Select(t => t.Key)];

    private int Remaining => Math.Max(0, Draft.Quantity - Seats.Held - State.Sold);

    public async Task<Result<GroupBuySnapshot>> Create(GroupBuyDraft draft)
    {
        if (State.Draft == draft)
        {
            // The same campaign again (a retry under the same idempotency key after a crash): it already exists, and
            // is answered once stored (the first creation's write may still be in flight).
            await _campaign.WriteStateAsync();
            return Result<GroupBuySnapshot>.Ok(Snapshot(Now));
        }
        if (State.Draft is not null || _creating)
        {
            return Result<GroupBuySnapshot>.Fail(ErrorCodes.Conflict, $"Group buy {Id} already exists.");
        }
        if (GroupBuyDrafts.Problem(draft) is { } problem)
        {
            return Result<GroupBuySnapshot>.Fail(ErrorCodes.Validation, problem);
        }
        _creating = true;
        try
        {
            // Reserving again under the same id with the same quantity changes nothing, so a crash before the write
            // below leaves nothing to undo (a retry with another quantity is refused as a conflict).
            var reserved = await GrainFactory.GetGrain<IProductGrain>(draft.Sku).Reserve(ReservationId, draft.Quantity);
            if (!reserved.IsSuccess)
            {
                return Result<GroupBuySnapshot>.Fail(reserved.Error!);
            }
            await ArmClockAsync(draft, force: true);
            State.Draft = draft;
            await CommitAsync();
        }
        finally
        {
            _creating = false;
        }
        return Result<GroupBuySnapshot>.Ok(Snapshot(Now));
    }

    public Task<GroupBuySnapshot?> Get() => Task.FromResult(State.Draft is null ? null : Snapshot(Now));

    /// <summary>
    /// A change made synchronously before this call gets a new version and is written; then, when units may have
    /// been sold or given back, the product is settled; then the snapshot is published.
    /// </summary>
    private async Task CommitAsync(bool settle = false)
    {
        State.Version++;
        await _campaign.WriteStateAsync();
        try
        {
            if (settle)
            {
                await SettleAsync();
            }
        }
        finally
        {
            Publish();
        }
    }

    /// <summary>Versions published to a topic rise strictly: interleaved commits publish only what is newer.</summary>
    private void Publish()
    {
        var topic = $"group-buy:{Id}";
        if (State.Version > _published && _topics.HasSubscribers(topic))
        {
            _published = State.Version;
            _topics.Publish(topic, Snapshot(Now));
        }
    }

    private GroupBuySnapshot Snapshot(DateTimeOffset now)
    {
        var draft = Draft;
        return new GroupBuySnapshot(Id, draft.Sku, draft.Price, draft.LeaderPrice ?? draft.Price, draft.SoloPrice, draft.TeamSize,
            draft.TeamWindowSeconds, draft.Quantity, Remaining, StatusAt(now), draft.StartsAt, draft.EndsAt, OpenTeams(now),
            draft.MerchantId, State.Version, now, draft.CommissionRate, Outcomes);
    }

    private GroupBuyStatus StatusAt(DateTimeOffset now) =>
        now < Draft.StartsAt ? GroupBuyStatus.Scheduled
        : now >= Draft.EndsAt ? GroupBuyStatus.Ended
        : Remaining == 0 ? GroupBuyStatus.SoldOut
        : GroupBuyStatus.Live;

    /// <summary>Forming teams that a shopper can join now, fewest needed first, then the earliest opened.</summary>
    private List<OpenTeam> OpenTeams(DateTimeOffset now)
    {
        var size = Draft.TeamSize;
        return [.. Forming
            .Select(id => (Id: id, Team: State.Teams[id], Needed: size - Seats.HeldIn(id)))
            .Where(t => t.Needed > 0 && t.Needed < size && t.Team.ExpiresAt > now)
            .OrderBy(t => t.Needed)
            .ThenBy(t => t.Team.Ordinal)
            .Take(OpenTeamsShown)
            .Select(t => new OpenTeam(t.Id, t.Needed, t.Team.ExpiresAt))];
    }

    private ITeamGrain Team(string teamId) => GrainFactory.GetGrain<ITeamGrain>(teamId);
}
