using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests;

/// <summary>The journaled stock: every answer waits for the append that holds it, and a crash keeps every acknowledged change.</summary>
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

    [Fact]
    public async Task A_change_and_its_repeat_are_answered_only_once_durable_and_a_crash_before_then_loses_both()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        (await silo.GrainFactory.GetGrain<IProductGrain>("rice").Create(new ProductDraft("rice", "Rice, 5 kg", 4_990, 10, "m1"))).Unwrap();
        gate.Hold("product");

        var rice = silo.GrainFactory.GetGrain<IProductGrain>("rice");
        var reserve = rice.Reserve("group-buy:c1", 4);
        await gate.Hit;
        // The repeat finds the reservation in memory, but must not answer before the append that holds it is stored. A
        // settle of an unknown id, queued after it, answers at once: by then the repeat has run up to its wait.
        var repeat = rice.Reserve("group-buy:c1", 4);
        Assert.Equal(ErrorCodes.NotFound, (await rice.Settle("group-buy:none", 1, 0)).Error?.Code);
        Assert.False(reserve.IsCompleted, "A reservation was answered before it was stored.");
        Assert.False(repeat.IsCompleted, "A repeat was answered before the reservation it found was stored.");
        gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        Assert.Equal(new StockLevels(10, 0, 0), (await silo.GrainFactory.GetGrain<IProductGrain>("rice").Get())!.Stock);
    }

    [Fact]
    public async Task A_sale_whose_creation_a_crash_cut_short_cannot_come_back_with_more_units_than_its_product_set_aside()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        (await silo.GrainFactory.GetGrain<IProductGrain>("tea").Create(new ProductDraft("tea", "Tea", 100, 10, "m1"))).Unwrap();
        var now = silo.Clock.GetUtcNow();
        gate.Hold("flash-sale");
        _ = silo.GrainFactory.GetGrain<IFlashSaleGrain>("re").Create(new FlashSaleDraft("tea", 100, 2, now, now.AddHours(1), 10, "m1"));
        await gate.Hit;
        gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        var again = await silo.GrainFactory.GetGrain<IFlashSaleGrain>("re").Create(new FlashSaleDraft("tea", 100, 8, now, now.AddHours(1), 10, "m1"));

        Assert.Equal(ErrorCodes.Conflict, again.Error?.Code);
        Assert.Null(await silo.GrainFactory.GetGrain<IFlashSaleGrain>("re").Get());
        Assert.Equal(new StockLevels(8, 2, 0), (await silo.GrainFactory.GetGrain<IProductGrain>("tea").Get())!.Stock);
    }

    public void Dispose() => _folder.Dispose();
}
