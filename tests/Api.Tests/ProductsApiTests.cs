using System.Net.Http.Json;

namespace GroupBuy.Api.Tests;

public sealed class ProductsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static object Tea(string sku, int stock = 10) => new { sku, name = "Oolong tea", price = 2500, stock };

    [Fact]
    public async Task A_merchant_creates_a_product_and_anyone_signed_in_reads_it()
    {
        var merchant = await factory.SignedInAsync("m1", "merchant");
        var shopper = await factory.SignedInAsync("s1", "shopper");

        var created = await merchant.PostAsJsonAsync("/api/products", Tea("tea-1", 12), ApiClient.Token);
        var read = await shopper.GetAsync("/api/products/tea-1", ApiClient.Token);

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("/api/products/tea-1", created.Headers.Location?.OriginalString);
        var product = await read.JsonAsync();
        Assert.Equal("tea-1", product["sku"]!.GetValue<string>());
        Assert.Equal(2500, product["price"]!.GetValue<long>());
        Assert.Equal("m1", product["merchantId"]!.GetValue<string>());
        Assert.Equal(12, product["stock"]!["available"]!.GetValue<int>());
        Assert.Equal(0, product["stock"]!["reserved"]!.GetValue<int>());
        Assert.Equal(0, product["stock"]!["sold"]!.GetValue<int>());
    }

    [Fact]
    public async Task Creating_an_existing_sku_is_a_conflict()
    {
        var merchant = await factory.SignedInAsync("m1", "merchant");
        await merchant.PostAsJsonAsync("/api/products", Tea("tea-dup"), ApiClient.Token);

        var again = await merchant.PostAsJsonAsync("/api/products", Tea("tea-dup"), ApiClient.Token);

        await again.AssertProblemAsync(409, "conflict");
    }

    [Fact]
    public async Task Only_merchants_create_products()
    {
        var shopper = await factory.SignedInAsync("s1", "shopper");

        var response = await shopper.PostAsJsonAsync("/api/products", Tea("tea-s"), ApiClient.Token);

        await response.AssertProblemAsync(403, "forbidden");
    }

    [Fact]
    public async Task A_merchant_restocks_only_its_own_products()
    {
        var owner = await factory.SignedInAsync("m-owner", "merchant");
        var other = await factory.SignedInAsync("m-other", "merchant");
        await owner.PostAsJsonAsync("/api/products", Tea("tea-own", 5), ApiClient.Token);

        var refused = await other.PostAsJsonAsync("/api/products/tea-own/restock", new { quantity = 5 }, ApiClient.Token);
        var restocked = await owner.PostAsJsonAsync("/api/products/tea-own/restock", new { quantity = 5 }, ApiClient.Token);

        await refused.AssertProblemAsync(403, "forbidden");
        Assert.Equal(10, (await restocked.JsonAsync())["stock"]!["available"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{ "sku": "ok-1", "name": "x", "price": -1, "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-2", "name": "x", "price": 1, "stock": 99999999999 }""")]
    [InlineData("""{ "sku": "bad sku", "name": "x", "price": 1, "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-3", "name": "", "price": 1, "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-4", "name": "x", "price": "one", "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-5", "name": "x", "price": 1.5, "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-6", "name": "x", "price": 1e400, "stock": 1 }""")]
    [InlineData("""{ "sku": "ok-7", "name": "x", """)]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("")]
    public async Task Malformed_product_input_is_a_validation_problem(string body)
    {
        var merchant = await factory.SignedInAsync("m1", "merchant");

        var response = await merchant.PostAsync("/api/products", ApiClient.RawJson(body), ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }

    [Fact]
    public async Task An_unknown_product_is_not_found()
    {
        var shopper = await factory.SignedInAsync("s1", "shopper");

        await (await shopper.GetAsync("/api/products/nope", ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await shopper.GetAsync("/api/products/%20%20", ApiClient.Token)).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task A_body_of_the_wrong_content_type_is_refused()
    {
        var merchant = await factory.SignedInAsync("m1", "merchant");

        var response = await merchant.PostAsync("/api/products", new StringContent("sku=x", System.Text.Encoding.UTF8, "text/plain"), ApiClient.Token);

        await response.AssertProblemAsync(415, "validation");
    }
}
