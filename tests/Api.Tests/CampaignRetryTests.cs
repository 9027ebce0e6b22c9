using System.Net.Http.Json;
using GroupBuy.Api.Common;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A campaign created under an <c>Idempotency-Key</c> has an id derived from it, so a retry after a crash that left
/// the stock reserved but the campaign unrecorded reserves under the same id again: nothing leaks.
/// </summary>
public sealed class CampaignRetryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/flash-sales", "flash-sale")]
    [InlineData("/api/group-buys", "group-buy")]
    public async Task A_retry_after_a_crash_between_reserving_and_recording_takes_the_stock_once(string route, string kind)
    {
        var sku = $"cr-{kind}";
        var merchant = await factory.SignedInAsync("cr-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Rice", price = 100, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var key = $"create-{kind}";
        var id = Ids.ForCreate("cr-merchant", kind, key);
        var product = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IProductGrain>(sku);
        // What the crashed first attempt left behind: the campaign's units reserved, the campaign itself not recorded.
        (await product.Reserve($"{kind}:{id}", 30)).Unwrap();

        using var retry = new HttpRequestMessage(HttpMethod.Post, route) { Content = JsonContent.Create(Body(kind, sku)) };
        retry.Headers.Add("Idempotency-Key", key);
        var created = await merchant.SendAsync(retry, ApiClient.Token);

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(id, (await created.JsonAsync())["id"]!.GetValue<string>());
        Assert.Equal(new StockLevels(70, 30, 0), (await product.Get())!.Stock);
    }

    [Fact]
    public async Task A_retry_after_a_crash_that_lost_only_the_answer_gets_the_campaign_that_was_created()
    {
        var merchant = await factory.SignedInAsync("cr-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "cr-answer", name = "Rice", price = 100, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        var id = Ids.ForCreate("cr-merchant", "flash-sale", "create-answer");
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        // The first attempt ran to the end inside the grain; the crash lost its answer and the key's record.
        (await grains.GetGrain<IFlashSaleGrain>(id).Create(new FlashSaleDraft("cr-answer", 50, 30, now.AddMinutes(-1), now.AddHours(1), 1, "cr-merchant"))).Unwrap();

        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/flash-sales")
        {
            Content = JsonContent.Create(new { sku = "cr-answer", price = 50, quantity = 30, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 1 }),
        };
        retry.Headers.Add("Idempotency-Key", "create-answer");
        var created = await merchant.SendAsync(retry, ApiClient.Token);

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(id, (await created.JsonAsync())["id"]!.GetValue<string>());
        Assert.Equal(new StockLevels(70, 30, 0), (await grains.GetGrain<IProductGrain>("cr-answer").Get())!.Stock);
    }

    [Fact]
    public async Task Without_a_key_each_create_is_a_campaign_of_its_own()
    {
        var merchant = await factory.SignedInAsync("cr-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "cr-nokey", name = "Rice", price = 100, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();

        var first = await (await merchant.PostAsJsonAsync("/api/flash-sales", Body("flash-sale", "cr-nokey"), ApiClient.Token)).JsonAsync();
        var second = await (await merchant.PostAsJsonAsync("/api/flash-sales", Body("flash-sale", "cr-nokey"), ApiClient.Token)).JsonAsync();

        Assert.NotEqual(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    private static object Body(string kind, string sku)
    {
        var now = DateTimeOffset.UtcNow;
        return kind == "flash-sale"
            ? new { sku, price = 50, quantity = 30, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 1 }
            : new { sku, price = 50, soloPrice = 100, teamSize = 2, teamWindowSeconds = 600, quantity = 30, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) };
    }
}
