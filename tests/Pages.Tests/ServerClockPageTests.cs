using System.Text.RegularExpressions;
using GroupBuy.Api.Live;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>
/// The flash-sale, order and team pages on a server whose clock is weeks away from the browser's: the
/// countdowns can only be right if the page counts on the server's time, and deadlines pass when the test says.
/// </summary>
public sealed class ServerClockPageTests(ManualClockBrowserServer server) : IClassFixture<ManualClockBrowserServer>
{
    [Fact]
    public async Task The_page_counts_down_on_the_server_clock_goes_live_shows_purchases_and_buys()
    {
        var clock = server.ServerClock;
        var merchant = await server.ApiAsync("fs-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("fs-mango", "海南贵妃芒 5斤", 4990);
        var sale = await merchant.FlashSaleAsync("fs-mango", clock.GetUtcNow().AddMinutes(10), quantity: 20);

        var page = await server.NewPageAsync("fs-shopper", name: "小王");
        await page.GotoAsync($"/flash-sales/{sale.Id()}");
        await Expect(page.GetByTestId("sale-status")).ToHaveAttributeAsync("data-status", "scheduled");
        await Expect(page.GetByTestId("sale-countdown")).ToHaveTextAsync(new Regex(@"^00:(10:00|09:\d\d)$"));
        await Expect(page.GetByTestId("buy-button")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("sale-remaining")).ToHaveTextAsync("20");
        await Expect(page.Locator(".price-row .price")).ToHaveTextAsync("¥9.90");
        await BrowserServer.ScreenshotAsync(page, "flash-sale-scheduled");
        // The page shows what it read before it watches: the start must come after the watch, to arrive as a push.
        await server.Watches.AnsweredAsync($"flash-sale:{sale.Id()}");

        clock.Advance(TimeSpan.FromMinutes(10));   // the start: the sale publishes "live"
        await Expect(page.GetByTestId("sale-status")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.GetByTestId("sale-countdown")).ToHaveTextAsync(new Regex(@"^(01:00:00|00:59:\d\d)$"));
        await Expect(page.GetByTestId("buy-button")).ToBeEnabledAsync();

        // Someone else buys; the feed holds pushes back for a coalescing window, which passes on the server's clock.
        await clock.WhenTimerSet(LiveFeeds.CoalescingInterval).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        var other = await server.ApiAsync("fs-other", name: "小李");
        await other.PostJsonAsync($"/api/flash-sales/{sale.Id()}/purchases", new { quantity = 3 });
        clock.Advance(LiveFeeds.CoalescingInterval);
        await Expect(page.GetByTestId("sale-remaining")).ToHaveTextAsync("17");
        await BrowserServer.ScreenshotAsync(page, "flash-sale-live");

        await page.GetByTestId("buy-button").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders/.+$"));
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "pending_payment");
        await Expect(page.GetByTestId("order-amount")).ToHaveTextAsync("¥9.90");
        await Expect(page.GetByTestId("pay-countdown")).ToHaveTextAsync(new Regex(@"^00:(05:00|04:\d\d)$"));
        await BrowserServer.ScreenshotAsync(page, "order-pending");
        await page.GetByTestId("pay-button").ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "paid");
        await Expect(page.GetByTestId("pay-button")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_sale_that_sells_out_shows_sold_out_and_turns_the_buy_button_off()
    {
        var clock = server.ServerClock;
        var merchant = await server.ApiAsync("so-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("so-durian", "泰国金枕榴莲", 19900);
        var sale = await merchant.FlashSaleAsync("so-durian", clock.GetUtcNow().AddMinutes(-1), quantity: 2);

        var page = await server.NewPageAsync();
        await page.GotoAsync($"/flash-sales/{sale.Id()}");
        await Expect(page.GetByTestId("sale-status")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.GetByTestId("buy-button")).ToBeEnabledAsync();

        var shopper = await server.ApiAsync("so-shopper");
        await shopper.PostJsonAsync($"/api/flash-sales/{sale.Id()}/purchases", new { quantity = 2 });
        await Expect(page.GetByTestId("sale-status")).ToHaveAttributeAsync("data-status", "sold_out");
        await Expect(page.GetByTestId("sale-remaining")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("buy-button")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("buy-button")).ToHaveTextAsync("已抢光");
        await BrowserServer.ScreenshotAsync(page, "flash-sale-sold-out");
    }

    [Fact]
    public async Task A_team_whose_time_runs_out_shows_it_failed()
    {
        var clock = server.ServerClock;
        var merchant = await server.ApiAsync("tf-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("tf-melon", "新疆哈密瓜", 3990);
        var campaign = await merchant.PostJsonAsync("/api/group-buys", new
        {
            sku = "tf-melon", price = 1990, soloPrice = 3990, teamSize = 2, teamWindowSeconds = 600, quantity = 10,
            startsAt = clock.GetUtcNow().AddMinutes(-1), endsAt = clock.GetUtcNow().AddDays(1),
        });
        var leader = await server.ApiAsync("tf-leader", name: "小王");
        var team = await leader.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { });

        var page = await server.NewPageAsync();
        await page.GotoAsync($"/teams/{team.Id("team.id")}");
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("team-countdown")).ToHaveTextAsync(new Regex(@"^00:(10:00|09:\d\d)$"));

        await server.Watches.AnsweredAsync($"team:{team.Id("team.id")}");
        clock.Advance(TimeSpan.FromMinutes(11));   // past the team's deadline with a seat still open
        await Expect(page.GetByTestId("team-status")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(page.GetByTestId("team-status")).ToHaveTextAsync("failed");   // the contract's value, for outside tests
        await Expect(page.GetByTestId("team-status").Locator("..")).ToContainTextAsync("拼团失败");   // what people read
        await Expect(page.GetByTestId("join-button")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("team-countdown")).ToBeHiddenAsync();
        await BrowserServer.ScreenshotAsync(page, "team-failed");
    }
}
