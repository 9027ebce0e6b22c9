using GroupBuy.Runtime.Testing;

namespace GroupBuy.Api.Tests;

/// <summary>Remembered tokens (<c>ValidatedTokenCache</c>) authenticate as before and still expire on time.</summary>
public sealed class TokenCacheTests
{
    [Fact]
    public async Task A_token_used_many_times_still_expires_at_its_lifetime()
    {
        await using var factory = new ApiFactory { Clock = new ManualTimeProvider() };
        var shopper = await factory.SignedInAsync("cache-shopper", "shopper");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (int)(await shopper.GetAsync("/api/me/orders", ApiClient.Token)).StatusCode);
        }

        factory.Clock!.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (int)(await shopper.GetAsync("/api/me/orders", ApiClient.Token)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(1));

        await (await shopper.GetAsync("/api/me/orders", ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_token_altered_by_one_character_is_refused_after_the_original_was_accepted()
    {
        await using var factory = new ApiFactory();
        var shopper = await factory.SignedInAsync("cache-shopper-2", "shopper");
        Assert.Equal(200, (int)(await shopper.GetAsync("/api/me/orders", ApiClient.Token)).StatusCode);
        var token = shopper.DefaultRequestHeaders.Authorization!.Parameter!;
        var altered = factory.CreateClient();
        altered.DefaultRequestHeaders.Authorization = new("Bearer", token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1]);

        await (await altered.GetAsync("/api/me/orders", ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
    }
}
