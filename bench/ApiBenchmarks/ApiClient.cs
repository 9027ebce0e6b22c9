using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.ApiBenchmarks;

/// <summary>The contract's routes as the benchmarks use them to seed: dev tokens, products, campaigns, teams.</summary>
public sealed class ApiClient(Uri server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public HttpClient Http => _http;

    public async Task<string> TokenAsync(string userId, string role, string? name = null)
    {
        var body = await SendAsync(HttpMethod.Post, "/api/dev/tokens", null, new { userId, role, name }, HttpStatusCode.OK);
        return body["token"]!.GetValue<string>();
    }

    /// <summary>Tokens for <paramref name="count"/> shoppers <c>{prefix}0…</c>, minted a few at a time.</summary>
    public async Task<string[]> ShopperTokensAsync(string prefix, int count)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            tokens[i] = await TokenAsync($"{prefix}{i}", "shopper", $"买家{i}"));
        return tokens;
    }

    public Task<JsonNode> CreateProductAsync(string merchantToken, string sku, long stock) =>
        SendAsync(HttpMethod.Post, "/api/products", merchantToken, new { sku, name = "Bench tea", price = 990, stock }, HttpStatusCode.Created);

    public async Task<string> CreateFlashSaleAsync(string merchantToken, string sku, long quantity, long perUserLimit)
    {
        var now = DateTimeOffset.UtcNow;
        var sale = await SendAsync(HttpMethod.Post, "/api/flash-sales", merchantToken,
            new { sku, price = 100, quantity, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2), perUserLimit }, HttpStatusCode.Created);
        return sale["id"]!.GetValue<string>();
    }

    public async Task<string> CreateGroupBuyAsync(string merchantToken, string sku, int teamSize, long quantity)
    {
        var now = DateTimeOffset.UtcNow;
        var campaign = await SendAsync(HttpMethod.Post, "/api/group-buys", merchantToken,
            new { sku, price = 500, soloPrice = 990, teamSize, teamWindowSeconds = 3600, quantity, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2) },
            HttpStatusCode.Created);
        return campaign["id"]!.GetValue<string>();
    }

    /// <summary>Opens a team with the shopper as leader; answers the team's id.</summary>
    public async Task<string> OpenTeamAsync(string shopperToken, string groupBuyId)
    {
        var joined = await SendAsync(HttpMethod.Post, $"/api/group-buys/{groupBuyId}/teams", shopperToken, null, HttpStatusCode.Created);
        return joined["team"]!["id"]!.GetValue<string>();
    }

    public Task<JsonNode> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, token, null, HttpStatusCode.OK);

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode expected)
    {
        using var request = Request(method, path, token, body);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }
        return JsonNode.Parse(text)!;
    }
}
