using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Tests.GroupBuys.Model;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>A failed team owes refunds (to the gateway) and units (to its campaign): one cannot hold up the other.</summary>
public sealed class TeamRefundOutageTests
{
    [Fact]
    public async Task A_failed_team_gives_its_units_back_at_the_deadline_while_the_gateway_cannot_refund_and_refunds_once_it_can()
    {
        var gateway = new FlakyGateway { FailRefunds = int.MaxValue };
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(sp => gateway.Attach(sp.GetRequiredService<SimulatedPaymentGateway>())));
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2), length: TimeSpan.FromHours(1));
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);

        await silo.AdvanceByStepsAsync(TimeSpan.FromMinutes(2), CommerceSilo.Token);

        Assert.Equal(TeamStatus.Failed, (await silo.Team(joins[0].Team.Id).Get())!.Status);
        Assert.Equal(OrderStatus.Refunded, (await silo.Team(joins[0].Team.Id).GetOrder(joins[0].Order.Id))!.Status);
        Assert.Empty(gateway.Inner.Refunds);
        var snapshot = (await campaign.Get())!;
        Assert.Equal(30, snapshot.Remaining);
        Assert.Equal(new TeamCounts(0, 0, 1), snapshot.Teams);

        gateway.FailRefunds = 0;
        await silo.AdvanceByStepsAsync(TimeSpan.FromSeconds(30), CommerceSilo.Token);

        Assert.Equal([joins[0].Order.Id], gateway.Inner.Refunds.Keys);
    }
}
