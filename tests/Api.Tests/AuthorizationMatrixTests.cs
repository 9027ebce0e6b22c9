using System.Net.Http.Json;

namespace GroupBuy.Api.Tests;

/// <summary>A product, a flash sale, a group buy with a team, and an order, all created once for the matrix.</summary>
public sealed class MatrixWorld : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();

    public Dictionary<string, HttpClient> Callers { get; } = [];

    public string SaleId { get; private set; } = "";

    public string CampaignId { get; private set; } = "";

    public string TeamId { get; private set; } = "";

    public string OrderId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Callers["anonymous"] = Factory.CreateClient();
        Callers["shopper"] = await Factory.SignedInAsync("mx-s1", "shopper");
        Callers["another shopper"] = await Factory.SignedInAsync("mx-s2", "shopper");
        Callers["merchant"] = await Factory.SignedInAsync("mx-m1", "merchant");
        Callers["another merchant"] = await Factory.SignedInAsync("mx-m2", "merchant");
        var merchant = Callers["merchant"];
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "mx-sku", name = "Tea", price = 100, stock = 1000 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        SaleId = (await (await merchant.PostAsJsonAsync("/api/flash-sales", new { sku = "mx-sku", price = 50, quantity = 100, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 50 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        CampaignId = (await (await merchant.PostAsJsonAsync("/api/group-buys", new { sku = "mx-sku", price = 50, soloPrice = 100, teamSize = 50, teamWindowSeconds = 3600, quantity = 100, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        TeamId = (await (await Factory.SignedInAsync("mx-leader", "shopper")).PostAsync($"/api/group-buys/{CampaignId}/teams", null, ApiClient.Token).ContinueWith(t => t.Result.JsonAsync()).Unwrap())["team"]!["id"]!.GetValue<string>();
        OrderId = (await (await Callers["shopper"].PostAsJsonAsync($"/api/flash-sales/{SaleId}/purchases", new { quantity = 1 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class AuthorizationMatrixTests(MatrixWorld world) : IClassFixture<MatrixWorld>
{
    private const int Allowed = 0;

    public static TheoryData<string, string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, string, int>();
        void Route(string method, string path, int anonymous, int shopper, int anotherShopper, int merchant, int anotherMerchant)
        {
            data.Add(method, path, "anonymous", anonymous);
            data.Add(method, path, "shopper", shopper);
            data.Add(method, path, "another shopper", anotherShopper);
            data.Add(method, path, "merchant", merchant);
            data.Add(method, path, "another merchant", anotherMerchant);
        }
        Route("POST", "/api/products", 401, 403, 403, Allowed, Allowed);
        Route("GET", "/api/products/mx-sku", 401, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/products/mx-sku/restock", 401, 403, 403, Allowed, 403);
        Route("POST", "/api/flash-sales", 401, 403, 403, Allowed, 403);
        Route("GET", "/api/flash-sales/{sale}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/flash-sales/{sale}/purchases", 401, Allowed, Allowed, 403, 403);
        Route("POST", "/api/group-buys", 401, 403, 403, Allowed, 403);
        Route("GET", "/api/group-buys/{campaign}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/group-buys/{campaign}/teams", 401, Allowed, Allowed, 403, 403);
        Route("POST", "/api/group-buys/{campaign}/quick-join", 401, Allowed, Allowed, 403, 403);
        Route("GET", "/api/teams/{team}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/teams/{team}/members", 401, Allowed, Allowed, 403, 403);
        Route("GET", "/api/orders/{order}", 401, Allowed, 404, 404, 404);
        Route("POST", "/api/orders/{order}/pay", 401, Allowed, 404, 404, 404);
        Route("GET", "/api/me/orders", 401, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/groups", 401, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/api/me/commissions", 401, Allowed, Allowed, Allowed, Allowed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_answers_each_kind_of_caller_as_the_contract_says(string method, string path, string caller, int expected)
    {
        var url = path.Replace("{sale}", world.SaleId, StringComparison.Ordinal).Replace("{campaign}", world.CampaignId, StringComparison.Ordinal)
            .Replace("{team}", world.TeamId, StringComparison.Ordinal).Replace("{order}", world.OrderId, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? JsonContent.Create(Body(path, caller)) : null };

        var response = await world.Callers[caller].SendAsync(request, ApiClient.Token);

        if (expected == Allowed)
        {
            // Let through: a success, or a refusal of the domain's own (a shopper already holding a seat), never an authorization answer.
            Assert.True((int)response.StatusCode is >= 200 and < 300 or 409, $"{caller} {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiClient.Token)}");
        }
        else
        {
            await response.AssertProblemAsync(expected, expected switch { 401 => "unauthorized", 403 => "forbidden", _ => "not_found" });
        }
    }

    private static object Body(string path, string caller)
    {
        var now = DateTimeOffset.UtcNow;
        var suffix = caller.Replace(' ', '-');
        return path switch
        {
            "/api/products" => new { sku = $"mx-new-{suffix}", name = "Tea", price = 100, stock = 10 },
            "/api/products/mx-sku/restock" => new { quantity = 1 },
            "/api/flash-sales" => new { sku = "mx-sku", price = 50, quantity = 1, startsAt = now, endsAt = now.AddHours(1), perUserLimit = 1 },
            "/api/flash-sales/{sale}/purchases" => new { quantity = 1 },
            "/api/groups" => new { name = $"Group of {caller}" },
            "/api/group-buys" => new { sku = "mx-sku", price = 50, soloPrice = 100, teamSize = 2, teamWindowSeconds = 60, quantity = 2, startsAt = now, endsAt = now.AddHours(1) },
            _ => new { },
        };
    }
}
