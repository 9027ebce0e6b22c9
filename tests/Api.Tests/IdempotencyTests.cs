using System.Net.Http.Json;

namespace GroupBuy.Api.Tests;

public sealed class IdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task A_retried_write_with_the_same_key_answers_the_first_result_again()
    {
        var merchant = await factory.SignedInAsync("idem-m", "merchant");

        var first = await merchant.SendAsync(Post("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, "create-1"), ApiClient.Token);
        var retry = await merchant.SendAsync(Post("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, "create-1"), ApiClient.Token);
        var withoutKey = await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, ApiClient.Token);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await retry.Content.ReadAsStringAsync(ApiClient.Token));
        await withoutKey.AssertProblemAsync(409, "conflict");
    }

    [Fact]
    public async Task Restocking_twice_with_one_key_restocks_once()
    {
        var merchant = await factory.SignedInAsync("idem-r", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-2", name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();

        await merchant.SendAsync(Post("/api/products/idem-2/restock", new { quantity = 10 }, "restock-1"), ApiClient.Token);
        var again = await merchant.SendAsync(Post("/api/products/idem-2/restock", new { quantity = 10 }, "restock-1"), ApiClient.Token);

        Assert.Equal(15, (await again.JsonAsync())["stock"]!["available"]!.GetValue<int>());
        Assert.Equal(15, (await (await merchant.GetAsync("/api/products/idem-2", ApiClient.Token)).JsonAsync())["stock"]!["available"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_key_replayed_with_a_different_body_is_a_conflict()
    {
        var merchant = await factory.SignedInAsync("idem-d", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-3", name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();
        await merchant.SendAsync(Post("/api/products/idem-3/restock", new { quantity = 1 }, "k"), ApiClient.Token);

        var different = await merchant.SendAsync(Post("/api/products/idem-3/restock", new { quantity = 2 }, "k"), ApiClient.Token);

        await different.AssertProblemAsync(409, "conflict");
    }

    [Fact]
    public async Task Keys_belong_to_one_caller_and_one_route()
    {
        var first = await factory.SignedInAsync("idem-a", "merchant");
        var second = await factory.SignedInAsync("idem-b", "merchant");

        var a = await first.SendAsync(Post("/api/products", new { sku = "idem-4a", name = "Rice", price = 1, stock = 1 }, "same"), ApiClient.Token);
        var b = await second.SendAsync(Post("/api/products", new { sku = "idem-4b", name = "Rice", price = 1, stock = 1 }, "same"), ApiClient.Token);
        var restock = await first.SendAsync(Post("/api/products/idem-4a/restock", new { quantity = 1 }, "same"), ApiClient.Token);

        Assert.Equal("idem-4a", (await a.JsonAsync())["sku"]!.GetValue<string>());
        Assert.Equal("idem-4b", (await b.JsonAsync())["sku"]!.GetValue<string>());
        Assert.Equal(200, (int)restock.StatusCode);
    }

    [Fact]
    public async Task An_idempotency_key_that_is_not_printable_ascii_is_refused()
    {
        var merchant = await factory.SignedInAsync("idem-v", "merchant");

        var response = await merchant.SendAsync(Post("/api/products", new { sku = "idem-5", name = "Rice", price = 1, stock = 1 }, new string('k', 129)), ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }
}
