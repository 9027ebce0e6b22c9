using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// The group-buy lifecycle of domain.md as a plain model: what each command should answer and what the clock should
/// do, so the walk can compare the grains with it after every step.
/// </summary>
internal sealed class GroupBuyWorld(TimeSpan paymentWindow)
{
    /// <summary>The model's time: the walk starts it where the silo's clock starts, and moves it with the clock.</summary>
    public DateTimeOffset Now { get; set; }

    public List<ModelCampaign> Campaigns { get; } = [];

    public IEnumerable<ModelTeam> Teams => Campaigns.SelectMany(c => c.Teams);

    public IEnumerable<ModelOrder> Orders => Teams.SelectMany(t => t.Orders);

    /// <summary>Why joining this team is refused, in the order the team and then its campaign check.</summary>
    public string? JoinRefusal(ModelTeam team, string shopperId) =>
        !team.IsForming || Now >= team.ExpiresAt ? ErrorCodes.TeamClosed
        : team.Seats.Exists(o => o.ShopperId == shopperId) ? ErrorCodes.AlreadyMember
        : team.Needed == 0 ? ErrorCodes.TeamFull
        : Now < team.Campaign.Draft.StartsAt ? ErrorCodes.NotStarted
        : Now >= team.Campaign.Draft.EndsAt ? ErrorCodes.Ended
        : team.Campaign.SeatOf(shopperId) is not null ? ErrorCodes.AlreadyMember
        : team.Campaign.Remaining == 0 ? ErrorCodes.SoldOut
        : null;

    public ModelTeam OpenTeam(ModelCampaign campaign, string teamId)
    {
        var expiresAt = Min(Now + TimeSpan.FromSeconds(campaign.Draft.TeamWindowSeconds), campaign.Draft.EndsAt);
        var team = new ModelTeam(teamId, campaign, campaign.Teams.Count + 1, expiresAt);
        campaign.Teams.Add(team);
        return team;
    }

    /// <summary>A seat taken: an order pending payment until the payment window closes, never past the deadline.</summary>
    public ModelOrder TakeSeat(ModelTeam team, string shopperId, bool leader)
    {
        var draft = team.Campaign.Draft;
        var order = new ModelOrder(team.NextOrderId, team, shopperId, leader ? draft.LeaderPrice ?? draft.Price : draft.Price, Min(Now + paymentWindow, team.ExpiresAt));
        team.Seats.Add(order);
        team.Orders.Add(order);
        return order;
    }

    /// <summary>A charge taken for a pending order: it is paid, and the last seat paid forms the team.</summary>
    public void Paid(ModelOrder order)
    {
        order.Charged = true;
        order.Status = OrderStatus.Paid;
        SucceedIfComplete(order.Team);
    }

    /// <summary>The next instant the clock changes something: a deadline, a pay-by time, a campaign's start or end.</summary>
    public DateTimeOffset? NextInstant()
    {
        var instants = Teams.Where(t => t.IsForming)
            .SelectMany(t => t.Seats.Where(o => o.Status == OrderStatus.PendingPayment).Select(o => o.PayBy).Append(t.ExpiresAt))
            .Concat(Campaigns.SelectMany(c => new[] { c.Draft.StartsAt, c.Draft.EndsAt }))
            .Where(at => at > Now)
            .ToList();
        return instants.Count == 0 ? null : instants.Min();
    }

    /// <summary>Applies what is due at <see cref="Now"/>; returns the teams it changed.</summary>
    public List<ModelTeam> ApplyClock()
    {
        List<ModelTeam> changed = [];
        foreach (var team in Teams.Where(t => t.IsForming).ToList())
        {
            if (Now >= team.ExpiresAt)
            {
                Fail(team);
                changed.Add(team);
                continue;
            }
            var due = team.Seats.FindAll(o => o.Status == OrderStatus.PendingPayment && o.PayBy <= Now);
            foreach (var order in due)
            {
                if (order.Charged)
                {
                    order.Status = OrderStatus.Paid;
                }
                else
                {
                    order.Status = OrderStatus.Cancelled;
                    team.Seats.Remove(order);
                }
            }
            if (due.Count > 0)
            {
                SucceedIfComplete(team);
                changed.Add(team);
            }
        }
        return changed;
    }

    /// <summary>The deadline passed first: paid (or found charged) orders are refunded, pending ones cancelled.</summary>
    private static void Fail(ModelTeam team)
    {
        foreach (var order in team.Seats)
        {
            order.Status = order.Status == OrderStatus.Paid || order.Charged ? OrderStatus.Refunded : OrderStatus.Cancelled;
        }
        team.Status = TeamStatus.Failed;
    }

    private static void SucceedIfComplete(ModelTeam team)
    {
        if (!team.IsForming || team.Needed > 0 || !team.Seats.TrueForAll(o => o.Status == OrderStatus.Paid))
        {
            return;
        }
        team.Status = TeamStatus.Succeeded;
        team.Seats.ForEach(o => o.Status = OrderStatus.Confirmed);
        team.Campaign.Sold += team.Seats.Count;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
