using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;

namespace GroupBuy.Grains.Tests;

public sealed class ProductStockTests
{
    private static ProductDraft Eggs(int stock = 100) => new("eggs", "Eggs, a tray", 990, stock, "m1");

    [Fact]
    public async Task Creating_an_existing_sku_is_a_conflict()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");

        Assert.True((await product.Create(Eggs())).IsSuccess);
        Assert.Equal(ErrorCodes.Conflict, (await product.Create(Eggs())).Error?.Code);
    }

    [Fact]
    public async Task Reserve_confirm_and_release_are_idempotent_per_reservation_and_keep_the_total()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(10));

        await product.Reserve("o1", 3);
        await product.Reserve("o1", 3);
        await product.Reserve("o2", 2);
        await product.Confirm("o1");
        await product.Confirm("o1");
        await product.Release("o2");
        var levels = (await product.Release("o2")).Unwrap();

        Assert.Equal(new StockLevels(7, 0, 3), levels);
    }

    [Fact]
    public async Task A_reservation_larger_than_what_is_available_is_refused()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(5));

        Assert.Equal(ErrorCodes.InsufficientStock, (await product.Reserve("big", 6)).Error?.Code);
        Assert.Equal(new StockLevels(5, 0, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task Settling_with_running_totals_moves_only_the_growth()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(100));
        await product.Reserve("flash-sale:s1", 50);

        await product.Settle("flash-sale:s1", 10, 0);
        await product.Settle("flash-sale:s1", 5, 0);      // older totals arrive late: nothing moves
        await product.Settle("flash-sale:s1", 30, 20);

        Assert.Equal(new StockLevels(70, 0, 30), (await product.Get())!.Stock);
        Assert.Equal(ErrorCodes.Validation, (await product.Settle("flash-sale:s1", 31, 20)).Error?.Code);
    }

    [Fact]
    public async Task Concurrent_reservations_never_take_more_than_the_stock()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(100));

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => product.Reserve($"o{i}", 1), CommerceSilo.Token)));

        Assert.Equal(100, results.Count(r => r.IsSuccess));
        Assert.Equal(new StockLevels(0, 100, 0), (await product.Get())!.Stock);
    }
}
