using System.Net.Http.Json;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>A key names one write on one route, however the retry spells the route's path: the case of its literal segments, a trailing slash.</summary>
public sealed class RouteSpellingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/API/Products/{0}/Restock")]
    [InlineData("/api/products/{0}/restock/")]
    public async Task A_retry_on_the_same_route_spelled_differently_answers_the_first_result_and_restocks_once(string retryPath)
    {
        var sku = $"spell-{Guid.NewGuid():N}"[..20];
        var merchant = await factory.SignedInAsync("spell-m", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();

        var first = await merchant.SendAsync(Keyed($"/api/products/{sku}/restock", "restock-once"), ApiClient.Token);
        var retry = await merchant.SendAsync(Keyed(string.Format(System.Globalization.CultureInfo.InvariantCulture, retryPath, sku), "restock-once"), ApiClient.Token);
        var product = await (await merchant.GetAsync($"/api/products/{sku}", ApiClient.Token)).JsonAsync();

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await retry.Content.ReadAsStringAsync(ApiClient.Token));
        Assert.Equal(15, product["stock"]!["available"]!.GetValue<int>());
    }

    private static HttpRequestMessage Keyed(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { quantity = 10 }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
