using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Interfaces.Referrals;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats;

public sealed class CommissionTests
{
    [Fact]
    public async Task Referred_orders_reach_the_leaders_commission_list_with_floor_of_amount_times_rate()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var referral = new Referral(ChatKit.GroupId, "leader");
        var sale = await silo.StartSaleAsync("melons", quantity: 100, commissionRate: 0.15m);
        var referred = new List<OrderSnapshot>();
        foreach (var (shopper, quantity) in new[] { ("m1", 1), ("m2", 2), ("m3", 3) })
        {
            referred.Add((await sale.Purchase(Person(shopper), quantity, null, referral)).Unwrap());
        }
        var direct = (await sale.Purchase(Person("m4"), 1, null)).Unwrap();
        (await sale.Pay(referred[0].Id, "m1")).Unwrap();

        (await silo.GrainFactory.GetGrain<IProductGrain>("rice").Create(new ProductDraft("rice", "Rice", 1_000, 50, "m1"))).Unwrap();
        var now = silo.Clock.GetUtcNow();
        var campaign = silo.GrainFactory.GetGrain<IGroupBuyGrain>("rice-gb");
        (await campaign.Create(new GroupBuyDraft("rice", 801, 505, 1_000, 3, 1_800, 30, now, now.AddHours(1), "m1", CommissionRate: 0.1m))).Unwrap();
        var opened = (await campaign.OpenTeam(Person("m1"), referral)).Unwrap();
        var team = silo.GrainFactory.GetGrain<ITeamGrain>(opened.Team.Id);
        referred.Add(opened.Order);
        referred.Add((await team.Join(Person("m2"), referral)).Unwrap().Order);
        var unreferredSeat = (await team.Join(Person("m3"))).Unwrap().Order;

        var listed = await silo.ReferredBy("leader");

        Assert.Equal(referred.Select(o => o.Id).Order(), listed.Order());
        Assert.DoesNotContain(listed, id => id == direct.Id || id == unreferredSeat.Id);
        Assert.Equal([298L, 597L, 895L, 50L, 80L], referred.Select(o => o.Referral!.Commission));
        Assert.All(referred, o => Assert.Equal(("g1", "leader"), (o.Referral!.GroupId, o.Referral.LeaderId)));
        Assert.Null(direct.Referral);
        Assert.Null(unreferredSeat.Referral);
        var paid = (await sale.GetOrder(referred[0].Id))!;
        Assert.Equal((OrderStatus.Paid, 298L), (paid.Status, paid.Referral!.Commission));
        Assert.Equal(0.1m, (await team.GetOrder(referred[4].Id))!.Referral!.Rate);
    }

    [Fact]
    public async Task A_referred_order_is_listed_for_its_leader_with_the_order_itself_and_once_after_a_crash_and_a_retry()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var sale = await silo.StartSaleAsync("figs", quantity: 10, commissionRate: 0.2m);
        var referral = new Referral(ChatKit.GroupId, "leader");
        gate.Hold("flash-sale");

        // The crash takes the append that carried both the order and the leader's row.
        _ = Task.Run(() => sale.Purchase(Person("m1"), 1, "tap", referral), CommerceSilo.Token);
        await gate.Hit;
        gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        Assert.Empty(await silo.ReferredBy("leader"));

        var placed = (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("figs").Purchase(Person("m1"), 1, "tap", referral)).Unwrap();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        var retried = (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("figs").Purchase(Person("m1"), 1, "tap", referral)).Unwrap();

        Assert.Equal(placed.Id, retried.Id);
        Assert.Equal([retried.Id], await silo.ReferredBy("leader"));
        Assert.Equal(398, retried.Referral!.Commission);
    }

    [Fact]
    public async Task A_commission_rate_outside_0_to_half_is_refused()
    {
        await using var silo = await CommerceSilo.StartAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.StartSaleAsync("too-much", quantity: 5, commissionRate: 0.6m));

        Assert.Contains("validation", refused.Message, StringComparison.Ordinal);
    }
}
