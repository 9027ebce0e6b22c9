
namespace GroupBuy.Api.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_shopper_over_the_limit_gets_429_and_another_shopper_is_not_held_back()
    {
        await using var api = new ApiFactory();
        var limited = api.WithWebHostBuilder(b => b
            .UseSetting("RateLimits:PerShopperBurst", "3")
            .UseSetting("RateLimits:PerShopperPerPeriod", "1")
            .UseSetting("RateLimits:Period", "01:00:00"));
        var campaign = await GroupBuysApiTests.CampaignAsync(limited, teamSize: 10);
        var eager = await limited.SignedInAsync("rl-eager", "shopper");
        var calm = await limited.SignedInAsync("rl-calm", "shopper");

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((int)(await eager.PostAsync($"/api/group-buys/{campaign}/quick-join", null, ApiClient.Token)).StatusCode);
        }
        var refused = await eager.PostAsync($"/api/group-buys/{campaign}/quick-join", null, ApiClient.Token);
        var other = await calm.PostAsync($"/api/group-buys/{campaign}/quick-join", null, ApiClient.Token);

        Assert.DoesNotContain(429, statuses.Take(3));
        Assert.Equal(429, statuses[3]);
        await refused.AssertProblemAsync(429, "rate_limited");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(201, (int)other.StatusCode);
    }

    [Fact]
    public async Task Reads_are_not_rate_limited()
    {
        await using var api = new ApiFactory();
        var limited = api.WithWebHostBuilder(b => b
            .UseSetting("RateLimits:PerShopperBurst", "1")
            .UseSetting("RateLimits:PerShopperPerPeriod", "1")
            .UseSetting("RateLimits:Period", "01:00:00"));
        var campaign = await GroupBuysApiTests.CampaignAsync(limited);
        var reader = limited.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, (int)(await reader.GetAsync($"/api/group-buys/{campaign}", ApiClient.Token)).StatusCode);
        }
    }
}
