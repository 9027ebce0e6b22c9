using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>Creating sales for tests, and auditing a sale's whole ledger against the domain's invariants.</summary>
internal static class FlashSaleTestKit
{
    public const long Price = 990;

    public static Shopper Shopper(string id) => new(id, $"name of {id}");

    /// <summary>A product with <paramref name="stock"/> units and a sale of <paramref name="quantity"/> of them, live from now unless told.</summary>
    public static async Task<IFlashSaleGrain> CreateSaleAsync(
        TestCluster silo, string saleId, int quantity, int perUserLimit = 3, TimeSpan? startsIn = null, TimeSpan? duration = null, int stock = 1_000)
    {
        var sku = SkuOf(saleId);
        (await silo.GrainFactory.GetGrain<IProductGrain>(sku).Create(new ProductDraft(sku, "Flash item", Price, stock, "m1"))).Unwrap();
        var startsAt = silo.Clock.GetUtcNow() + (startsIn ?? TimeSpan.Zero);
        var sale = silo.GrainFactory.GetGrain<IFlashSaleGrain>(saleId);
        (await sale.Create(new FlashSaleDraft(sku, Price, quantity, startsAt, startsAt + (duration ?? TimeSpan.FromHours(1)), perUserLimit, "m1"))).Unwrap();
        return sale;
    }

    /// <summary>A reference to the sale in this silo (references from before a restart still point at the old silo).</summary>
    public static IFlashSaleGrain SaleIn(TestCluster silo, string saleId) => silo.GrainFactory.GetGrain<IFlashSaleGrain>(saleId);

    public static string SkuOf(string saleId) => $"sku-{saleId}";

    public static string OrderId(string saleId, long n) => OrderIds.ForFlashSale(saleId, n);

    /// <summary>
    /// Reads every order of the sale (ids are contiguous) and checks what must hold under any concurrency, crash or
    /// restart: sold + reserved within the quantity and equal to the orders holding units, no shopper over the limit,
    /// every acknowledged order there as acknowledged, and every order in its shopper's list exactly once.
    /// </summary>
    public static async Task<(FlashSaleSnapshot Sale, List<OrderSnapshot> Orders)> AuditAsync(
        TestCluster silo, string saleId, IEnumerable<OrderSnapshot> acknowledged)
    {
        var saleGrain = SaleIn(silo, saleId);
        var sale = (await saleGrain.Get())!;
        List<OrderSnapshot> orders = [];
        while (await saleGrain.GetOrder(OrderId(saleId, orders.Count + 1)) is { } order)
        {
            orders.Add(order);
        }
        var holding = orders.Where(o => o.Status is OrderStatus.PendingPayment or OrderStatus.Paid).ToList();
        Assert.Equal(holding.Where(o => o.Status == OrderStatus.Paid).Sum(o => o.Quantity), sale.Sold);
        Assert.Equal(holding.Where(o => o.Status == OrderStatus.PendingPayment).Sum(o => o.Quantity), sale.Reserved);
        Assert.InRange(sale.Sold + sale.Reserved, 0, sale.Quantity);
        Assert.Equal(sale.Quantity - sale.Sold - sale.Reserved, sale.Remaining);
        Assert.All(holding.GroupBy(o => o.ShopperId), shopper => Assert.InRange(shopper.Sum(o => o.Quantity), 1, sale.PerUserLimit));

        var byId = orders.ToDictionary(o => o.Id);
        foreach (var ack in acknowledged)
        {
            Assert.True(byId.TryGetValue(ack.Id, out var stored), $"acknowledged order {ack.Id} is missing");
            Assert.Equal((ack.ShopperId, ack.Quantity, ack.Amount, ack.PayBy), (stored.ShopperId, stored.Quantity, stored.Amount, stored.PayBy));
        }
        foreach (var shopper in orders.GroupBy(o => o.ShopperId))
        {
            var listed = (await silo.ListedFor(shopper.Key)).Where(id => id.StartsWith($"fs.{saleId}.", StringComparison.Ordinal)).ToList();
            Assert.Equal(shopper.Select(o => o.Id).Order(), listed.Order());
        }
        return (sale, orders);
    }
}
