using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleSnapshotTests
{
    [Fact]
    public async Task A_ledger_loaded_from_a_snapshot_keeps_its_limits_keys_and_deadlines()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 3));
        var sale = await CreateSaleAsync(silo, "snap", quantity: 20, perUserLimit: 3);
        var paid = (await sale.Purchase(Shopper("u1"), 2, "k1")).Unwrap();
        (await sale.Pay(paid.Id, "u1")).Unwrap();
        var pending = (await sale.Purchase(Shopper("u1"), 1, "k2")).Unwrap();
        (await sale.Purchase(Shopper("u2"), 3, null)).Unwrap();

        await silo.RestartAsync(CommerceSilo.Token);
        Assert.NotNull(await silo.Storage.ReadSnapshotAsync("ledger", new GrainId("flash-sale", "snap"), CommerceSilo.Token));
        sale = SaleIn(silo, "snap");
        using var live = new LiveWatcher(silo, "snap");

        Assert.Equal(ErrorCodes.LimitExceeded, (await sale.Purchase(Shopper("u1"), 1, "k3")).Error?.Code);
        Assert.Equal(pending.Id, (await sale.Purchase(Shopper("u1"), 1, "k2")).Unwrap().Id);
        Assert.Equal([OrderId("snap", 3)], await silo.ListedFor("u2"));
        Assert.Equal((2, 4), ((await sale.Get())!.Sold, (await sale.Get())!.Reserved));

        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await live.WaitFor(s => s.Reserved == 0);
        var (snapshot, orders) = await AuditAsync(silo, "snap", [paid, pending]);
        Assert.Equal([OrderStatus.Paid, OrderStatus.Cancelled, OrderStatus.Cancelled], orders.Select(o => o.Status));
        Assert.Equal(18, snapshot.Remaining);
    }
}
