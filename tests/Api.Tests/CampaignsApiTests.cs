using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Api.Tests;

public sealed class CampaignsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static async Task<JsonObject> CreateAsync(HttpClient merchant, string path, object body)
    {
        var response = await merchant.PostAsJsonAsync(path, body, ApiClient.Token);
        Assert.Equal(201, (int)response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<(string Sale, string GroupBuy)> LaunchBothAsync(HttpClient merchant, string sku, DateTimeOffset now)
    {
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Lychee 2kg", price = 3900, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var sale = await CreateAsync(merchant, "/api/flash-sales", new { sku, price = 1990, quantity = 10, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 2 });
        var groupBuy = await CreateAsync(merchant, "/api/group-buys", new
        {
            sku, price = 2500, soloPrice = 3900, teamSize = 3, teamWindowSeconds = 600, quantity = 10, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2),
        });
        return (sale["id"]!.GetValue<string>(), groupBuy["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_public_list_shows_new_campaigns_with_their_snapshots_and_the_product_name_to_anyone()
    {
        var merchant = await factory.SignedInAsync("cl-m1", "merchant");
        var (sale, groupBuy) = await LaunchBothAsync(merchant, "cl-lychee", DateTimeOffset.UtcNow);

        var listed = (await factory.CreateClient().GetFromJsonAsync<JsonArray>("/api/campaigns", ApiClient.Token))!;

        var saleListing = listed.Single(c => c!["id"]!.GetValue<string>() == sale)!;
        Assert.Equal("flash_sale", saleListing["kind"]!.GetValue<string>());
        Assert.Equal("Lychee 2kg", saleListing["productName"]!.GetValue<string>());
        Assert.Equal(3900, saleListing["productPrice"]!.GetValue<long>());   // the product's own price, for the card to strike through
        Assert.Equal(10, saleListing["flashSale"]!["remaining"]!.GetValue<int>());
        Assert.Null(saleListing["flashSale"]!["merchantId"]);
        var groupListing = listed.Single(c => c!["id"]!.GetValue<string>() == groupBuy)!;
        Assert.Equal("group_buy", groupListing["kind"]!.GetValue<string>());
        Assert.Equal(3, groupListing["groupBuy"]!["teamSize"]!.GetValue<int>());
        Assert.Equal(3900, groupListing["productPrice"]!.GetValue<long>());
        Assert.Null(groupListing["flashSale"]);
    }

    [Fact]
    public async Task A_merchant_lists_only_its_own_campaigns_and_shoppers_may_not()
    {
        var mine = await factory.SignedInAsync("cl-m2", "merchant");
        var theirs = await factory.SignedInAsync("cl-m3", "merchant");
        var (sale, groupBuy) = await LaunchBothAsync(mine, "cl-mango", DateTimeOffset.UtcNow);
        await LaunchBothAsync(theirs, "cl-melon", DateTimeOffset.UtcNow);

        var own = (await mine.GetFromJsonAsync<JsonArray>("/api/merchant/campaigns", ApiClient.Token))!;
        var shopper = await factory.SignedInAsync("cl-s1", "shopper");

        Assert.Equal([groupBuy, sale], own.Select(c => c!["id"]!.GetValue<string>()));   // newest first
        await (await shopper.GetAsync("/api/merchant/campaigns", ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        await (await factory.CreateClient().GetAsync("/api/merchant/campaigns", ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task The_catalog_names_a_product_to_anyone_without_its_merchant_or_stock()
    {
        var merchant = await factory.SignedInAsync("cl-m4", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "cl-tea", name = "Longjing tea", price = 8800, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();

        var product = await (await factory.CreateClient().GetAsync("/api/catalog/cl-tea", ApiClient.Token)).JsonAsync();

        Assert.Equal("Longjing tea", product["name"]!.GetValue<string>());
        Assert.Equal(8800, product["price"]!.GetValue<long>());
        Assert.Null(product["merchantId"]);
        Assert.Null(product["stock"]);
        await (await factory.CreateClient().GetAsync("/api/catalog/no-such-sku", ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await factory.CreateClient().GetAsync("/api/catalog/bad%20sku", ApiClient.Token)).AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task An_ended_campaign_leaves_the_public_list_but_stays_in_its_merchants()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = new ApiFactory { Clock = clock };
        var merchant = await timed.SignedInAsync("cl-m5", "merchant");
        var (sale, groupBuy) = await LaunchBothAsync(merchant, "cl-plum", clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(90));   // the sale has ended, the group buy has not
        var listed = (await timed.CreateClient().GetFromJsonAsync<JsonArray>("/api/campaigns", ApiClient.Token))!;
        var own = (await merchant.GetFromJsonAsync<JsonArray>("/api/merchant/campaigns", ApiClient.Token))!;

        Assert.Equal([groupBuy], listed.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal([groupBuy, sale], own.Select(c => c!["id"]!.GetValue<string>()));
    }
}
