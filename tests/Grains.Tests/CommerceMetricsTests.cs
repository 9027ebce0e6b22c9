using System.Diagnostics.Metrics;
using GroupBuy.Grains.Diagnostics;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Grains.Tests.GroupBuys;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace GroupBuy.Grains.Tests;

/// <summary>The commerce meter counts what the grains decide: orders by status, refusals by code, teams by outcome.</summary>
public sealed class CommerceMetricsTests
{
    [Fact]
    public async Task A_flash_sale_counts_orders_placed_paid_and_expired_and_purchases_refused_by_code()
    {
        await using var silo = await CommerceSilo.StartAsync();
        using var orders = Collect(silo, "groupbuy.orders");
        using var refusals = Collect(silo, "groupbuy.refusals");
        var sale = await FlashSaleTestKit.CreateSaleAsync(silo, "metrics", quantity: 2, perUserLimit: 1);
        var paid = (await sale.Purchase(FlashSaleTestKit.Shopper("u1"), 1, null)).Unwrap();
        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(FlashSaleTestKit.Shopper("u1"), 1, null)).Error?.Code);
        (await sale.Purchase(FlashSaleTestKit.Shopper("u2"), 1, null)).Unwrap();
        Assert.Equal(ErrorCodes.SoldOut, (await sale.Purchase(FlashSaleTestKit.Shopper("u3"), 1, null)).Error?.Code);
        (await sale.Pay(paid.Id, "u1")).Unwrap();
        using var live = new LiveWatcher(silo, "metrics");

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await live.WaitFor(s => s.Reserved == 0);

        Assert.Equal(2, Sum(orders, ("order.kind", "flash_sale"), ("order.status", "pending_payment")));
        Assert.Equal(1, Sum(orders, ("order.kind", "flash_sale"), ("order.status", "paid")));
        Assert.Equal(1, Sum(orders, ("order.kind", "flash_sale"), ("order.status", "cancelled")));
        Assert.Equal(1, Sum(refusals, ("order.kind", "flash_sale"), ("error.code", ErrorCodes.LimitExceeded)));
        Assert.Equal(1, Sum(refusals, ("order.kind", "flash_sale"), ("error.code", ErrorCodes.SoldOut)));
    }

    [Fact]
    public async Task Teams_count_their_orders_their_refusals_and_how_they_closed()
    {
        await using var silo = await CommerceSilo.StartAsync();
        using var orders = Collect(silo, "groupbuy.orders");
        using var refusals = Collect(silo, "groupbuy.refusals");
        using var teams = Collect(silo, "groupbuy.teams.closed");
        using var campaignLive = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2));
        var failing = (await campaign.OpenTeam(GroupBuyKit.Shopper(1))).Unwrap();
        var winning = await campaign.FormAsync(silo, 4, 5, 6);
        (await silo.Team(failing.Team.Id).Join(GroupBuyKit.Shopper(2))).Unwrap();
        Assert.Equal(ErrorCodes.AlreadyMember, (await silo.Team(failing.Team.Id).Join(GroupBuyKit.Shopper(2))).Error?.Code);
        Assert.Equal(ErrorCodes.TeamFull, (await silo.Team(winning[0].Team.Id).Join(GroupBuyKit.Shopper(7))).Error?.Code);
        await silo.PayAsync(failing);
        foreach (var join in winning)
        {
            await silo.PayAsync(join);
        }
        using var failingLive = new LiveRecorder<TeamSnapshot>(silo, $"team:{failing.Team.Id}");

        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await failingLive.WaitForAsync(t => t.Status == TeamStatus.Failed);

        Assert.Equal(5, Sum(orders, ("order.kind", "group_buy"), ("order.status", "pending_payment")));
        Assert.Equal(4, Sum(orders, ("order.kind", "group_buy"), ("order.status", "paid")));
        Assert.Equal(3, Sum(orders, ("order.kind", "group_buy"), ("order.status", "confirmed")));
        Assert.Equal(1, Sum(orders, ("order.kind", "group_buy"), ("order.status", "refunded")));
        Assert.Equal(1, Sum(orders, ("order.kind", "group_buy"), ("order.status", "cancelled")));
        Assert.Equal(1, Sum(refusals, ("order.kind", "group_buy"), ("error.code", ErrorCodes.AlreadyMember)));
        Assert.Equal(1, Sum(refusals, ("order.kind", "group_buy"), ("error.code", ErrorCodes.TeamFull)));
        Assert.Equal(1, Sum(teams, ("team.outcome", "succeeded")));
        Assert.Equal(1, Sum(teams, ("team.outcome", "failed")));
    }

    private static MetricCollector<long> Collect(TestCluster silo, string instrument) =>
        new(silo.Services.GetRequiredService<IMeterFactory>(), CommerceMetrics.MeterName, instrument);

    private static long Sum(MetricCollector<long> collector, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
            .Sum(m => m.Value);
}
