using System.Text.Json.Nodes;

namespace GroupBuy.Reliability.Tests;

/// <summary>What every reliability test checks of a <see cref="Shop"/> after a crash, an outage or a full disk.</summary>
public static class ShopChecks
{
    private static readonly string[] PaidStatuses = ["paid", "confirmed", "refunded"];

    /// <summary>The traffic had no answer but a success or a fast 503 problem (<see cref="Shop.DriveAsync"/>), else the server's log says why.</summary>
    public static void AssertOnlyFairAnswers(List<string> errors, ApiProcess api, string when = "") =>
        Assert.True(errors.Count == 0, $"answers other than success or a fast 503 problem{when}:\n{string.Join("\n", errors.Take(10))}\nthe server's log ends:\n{api.Tail()}");

    /// <summary>Every acknowledged order is listed to its owner, and a payment acknowledged is still a payment.</summary>
    public static async Task AssertNothingAcknowledgedIsLostAsync(Shop shop, CancellationToken cancellationToken)
    {
        var orders = await AllOrdersAsync(shop, cancellationToken);
        foreach (var ack in shop.Acks)
        {
            Assert.True(orders.TryGetValue(ack.OrderId, out var order), $"acknowledged order {ack.OrderId} of {ack.ShopperId} is gone");
            if (ack.Paid)
            {
                Assert.True(PaidStatuses.Contains(order["status"]!.GetValue<string>()), $"acknowledged payment of {ack.OrderId} of {ack.ShopperId} reads back as {order.ToJsonString()}");
            }
        }
    }

    /// <summary>available + reserved + sold = stock; the sale's sold + reserved ≤ its quantity; no team over its size.</summary>
    public static async Task AssertStockIsConservedAsync(Shop shop, CancellationToken cancellationToken)
    {
        var product = (await shop.GetAsync(Shop.Merchant, $"/api/products/{shop.Sku}", cancellationToken))!;
        var stock = product["stock"]!;
        Assert.Equal(Shop.Stock, stock["available"]!.GetValue<int>() + stock["reserved"]!.GetValue<int>() + stock["sold"]!.GetValue<int>());
        var sale = (await shop.GetAsync(Shop.Merchant, $"/api/flash-sales/{shop.SaleId}", cancellationToken))!;
        Assert.True(sale["sold"]!.GetValue<int>() + sale["reserved"]!.GetValue<int>() <= Shop.SaleQuantity, $"oversold: {sale}");
        foreach (var teamId in shop.Teams)
        {
            var team = (await shop.GetAsync(Shop.Merchant, $"/api/teams/{teamId}", cancellationToken))!;
            Assert.True(team["joined"]!.GetValue<int>() <= Shop.TeamSize, $"team over its size: {team}");
        }
    }

    /// <summary>Every shopper's orders, by id, as the API lists them to their owners (the owner added as <c>owner</c>).</summary>
    public static async Task<Dictionary<string, JsonObject>> AllOrdersAsync(Shop shop, CancellationToken cancellationToken)
    {
        var orders = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var shopper in shop.Everyone)
        {
            foreach (var order in (await shop.OrdersOfAsync(shopper, cancellationToken)).OfType<JsonObject>())
            {
                order["owner"] = shopper;
                orders[order["id"]!.GetValue<string>()] = order;
            }
        }
        return orders;
    }

    /// <summary>The settings every reliability test runs the server with, on top of its storage's.</summary>
    public static Dictionary<string, string> ServerSettings(IReadOnlyDictionary<string, string> storage, string logLevel = "Warning") =>
        new(storage)
        {
            ["Auth:DevTokens"] = "true",
            ["RateLimits:PerShopperBurst"] = "100000",
            ["RateLimits:PerShopperPerPeriod"] = "100000",
            ["Logging:LogLevel:Default"] = logLevel,
        };
}
