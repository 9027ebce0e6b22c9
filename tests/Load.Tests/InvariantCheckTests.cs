using GroupBuy.Load.Client;
using GroupBuy.Load.Invariants;
using GroupBuy.Load.Metrics;
using GroupBuy.Load.Scenarios;

namespace GroupBuy.Load.Tests;

/// <summary>The end-of-run check against a real server: it says which invariant broke.</summary>
public sealed class InvariantCheckTests(LoadServer server) : IClassFixture<LoadServer>
{
    [Fact]
    public async Task An_acknowledged_purchase_without_its_order_breaks_the_run_and_is_named()
    {
        using var http = new LoadHttp(server.Address, new Recorder());
        var seeder = new Seeder(http, "inv");
        var shopper = (await seeder.ShoppersAsync("s", 1, TestContext.Current.CancellationToken))[0];
        var ledger = new Ledger();
        ledger.Orders.Add(new AcknowledgedOrder("fs-00000000000000000000000000000000-1", "none", shopper.Token));

        var results = await InvariantChecker.CheckAsync(http, ledger, TestContext.Current.CancellationToken);

        var broken = Assert.Single(results, r => !r.Held);
        Assert.Equal("every acknowledged purchase has its order", broken.Name);
        Assert.Contains("1 of 1 acknowledged orders are missing", broken.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_read_back_by_their_owners_hold()
    {
        using var http = new LoadHttp(server.Address, new Recorder());
        var seeder = new Seeder(http, "inv2");
        var cancellationToken = TestContext.Current.CancellationToken;
        var merchant = await seeder.MerchantAsync(cancellationToken);
        var sku = await seeder.ProductAsync(merchant, "tea", 5, cancellationToken);
        var saleId = (await seeder.FlashSaleAsync(merchant, sku, 5, 1, TimeSpan.FromHours(1), cancellationToken))["id"]!.GetValue<string>();
        var shopper = (await seeder.ShoppersAsync("s", 1, cancellationToken))[0];
        var order = await http.PostAsync("purchase", $"/api/flash-sales/{saleId}/purchases", shopper.Token, new { quantity = 1 }, cancellationToken);
        var ledger = new Ledger();
        ledger.FlashSales[saleId] = 0;
        ledger.Orders.Add(new AcknowledgedOrder(order.Text("id"), saleId, shopper.Token));

        var results = await InvariantChecker.CheckAsync(http, ledger, cancellationToken);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Held, r.Detail));
        Assert.Contains("reserved 1, remaining 4", results[1].Detail, StringComparison.Ordinal);
    }
}
