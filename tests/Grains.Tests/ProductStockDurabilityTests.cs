using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests;

/// <summary>The journaled stock on the durable stores: concurrent changes coalesce, and a crash keeps every acknowledged one.</summary>
public sealed class ProductStockDurabilityTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task Concurrent_reservations_and_settlements_survive_a_crash_exactly_as_acknowledged(Store store)
    {
        await using var silo = await CommerceSilo.StartAsync(store, _folder, postgres);
        var product = silo.GrainFactory.GetGrain<IProductGrain>("rice");
        (await product.Create(new ProductDraft("rice", "Rice, 5 kg", 4_990, 500, "m1"))).Unwrap();

        var ids = Enumerable.Range(0, 300).Select(i => $"group-buy:c{i}").ToList();
        var reserved = await Task.WhenAll(ids.Select(id => Task.Run(() => product.Reserve(id, 2), CommerceSilo.Token)));
        var held = ids.Where((_, i) => reserved[i].IsSuccess).ToList();
        var settled = await Task.WhenAll(held.Take(100).Select(id => Task.Run(() => product.Settle(id, 1, 1), CommerceSilo.Token)));
        var acknowledged = (await product.Get())!;
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        Assert.Equal(250, held.Count);
        Assert.All(reserved.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.InsufficientStock, r.Error?.Code));
        Assert.All(settled, s => Assert.True(s.IsSuccess));
        Assert.Equal(new StockLevels(100, 300, 100), acknowledged.Stock);
        var restarted = silo.GrainFactory.GetGrain<IProductGrain>("rice");
        Assert.Equal(acknowledged, await restarted.Get());
        Assert.Equal(new StockLevels(100, 298, 102), (await restarted.Settle(held[100], 2, 0)).Unwrap());
    }

    public void Dispose() => _folder.Dispose();
}
