using System.Net.Http.Json;

namespace GroupBuy.Api.Tests;

/// <summary>A keyed write whose answer was lost is retried with its key: the retry must get the first answer, not a rate limit.</summary>
public sealed class RateLimitReplayTests
{
    [Fact]
    public async Task A_retried_group_creation_replays_its_answer_even_when_the_caller_has_no_creations_left()
    {
        await using var api = new ApiFactory();
        var limited = RateLimitTests.Limited(api, "GroupCreation", burst: 1);
        var founder = await limited.SignedInAsync("rl-replay", "shopper");

        var first = await founder.SendAsync(Keyed("/api/groups", new { name = "一群" }, "group-1"), ApiClient.Token);
        var retry = await founder.SendAsync(Keyed("/api/groups", new { name = "一群" }, "group-1"), ApiClient.Token);
        var another = await founder.SendAsync(Keyed("/api/groups", new { name = "二群" }, "group-2"), ApiClient.Token);
        var unkeyed = await founder.PostAsJsonAsync("/api/groups", new { name = "三群" }, ApiClient.Token);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await retry.Content.ReadAsStringAsync(ApiClient.Token));
        await another.AssertProblemAsync(429, "rate_limited");   // new work is still limited
        Assert.NotNull(another.Headers.RetryAfter);
        await unkeyed.AssertProblemAsync(429, "rate_limited");
    }

    [Fact]
    public async Task A_retried_purchase_replays_its_order_even_when_the_shopper_has_no_requests_left()
    {
        await using var api = new ApiFactory();
        var limited = RateLimitTests.Limited(api, "PerShopper", burst: 1);
        var sale = await ChatsApiTests.SaleAsync(limited);
        var shopper = await limited.SignedInAsync("rl-buyer", "shopper");
        var path = $"/api/flash-sales/{sale}/purchases";

        var first = await shopper.SendAsync(Keyed(path, new { quantity = 1 }, "buy-1"), ApiClient.Token);
        var retry = await shopper.SendAsync(Keyed(path, new { quantity = 1 }, "buy-1"), ApiClient.Token);
        var another = await shopper.SendAsync(Keyed(path, new { quantity = 1 }, "buy-2"), ApiClient.Token);
        var unkeyed = await shopper.PostAsJsonAsync(path, new { quantity = 1 }, ApiClient.Token);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await retry.Content.ReadAsStringAsync(ApiClient.Token));
        await another.AssertProblemAsync(429, "rate_limited");
        Assert.NotNull(another.Headers.RetryAfter);
        await unkeyed.AssertProblemAsync(429, "rate_limited");
    }

    private static HttpRequestMessage Keyed(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
