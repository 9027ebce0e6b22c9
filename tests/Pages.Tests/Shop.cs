using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Pages.Tests;

/// <summary>Setting up campaigns through the API, as a merchant would, so each test starts from a known shop.</summary>
public static class Shop
{
    private static CancellationToken Token => BrowserServer.Token;

    public static async Task<JsonObject> PostJsonAsync(this HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static string Id(this JsonNode node, string path = "id")
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = current![part];
        }
        return current!.GetValue<string>();
    }

    public static async Task ProductAsync(this HttpClient merchant, string sku, string name, long price, int stock = 100) =>
        await merchant.PostJsonAsync("/api/products", new { sku, name, price, stock });

    public static async Task<JsonObject> GroupBuyAsync(this HttpClient merchant, string sku, DateTimeOffset now, int teamSize = 3) =>
        await merchant.PostJsonAsync("/api/group-buys", new
        {
            sku, price = 1290, leaderPrice = 990, soloPrice = 1990, teamSize, teamWindowSeconds = 3600, quantity = 30,
            startsAt = now.AddMinutes(-1), endsAt = now.AddDays(1),
        });

    public static async Task<JsonObject> FlashSaleAsync(this HttpClient merchant, string sku, DateTimeOffset startsAt, int quantity = 20) =>
        await merchant.PostJsonAsync("/api/flash-sales", new
        {
            sku, price = 990, quantity, startsAt, endsAt = startsAt.AddHours(1), perUserLimit = 5,
        });
}
