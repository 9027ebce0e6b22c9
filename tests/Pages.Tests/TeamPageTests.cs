using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>The shopper's group-buy pages: the campaign, the team, live counts, joining, and the outcome.</summary>
public sealed class TeamPageTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task A_watcher_sees_a_join_from_another_browser_without_reloading_and_then_the_team_form()
    {
        var merchant = await server.ApiAsync("tp-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("tp-peach", "阳山水蜜桃 5斤装", 3990);
        var campaign = await merchant.GroupBuyAsync("tp-peach", DateTimeOffset.UtcNow);
        var leader = await server.ApiAsync("tp-leader", name: "小王");
        var opened = await leader.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { });
        var teamId = opened.Id("team.id");

        var watcher = await server.NewPageAsync();
        await watcher.GotoAsync($"/teams/{teamId}");
        await Expect(watcher.GetByTestId("team-needed")).ToHaveTextAsync("2");
        await Expect(watcher.GetByTestId("team-status")).ToHaveAttributeAsync("data-status", "forming");
        await Expect(watcher.GetByTestId("seat-empty")).ToHaveCountAsync(2);
        await Expect(watcher.Locator(".team-headline")).ToHaveTextAsync("还差 2 人");

        var joiner = await server.NewPageAsync("tp-joiner", name: "小李");
        await joiner.GotoAsync($"/teams/{teamId}");
        await Expect(joiner.GetByTestId("join-button")).ToBeEnabledAsync();
        await Expect(joiner.GetByTestId("join-button")).ToContainTextAsync("¥12.90");
        await joiner.GetByTestId("join-button").ClickAsync();
        await Expect(joiner.GetByTestId("team-needed")).ToHaveTextAsync("1");
        await Expect(joiner.GetByTestId("join-button")).ToBeDisabledAsync();

        await Expect(watcher.GetByTestId("team-needed")).ToHaveTextAsync("1");   // pushed, no reload
        await Expect(watcher.GetByTestId("seat-member")).ToHaveCountAsync(2);
        await Expect(watcher.GetByTestId("seat-member").Nth(1)).ToContainTextAsync("小李");
        await BrowserServer.ScreenshotAsync(watcher, "team-forming");

        // The last seat, and everyone pays: the watcher sees the team form.
        var last = await server.ApiAsync("tp-last", name: "阿芳");
        var lastJoin = await last.PostJsonAsync($"/api/teams/{teamId}/members", new { });
        await Expect(watcher.GetByTestId("team-needed")).ToHaveTextAsync("0");
        await Expect(watcher.Locator(".team-headline")).ToContainTextAsync("人齐了，等大家付款");
        var joinerApi = await server.ApiAsync("tp-joiner", name: "小李");
        var joinerOrders = (await joinerApi.GetJsonAsync("/api/me/orders")).AsArray();
        await leader.PostJsonAsync($"/api/orders/{opened.Id("order.id")}/pay", new { });
        await joinerApi.PostJsonAsync($"/api/orders/{joinerOrders[0]!.Id()}/pay", new { });
        await last.PostJsonAsync($"/api/orders/{lastJoin.Id("order.id")}/pay", new { });

        await Expect(watcher.GetByTestId("team-status")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(watcher.GetByTestId("team-status")).ToHaveTextAsync("succeeded");   // the contract's value, for outside tests
        await Expect(watcher.GetByTestId("team-status").Locator("..")).ToContainTextAsync("拼团成功");   // what people read
        await Expect(watcher.GetByTestId("join-button")).ToBeDisabledAsync();
        await BrowserServer.ScreenshotAsync(watcher, "team-succeeded");
    }

    [Fact]
    public async Task The_group_buy_page_shows_prices_and_teams_and_quick_join_lands_on_the_team()
    {
        var merchant = await server.ApiAsync("gb-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("gb-cherry", "智利车厘子 JJ级 2斤", 8800);
        var campaign = await merchant.GroupBuyAsync("gb-cherry", DateTimeOffset.UtcNow, teamSize: 4);
        var leader = await server.ApiAsync("gb-leader", name: "小王");
        await leader.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { });

        var page = await server.NewPageAsync("gb-shopper", name: "小陈");
        await page.GotoAsync($"/group-buys/{campaign.Id()}");
        await Expect(page.Locator(".product-name")).ToHaveTextAsync("智利车厘子 JJ级 2斤");
        await Expect(page.Locator(".price-table")).ToContainTextAsync("¥9.90");
        await Expect(page.Locator(".price-table")).ToContainTextAsync("¥12.90");
        await Expect(page.Locator(".price-table")).ToContainTextAsync("¥19.90");
        await Expect(page.GetByTestId("open-team")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("open-team")).ToContainTextAsync("还差 3 人");
        await BrowserServer.ScreenshotAsync(page, "group-buy");

        await page.GetByTestId("quick-join-button").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/teams/[0-9a-f]{32}$"));
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("join-button")).ToBeDisabledAsync();   // already in this team
        await Expect(page.GetByTestId("order-link")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_home_page_lists_live_campaigns_and_the_language_choice_is_remembered()
    {
        var merchant = await server.ApiAsync("home-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("home-rice", "五常大米 10kg", 12900);
        await merchant.GroupBuyAsync("home-rice", DateTimeOffset.UtcNow);
        await merchant.FlashSaleAsync("home-rice", DateTimeOffset.UtcNow.AddMinutes(-1));

        var page = await server.NewPageAsync();
        await page.GotoAsync("/");
        var cards = page.GetByTestId("campaign-card").Filter(new() { HasText = "五常大米 10kg" });
        await Expect(cards).ToHaveCountAsync(2);
        await Expect(cards.Filter(new() { HasText = "秒杀" })).ToContainTextAsync("¥9.90");
        await Expect(cards.Filter(new() { HasText = "秒杀" }).GetByTestId("list-price")).ToHaveTextAsync("¥129.00");   // the product's own price, struck through
        await Expect(page.Locator(".page-title")).ToHaveTextAsync("正在进行");
        await BrowserServer.ScreenshotAsync(page, "home");

        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator(".page-title")).ToHaveTextAsync("Live now");
        await page.ReloadAsync();
        await Expect(page.Locator(".page-title")).ToHaveTextAsync("Live now");
        await Expect(cards.Filter(new() { HasText = "Flash sale" })).ToHaveCountAsync(1);
        await BrowserServer.ScreenshotAsync(page, "home-en");
    }
}
