using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.Fuzz;

/// <summary>
/// The API in process (every request reaches the app, none is refused by the socket layer first) with a product,
/// a flash sale, a group buy, a team and an order to aim at, and the callers' tokens. Rate limits are lifted so
/// cases reach validation.
/// </summary>
public class FuzzWorld : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();

    public Uri Address => Factory.ClientOptions.BaseAddress;

    public IReadOnlyList<MappedRoute> Routes { get; private set; } = [];

    /// <summary>Bearer tokens by caller; "anonymous" has none.</summary>
    public Dictionary<string, string?> Tokens { get; } = new(StringComparer.Ordinal) { ["anonymous"] = null };

    /// <summary>Ids that exist, by the first segment after /api/ of the routes that address them.</summary>
    public Dictionary<string, List<string>> Ids { get; } = new(StringComparer.Ordinal);

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The app's OpenAPI document, to check that each refusal met is one the document lists for its route.</summary>
    public JsonObject OpenApi { get; private set; } = null!;

    /// <summary>The time bodies are built around, fixed so that a seed always generates the same bytes.</summary>
    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    /// <summary>On a real Kestrel socket instead, for what needs one (the hub's WebSocket).</summary>
    protected virtual bool OverSockets => false;

    public async ValueTask InitializeAsync()
    {
        Factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        Factory.Settings["RateLimits:PerShopperPerPeriod"] = "100000";
        Factory.Settings["RateLimits:ChatBurst"] = "100000";
        Factory.Settings["RateLimits:ChatPerPeriod"] = "100000";
        Factory.Settings["RateLimits:GroupCreationBurst"] = "100000";
        Factory.Settings["RateLimits:GroupCreationPerPeriod"] = "100000";
        Factory.Settings["Logging:LogLevel:Default"] = "Critical";
        Factory.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "None";
        if (OverSockets)
        {
            Factory.UseKestrel(0);
        }
        Factory.StartServer();
        Client = Factory.CreateClient();
        Routes = MappedRoute.Of(Factory.Services);
        OpenApi = await (await Client.GetAsync("/openapi/v1.json", ApiClient.Token)).JsonAsync();
        foreach (var (caller, role) in new[] { ("shopper", "shopper"), ("shopper2", "shopper"), ("merchant", "merchant") })
        {
            var minted = await Client.PostAsJsonAsync("/api/dev/tokens", new { userId = $"fz-{caller}", role, name = caller }, ApiClient.Token);
            Tokens[caller] = (await minted.JsonAsync())["token"]!.GetValue<string>();
        }
        var now = Now;
        await PostAsync("merchant", "/api/products", new { sku = "fz-sku", name = "Tea", price = 100, stock = 1_000_000 });
        Add("products", "fz-sku");
        var sale = await PostAsync("merchant", "/api/flash-sales", new { sku = "fz-sku", price = 50, quantity = 100_000, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2), perUserLimit = 100_000 });
        Add("flash-sales", sale["id"]!.GetValue<string>());
        var campaign = await PostAsync("merchant", "/api/group-buys", new { sku = "fz-sku", price = 50, soloPrice = 100, teamSize = 100, teamWindowSeconds = 7200, quantity = 100_000, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2) });
        Add("group-buys", campaign["id"]!.GetValue<string>());
        var team = await PostAsync("shopper2", $"/api/group-buys/{campaign["id"]}/teams", null);
        Add("teams", team["team"]!["id"]!.GetValue<string>());
        var order = await PostAsync("shopper", $"/api/flash-sales/{sale["id"]}/purchases", new { quantity = 1 });
        Add("orders", order["id"]!.GetValue<string>());
        Add("orders", team["order"]!["id"]!.GetValue<string>());
        await HarvestAsync();
    }

    /// <summary>
    /// Items of kinds added later (groups, chains…): each create route not seeded above is called once with a
    /// well-formed body, and what its <c>Location</c> names is kept, so cases on that kind's routes hit real items.
    /// Two rounds: the second creates items under those of the first (a group's chain).
    /// </summary>
    private async Task HarvestAsync()
    {
        var random = new Random(0);
        for (var round = 0; round < 2; round++)
        {
            foreach (var route in Routes.Where(r => r.Method == "POST" && !r.IsHub && r.Pattern.StartsWith("/api/", StringComparison.Ordinal)))
            {
                var segments = route.Pattern.Split('/');
                var kind = segments[2];
                var creates = round == 0 ? segments.Length == 3 && !Ids.ContainsKey(kind) : segments.Length == 5 && segments[3].StartsWith('{') && Ids.ContainsKey(kind);
                if (!creates || kind == "dev")
                {
                    continue;
                }
                var url = segments.Length == 3 ? route.Pattern : $"/api/{kind}/{Ids[kind][0]}/{segments[4]}";
                using var request = Request(HttpMethod.Post, url, route.Policy == "merchant" ? "merchant" : "shopper");
                request.Content = JsonContent.Create(route.BodyType is { } type ? Bodies.Valid(type, this, random) : new JsonObject());
                using var response = await Client.SendAsync(request, ApiClient.Token);
                if (response.Headers.Location?.OriginalString.Split('/') is ["", "api", var created, { Length: > 0 } id]
                    && !(Ids.TryGetValue(created, out var known) && known.Contains(Uri.UnescapeDataString(id))))
                {
                    Add(created, Uri.UnescapeDataString(id));
                }
            }
        }
    }

    public HttpRequestMessage Request(HttpMethod method, string url, string caller)
    {
        var request = new HttpRequestMessage(method, url);
        if (Tokens[caller] is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private void Add(string kind, string id)
    {
        if (!Ids.TryGetValue(kind, out var ids))
        {
            Ids[kind] = ids = [];
        }
        ids.Add(id);
    }

    private async Task<JsonObject> PostAsync(string caller, string url, object? body)
    {
        using var request = Request(HttpMethod.Post, url, caller);
        request.Content = body is null ? null : JsonContent.Create(body);
        var response = await Client.SendAsync(request, ApiClient.Token);
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }
}

/// <summary>The same world on a real socket, for the hub's WebSocket.</summary>
public sealed class SocketFuzzWorld : FuzzWorld
{
    protected override bool OverSockets => true;
}
