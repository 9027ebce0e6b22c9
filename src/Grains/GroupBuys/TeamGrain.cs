using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Common;
using GroupBuy.Grains.Diagnostics;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// One team of a group buy. Non-reentrant: a seat is checked and taken in one turn, across its await of
/// the campaign's ClaimSeat, and a payment in flight cannot interleave with expiry. Every change is
/// stored (with its orders' rows in the shoppers' lists, in the same commit), then its outbox delivered
/// (the campaign, refunds), then published to <c>team:{id}</c>.
/// </summary>
[GrainType("team")]
public sealed partial class TeamGrain(
    [PersistentState("team")] IPersistentState<TeamState> team,
    IPaymentGateway gateway,
    IOptions<OrderOptions> orderOptions,
    TimeProvider timeProvider,
    ILiveTopics topics,
    CommerceMetrics metrics,
    ILogger<TeamGrain> logger) : Grain, ITeamGrain, IRemindable
{
    private readonly IPersistentState<TeamState> _team = team;
    private readonly IPaymentGateway _gateway = gateway;
    private readonly TimeSpan _paymentWindow = orderOptions.Value.PaymentWindow;
    private readonly TimeProvider _clock = timeProvider;
    private readonly ILiveTopics _topics = topics;
    private readonly CommerceMetrics _metrics = metrics;
    private readonly ILogger _logger = logger;

    private TeamState State => _team.State;

    private TeamTerms Terms => State.Terms ?? throw new InvalidOperationException("The team is not open.");

    private string Id => GetPrimaryKeyString();

    private DateTimeOffset Now => _clock.GetUtcNow();

    private IGroupBuyGrain Campaign => GrainFactory.GetGrain<IGroupBuyGrain>(Terms.GroupBuyId);

    public async Task<Result<TeamJoin>> Open(TeamTerms terms, Shopper leader, Referral? referral = null) =>
        State.Terms is null
            ? await TakeSeatAsync(terms, leader, leaderSeat: true, referral)
            : Result<TeamJoin>.Fail(ErrorCodes.Conflict, $"Team {Id} is already open.");

    public async Task<Result<TeamJoin>> Join(Shopper shopper, Referral? referral = null)
    {
        if (State.Terms is not { } terms)
        {
            return Result<TeamJoin>.Fail(ErrorCodes.NotFound, $"Team {Id} does not exist.");
        }
        await ApplyClockAsync();
        if (State.Status != TeamStatus.Forming || Now >= terms.ExpiresAt)
        {
            return Refused(new(ErrorCodes.TeamClosed, $"Team {Id} is no longer forming."));
        }
        if (State.Seats.Exists(s => s.ShopperId == shopper.Id))
        {
            return Refused(new(ErrorCodes.AlreadyMember, "The shopper already holds a seat in this team."));
        }
        if (State.Seats.Count >= terms.Size)
        {
            return Refused(new(ErrorCodes.TeamFull, $"All {terms.Size} seats of team {Id} are taken."));
        }
        return await TakeSeatAsync(terms, shopper, leaderSeat: false, referral);
    }

    public Task<TeamSnapshot?> Get() => Task.FromResult(State.Terms is null ? null : Snapshot());

    public Task<OrderSnapshot?> GetOrder(string orderId) => Task.FromResult(State.Orders.GetValueOrDefault(orderId));

    private async Task<Result<TeamJoin>> TakeSeatAsync(TeamTerms terms, Shopper shopper, bool leaderSeat, Referral? referral)
    {
        var campaign = GrainFactory.GetGrain<IGroupBuyGrain>(terms.GroupBuyId);
        var claim = new SeatRequest(Id, shopper.Id, OrderIds.ForTeam(Id, State.NextSeq));
        var claimed = await campaign.ClaimSeat(claim);
        if (!claimed.IsSuccess)
        {
            return Refused(claimed.Error!);
        }
        try
        {
            // Armed for the new seat before the seat exists (its pay-by can only be later), so a reminder
            // table that fails leaves nothing in memory for a later write to store unacknowledged.
            await ArmClockAsync(force: false, alsoAt: PayBy(terms, Now));
        }
        catch
        {
            await campaign.ReleaseSeats([claim]);
            throw;
        }
        var now = Now;
        if (now >= terms.ExpiresAt)
        {
            // The deadline passed during the awaits: refused as a join to a closed team is, never acknowledged with a pay-by already gone.
            await campaign.ReleaseSeats([claim]);
            return Refused(new(ErrorCodes.TeamClosed, $"Team {Id} is no longer forming."));
        }
        // Nothing can fail from here to the write (the reminder is early enough already; a failed write drops
        // the activation), so the seat is in memory only if it is stored and acknowledged.
        var amount = leaderSeat ? terms.LeaderPrice : terms.Price;
        var order = new OrderSnapshot(claim.OrderId, OrderKind.GroupBuy, Id, terms.Sku, 1, amount, OrderStatus.PendingPayment, PayBy(terms, now), now, shopper.Id,
            referral is null ? null : new OrderReferral(referral.GroupId, referral.LeaderId, terms.CommissionRate, CommissionRates.Commission(amount, terms.CommissionRate)));
        State.Terms = terms;
        State.Seats.Add(new TeamSeat(shopper.Id, shopper.Name, claim.OrderId));
        State.Orders[claim.OrderId] = order;
        State.NextSeq++;
        OrderIndexes.List(_team, shopper.Id, order.Referral, new OrderRef(claim.OrderId, OrderKind.GroupBuy, Id, now));
        await CommitAsync();
        _metrics.OrdersMoved(OrderKind.GroupBuy, OrderStatus.PendingPayment);
        return Result<TeamJoin>.Ok(new TeamJoin(order, Snapshot()));
    }

    private Result<TeamJoin> Refused(DomainError error)
    {
        _metrics.Refused(OrderKind.GroupBuy, error.Code);
        return Result<TeamJoin>.Fail(error);
    }

    /// <summary>A seat taken at <paramref name="now"/> is payable for the payment window, but never past the deadline.</summary>
    private DateTimeOffset PayBy(TeamTerms terms, DateTimeOffset now) =>
        now + _paymentWindow < terms.ExpiresAt ? now + _paymentWindow : terms.ExpiresAt;

    private TeamSnapshot Snapshot()
    {
        var terms = Terms;
        List<TeamMember> members = [.. State.Seats.Select(s => new TeamMember(s.Name, WasPaid(State.Orders[s.OrderId])))];
        var joined = members.Count;
        return new TeamSnapshot(Id, terms.GroupBuyId, terms.Size, joined, members.Count(m => m.Paid), terms.Size - joined, State.Status,
            terms.ExpiresAt, members, State.Version, Now);
    }

    /// <summary>A seat counts as paid once its shopper paid, including after a failed team refunded it.</summary>
    private static bool WasPaid(OrderSnapshot order) => order.Status is OrderStatus.Paid or OrderStatus.Confirmed or OrderStatus.Refunded;

    private void Publish()
    {
        var topic = $"team:{Id}";
        if (_topics.HasSubscribers(topic))
        {
            _topics.Publish(topic, Snapshot());
        }
    }
}
