using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>Pay-by times, success and the deadline, on the manual clock.</summary>
public sealed class TeamClockTests
{
    [Fact]
    public async Task An_unpaid_seat_is_released_at_its_pay_by_time_and_its_unit_returns()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);
        Assert.Equal(28, (await campaign.Get())!.Remaining);

        silo.Clock.Advance(CommerceSilo.PaymentWindow - TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await silo.Team(joins[0].Team.Id).Get())!.Needed);
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var team = await silo.TeamWhenAsync(joins[0].Team.Id, t => t.Needed == 2);

        Assert.Equal(TeamStatus.Forming, team.Status);
        Assert.Equal([new TeamMember("shopper 1", true)], team.Members);
        Assert.Equal(OrderStatus.Cancelled, (await silo.Team(team.Id).GetOrder(joins[1].Order.Id))!.Status);
        Assert.Equal(29, (await campaign.Get())!.Remaining);
        Assert.Equal(2, (await campaign.Get())!.OpenTeams.Single().Needed);
    }

    [Fact]
    public async Task A_released_shopper_may_take_a_seat_again()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.TeamWhenAsync(joins[0].Team.Id, t => t.Needed == 2);

        var again = (await campaign.QuickJoin(Shopper(2))).Unwrap();

        Assert.Equal(joins[0].Team.Id, again.Team.Id);
        Assert.NotEqual(joins[1].Order.Id, again.Order.Id);
        Assert.Equal(2, (await silo.OrdersOf(Shopper(2))).Count);
    }

    [Fact]
    public async Task A_team_whose_seats_are_all_paid_succeeds_and_confirms_every_order()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2, 3);

        foreach (var join in joins)
        {
            await silo.PayAsync(join);
        }

        var team = (await silo.Team(joins[0].Team.Id).Get())!;
        Assert.Equal(TeamStatus.Succeeded, team.Status);
        Assert.Equal(3, team.Paid);
        foreach (var join in joins)
        {
            Assert.Equal(OrderStatus.Confirmed, (await silo.Team(team.Id).GetOrder(join.Order.Id))!.Status);
        }
        Assert.Equal([LeaderPrice, Price, Price], joins.Select(j => j.Order.Amount));
        Assert.Equal(27, (await campaign.Get())!.Remaining);
        Assert.Equal(new StockLevels(Stock - 30, 27, 3), (await silo.Product().Get())!.Stock);
        silo.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TeamStatus.Succeeded, (await silo.Team(team.Id).Get())!.Status);
    }

    [Fact]
    public async Task A_deadline_that_passes_first_fails_the_team_refunds_the_paid_and_returns_every_unit()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2), length: TimeSpan.FromHours(1));
        using var live = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");
        var failing = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(failing[0]);
        var formed = await campaign.FormAsync(silo, 4, 5, 6);
        foreach (var join in formed)
        {
            await silo.PayAsync(join);
        }

        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        var team = await silo.TeamWhenAsync(failing[0].Team.Id, t => t.Status == TeamStatus.Failed);

        Assert.Equal(OrderStatus.Refunded, (await silo.Team(team.Id).GetOrder(failing[0].Order.Id))!.Status);
        Assert.Equal(OrderStatus.Cancelled, (await silo.Team(team.Id).GetOrder(failing[1].Order.Id))!.Status);
        Assert.True(silo.Gateway().Refunds.ContainsKey(failing[0].Order.Id));
        Assert.False(silo.Gateway().Refunds.ContainsKey(formed[0].Order.Id));
        Assert.Equal(27, (await campaign.Get())!.Remaining);
        Assert.Equal(ErrorCodes.OrderClosed, (await silo.Team(team.Id).Pay(failing[1].Order.Id, failing[1].Order.ShopperId)).Error?.Code);

        silo.Clock.Advance(TimeSpan.FromMinutes(58));
        await live.WaitForAsync(s => s.Status == GroupBuyStatus.Ended);
        Assert.Equal(new StockLevels(Stock - 3, 0, 3), (await silo.Product().Get())!.Stock);
    }

    [Fact]
    public async Task Paying_a_cancelled_order_is_refused_and_charges_nothing()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.TeamWhenAsync(joins[0].Team.Id, t => t.Joined == 0);

        var paid = await silo.Team(joins[1].Team.Id).Pay(joins[1].Order.Id, joins[1].Order.ShopperId);

        Assert.Equal(ErrorCodes.OrderClosed, paid.Error?.Code);
        Assert.False(silo.Gateway().Charges.ContainsKey(joins[1].Order.Id));
    }

    [Fact]
    public async Task Paying_after_the_pay_by_time_before_the_reminder_ran_is_refused_too()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var join = (await campaign.OpenTeam(Shopper(1))).Unwrap();
        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.StartSiloAsync(CommerceSilo.Token);

        var paid = await silo.Team(join.Team.Id).Pay(join.Order.Id, join.Order.ShopperId);

        Assert.Equal(ErrorCodes.OrderClosed, paid.Error?.Code);
        Assert.Empty(silo.Gateway().Charges);
    }

    [Fact]
    public async Task Paying_twice_charges_once_and_only_the_owner_may_pay()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var join = (await campaign.OpenTeam(Shopper(1))).Unwrap();
        var team = silo.Team(join.Team.Id);

        Assert.Equal(ErrorCodes.NotFound, (await team.Pay(join.Order.Id, "someone-else")).Error?.Code);
        var first = (await team.Pay(join.Order.Id, join.Order.ShopperId)).Unwrap();
        var second = (await team.Pay(join.Order.Id, join.Order.ShopperId)).Unwrap();

        Assert.Equal(OrderStatus.Paid, first.Status);
        Assert.Equal(first, second);
        Assert.Single(silo.Gateway().Charges);
        Assert.Equal(LeaderPrice, silo.Gateway().Charges[join.Order.Id].Amount);
    }
}
