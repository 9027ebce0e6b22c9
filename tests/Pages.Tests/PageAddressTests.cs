using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>
/// The team, flash-sale, group-buy and order pages take ids from their address and from answers: a crafted address is
/// not found and calls no API, and every id put into a URL stays one path segment or one query value.
/// </summary>
public sealed class PageAddressTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private static int _shops;

    /// <summary>Ids the server never mints, as if an answer carried them: each must stay one path segment.</summary>
    private const string CraftedId = "x/../../dev/tokens?y=1&z#w";

    [Theory]
    // Decoded, the page's id would climb out of its own API route into another one.
    [InlineData("/teams/{team}%2F..%2F..%2Fgroup-buys%2F{campaign}")]
    [InlineData("/orders/{order}%2F..%2F..%2Fteams%2F{team}")]
    [InlineData("/orders/{order}%2F..%2F..%2Fflash-sales%2F{sale}%3F")]
    [InlineData("/flash-sales/{sale}%2F..%2F..%2Fgroup-buys%2F{campaign}")]
    // The group a link was shared in is sent with a join or a purchase, and carried on into links.
    [InlineData("/teams/{team}?groupId=..%2F..%2Fdev%2Ftokens")]
    [InlineData("/flash-sales/{sale}?groupId={team}%2F..%2F..%2Fteams%2F{team}")]
    [InlineData("/group-buys/{campaign}?groupId={team}%26x%3D1")]
    [InlineData("/orders/{order}?groupId=0")]
    public async Task An_address_with_an_id_the_server_never_mints_is_not_found_and_calls_no_api(string template)
    {
        var shop = await OpenShopAsync();
        var address = template.Replace("{team}", shop.TeamId, StringComparison.Ordinal)
            .Replace("{order}", shop.OrderId, StringComparison.Ordinal)
            .Replace("{campaign}", shop.CampaignId, StringComparison.Ordinal)
            .Replace("{sale}", shop.SaleId, StringComparison.Ordinal);
        var page = await server.NewPageAsync(shop.Leader, name: "领队");
        var calls = new ConcurrentQueue<string>();
        page.Request += (_, request) => calls.Enqueue(new Uri(request.Url).AbsolutePath);

        await page.GotoAsync(address);

        await Expect(page.Locator("#page")).ToContainTextAsync("找不到该页面");
        Assert.DoesNotContain(calls, path => path.StartsWith("/api/", StringComparison.Ordinal));
        await page.CloseAsync();   // no event of this page may come after the test that logs it has ended
    }

    [Fact]
    public async Task The_team_page_percent_encodes_the_campaign_id_of_its_answer_and_the_order_id_of_a_join()
    {
        var shop = await OpenShopAsync();
        var campaign = (await (await server.ApiAsync(shop.Leader)).GetJsonAsync($"/api/group-buys/{shop.CampaignId}")).ToJsonString();
        var page = await server.NewPageAsync($"{shop.Leader}-joiner", name: "小赵");
        await RewriteAnswerAsync(page, $"/api/teams/{shop.TeamId}", team => team["groupBuyId"] = CraftedId);
        // The campaign as if it were found under that id.
        await page.RouteAsync(new Regex("/api/group-buys/"), route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = campaign }));
        await RewriteAnswerAsync(page, $"/api/teams/{shop.TeamId}/members", joined => joined["order"]!["id"] = CraftedId);
        var campaignRead = page.WaitForRequestAsync(r => r.Url.Contains("/api/group-buys/", StringComparison.Ordinal));

        await page.GotoAsync($"/teams/{shop.TeamId}");

        Assert.EndsWith($"/api/group-buys/{Uri.EscapeDataString(CraftedId)}", (await campaignRead).Url, StringComparison.Ordinal);
        await Expect(page.Locator("a.product-strip")).ToHaveAttributeAsync("href", $"/group-buys/{Uri.EscapeDataString(CraftedId)}");
        await page.GetByTestId("join-button").ClickAsync();
        await Expect(page.GetByTestId("order-link")).ToHaveAttributeAsync("href", $"/orders/{Uri.EscapeDataString(CraftedId)}");
        await page.CloseAsync();   // its reads may still be answering: their events must not outlive the test
    }

    [Fact]
    public async Task The_order_page_percent_encodes_the_sale_id_of_its_answer()
    {
        var shop = await OpenShopAsync();
        var orderId = await BuyAsync(shop, "buyer");
        var page = await server.NewPageAsync($"{shop.Leader}-buyer");
        await RewriteAnswerAsync(page, $"/api/orders/{orderId}", order => order["refId"] = CraftedId);
        var saleRead = page.WaitForRequestAsync(r => r.Url.Contains("/api/flash-sales/", StringComparison.Ordinal));

        await page.GotoAsync($"/orders/{orderId}");

        Assert.EndsWith($"/api/flash-sales/{Uri.EscapeDataString(CraftedId)}", (await saleRead).Url, StringComparison.Ordinal);
        await Expect(page.Locator("a.product-strip")).ToHaveAttributeAsync("href", $"/flash-sales/{Uri.EscapeDataString(CraftedId)}");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_order_page_refuses_a_sale_id_that_is_a_dot_segment_instead_of_requesting_another_route()
    {
        var shop = await OpenShopAsync();
        var orderId = await BuyAsync(shop, "dots");
        var page = await server.NewPageAsync($"{shop.Leader}-dots");
        var calls = new ConcurrentQueue<string>();
        page.Request += (_, request) => calls.Enqueue(new Uri(request.Url).AbsolutePath);
        // Percent-encoding leaves it as it is, and /api/flash-sales/.. is /api/.
        await RewriteAnswerAsync(page, $"/api/orders/{orderId}", order => order["refId"] = "..");

        await page.GotoAsync($"/orders/{orderId}");

        await Expect(page.Locator("#page")).ToContainTextAsync("加载失败");
        Assert.All(calls.Where(path => path.StartsWith("/api", StringComparison.Ordinal)), path =>
            Assert.Matches("^/api/(orders|catalog)/[^/]+$", path));
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_group_buy_page_opens_the_team_of_a_quick_join_by_its_percent_encoded_id_keeping_the_group()
    {
        var shop = await OpenShopAsync();
        var groupId = Guid.NewGuid().ToString("N");
        var page = await server.NewPageAsync($"{shop.Leader}-quick");
        await RewriteAnswerAsync(page, $"/api/group-buys/{shop.CampaignId}/quick-join", join => join["team"]!["id"] = CraftedId);

        await page.GotoAsync($"/group-buys/{shop.CampaignId}?groupId={groupId}");
        await page.GetByTestId("quick-join-button").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/teams/{Regex.Escape(Uri.EscapeDataString(CraftedId))}\\?groupId={groupId}$"));
        await Expect(page.Locator("#page")).ToContainTextAsync("找不到该页面");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_flash_sale_page_opens_the_order_of_a_purchase_by_its_percent_encoded_id()
    {
        var shop = await OpenShopAsync();
        var page = await server.NewPageAsync($"{shop.Leader}-shopper");
        await RewriteAnswerAsync(page, $"/api/flash-sales/{shop.SaleId}/purchases", order => order["id"] = CraftedId);

        await page.GotoAsync($"/flash-sales/{shop.SaleId}");
        await page.GetByTestId("buy-button").ClickAsync();

        // One segment under /orders/, which the shell then finds is no order id; unencoded it would have left for /dev/tokens.
        await Expect(page).ToHaveURLAsync(new Regex($"/orders/{Regex.Escape(Uri.EscapeDataString(CraftedId))}$"));
        await Expect(page.Locator("#page")).ToContainTextAsync("找不到该页面");
        await page.CloseAsync();
    }

    /// <summary>The server's own answers to <paramref name="path"/> (exactly), as <paramref name="rewrite"/> changes them.</summary>
    private static async Task RewriteAnswerAsync(IPage page, string path, Action<JsonNode> rewrite) =>
        await page.RouteAsync(new Regex($"{Regex.Escape(path)}$"), async route =>
        {
            var answer = await route.FetchAsync();
            var body = JsonNode.Parse(await answer.TextAsync())!;
            rewrite(body);
            await route.FulfillAsync(new() { Response = answer, Body = body.ToJsonString() });
        });

    /// <summary>An order for one unit of the shop's flash sale, bought by the shop's leader's user id with <paramref name="suffix"/>.</summary>
    private async Task<string> BuyAsync(ShopIds shop, string suffix)
    {
        var buyer = await server.ApiAsync($"{shop.Leader}-{suffix}");
        return (await buyer.PostJsonAsync($"/api/flash-sales/{shop.SaleId}/purchases", new { quantity = 1 })).Id();
    }

    /// <summary>A live group buy with a team its leader opened (and so an order), and a live flash sale, all new.</summary>
    private async Task<ShopIds> OpenShopAsync()
    {
        var n = Interlocked.Increment(ref _shops);
        var merchant = await server.ApiAsync($"pa{n}-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync($"pa{n}-plum", "三华李 3斤", 2990);
        var campaign = await merchant.GroupBuyAsync($"pa{n}-plum", DateTimeOffset.UtcNow);
        var sale = await merchant.FlashSaleAsync($"pa{n}-plum", DateTimeOffset.UtcNow.AddMinutes(-1));
        var leader = $"pa{n}-leader";
        var opened = await (await server.ApiAsync(leader, name: "领队")).PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { });
        return new(leader, campaign.Id(), opened.Id("team.id"), opened.Id("order.id"), sale.Id());
    }

    private sealed record ShopIds(string Leader, string CampaignId, string TeamId, string OrderId, string SaleId);
}
