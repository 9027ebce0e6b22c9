using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Common;
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
    ILogger<TeamGrain> logger) : Grain, ITeamGrain, IRemindable
{
    private readonly IPersistentState<TeamState> _team = team;
    private readonly IPaymentGateway _gateway = gateway;
    private readonly TimeSpan _paymentWindow = orderOptions.Value.PaymentWindow;
    private readonly TimeProvider _clock = timeProvider;
    private readonly ILiveTopics _topics = topics;
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
            return Result<TeamJoin>.Fail(ErrorCodes.TeamClosed, $"Team {Id} is no longer forming.");
        }
        if (State.Seats.Exists(s => s.ShopperId == shopper.Id))
        {
            return Result<TeamJoin>.Fail(ErrorCodes.AlreadyMember, "The shopper already holds a seat in this team.");
        }
        if (State.Seats.Count >= terms.Size)
        {
            return Result<TeamJoin>.Fail(ErrorCodes.TeamFull, $"All {terms.Size} seats of team {Id} are taken.");
        }
        return await TakeSeatAsync(terms, shopper, leaderSeat: false, referral);
    }

    public Task<TeamSnapshot?> Get() => Task.FromResult(State.Terms is null ? null : Snapshot());

    public Task<OrderSnapshot?> GetOrder(string orderId) => Task.FromResult(State.Orders.GetValueOrDefault(orderId));

    private async Task<Result<TeamJoin>> TakeSeatAsync(TeamTerms terms, Shopper shopper, bool leaderSeat, Referral? referral)
    {
        var orderId = OrderIds.ForTeam(Id, State.NextSeq);
        var claimed = await GrainFactory.GetGrain<IGroupBuyGrain>(terms.GroupBuyId).ClaimSeat(new SeatRequest(Id, shopper.Id, orderId));
        if (!claimed.IsSuccess)
        {
            return Result<TeamJoin>.Fail(claimed.Error!);
        }
        var now = Now;
        var payBy = now + _paymentWindow < terms.ExpiresAt ? now + _paymentWindow : terms.ExpiresAt;
        var amount = leaderSeat ? terms.LeaderPrice : terms.Price;
        var order = new OrderSnapshot(orderId, OrderKind.GroupBuy, Id, terms.Sku, 1, amount, OrderStatus.PendingPayment, payBy, now, shopper.Id,
            referral is null ? null : new OrderReferral(referral.GroupId, referral.LeaderId, terms.CommissionRate, CommissionRates.Commission(amount, terms.CommissionRate)));
        State.Terms = terms;
        State.Seats.Add(new TeamSeat(shopper.Id, shopper.Name, orderId));
        State.Orders[orderId] = order;
        State.NextSeq++;
        OrderIndexes.List(_team, shopper.Id, order.Referral, new OrderRef(orderId, OrderKind.GroupBuy, Id, now));
        await CommitAsync();
        return Result<TeamJoin>.Ok(new TeamJoin(order, Snapshot()));
    }

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
