using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>
/// The stock invariants of domain.md. After every step: available + reserved + sold is every unit ever added, each
/// campaign holds no more than its quantity and is as the model has it, and the product is behind the settled levels
/// at most by what sales have not told it yet. On an exact check, once every sale has settled: the levels themselves.
/// </summary>
internal sealed partial class SharedStockWalk
{
    private async Task CheckAsync(bool exact)
    {
        foreach (var sale in _sales.Select(s => s.Sale))
        {
            var snapshot = (await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(sale.Id).Get())!;
            Assert.InRange(snapshot.Sold + snapshot.Reserved, 0, snapshot.Quantity);
            Assert.Equal((sale.Quantity, sale.Sold, sale.Reserved, sale.StatusAt(Now)), (snapshot.Quantity, snapshot.Sold, snapshot.Reserved, snapshot.Status));
        }
        foreach (var campaign in _world.Campaigns)
        {
            var snapshot = (await Silo.Campaign(campaign.Id).Get())!;
            Assert.True(campaign.Sold + campaign.Held <= campaign.Draft.Quantity, $"The model of {campaign} holds more than its quantity.");
            Assert.Equal((campaign.Remaining, campaign.StatusAt(Now)), (snapshot.Remaining, snapshot.Status));
        }
        foreach (var sku in _products.Keys)
        {
            if (exact || !_sales.Any(s => s.Sku == sku && _unsettled.Contains(s.Sale.Id)))
            {
                await SettleAndCheckAsync(sku);
                continue;
            }
            var (stock, settled) = (await StockOfAsync(sku), _products[sku].Settled(_sales, _world.Campaigns, Now));
            // A sale's payment reaches the product after its answer: its units may still show reserved, never the reverse.
            Assert.True(stock.Sold <= settled.Sold && stock.Available <= settled.Available,
                $"{sku} has {stock}; settled it would have {settled}.");
        }
    }

    /// <summary>
    /// Makes every sale on the product that was paid since tell it its totals (a sale settles with the product when
    /// it activates), then the product must be exactly as the model settles it; returns its levels.
    /// </summary>
    private async Task<StockLevels> SettleAndCheckAsync(string sku)
    {
        foreach (var sale in _sales.Where(s => s.Sku == sku && _unsettled.Remove(s.Sale.Id)))
        {
            var grain = Silo.GrainFactory.GetGrain<IFlashSaleGrain>(sale.Sale.Id);
            await Silo.DeactivateAsync(grain);
            await grain.Get();
        }
        foreach (var campaign in _world.Campaigns.Where(c => c.Draft.Sku == sku))
        {
            // Rebuilt from the teams alone: the seats of forming and formed teams never exceed the campaign's quantity.
            var taken = 0;
            foreach (var team in campaign.Teams)
            {
                var snapshot = (await Silo.Team(team.Id).Get())!;
                taken += snapshot.Status == TeamStatus.Failed ? 0 : snapshot.Joined;
            }
            Assert.InRange(taken, 0, campaign.Draft.Quantity);
        }
        // A campaign's end that fell due while the silo was down is applied by its reminder, delivered after the start:
        // wait for the campaigns' live events (each published once the product has been told), bounded.
        var settled = _products[sku].Settled(_sales, _world.Campaigns, Now);
        using var changed = new SemaphoreSlim(0);
        var topics = Silo.Services.GetRequiredService<ILiveTopics>();
        var subscriptions = _world.Campaigns.Where(c => c.Draft.Sku == sku).Select(c => topics.Subscribe($"group-buy:{c.Id}", (_, _) => changed.Release())).ToList();
        try
        {
            StockLevels stock;
            while ((stock = await StockOfAsync(sku)) != settled)
            {
                Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(10), Token), $"{sku} has {stock} once settled; the model has {settled}.");
            }
            return stock;
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The product's levels; their sum is every unit ever added to it, whatever else lags.</summary>
    private async Task<StockLevels> StockOfAsync(string sku)
    {
        var stock = (await Product(sku).Get())!.Stock;
        Assert.True(stock.Available >= 0 && stock.Reserved >= 0 && stock.Sold >= 0 && stock.Available + stock.Reserved + stock.Sold == _products[sku].Added,
            $"{sku} has {stock}, not the {_products[sku].Added} units added to it.");
        return stock;
    }
}
