using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>The merchant console: sign in, create a product, launch campaigns, and watch them live.</summary>
public sealed class MerchantConsoleTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task A_merchant_launches_a_flash_sale_and_a_group_buy_from_the_console_and_their_pages_work()
    {
        var page = await SignedInConsoleAsync("鲜果园", "mc-merchant");
        Assert.NotNull(await page.EvaluateAsync<string?>("localStorage.getItem('groupbuy.token')"));

        var product = page.GetByTestId("product-form");
        await product.GetByTestId("field-sku").FillAsync("mc-kiwi");
        await product.GetByTestId("field-name").FillAsync("佳沛金果 12个装");
        await product.GetByTestId("field-price").FillAsync("69.90");
        await product.GetByTestId("field-stock").FillAsync("200");
        await product.GetByTestId("product-form-submit").ClickAsync();

        var flash = page.GetByTestId("flash-sale-form");
        await Expect(flash.GetByTestId("field-sku")).ToHaveValueAsync("mc-kiwi");
        await flash.GetByTestId("field-price").FillAsync("39.90");
        await flash.GetByTestId("field-quantity").FillAsync("50");
        await flash.GetByTestId("field-perUserLimit").FillAsync("5");
        await flash.GetByTestId("flash-sale-form-submit").ClickAsync();
        await Expect(page.GetByTestId("dashboard")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dash-remaining")).ToHaveTextAsync("50");

        // A shopper buys: the dashboard moves live, and its chart draws the purchases.
        var saleId = (await (await server.ApiAsync("mc-merchant", "merchant", "鲜果园")).GetJsonAsync("/api/merchant/campaigns"))[0]!.Id();
        var shopper = await server.ApiAsync("mc-shopper");
        await shopper.PostJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 3 });
        await Expect(page.GetByTestId("dash-reserved")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("dash-remaining")).ToHaveTextAsync("47");
        await Expect(page.Locator(".chart .bar-on")).ToHaveCountAsync(1);
        await BrowserServer.ScreenshotAsync(page, "merchant-dashboard");

        await page.GetByTestId("my-campaign").First.GetByTestId("campaign-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/flash-sales/{saleId}$"));
        await Expect(page.GetByTestId("sale-status")).ToHaveAttributeAsync("data-status", "live");
        await Expect(page.GetByTestId("sale-remaining")).ToHaveTextAsync("47");
        await Expect(page.Locator(".product-name")).ToHaveTextAsync("佳沛金果 12个装");
        await Expect(page.Locator(".price-row .price")).ToHaveTextAsync("¥39.90");

        await page.GotoAsync("/merchant");
        var group = page.GetByTestId("group-buy-form");
        await group.GetByTestId("field-teamSize").FillAsync("2");
        await group.GetByTestId("group-buy-form-submit").ClickAsync();
        await Expect(page.GetByTestId("dash-forming")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("my-campaign")).ToHaveCountAsync(2);
        await page.GetByTestId("my-campaign").First.GetByTestId("campaign-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/group-buys/[0-9a-f]{32}$"));
        await Expect(page.Locator(".hero-flag")).ToHaveTextAsync("2人团");
        await Expect(page.Locator(".price-row .price")).ToHaveTextAsync("¥12.90");
        await Expect(page.GetByTestId("quick-join-button")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task A_field_the_server_refuses_is_marked_with_its_message_until_it_is_edited()
    {
        var page = await SignedInConsoleAsync("果园二号", "mc-merchant-2");
        var product = page.GetByTestId("product-form");
        await product.GetByTestId("field-sku").FillAsync("mc-pear");
        await product.GetByTestId("field-name").FillAsync("砀山酥梨");
        await product.GetByTestId("field-stock").FillAsync("10");
        var price = product.GetByTestId("field-price");
        await price.FillAsync("200000000");   // ¥200,000,000: over the price limit, which only the server checks

        await product.GetByTestId("product-form-submit").ClickAsync();

        await Expect(price).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("'price'", await price.EvaluateAsync<string>("input => input.validationMessage"), StringComparison.Ordinal);
        await Expect(product.GetByTestId("field-name")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await price.FillAsync("9.90");
        await Expect(price).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await product.GetByTestId("product-form-submit").ClickAsync();
        await Expect(page.GetByTestId("flash-sale-form").GetByTestId("field-sku")).ToHaveValueAsync("mc-pear");
    }

    private async Task<Microsoft.Playwright.IPage> SignedInConsoleAsync(string name, string userId)
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/merchant");
        await page.GetByTestId("merchant-sign-in").ClickAsync();
        await page.GetByTestId("sign-in-name").FillAsync(name);
        await page.GetByTestId("sign-in-user").FillAsync(userId);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.Locator(".page-title")).ToHaveTextAsync("商家后台");
        return page;
    }
}
