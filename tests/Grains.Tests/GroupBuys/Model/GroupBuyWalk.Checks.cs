using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// The invariants of domain.md, checked against the grains: campaigns, product stock and the gateway after every step;
/// the teams a step touched (every team, order and order list on a full check).
/// </summary>
internal sealed partial class GroupBuyWalk
{
    private long _productVersion;

    private async Task CheckAsync(List<ModelTeam> touched, bool full)
    {
        foreach (var campaign in _world.Campaigns)
        {
            await CheckCampaignAsync(campaign);
        }
        var product = (await Silo.Product().Get())!;
        Assert.Equal(ExpectedStock(), product.Stock);
        Assert.True(product.Version >= _productVersion, $"The product went back from version {_productVersion} to {product.Version}.");
        _productVersion = product.Version;
        CheckGateway();
        foreach (var team in full ? _world.Teams : touched.Distinct())
        {
            CheckTeam(team, await Silo.Team(team.Id).Get(), changed: false);
            foreach (var order in team.Orders)
            {
                await CheckOrderAsync(order);
            }
        }
        if (full)
        {
            await CheckRemainingFromTeamsAsync();
            for (var n = 1; n <= Shoppers; n++)
            {
                var shopper = Shopper(n).Id;
                Assert.Equal(_world.Orders.Where(o => o.ShopperId == shopper).Select(o => o.Id).Order(StringComparer.Ordinal),
                    (await Silo.ListedFor(shopper)).Order(StringComparer.Ordinal));
            }
        }
    }

    private async Task CheckCampaignAsync(ModelCampaign campaign)
    {
        var snapshot = (await Silo.Campaign(campaign.Id).Get())!;
        Assert.InRange(snapshot.Remaining, 0, snapshot.Quantity);
        Assert.Equal(campaign.Remaining, snapshot.Remaining);
        Assert.Equal(campaign.StatusAt(_world.Now), snapshot.Status);
        Assert.Equal(campaign.OpenTeams(_world.Now), snapshot.OpenTeams);
        Assert.Equal(new TeamCounts(campaign.Forming.Count(), campaign.Teams.Count(t => t.Status == TeamStatus.Succeeded), campaign.Teams.Count(t => t.Status == TeamStatus.Failed)),
            snapshot.Teams);
        Assert.True(snapshot.Version >= campaign.Version, $"Campaign {campaign.Id} went back from version {campaign.Version} to {snapshot.Version}.");
        campaign.Version = snapshot.Version;
    }

    /// <summary>A team's seats never outnumber its size; a formed team's are all paid; the rest is what the model says.</summary>
    private void CheckTeam(ModelTeam team, TeamSnapshot? snapshot, bool changed)
    {
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Joined, 0, snapshot.Size);
        Assert.Equal(snapshot.Joined, snapshot.Members.Count);
        if (snapshot.Status == TeamStatus.Succeeded)
        {
            Assert.Equal(snapshot.Size, snapshot.Joined);
            Assert.All(snapshot.Members, m => Assert.True(m.Paid));
        }
        Assert.Equal(team.Status, snapshot.Status);
        Assert.Equal(team.ExpiresAt, snapshot.ExpiresAt);
        Assert.Equal(team.Campaign.Draft.TeamSize, snapshot.Size);
        Assert.Equal(team.Needed, snapshot.Needed);
        Assert.Equal(team.Seats.Select(o => new TeamMember(NameOf(o.ShopperId), o.WasPaid)), snapshot.Members);
        Assert.Equal(team.Seats.Count(o => o.WasPaid), snapshot.Paid);
        Assert.True(changed ? snapshot.Version > team.Version : snapshot.Version >= team.Version,
            $"Team {team.Id} moved from version {team.Version} to {snapshot.Version}.");
        team.Version = snapshot.Version;
    }

    /// <summary>Every acknowledged order is readable from its team, as the model has it.</summary>
    private async Task CheckOrderAsync(ModelOrder order)
    {
        var stored = await Silo.Team(order.Team.Id).GetOrder(order.Id);
        Assert.NotNull(stored);
        Assert.Equal((order.Id, order.Team.Id, order.ShopperId, order.Amount, order.PayBy, order.Status),
            (stored.Id, stored.RefId, stored.ShopperId, stored.Amount, stored.PayBy, stored.Status));
    }

    /// <summary>Remaining is what the teams say it is, without the model: quantity minus the seats of forming and succeeded teams.</summary>
    private async Task CheckRemainingFromTeamsAsync()
    {
        foreach (var campaign in _world.Campaigns)
        {
            var taken = 0;
            foreach (var team in campaign.Teams)
            {
                var snapshot = (await Silo.Team(team.Id).Get())!;
                taken += snapshot.Status == TeamStatus.Failed ? 0 : snapshot.Joined;
            }
            Assert.Equal(Math.Max(0, campaign.Draft.Quantity - taken), (await Silo.Campaign(campaign.Id).Get())!.Remaining);
        }
    }

    /// <summary>Money follows orders: paid and confirmed ones charged, refunded ones charged and refunded, cancelled ones never charged.</summary>
    private void CheckGateway()
    {
        foreach (var order in _world.Orders)
        {
            var charged = Charges.Charges.ContainsKey(order.Id);
            var refunded = Charges.Refunds.ContainsKey(order.Id);
            var expected = order.Status switch
            {
                OrderStatus.Paid or OrderStatus.Confirmed => (true, false),
                OrderStatus.Refunded => (true, refunded || _world.Now >= order.RefundBy),
                OrderStatus.Cancelled => (false, false),
                _ => (order.Charged, false),
            };
            Assert.True(expected == (charged, refunded), $"Order {order} is charged {charged}, refunded {refunded} at the gateway.");
        }
    }
}
