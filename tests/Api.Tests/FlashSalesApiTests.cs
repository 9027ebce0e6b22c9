using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

public sealed class FlashSalesApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static int s_skus;

    private async Task<(HttpClient Merchant, string Sku)> ProductAsync(int stock = 100)
    {
        var merchant = await factory.SignedInAsync("fs-merchant", "merchant");
        var sku = $"fs-{Interlocked.Increment(ref s_skus)}";
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Lychee box", price = 5900, stock }, ApiClient.Token)).EnsureSuccessStatusCode();
        return (merchant, sku);
    }

    private static object Sale(string sku, int quantity = 10, int perUserLimit = 2, int startsInMinutes = -1) => new
    {
        sku,
        price = 3900,
        quantity,
        startsAt = DateTimeOffset.UtcNow.AddMinutes(startsInMinutes),
        endsAt = DateTimeOffset.UtcNow.AddHours(1),
        perUserLimit,
    };

    private async Task<string> LiveSaleAsync(int quantity = 10, int perUserLimit = 2)
    {
        var (merchant, sku) = await ProductAsync();
        var created = await merchant.PostAsJsonAsync("/api/flash-sales", Sale(sku, quantity, perUserLimit), ApiClient.Token);
        Assert.Equal(201, (int)created.StatusCode);
        return (await created.JsonAsync())["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_merchant_launches_a_flash_sale_that_anyone_can_read()
    {
        var (merchant, sku) = await ProductAsync(stock: 50);

        var created = await merchant.PostAsJsonAsync("/api/flash-sales", Sale(sku, quantity: 20), ApiClient.Token);
        var id = (await created.JsonAsync())["id"]!.GetValue<string>();
        var read = await factory.CreateClient().GetAsync($"/api/flash-sales/{id}", ApiClient.Token);
        var product = await (await merchant.GetAsync($"/api/products/{sku}", ApiClient.Token)).JsonAsync();

        Assert.Equal(201, (int)created.StatusCode);
        var sale = await read.JsonAsync();
        Assert.Equal("live", sale["status"]!.GetValue<string>());
        Assert.Equal(20, sale["remaining"]!.GetValue<int>());
        Assert.Equal(2, sale["perUserLimit"]!.GetValue<int>());
        Assert.NotNull(sale["serverTime"]);
        Assert.Null(sale["merchantId"]);
        Assert.Equal(30, product["stock"]!["available"]!.GetValue<int>());
    }

    [Fact]
    public async Task Times_sent_with_an_offset_are_kept_and_answered_as_the_same_instants_in_utc()
    {
        var (merchant, sku) = await ProductAsync();
        var startsAt = DateTimeOffset.UtcNow.AddHours(2).ToOffset(TimeSpan.FromHours(8));
        var body = new { sku, price = 3900, quantity = 5, startsAt = startsAt.ToString("O"), endsAt = startsAt.AddHours(1).ToString("O"), perUserLimit = 1 };

        var created = await (await merchant.PostAsJsonAsync("/api/flash-sales", body, ApiClient.Token)).JsonAsync();
        var id = created["id"]!.GetValue<string>();
        var read = await (await factory.CreateClient().GetAsync($"/api/flash-sales/{id}", ApiClient.Token)).JsonAsync();
        var shopper = await factory.SignedInAsync("fs-utc-shopper", "shopper");
        var early = await (await shopper.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(409, "not_started");

        foreach (var sale in new[] { created, read })
        {
            var answered = sale["startsAt"]!.GetValue<string>();
            Assert.EndsWith("+00:00", answered);
            Assert.Equal(startsAt, DateTimeOffset.Parse(answered, System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("+00:00", sale["endsAt"]!.GetValue<string>());
        }
        Assert.DoesNotContain("+08:00", early["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_sale_needs_the_stock_and_the_merchants_own_product()
    {
        var (owner, sku) = await ProductAsync(stock: 5);
        var other = await factory.SignedInAsync("fs-other-merchant", "merchant");

        await (await owner.PostAsJsonAsync("/api/flash-sales", Sale(sku, quantity: 6), ApiClient.Token)).AssertProblemAsync(409, "insufficient_stock");
        await (await other.PostAsJsonAsync("/api/flash-sales", Sale(sku, quantity: 1), ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        await (await owner.PostAsJsonAsync("/api/flash-sales", Sale("no-such-sku"), ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await owner.PostAsJsonAsync("/api/flash-sales", new { sku, price = 1, quantity = 1, perUserLimit = 1 }, ApiClient.Token)).AssertProblemAsync(400, "validation");
    }

    [Fact]
    public async Task A_sale_with_several_wrong_fields_is_told_every_one_of_them_at_once()
    {
        var (owner, _) = await ProductAsync(stock: 5);

        var response = await owner.PostAsJsonAsync("/api/flash-sales", new { sku = "not a sku", price = -1, quantity = 1, perUserLimit = 1 }, ApiClient.Token);

        var problem = await response.AssertProblemAsync(400, "validation");
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["sku", "price", "startsAt", "endsAt"], errors.Select(field => field.Key));
        Assert.Contains("'price' must be a whole number from 0", errors["price"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.All(errors, field => Assert.Contains(field.Value![0]!.GetValue<string>(), detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_single_wrong_field_is_named_in_errors_too()
    {
        var (owner, sku) = await ProductAsync(stock: 5);

        var response = await owner.PostAsJsonAsync("/api/flash-sales", Sale(sku, quantity: 0), ApiClient.Token);

        var errors = (await response.AssertProblemAsync(400, "validation"))["errors"]!.AsObject();
        Assert.Equal(["quantity"], errors.Select(field => field.Key));
    }

    [Fact]
    public async Task A_shopper_buys_pays_and_finds_the_order()
    {
        var id = await LiveSaleAsync();
        var shopper = await factory.SignedInAsync("fs-buyer", "shopper");
        var stranger = await factory.SignedInAsync("fs-stranger", "shopper");

        var bought = await shopper.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 2 }, ApiClient.Token);
        var order = await bought.JsonAsync();
        var orderId = order["id"]!.GetValue<string>();
        var paid = await shopper.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token);
        var paidAgain = await shopper.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token);
        var mine = await shopper.GetFromJsonAsync<JsonArray>("/api/me/orders", ApiClient.Token);

        Assert.Equal(201, (int)bought.StatusCode);
        Assert.Equal("flash_sale", order["kind"]!.GetValue<string>());
        Assert.Equal(id, order["refId"]!.GetValue<string>());
        Assert.Equal("pending_payment", order["status"]!.GetValue<string>());
        Assert.Equal(7800, order["amount"]!.GetValue<long>());
        Assert.Equal("paid", (await paid.JsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(200, (int)paidAgain.StatusCode);
        Assert.Equal(orderId, mine!.Single()!["id"]!.GetValue<string>());
        await (await stranger.GetAsync($"/api/orders/{orderId}", ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await stranger.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token)).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Purchases_are_refused_with_the_contracts_codes()
    {
        var id = await LiveSaleAsync(quantity: 3, perUserLimit: 2);
        var (merchant, sku) = await ProductAsync();
        var later = (await (await merchant.PostAsJsonAsync("/api/flash-sales", Sale(sku, startsInMinutes: 30), ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        var first = await factory.SignedInAsync("fs-first", "shopper");
        var second = await factory.SignedInAsync("fs-second", "shopper");

        await (await first.PostAsJsonAsync($"/api/flash-sales/{later}/purchases", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(409, "not_started");
        await (await first.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 3 }, ApiClient.Token)).AssertProblemAsync(422, "limit_exceeded");
        Assert.Equal(201, (int)(await first.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 2 }, ApiClient.Token)).StatusCode);
        await (await second.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 2 }, ApiClient.Token)).AssertProblemAsync(409, "sold_out");
        await (await second.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 0 }, ApiClient.Token)).AssertProblemAsync(400, "validation");
        await (await merchant.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        await (await factory.CreateClient().PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
        await (await second.PostAsJsonAsync("/api/flash-sales/0123456789abcdef0123456789abcdef/purchases", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_order()
    {
        var id = await LiveSaleAsync(quantity: 10, perUserLimit: 5);
        var shopper = await factory.SignedInAsync("fs-retry", "shopper");

        async Task<string> BuyAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{id}/purchases") { Content = JsonContent.Create(new { quantity = 1 }) };
            request.Headers.Add("Idempotency-Key", "tap-1");
            var response = await shopper.SendAsync(request, ApiClient.Token);
            return (await response.JsonAsync())["id"]!.GetValue<string>();
        }

        Assert.Equal(await BuyAsync(), await BuyAsync());
        Assert.Equal(9, (await factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/flash-sales/{id}", ApiClient.Token))!["remaining"]!.GetValue<int>());
    }
}
