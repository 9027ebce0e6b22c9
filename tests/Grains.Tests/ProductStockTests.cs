using System.Text;
using System.Text.Json;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Products;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;

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
    public async Task A_reservation_repeated_with_another_quantity_is_a_conflict_and_takes_nothing()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(10));
        await product.Reserve("flash-sale:s1", 2);

        var repeat = await product.Reserve("flash-sale:s1", 8);

        Assert.Equal(ErrorCodes.Conflict, repeat.Error?.Code);
        Assert.Equal(new StockLevels(8, 2, 0), (await product.Get())!.Stock);
        Assert.Equal(new StockLevels(8, 2, 0), (await product.Reserve("flash-sale:s1", 2)).Unwrap());
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

    [Fact]
    public async Task A_change_is_one_small_event_however_many_reservations_the_product_holds()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        await product.Create(Eggs(10_000));
        await product.Reserve("group-buy:first", 3);
        await product.Settle("group-buy:first", 3, 0);
        var first = await LastEventAsync(silo.Storage);
        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => product.Reserve($"group-buy:c{i}", 3)));

        await product.Settle("group-buy:c1999", 3, 0);

        var settled = await LastEventAsync(silo.Storage);
        // The same settle, with one reservation or with two thousand: the same bytes but the id's.
        Assert.Equal(first.Replace("group-buy:first", "group-buy:c1999", StringComparison.Ordinal), settled);
        Assert.Equal(new StockLevels(10_000 - 3 * 2_001, 3 * 1_999, 6), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task A_product_stored_whole_before_its_stock_was_journaled_is_imported_once_with_its_reservations()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var earlier = new ProductState
        {
            Product = Eggs(10), Available = 5, Reserved = 3, Sold = 2, Version = 4,
            Reservations = { ["o1"] = new Reservation(3, 0, 0), ["o2"] = new Reservation(2, 2, 0) },
        };
        await silo.Storage.WriteAsync("product", Grain, JsonSerializer.SerializeToUtf8Bytes(earlier, JsonSerializerOptions.Web), 0, CommerceSilo.Token);
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");

        Assert.Equal(new ProductSnapshot("eggs", "Eggs, a tray", 990, "m1", new StockLevels(5, 3, 2), 4), await product.Get());
        Assert.Equal(new StockLevels(5, 0, 5), (await product.Confirm("o1")).Unwrap());
        Assert.Equal(new StockLevels(5, 0, 5), (await product.Confirm("o2")).Unwrap());
        Assert.Null((await silo.Storage.ReadAsync("product", Grain, CommerceSilo.Token))?.Payload);
    }

    private static GrainId Grain => GrainId.Create("product", "eggs");

    private static async Task<string> LastEventAsync(MemoryGrainStorage storage)
    {
        var events = await storage.ReadEventsAsync("stock", Grain, 0, CommerceSilo.Token);
        return Encoding.UTF8.GetString(events[^1].Payload);
    }
}
