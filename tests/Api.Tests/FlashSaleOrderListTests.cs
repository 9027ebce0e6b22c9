using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

/// <summary>
/// The sale acknowledges a purchase once its order is durable, and the shopper's list entry is written in the same
/// commit: <c>GET /api/me/orders</c> shows the order as soon as the purchase was answered.
/// </summary>
public sealed class FlashSaleOrderListTests
{
    [Fact]
    public async Task A_purchase_is_in_my_orders_as_soon_as_it_is_answered()
    {
        await using var factory = new ApiFactory();
        var merchant = await factory.SignedInAsync("list-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "list-1", name = "Tea", price = 500, stock = 10 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var created = await merchant.PostAsJsonAsync("/api/flash-sales", new
        {
            sku = "list-1",
            price = 400,
            quantity = 5,
            startsAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            perUserLimit = 2,
        }, ApiClient.Token);
        var saleId = (await created.JsonAsync())["id"]!.GetValue<string>();
        var shopper = await factory.SignedInAsync("list-shopper", "shopper");

        var bought = await shopper.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 }, ApiClient.Token);
        var mine = await shopper.GetFromJsonAsync<JsonArray>("/api/me/orders", ApiClient.Token);

        Assert.Equal(201, (int)bought.StatusCode);
        Assert.Equal((await bought.JsonAsync())["id"]!.GetValue<string>(), mine!.Single()!["id"]!.GetValue<string>());
    }
}
