using System.Text.Json.Nodes;

namespace GroupBuy.Load.Client;

/// <summary>
/// Seeds a run through the public API: dev tokens (<c>POST /api/dev/tokens</c>), a merchant's products and its
/// campaigns. Names carry the run's id, so runs against the same server never collide.
/// </summary>
public sealed class Seeder(LoadHttp http, string runId)
{
    private const int TokenConcurrency = 16;

    public string RunId { get; } = runId;

    public async Task<string> TokenAsync(string userId, string role, string name, CancellationToken cancellationToken)
    {
        var result = await http.PostAsync("seed: token", "/api/dev/tokens", null, new { userId, role, name }, cancellationToken);
        return Require(result, "POST /api/dev/tokens (is Auth:DevTokens on?)").Text("token");
    }

    /// <summary>Tokens for <paramref name="count"/> shoppers of this run, minted a few at a time.</summary>
    public async Task<Shopper[]> ShoppersAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var shoppers = new Shopper[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = TokenConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var id = $"{RunId}-{prefix}{i}";
                shoppers[i] = new Shopper(id, $"{prefix}{i}", await TokenAsync(id, "shopper", $"{prefix}{i}", ct));
            });
        return shoppers;
    }

    public async Task<string> MerchantAsync(CancellationToken cancellationToken) =>
        await TokenAsync($"{RunId}-merchant", "merchant", "Load Farm", cancellationToken);

    public async Task<string> ProductAsync(string merchant, string name, long stock, CancellationToken cancellationToken)
    {
        var sku = $"{RunId}-{name}";
        var result = await http.PostAsync("seed: product", "/api/products", merchant, new { sku, name, price = 990, stock }, cancellationToken);
        Require(result, "POST /api/products");
        return sku;
    }

    public async Task<JsonNode> FlashSaleAsync(string merchant, string sku, long quantity, int perUserLimit, TimeSpan length, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var result = await http.PostAsync("seed: flash sale", "/api/flash-sales", merchant,
            new { sku, price = 100, quantity, startsAt = now.AddSeconds(-5), endsAt = now + length, perUserLimit }, cancellationToken);
        return Require(result, "POST /api/flash-sales").Body!;
    }

    public async Task<JsonNode> GroupBuyAsync(string merchant, string sku, int teamSize, long quantity, TimeSpan length, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var result = await http.PostAsync("seed: group buy", "/api/group-buys", merchant,
            new { sku, price = 500, soloPrice = 990, teamSize, teamWindowSeconds = 3600, quantity, startsAt = now.AddSeconds(-5), endsAt = now + length },
            cancellationToken);
        return Require(result, "POST /api/group-buys").Body!;
    }

    private static ApiResult Require(ApiResult result, string what) =>
        result.Ok ? result : throw new InvalidOperationException($"seeding failed: {what} answered {(int)result.Status} {result.Code}: {result.Body}");
}

/// <summary>A virtual shopper: user id, display name and bearer token.</summary>
public sealed record Shopper(string UserId, string Name, string Token);
