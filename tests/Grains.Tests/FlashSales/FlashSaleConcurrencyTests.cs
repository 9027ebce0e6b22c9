using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.TestSupport;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleConcurrencyTests(PostgresFixture postgres)
{
    private const int Limit = 3;

    [Fact]
    public Task Ten_thousand_concurrent_purchases_on_memory_storage_never_oversell_and_keep_every_acknowledged_order() =>
        RushAsync(Store.Memory, attempts: 10_000, shoppers: 2_000, units: 500);

    [Fact]
    public Task Concurrent_purchases_on_sqlite_never_oversell_and_keep_every_acknowledged_order() =>
        RushAsync(Store.Sqlite, attempts: 2_000, shoppers: 400, units: 200);

    [Fact]
    public Task Concurrent_purchases_on_postgres_never_oversell_and_keep_every_acknowledged_order() =>
        RushAsync(Store.Postgres, attempts: 2_000, shoppers: 400, units: 200);

    [Fact]
    public async Task Concurrent_purchases_with_one_idempotency_key_make_one_order()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var sale = await CreateSaleAsync(silo, "same-key", quantity: 10);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => sale.Purchase(Shopper("u1"), 2, "tap-1"), CommerceSilo.Token)));

        Assert.Single(results.Select(r => r.Unwrap().Id).Distinct());
        Assert.Equal(2, (await sale.Get())!.Reserved);
        await sale.GetOrder(results[0].Unwrap().Id);   // answered once the outbox has delivered it
        Assert.Single(await silo.ListedFor("u1"));
    }

    private async Task RushAsync(Store store, int attempts, int shoppers, int units)
    {
        using var folder = new TempDirectory();
        await using var silo = await CommerceSilo.StartAsync(store, folder, postgres);
        var sale = await CreateSaleAsync(silo, "rush", quantity: units, perUserLimit: Limit);
        var random = new Random(7);
        var plan = Enumerable.Range(0, attempts).Select(i => (Shopper: $"u{random.Next(shoppers)}", Quantity: random.Next(1, 3), Key: $"k{i}")).ToArray();

        var results = await Task.WhenAll(plan.Select(a =>
            Task.Run(() => sale.Purchase(Shopper(a.Shopper), a.Quantity, a.Key), CommerceSilo.Token)));

        var acknowledged = results.Where(r => r.IsSuccess).Select(r => r.Value!).ToList();
        var (snapshot, orders) = await AuditAsync(silo, "rush", acknowledged);
        Assert.Equal(acknowledged.Count, orders.Count);
        Assert.Equal(acknowledged.Sum(o => o.Quantity), snapshot.Reserved);
        Assert.Equal(acknowledged.Count, acknowledged.Select(o => o.Id).Distinct().Count());
        Assert.All(acknowledged, o => Assert.Equal(OrderStatus.PendingPayment, o.Status));

        // Nothing is released during the rush, so units per shopper only grow and remaining only shrinks:
        // each refusal must still be true of the final state.
        var held = acknowledged.GroupBy(o => o.ShopperId).ToDictionary(g => g.Key, g => g.Sum(o => o.Quantity));
        var refusals = plan.Zip(results).Where(x => !x.Second.IsSuccess).ToList();
        Assert.All(refusals, x => Assert.Contains(x.Second.Error!.Code, new[] { ErrorCodes.SoldOut, ErrorCodes.LimitExceeded }));
        Assert.All(refusals.Where(x => x.Second.Error!.Code == ErrorCodes.LimitExceeded),
            x => Assert.True(held.GetValueOrDefault(x.First.Shopper) + x.First.Quantity > Limit, $"{x.First} was refused for its limit"));
        Assert.All(refusals.Where(x => x.Second.Error!.Code == ErrorCodes.SoldOut),
            x => Assert.True(snapshot.Remaining < x.First.Quantity, $"{x.First} was refused as sold out with {snapshot.Remaining} left"));
        Assert.Contains(refusals, x => x.Second.Error!.Code == ErrorCodes.SoldOut && x.First.Quantity == 1);
        Assert.Equal(0, snapshot.Remaining);
    }
}
