using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// A seat's charge still on its way from an activation that was replaced (here: a silo that crashed but whose
/// call still runs) when the next activation settles the seat as never charged: the settlement closes the order id
/// at the gateway, so the late charge is refused. The stale activation answers its caller <c>order_closed</c> rather
/// than "retry", nothing is charged, and the team as stored never counts the seat as paid.
/// </summary>
public sealed class TeamLateChargeTests
{
    /// <summary>Inside the calls' response timeout, so the stale activation's caller is still waiting for its answer.</summary>
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);
    private readonly ControlledGateway _gateway = new();

    [Fact]
    public async Task A_seat_whose_charge_is_refused_as_closed_after_its_pay_by_time_answers_order_closed_and_stays_released()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var campaign = await silo.StartCampaignAsync(teamSize: 2, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        var (teamId, leader, member) = (joins[0].Team.Id, joins[0].Order, joins[1].Order);
        await silo.PayAsync(joins[1]);

        // The leader's charge, the one that would complete the team, is on its way across the pay-by time.
        var (paying, held, staleGone) = await ChargeOnItsWayAcrossACrashAsync(silo, teamId, leader, CommerceSilo.PaymentWindow);

        // The new activation settles the leader's seat as never charged (closing its id) and releases it.
        await silo.TeamWhenAsync(teamId, t => t.Joined == 1);
        held.TrySetResult();

        // The stale activation's charge is refused: its caller is told the order closed, not to retry.
        var refused = await paying;
        Assert.Equal(ErrorCodes.OrderClosed, refused.Error?.Code);
        Assert.Equal($"Order {leader.Id} was closed while its payment was under way; nothing was charged.", refused.Error?.Detail);
        // And it steps aside, since its memory still holds the seat as pending (bounded, so staying on fails the test).
        await staleGone.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);
        Assert.Equal([member.Id], _gateway.Charges.Keys);
        Assert.Equal([leader.Id], _gateway.Closed);

        // What is stored: the leader's order cancelled and its seat gone, the team still forming on the one paid seat.
        var team = silo.Team(teamId);
        Assert.Equal(OrderStatus.Cancelled, (await team.GetOrder(leader.Id))?.Status);
        var stored = (await team.Get())!;
        Assert.Equal((TeamStatus.Forming, 1, 1), (stored.Status, stored.Joined, stored.Paid));
        Assert.Equal([new TeamMember("shopper 2", true)], stored.Members);
        Assert.Equal(ErrorCodes.OrderClosed, (await team.Pay(leader.Id, leader.ShopperId)).Error?.Code);
        Assert.Equal([member.Id], _gateway.Charges.Keys);
        Assert.Equal(29, (await silo.Campaign().Get())!.Remaining);
    }

    [Fact]
    public async Task A_seat_whose_charge_is_refused_as_closed_after_the_team_deadline_answers_order_closed_and_is_cancelled_not_refunded()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(_gateway));
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2), length: TimeSpan.FromHours(1));
        var joins = await campaign.FormAsync(silo, 1, 2);
        var (teamId, leader, member) = (joins[0].Team.Id, joins[0].Order, joins[1].Order);
        await silo.PayAsync(joins[1]);

        // The leader's charge is on its way across the team's deadline.
        var (paying, held, staleGone) = await ChargeOnItsWayAcrossACrashAsync(silo, teamId, leader, TimeSpan.FromMinutes(2));

        // The new activation fails the team: the paid seat is refunded, the leader's settled as never charged.
        await silo.TeamWhenAsync(teamId, t => t.Status == TeamStatus.Failed);
        held.TrySetResult();

        var refused = await paying;
        Assert.Equal(ErrorCodes.OrderClosed, refused.Error?.Code);
        await staleGone.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);
        Assert.Equal([member.Id], _gateway.Charges.Keys);
        Assert.Equal([leader.Id], _gateway.Closed);

        // Cancelled, not refunded: the stored team never counted the leader's seat as paid, so owes it no refund.
        var team = silo.Team(teamId);
        Assert.Equal(OrderStatus.Cancelled, (await team.GetOrder(leader.Id))?.Status);
        Assert.Equal(OrderStatus.Refunded, (await team.GetOrder(member.Id))?.Status);
        var stored = (await team.Get())!;
        Assert.Equal([new TeamMember("shopper 1", false), new TeamMember("shopper 2", true)], stored.Members);
        Assert.Equal(1, stored.Paid);
        Assert.Equal(ErrorCodes.OrderClosed, (await team.Pay(leader.Id, leader.ShopperId)).Error?.Code);
        Assert.Equal([member.Id], _gateway.Charges.Keys);
        Assert.Equal(30, (await silo.Campaign().Get())!.Remaining);
    }

    /// <summary>
    /// Starts the leader's charge and holds it at the gateway, then crashes the silo ten seconds before
    /// <paramref name="closesAfter"/> and moves the clock past it, so the new silo's clock settles the seat while the
    /// stale charge still waits. The crash drops the call's timeout, not the call, so its answer can be awaited.
    /// </summary>
    private async Task<(Task<Result<OrderSnapshot>> Paying, TaskCompletionSource Held, Task StaleGone)> ChargeOnItsWayAcrossACrashAsync(
        TestCluster silo, string teamId, OrderSnapshot leader, TimeSpan closesAfter)
    {
        silo.Clock.Advance(closesAfter - TenSeconds);
        var held = _gateway.HoldBefore(leader.Id);
        var paying = silo.Team(teamId).Pay(leader.Id, leader.ShopperId);
        await _gateway.Called(leader.Id);
        var staleGone = silo.WhenDeactivated(silo.Team(teamId));
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        silo.Clock.Advance(TenSeconds);
        return (paying, held, staleGone);
    }
}
