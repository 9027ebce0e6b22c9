using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

/// <summary>
/// <c>GET /api/me/orders</c> lists every order, as the contract says; with <c>limit</c> it answers one page, newest
/// first, and a <c>Link</c> to the next, whose cursor is the page's last order, so orders placed meanwhile shift nothing.
/// </summary>
public sealed class MyOrdersPagingTests
{
    [Fact]
    public async Task Pages_followed_by_their_links_list_every_order_once_newest_first_and_a_new_order_shifts_nothing()
    {
        await using var factory = new ApiFactory();
        var (shopper, buy) = await ShopperWithASaleAsync(factory, "pg");
        for (var i = 0; i < 5; i++)
        {
            await buy();
        }
        var all = Ids(await shopper.GetFromJsonAsync<JsonArray>("/api/me/orders", ApiClient.Token));

        var first = await shopper.GetAsync("/api/me/orders?limit=2", ApiClient.Token);
        await buy();   // a new order goes to the front: the next pages are the same
        var pages = new List<List<string>> { Ids(await first.Content.ReadFromJsonAsync<JsonArray>(ApiClient.Token)) };
        var next = NextOf(first);
        while (next is not null)
        {
            var page = await shopper.GetAsync(next, ApiClient.Token);
            pages.Add(Ids(await page.Content.ReadFromJsonAsync<JsonArray>(ApiClient.Token)));
            next = NextOf(page);
        }

        Assert.Equal(5, all.Count);
        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(all, pages.SelectMany(p => p));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=two", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=2&before=not-mine", "before")]
    public async Task A_page_asked_for_wrongly_is_a_validation_problem_naming_the_field(string query, string field)
    {
        await using var factory = new ApiFactory();
        var (shopper, buy) = await ShopperWithASaleAsync(factory, "pv");
        await buy();

        var problem = await (await shopper.GetAsync($"/api/me/orders?{query}", ApiClient.Token)).AssertProblemAsync(400, "validation");

        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Another_shoppers_order_is_no_cursor()
    {
        await using var factory = new ApiFactory();
        var (owner, buy) = await ShopperWithASaleAsync(factory, "po");
        var theirs = (await (await buy()).JsonAsync())["id"]!.GetValue<string>();
        var other = await factory.SignedInAsync("po-other", "shopper");

        await (await other.GetAsync($"/api/me/orders?limit=5&before={theirs}", ApiClient.Token)).AssertProblemAsync(400, "validation");
        Assert.Single(await owner.GetFromJsonAsync<JsonArray>($"/api/me/orders?limit=5", ApiClient.Token) ?? []);
    }

    private static async Task<(HttpClient Shopper, Func<Task<HttpResponseMessage>> Buy)> ShopperWithASaleAsync(ApiFactory factory, string prefix)
    {
        var merchant = await factory.SignedInAsync($"{prefix}-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = $"{prefix}-tea", name = "Tea", price = 500, stock = 50 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var created = await merchant.PostAsJsonAsync("/api/flash-sales", new
        {
            sku = $"{prefix}-tea",
            price = 400,
            quantity = 20,
            startsAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            perUserLimit = 10,
        }, ApiClient.Token);
        var saleId = (await created.JsonAsync())["id"]!.GetValue<string>();
        var shopper = await factory.SignedInAsync($"{prefix}-shopper", "shopper");
        return (shopper, async () =>
        {
            var bought = await shopper.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 }, ApiClient.Token);
            Assert.Equal(201, (int)bought.StatusCode);
            return bought;
        });
    }

    private static List<string> Ids(JsonArray? orders) => [.. orders!.Select(o => o!["id"]!.GetValue<string>())];

    private static string? NextOf(HttpResponseMessage page) =>
        page.Headers.TryGetValues("Link", out var links) && links.Single() is var link && link.EndsWith(">; rel=\"next\"", StringComparison.Ordinal)
            ? link[1..link.IndexOf('>', StringComparison.Ordinal)]
            : null;
}
