using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleSettlementAndLiveTests
{
    [Fact]
    public async Task After_the_end_the_product_holds_the_paid_units_as_sold_and_gets_the_rest_back()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "settle", quantity: 10, duration: TimeSpan.FromMinutes(2), stock: 100);
        var product = silo.GrainFactory.GetGrain<IProductGrain>(SkuOf("settle"));
        foreach (var (shopper, units) in new[] { ("u1", 3), ("u2", 2) })
        {
            var order = (await sale.Purchase(Shopper(shopper), units, null)).Unwrap();
            (await sale.Pay(order.Id, shopper)).Unwrap();
        }
        (await sale.Purchase(Shopper("u3"), 1, null)).Unwrap();
        using var live = new LiveWatcher(silo, "settle");

        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await live.WaitFor(s => s.Status == FlashSaleStatus.Ended);
        Assert.Equal(new StockLevels(90, 5, 5), (await product.Get())!.Stock);   // u3's order may still be paid

        silo.Clock.Advance(CommerceSilo.PaymentWindow - TimeSpan.FromMinutes(2));
        await live.WaitFor(s => s.Reserved == 0);
        var stock = (await product.Get())!.Stock;
        Assert.Equal(new StockLevels(95, 0, 5), stock);
        Assert.Equal(100, stock.Available + stock.Reserved + stock.Sold);
    }

    [Fact]
    public async Task Watchers_see_versions_rise_strictly_up_to_sold_out_and_ended()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "watched", quantity: 20, duration: TimeSpan.FromMinutes(2));
        using var live = new LiveWatcher(silo, "watched");

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => sale.Purchase(Shopper($"u{i}"), 1, null), CommerceSilo.Token)));
        var soldOut = await live.WaitFor(s => s.Status == FlashSaleStatus.SoldOut);
        Assert.Equal((0, 20), (soldOut.Remaining, soldOut.Reserved));
        foreach (var order in results.Where(r => r.IsSuccess).Select(r => r.Value!))
        {
            (await sale.Pay(order.Id, order.ShopperId)).Unwrap();
        }

        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        var ended = await live.WaitFor(s => s.Status == FlashSaleStatus.Ended);

        var seen = live.Seen;
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.Second.Version > pair.First.Version, $"{pair.First.Version} then {pair.Second.Version}"));
        Assert.Same(ended, seen[^1]);
        Assert.Equal((20, 0), (ended.Sold, ended.Remaining));
        Assert.Equal(ended.Version, (await sale.Get())!.Version);
    }
}
