using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.Api.Common;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Tests;

public sealed class RateLimitTests
{
    /// <summary>The server with one of its limits (<c>PerShopper</c>, <c>Chat</c>, <c>GroupCreation</c>) at <paramref name="burst"/> requests, then one an hour.</summary>
    internal static WebApplicationFactory<Program> Limited(ApiFactory api, string bucket, int burst)
    {
        var period = bucket == "PerShopper" ? "Period" : $"{bucket}Period";
        return api.WithWebHostBuilder(b => b
            .UseSetting($"RateLimits:{bucket}Burst", burst.ToString(CultureInfo.InvariantCulture))
            .UseSetting($"RateLimits:{bucket}PerPeriod", "1")
            .UseSetting($"RateLimits:{period}", "01:00:00"));
    }

    [Fact]
    public async Task A_shopper_over_the_limit_gets_429_and_another_shopper_is_not_held_back()
    {
        await using var api = new ApiFactory();
        var limited = Limited(api, "PerShopper", burst: 3);
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
        var limited = Limited(api, "PerShopper", burst: 1);
        var campaign = await GroupBuysApiTests.CampaignAsync(limited);
        var reader = limited.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, (int)(await reader.GetAsync($"/api/group-buys/{campaign}", ApiClient.Token)).StatusCode);
        }
    }

    [Fact]
    public async Task A_caller_posting_over_the_chat_limit_gets_429_and_other_members_are_not_held_back()
    {
        await using var api = new ApiFactory();
        var limited = Limited(api, "Chat", burst: 3);
        var (group, chatty, members) = await ChatsApiTests.GroupAsync(limited, "rl-chatty", "rl-member");
        var saleId = await ChatsApiTests.SaleAsync(limited);

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((int)(await chatty.PostAsJsonAsync($"/api/groups/{group}/messages", new { text = $"#{i}" }, ApiClient.Token)).StatusCode);
        }
        var refused = await chatty.PostAsJsonAsync($"/api/groups/{group}/messages", new { text = "one too many" }, ApiClient.Token);
        var chain = await chatty.PostAsJsonAsync($"/api/groups/{group}/chains", new
        {
            title = "接龙", flashSaleId = saleId, pickup = new { place = "门口", at = DateTimeOffset.UtcNow.AddDays(1) },
        }, ApiClient.Token);
        var other = await members[0].PostAsJsonAsync($"/api/groups/{group}/messages", new { text = "我还能说话" }, ApiClient.Token);
        var history = await chatty.GetAsync($"/api/groups/{group}/messages", ApiClient.Token);

        Assert.Equal([201, 201, 201], statuses);
        await refused.AssertProblemAsync(429, "rate_limited");
        Assert.NotNull(refused.Headers.RetryAfter);
        await chain.AssertProblemAsync(429, "rate_limited");   // a chain is a post to the group: the same bucket
        Assert.Equal(201, (int)other.StatusCode);
        Assert.Equal(4, (await history.Content.ReadFromJsonAsync<JsonArray>(ApiClient.Token))!.Count);
    }

    [Fact]
    public async Task A_caller_creating_groups_over_the_limit_gets_429_and_another_caller_is_not_held_back()
    {
        await using var api = new ApiFactory();
        var limited = Limited(api, "GroupCreation", burst: 2);
        var founder = await limited.SignedInAsync("rl-founder", "shopper");
        var calm = await limited.SignedInAsync("rl-founder-calm", "merchant");

        var first = await founder.PostAsJsonAsync("/api/groups", new { name = "一群" }, ApiClient.Token);
        var second = await founder.PostAsJsonAsync("/api/groups", new { name = "二群" }, ApiClient.Token);
        var refused = await founder.PostAsJsonAsync("/api/groups", new { name = "三群" }, ApiClient.Token);
        var other = await calm.PostAsJsonAsync("/api/groups", new { name = "供应商群" }, ApiClient.Token);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)second.StatusCode);
        await refused.AssertProblemAsync(429, "rate_limited");
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromMinutes(59), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal(201, (int)other.StatusCode);
    }

    [Fact]
    public async Task Chat_writes_and_group_creation_are_limited_by_default_as_the_readme_says()
    {
        await using var api = new ApiFactory();

        var options = api.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;

        Assert.Equal((20, 1, TimeSpan.FromSeconds(1)), (options.ChatBurst, options.ChatPerPeriod, options.ChatPeriod));
        Assert.Equal((10, 10, TimeSpan.FromHours(1)), (options.GroupCreationBurst, options.GroupCreationPerPeriod, options.GroupCreationPeriod));
    }

    [Theory]
    [InlineData("RateLimits:ChatBurst", "0")]
    [InlineData("RateLimits:ChatPerPeriod", "0")]
    [InlineData("RateLimits:ChatPeriod", "00:00:00")]
    [InlineData("RateLimits:GroupCreationBurst", "0")]
    [InlineData("RateLimits:GroupCreationPeriod", "2.00:00:00")]
    public async Task A_chat_limit_out_of_range_stops_the_server_at_start_up(string key, string value)
    {
        await using var api = new ApiFactory();
        var configured = api.WithWebHostBuilder(b => b.UseSetting(key, value));

        var error = Assert.ThrowsAny<Exception>(() => configured.CreateClient());

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }
}
