using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>A shopper's own orders: reached from the header, newest first, each opening its order page.</summary>
public sealed class OrdersPageTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task A_shopper_finds_every_order_from_the_header_newest_first_and_opens_one()
    {
        var merchant = await server.ApiAsync("op-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("op-mango", "海南贵妃芒 5斤", 4990);
        var sale = await merchant.FlashSaleAsync("op-mango", DateTimeOffset.UtcNow.AddMinutes(-1));
        var campaign = await merchant.GroupBuyAsync("op-mango", DateTimeOffset.UtcNow);
        var shopper = await server.ApiAsync("op-shopper", name: "小周");
        var bought = await shopper.PostJsonAsync($"/api/flash-sales/{sale.Id()}/purchases", new { quantity = 2 });
        await shopper.PostJsonAsync($"/api/orders/{bought.Id()}/pay", new { });
        await shopper.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { });

        var page = await server.NewPageAsync("op-shopper", name: "小周");
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("mine-link")).ToHaveTextAsync("我的订单");
        await page.GetByTestId("mine-link").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        await Expect(page.GetByTestId("mine-link")).ToBeHiddenAsync();   // not on the page it leads to
        var cards = page.GetByTestId("order-card");
        await Expect(cards).ToHaveCountAsync(2);
        await Expect(cards.Nth(0)).ToContainTextAsync("拼团");   // the team's seat, taken last
        await Expect(cards.Nth(0)).ToContainTextAsync("¥9.90");
        await Expect(cards.Nth(0).GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "pending_payment");
        await Expect(cards.Nth(1)).ToContainTextAsync("海南贵妃芒 5斤");
        await Expect(cards.Nth(1)).ToContainTextAsync("¥19.80");
        await Expect(cards.Nth(1)).ToContainTextAsync("× 2");
        await Expect(cards.Nth(1).GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "paid");
        await BrowserServer.ScreenshotAsync(page, "orders");

        await cards.Nth(1).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/orders/{Regex.Escape(bought.Id())}$"));
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "paid");
    }

    [Fact]
    public async Task Orders_come_a_page_at_a_time_and_the_button_brings_the_rest_until_there_is_none()
    {
        var merchant = await server.ApiAsync("om-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("om-tea", "龙井 250克", 8800);
        var shopper = await server.ApiAsync("om-shopper", name: "小陈");
        var bought = new List<string>();
        for (var sale = 0; bought.Count < 11; sale++)
        {
            var saleId = (await merchant.FlashSaleAsync("om-tea", DateTimeOffset.UtcNow.AddMinutes(-1))).Id();
            for (var unit = 0; unit < 5 && bought.Count < 11; unit++)
            {
                bought.Add((await shopper.PostJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 })).Id());
            }
        }

        var page = await server.NewPageAsync("om-shopper", name: "小陈");
        await page.GotoAsync("/orders");
        var cards = page.GetByTestId("order-card");
        await Expect(cards).ToHaveCountAsync(10);
        await Expect(cards.Nth(0)).ToHaveAttributeAsync("href", $"/orders/{bought[10]}");   // newest first
        await page.GetByTestId("more-orders").ClickAsync();

        await Expect(cards).ToHaveCountAsync(11);
        await Expect(cards.Nth(10)).ToHaveAttributeAsync("href", $"/orders/{bought[0]}");
        await Expect(page.GetByTestId("more-orders")).ToBeHiddenAsync();
        await BrowserServer.ScreenshotAsync(page, "orders-paged");
    }

    [Fact]
    public async Task A_long_name_never_widens_the_header_past_a_small_phone()
    {
        var page = await server.NewPageAsync("op-long-name", name: "Alexandra Konstantinopoulou", lang: "en");
        await page.SetViewportSizeAsync(360, 640);
        await page.GotoAsync("/");

        await Expect(page.GetByTestId("mine-link")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("mine-link")).ToHaveTextAsync("My orders");
        await Expect(page.GetByTestId("sign-in-button")).ToHaveAttributeAsync("title", "Alexandra Konstantinopoulou");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways");
        var header = await page.Locator(".topbar").BoundingBoxAsync();
        Assert.True(header is { Height: < 60 }, $"the header wrapped onto more lines: {header?.Height} px high");
        await BrowserServer.ScreenshotAsync(page, "header-long-name");
    }

    [Fact]
    public async Task The_header_leads_a_merchant_to_the_console_and_a_shopper_without_orders_is_told_so()
    {
        var visitor = await server.NewPageAsync();
        await visitor.GotoAsync("/");
        await Expect(visitor.GetByTestId("sign-in-button")).ToHaveTextAsync("登录");
        await Expect(visitor.GetByTestId("mine-link")).ToBeHiddenAsync();

        var merchant = await server.NewPageAsync("op-console", role: "merchant", name: "果园");
        await merchant.GotoAsync("/");
        await Expect(merchant.GetByTestId("mine-link")).ToHaveTextAsync("商家后台");
        await Expect(merchant.GetByTestId("mine-link")).ToHaveAttributeAsync("href", "/merchant");

        var newcomer = await server.NewPageAsync("op-newcomer", name: "小新");
        await newcomer.GotoAsync("/orders");
        await Expect(newcomer.Locator(".empty")).ToContainTextAsync("还没有订单");
        await Expect(newcomer.GetByTestId("order-card")).ToHaveCountAsync(0);
    }
}
