using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Grains.Tests.GroupBuys.Model;
using GroupBuy.Grains.Tests.Walks;
using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>
/// A seeded random walk on SQLite where several flash sales and group-buy campaigns draw on one product's stock (and a
/// few on a second product): creations (refused when the stock is short), restocks, purchases, opens, joins and
/// quick-joins, payments, the clock one due instant at a time, deactivations and restarts. The sales are modelled by
/// <see cref="ModelSale"/>, the campaigns by <see cref="GroupBuyWorld"/>, the stock by <see cref="ModelProduct"/>.
/// All times sit on a 30-second grid, as in the flash-sale walk, so every sale's tick runs at its own due time.
/// </summary>
internal sealed partial class SharedStockWalk(int seed, Store store, PostgresFixture postgres) : ModelWalk(seed, store, postgres)
{
    private const string SharedSku = "shared";
    private const string OtherSku = "other";
    private const int Shoppers = 8;
    private const int ExactEvery = 10;
    private static readonly TimeSpan Grid = TimeSpan.FromSeconds(30);

    private readonly GroupBuyWorld _world = new(CommerceSilo.PaymentWindow);
    private readonly List<SaleOnProduct> _sales = [];
    private readonly Dictionary<string, ModelProduct> _products = [];

    protected override DateTimeOffset Now => _world.Now;

    protected override string Timestamp => $"{Now:HH:mm:ss}";

    protected override async Task SetUpAsync()
    {
        _world.Now = Start;
        await CreateProductAsync(SharedSku, Random.Next(20, 41));
        await CreateProductAsync(OtherSku, Random.Next(5, 16));
    }

    protected override async Task StepAsync()
    {
        var exact = await RandomStepAsync() || Step % ExactEvery == 0;
        await CheckAsync(exact);
    }

    /// <summary>One random command; true when it asks for the exact check (the stock settled) afterwards.</summary>
    private async Task<bool> RandomStepAsync()
    {
        var roll = Random.Next(100);
        switch (roll)
        {
            case < 5: await CreateSaleAsync(); return false;
            case < 10: await CreateCampaignAsync(); return false;
            case < 14: await RestockAsync(); return false;
            case < 32: await PurchaseAsync(); return false;
            case < 50: await TakeSeatAsync(); return false;
            case < 70: await PayAsync(); return false;
            case < 90: await AdvanceAsync(); return false;
            case < 95: await DeactivateAsync(); return false;
            default: await RestartAsync(); return true;
        }
    }

    private async Task CreateProductAsync(string sku, int stock)
    {
        (await Product(sku).Create(new ProductDraft(sku, $"item {sku}", 1_000, stock, "m1"))).Unwrap();
        _products[sku] = new ModelProduct(sku, stock);
        Note($"product {sku}: {stock} units");
    }

    /// <summary>Mostly the shared product; a quarter of campaigns go to the other, so two stocks move side by side.</summary>
    private string PickSku() => Random.Next(4) == 0 ? OtherSku : SharedSku;

    /// <summary>A quantity around what is free: now and then more than that, which the product must refuse.</summary>
    private int QuantityFor(int available, int least) => Math.Max(least, Random.Next(3) == 0 ? available + Random.Next(1, 6) : Random.Next(least, Math.Max(least, available / 2) + 1));

    private async Task CreateSaleAsync()
    {
        if (_sales.Count(s => Now < s.Sale.EndsAt) >= 4)
        {
            return;
        }
        var sku = PickSku();
        // Creation is decided on the product's available units, which lag a payment's settlement: settle first.
        var available = (await SettleAndCheckAsync(sku)).Available;
        var (id, quantity, limit) = ($"fs{_sales.Count + 1}", QuantityFor(available, 1), Random.Next(1, 4));
        var startsAt = Now + Grid * Random.Next(0, 6);
        var endsAt = startsAt + Grid * Random.Next(6, 41);
        var result = await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(id).Create(new FlashSaleDraft(sku, FlashSaleTestKit.Price, quantity, startsAt, endsAt, limit, "m1"));
        Note($"create sale {id} on {sku}: {quantity} of {available} available, limit {limit}, {startsAt:HH:mm:ss}–{endsAt:HH:mm:ss} → {(result.IsSuccess ? "ok" : result.Error!.Code)}");
        if (quantity > available)
        {
            Assert.Equal(ErrorCodes.InsufficientStock, result.Error?.Code);
            Assert.Null(await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(id).Get());
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        _sales.Add(new SaleOnProduct(new ModelSale(id, quantity, limit, startsAt, endsAt), sku));
    }

    private async Task CreateCampaignAsync()
    {
        if (_world.Campaigns.Count(c => Now < c.Draft.EndsAt) >= 3)
        {
            return;
        }
        var sku = PickSku();
        var available = (await SettleAndCheckAsync(sku)).Available;
        var size = Random.Next(2, 5);
        var (id, quantity) = ($"gb{_world.Campaigns.Count + 1}", QuantityFor(available, size));
        var startsAt = Now + Grid * Random.Next(0, 6);
        var draft = new GroupBuyDraft(sku, 800, 500, 1_000, size, 60 * Random.Next(2, 13), quantity, startsAt, startsAt + TimeSpan.FromMinutes(Random.Next(10, 61)), "m1");
        var result = await Silo.GrainFactory.GetGrain<IGroupBuyGrain>(id).Create(draft);
        Note($"create campaign {id} on {sku}: size {size}, {quantity} of {available} available, window {draft.TeamWindowSeconds / 60} min, " +
            $"{draft.StartsAt:HH:mm:ss}–{draft.EndsAt:HH:mm:ss} → {(result.IsSuccess ? "ok" : result.Error!.Code)}");
        if (quantity > available)
        {
            Assert.Equal(ErrorCodes.InsufficientStock, result.Error?.Code);
            Assert.Null(await Silo.GrainFactory.GetGrain<IGroupBuyGrain>(id).Get());
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        _world.Campaigns.Add(new ModelCampaign(id, draft));
    }

    private async Task RestockAsync()
    {
        var sku = PickSku();
        var quantity = Random.Next(1, 11);
        var result = await Product(sku).Restock(quantity);
        Note($"restock {sku} +{quantity} → {(result.IsSuccess ? result.Value!.Stock.ToString() : result.Error!.Code)}");
        Assert.True(result.IsSuccess, result.Error?.Detail);
        _products[sku].Restock(quantity);
    }

    private IProductGrain Product(string sku) => Silo.GrainFactory.GetGrain<IProductGrain>(sku);
}
