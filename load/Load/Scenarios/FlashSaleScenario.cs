using GroupBuy.Load.Client;

namespace GroupBuy.Load.Scenarios;

/// <summary>
/// Flash-sale rush (秒杀): shoppers arrive together (on the ramp), some watch the sale live, each looks at the sale,
/// buys one unit and pays (most of them), retrying only what says "try again". More shoppers than units, so the
/// sale sells out and the late ones meet <c>sold_out</c>.
/// </summary>
public sealed class FlashSaleScenario(int shoppers) : IScenario
{
    private Shopper[] _shoppers = [];
    private string _saleId = "";

    public string Name => "flash-sale";

    public async Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var quantity = context.Options.Quantity > 0 ? context.Options.Quantity : Math.Max(1, shoppers / 2);
        var merchant = await context.Seeder.MerchantAsync(cancellationToken);
        var sku = await context.Seeder.ProductAsync(merchant, "sale", quantity, cancellationToken);
        var sale = await context.Seeder.FlashSaleAsync(merchant, sku, quantity, perUserLimit: 1, context.Options.Duration + TimeSpan.FromHours(1), cancellationToken);
        _saleId = sale["id"]!.GetValue<string>();
        context.Ledger.FlashSales[_saleId] = 0;
        _shoppers = await context.Seeder.ShoppersAsync("fs", shoppers, cancellationToken);
    }

    public Task RunAsync(ScenarioContext context, CancellationToken cancellationToken) =>
        Arrivals.RunAsync(_shoppers.Length, context.Options.Ramp, context.Clock, (i, ct) => ShopAsync(context, i, ct), context, cancellationToken);

    private async Task ShopAsync(ScenarioContext context, int index, CancellationToken cancellationToken)
    {
        var shopper = _shoppers[index];
        if (ScenarioContext.Within(index, context.Options.WatchPercent))
        {
            // Held by the pool until the run ends: the shopper keeps the sale's page open.
            var hub = await context.Hubs.ConnectAsync(shopper.Token, cancellationToken);
            await hub.WatchAsync($"flash-sale:{_saleId}", cancellationToken);
        }
        await context.Http.GetAsync("view sale", $"/api/flash-sales/{_saleId}", null, cancellationToken);
        var purchase = await Retry.UntilSettledAsync(
            ct => context.Http.PostAsync("purchase", $"/api/flash-sales/{_saleId}/purchases", shopper.Token, new { quantity = 1 }, ct), context.Clock, cancellationToken);
        if (!purchase.Ok)
        {
            return;
        }
        var orderId = purchase.Text("id");
        context.Ledger.Orders.Add(new AcknowledgedOrder(orderId, _saleId, shopper.Token));
        if (ScenarioContext.Within(index, context.Options.PayPercent))
        {
            await Retry.UntilSettledAsync(ct => context.Http.PostAsync("pay", $"/api/orders/{orderId}/pay", shopper.Token, null, ct), context.Clock, cancellationToken);
        }
    }
}
