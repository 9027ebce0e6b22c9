using System.Net.Http.Json;
using GroupBuy.Api.Live;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A product, a flash sale, a group buy with a team, an order, and group chats, all created once for the matrix.
/// Each group or chain route gets a group of its own (led by "shopper", joined by "another merchant", with a chain
/// for the flash sale), so what one route's row does (join, leave, close) never changes another route's answers.
/// </summary>
public sealed class MatrixWorld : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();

    public Dictionary<string, HttpClient> Callers { get; } = [];

    public string SaleId { get; private set; } = "";

    public string CampaignId { get; private set; } = "";

    public string TeamId { get; private set; } = "";

    public string OrderId { get; private set; } = "";

    /// <summary>The group and chain of each group or chain route ("GET /api/groups/{id}"), and of the live topics ("topic").</summary>
    public Dictionary<string, (string GroupId, string ChainId)> Groups { get; } = [];

    /// <summary>Bearer tokens by caller, for the hub; "anonymous" has none.</summary>
    public Dictionary<string, string?> Tokens { get; } = [];

    public async ValueTask InitializeAsync()
    {
        // One leader seeds a group and a chain for every group route: more than a caller may create at once, so the
        // chat and group-creation limits are raised here (RateLimitTests proves them).
        Factory.Settings["RateLimits:GroupCreationBurst"] = "1000";
        Factory.Settings["RateLimits:ChatBurst"] = "1000";
        Factory.UseKestrel(0);   // a real socket, so the hub is reached over a WebSocket
        Factory.StartServer();
        Callers["anonymous"] = Factory.CreateClient();
        Callers["shopper"] = await Factory.SignedInAsync("mx-s1", "shopper");
        Callers["another shopper"] = await Factory.SignedInAsync("mx-s2", "shopper");
        Callers["merchant"] = await Factory.SignedInAsync("mx-m1", "merchant");
        Callers["another merchant"] = await Factory.SignedInAsync("mx-m2", "merchant");
        foreach (var (caller, client) in Callers)
        {
            Tokens[caller] = client.DefaultRequestHeaders.Authorization?.Parameter;
        }
        var merchant = Callers["merchant"];
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "mx-sku", name = "Tea", price = 100, stock = 1000 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        SaleId = (await (await merchant.PostAsJsonAsync("/api/flash-sales", new { sku = "mx-sku", price = 50, quantity = 100, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 50 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        CampaignId = (await (await merchant.PostAsJsonAsync("/api/group-buys", new { sku = "mx-sku", price = 50, soloPrice = 100, teamSize = 50, teamWindowSeconds = 3600, quantity = 100, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        TeamId = (await (await Factory.SignedInAsync("mx-leader", "shopper")).PostAsync($"/api/group-buys/{CampaignId}/teams", null, ApiClient.Token).ContinueWith(t => t.Result.JsonAsync()).Unwrap())["team"]!["id"]!.GetValue<string>();
        OrderId = (await (await Callers["shopper"].PostAsJsonAsync($"/api/flash-sales/{SaleId}/purchases", new { quantity = 1 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        foreach (var route in AuthorizationMatrixTests.GroupRoutes().Append("topic"))
        {
            Groups[route] = await GroupWithChainAsync();
        }
    }

    private async Task<(string GroupId, string ChainId)> GroupWithChainAsync()
    {
        var leader = Callers["shopper"];
        var groupId = (await (await leader.PostAsJsonAsync("/api/groups", new { name = "Matrix" }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        (await Callers["another merchant"].PostAsync($"/api/groups/{groupId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
        var chain = new { title = "Tea", flashSaleId = SaleId, pickup = new { place = "Gate", at = DateTimeOffset.UtcNow.AddHours(2) } };
        var chainId = (await (await leader.PostAsJsonAsync($"/api/groups/{groupId}/chains", chain, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        return (groupId, chainId);
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class AuthorizationMatrixTests(MatrixWorld world) : IClassFixture<MatrixWorld>
{
    private const int Allowed = 0;
    private const int NotMember = 1403;   // 403 with code not_member
    private const string WatchAllowed = "allowed";

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
        // Keyed by the route's pattern as the app maps it; the "merchant" owns mx-sku, "shopper" owns the order.
        Route("GET", "/healthz", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/readyz", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("HEAD", "/healthz", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("HEAD", "/readyz", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/openapi/{documentName}.json", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/dev/tokens", Allowed, Allowed, Allowed, Allowed, Allowed);   // Development only (IdentityTests)
        Route("POST", "/api/products", 401, 403, 403, Allowed, Allowed);
        Route("GET", "/api/products/{sku}", 401, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/products/{sku}/restock", 401, 403, 403, Allowed, 403);
        Route("POST", "/api/flash-sales", 401, 403, 403, Allowed, 403);
        Route("GET", "/api/flash-sales/{id}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/flash-sales/{id}/purchases", 401, Allowed, Allowed, 403, 403);
        Route("POST", "/api/group-buys", 401, 403, 403, Allowed, 403);
        Route("GET", "/api/group-buys/{id}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/group-buys/{id}/teams", 401, Allowed, Allowed, 403, 403);
        Route("POST", "/api/group-buys/{id}/quick-join", 401, Allowed, Allowed, 403, 403);
        Route("GET", "/api/teams/{teamId}", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("POST", "/api/teams/{teamId}/members", 401, Allowed, Allowed, 403, 403);
        Route("GET", "/api/orders/{id}", 401, Allowed, 404, 404, 404);
        Route("POST", "/api/orders/{id}/pay", 401, Allowed, 404, 404, 404);
        Route("GET", "/api/me/orders", 401, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/api/me/commissions", 401, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/api/campaigns", Allowed, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/api/merchant/campaigns", 401, 403, 403, Allowed, Allowed);
        Route("GET", "/api/catalog/{sku}", Allowed, Allowed, Allowed, Allowed, Allowed);
        // Group chats: "shopper" leads each group, "another merchant" is a member, the other two are not.
        Route("POST", "/api/groups", 401, Allowed, Allowed, Allowed, Allowed);
        Route("GET", "/api/groups/{id}", 401, Allowed, NotMember, NotMember, Allowed);
        Route("GET", "/api/groups/{id}/members", 401, Allowed, NotMember, NotMember, Allowed);
        Route("POST", "/api/groups/{id}/members", 401, Allowed, Allowed, Allowed, Allowed);
        Route("DELETE", "/api/groups/{id}/members/me", 401, Allowed, NotMember, NotMember, Allowed);   // the leader's is a 409
        Route("DELETE", "/api/groups/{id}/members/{userId}", 401, Allowed, NotMember, NotMember, 403);
        Route("POST", "/api/groups/{id}/messages", 401, Allowed, NotMember, NotMember, Allowed);
        Route("GET", "/api/groups/{id}/messages", 401, Allowed, NotMember, NotMember, Allowed);
        Route("POST", "/api/groups/{id}/chains", 401, Allowed, NotMember, NotMember, 403);
        Route("GET", "/api/groups/{id}/chains", 401, Allowed, NotMember, NotMember, Allowed);
        Route("GET", "/api/chains/{chainId}", 401, Allowed, NotMember, NotMember, Allowed);
        Route("POST", "/api/chains/{chainId}/entries", 401, Allowed, NotMember, 403, 403);   // entries are purchases: shoppers only
        Route("POST", "/api/chains/{chainId}/close", 401, Allowed, NotMember, NotMember, 403);
        // The pages: public shells; what they show comes from the API under the same rules.
        foreach (var page in new[] { "/", "/group-buys/{id}", "/teams/{id}", "/flash-sales/{id}", "/orders", "/orders/{id}", "/groups/{id}", "/merchant" })
        {
            Route("GET", page, Allowed, Allowed, Allowed, Allowed, Allowed);
            Route("HEAD", page, Allowed, Allowed, Allowed, Allowed, Allowed);
        }
        return data;
    }

    /// <summary>The routes (method and pattern: a join and a read share a pattern) that act on a group or a chain: each gets its own in the world.</summary>
    public static IEnumerable<string> GroupRoutes() =>
        Matrix().Select(row => row.Data).Where(r => r.Item2.StartsWith("/api/groups/", StringComparison.Ordinal) || r.Item2.StartsWith("/api/chains/", StringComparison.Ordinal))
            .Select(r => $"{r.Item1} {r.Item2}").Distinct();

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_answers_each_kind_of_caller_as_the_contract_says(string method, string path, string caller, int expected)
    {
        var url = Url(method, path);
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? JsonContent.Create(Body(path, caller)) : null };

        var response = await world.Callers[caller].SendAsync(request, ApiClient.Token);

        if (expected == Allowed)
        {
            // Let through: a success, or a refusal of the domain's own (a shopper already holding a seat), never an authorization answer.
            Assert.True((int)response.StatusCode is >= 200 and < 300 or 409, $"{caller} {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiClient.Token)}");
        }
        else if (expected == NotMember)
        {
            await response.AssertProblemAsync(403, "not_member");
        }
        else
        {
            await response.AssertProblemAsync(expected, expected switch { 401 => "unauthorized", 403 => "forbidden", _ => "not_found" });
        }
    }

    public static TheoryData<string, string, string> TopicMatrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var caller in new[] { "anonymous", "shopper", "another shopper", "merchant", "another merchant" })
        {
            // Deal topics are public, as the deals' GETs are; a group's and its chains' are for its members alone.
            data.Add(LiveTopic.Team, caller, WatchAllowed);
            data.Add(LiveTopic.FlashSale, caller, WatchAllowed);
            data.Add(LiveTopic.GroupBuy, caller, WatchAllowed);
            var member = caller is "shopper" or "another merchant";
            data.Add(LiveTopic.Group, caller, member ? WatchAllowed : "not_member");
            data.Add(LiveTopic.Chain, caller, member ? WatchAllowed : "not_member");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TopicMatrix))]
    public async Task Each_live_topic_answers_each_kind_of_caller_as_the_contract_says(string kind, string caller, string expected)
    {
        var id = kind switch
        {
            LiveTopic.Team => world.TeamId,
            LiveTopic.FlashSale => world.SaleId,
            LiveTopic.GroupBuy => world.CampaignId,
            LiveTopic.Group => world.Groups["topic"].GroupId,
            LiveTopic.Chain => world.Groups["topic"].ChainId,
            _ => "0123456789abcdef0123456789abcdef",
        };
        await using var client = await SignalRClient.ConnectAsync(world.Factory.ClientOptions.BaseAddress, world.Tokens[caller], ApiClient.Token);

        if (expected == WatchAllowed)
        {
            Assert.Equal(id, (await client.InvokeAsync("Watch", $"{kind}:{id}"))!["id"]!.GetValue<string>());
        }
        else
        {
            var refused = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", $"{kind}:{id}"));
            Assert.Contains($"HubException: {expected}:", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_live_topic_kind_is_in_the_matrix()
    {
        var kinds = typeof(LiveTopic).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);

        var inMatrix = TopicMatrix().Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);

        Assert.All(kinds, kind => Assert.Contains(kind, inMatrix));
    }

    [Fact]
    public void Every_route_the_app_maps_is_in_the_matrix()
    {
        var inMatrix = Matrix().Select(row => $"{row.Data.Item1} {row.Data.Item2}").ToHashSet(StringComparer.Ordinal);

        var missing = MappedRoute.Of(world.Factory.Services).Where(r => !r.IsHub && !inMatrix.Contains(r.Key)).Select(r => r.Key).ToList();

        Assert.True(missing.Count == 0, $"routes with no row in the authorization matrix: {string.Join(", ", missing)}");
    }

    /// <summary>The pattern with this world's items in place of its parameters.</summary>
    private string Url(string method, string pattern)
    {
        if (world.Groups.TryGetValue($"{method} {pattern}", out var own))
        {
            var target = pattern.StartsWith("/api/chains/", StringComparison.Ordinal) ? own.ChainId : own.GroupId;
            return pattern.Replace("{id}", target, StringComparison.Ordinal).Replace("{chainId}", target, StringComparison.Ordinal).Replace("{userId}", "mx-nobody", StringComparison.Ordinal);
        }
        var segments = pattern.Split('/');
        var id = segments.Length > 2 ? segments[2] switch
        {
            "products" or "catalog" => "mx-sku",
            "flash-sales" => world.SaleId,
            "group-buys" => world.CampaignId,
            "teams" => world.TeamId,
            "orders" => world.OrderId,
            _ => "v1",
        } : "v1";
        return string.Join('/', segments.Select(s => s.StartsWith('{') ? id + s[(s.IndexOf('}', StringComparison.Ordinal) + 1)..] : s));
    }

    private object Body(string path, string caller)
    {
        var now = DateTimeOffset.UtcNow;
        var suffix = caller.Replace(' ', '-');
        return path switch
        {
            "/api/products" => new { sku = $"mx-new-{suffix}", name = "Tea", price = 100, stock = 10 },
            "/api/products/{sku}/restock" => new { quantity = 1 },
            "/api/dev/tokens" => new { userId = $"mx-dev-{suffix}", role = "shopper" },
            "/api/flash-sales" => new { sku = "mx-sku", price = 50, quantity = 1, startsAt = now, endsAt = now.AddHours(1), perUserLimit = 1 },
            "/api/flash-sales/{id}/purchases" => new { quantity = 1 },
            "/api/groups" => new { name = $"Group of {caller}" },
            "/api/groups/{id}/messages" => new { text = $"Hello from {caller}" },
            "/api/groups/{id}/chains" => new { title = "Tea", flashSaleId = world.SaleId, pickup = new { place = "Gate", at = now.AddHours(2) } },
            "/api/chains/{chainId}/entries" => new { quantity = 1 },
            "/api/group-buys" => new { sku = "mx-sku", price = 50, soloPrice = 100, teamSize = 2, teamWindowSeconds = 60, quantity = 2, startsAt = now, endsAt = now.AddHours(1) },
            _ => new { },
        };
    }
}
