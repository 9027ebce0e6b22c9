using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using static GroupBuy.Grains.Tests.FlashSales.FlashSaleTestKit;

namespace GroupBuy.Grains.Tests.FlashSales;

public sealed class FlashSaleCreationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static FlashSaleDraft Draft(int quantity = 10) => new("eggs", 500, quantity, Start, Start.AddHours(1), 2, "m1");

    [Fact]
    public async Task Creating_a_sale_takes_its_units_from_the_product()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = await EggsAsync(silo, stock: 100);
        var sale = silo.GrainFactory.GetGrain<IFlashSaleGrain>("s1");
        Assert.Null(await sale.Get());

        var created = (await sale.Create(Draft(30))).Unwrap();

        Assert.Equal((FlashSaleStatus.Scheduled, 30, 0, 0), (created.Status, created.Remaining, created.Sold, created.Reserved));
        Assert.Equal(created, await sale.Get());
        Assert.Equal(new StockLevels(70, 30, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task A_sale_that_exists_with_other_terms_or_lacks_stock_or_a_product_is_refused()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = await EggsAsync(silo, stock: 20);
        var sale = silo.GrainFactory.GetGrain<IFlashSaleGrain>("s1");

        Assert.Equal(ErrorCodes.InsufficientStock, (await sale.Create(Draft(21))).Error?.Code);
        Assert.Equal(ErrorCodes.NotFound, (await sale.Create(Draft() with { Sku = "nothing" })).Error?.Code);
        Assert.Null(await sale.Get());
        (await sale.Create(Draft(5))).Unwrap();
        Assert.Equal(ErrorCodes.Conflict, (await sale.Create(Draft(6))).Error?.Code);
        // The same terms again (a retry after a lost answer) are the sale that exists, with no more stock taken.
        Assert.Equal(5, (await sale.Create(Draft(5))).Unwrap().Quantity);
        Assert.Equal(new StockLevels(15, 5, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task Invalid_drafts_are_refused_without_touching_the_stock()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = await EggsAsync(silo, stock: 20);
        FlashSaleDraft[] invalid =
        [
            Draft(0),
            Draft() with { PerUserLimit = 0 },
            Draft() with { Price = -1 },
            Draft() with { EndsAt = Start },
            Draft() with { Sku = "" },
        ];

        foreach (var draft in invalid)
        {
            Assert.Equal(ErrorCodes.Validation, (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("s1").Create(draft)).Error?.Code);
        }
        Assert.Equal(ErrorCodes.Validation, (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("s.1").Create(Draft())).Error?.Code);
        Assert.Equal(new StockLevels(20, 0, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task Creating_again_after_a_crash_between_reserving_and_recording_takes_the_units_once()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var product = await EggsAsync(silo, stock: 100);
        // What a crash after the product's reserve and before the sale's record leaves behind:
        (await product.Reserve("flash-sale:s1", 30)).Unwrap();

        (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("s1").Create(Draft(30))).Unwrap();

        Assert.Equal(new StockLevels(70, 30, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task Purchases_of_no_sale_or_of_no_units_are_refused()
    {
        await using var silo = await CommerceSilo.StartAsync();
        Assert.Equal(ErrorCodes.NotFound, (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("none").Purchase(Shopper("u1"), 1, null)).Error?.Code);
        var sale = await CreateSaleAsync(silo, "zero", quantity: 5);
        Assert.Equal(ErrorCodes.Validation, (await sale.Purchase(Shopper("u1"), 0, null)).Error?.Code);
        Assert.Null(await sale.GetOrder(OrderId("zero", 1)));
    }

    private static async Task<IProductGrain> EggsAsync(Runtime.Testing.TestCluster silo, int stock)
    {
        var product = silo.GrainFactory.GetGrain<IProductGrain>("eggs");
        (await product.Create(new ProductDraft("eggs", "Eggs", 500, stock, "m1"))).Unwrap();
        return product;
    }
}
