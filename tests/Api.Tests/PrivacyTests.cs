using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

/// <summary>Public snapshots and live events show display names and counts, never a user id or a merchant id.</summary>
public sealed class PrivacyTests(LiveServer server) : IClassFixture<LiveServer>
{
    private const string Secret = "zz-private";

    [Fact]
    public async Task No_public_snapshot_or_live_event_carries_a_user_id()
    {
        var merchant = await server.Factory.SignedInAsync($"{Secret}-merchant", "merchant", "Shop");
        var leader = await server.Factory.SignedInAsync($"{Secret}-leader", "shopper", "Alice");
        var friend = await server.Factory.SignedInAsync($"{Secret}-friend", "shopper", "Bob");
        var now = DateTimeOffset.UtcNow;
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "priv-sku", name = "Tea", price = 100, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var saleId = (await (await merchant.PostAsJsonAsync("/api/flash-sales", new { sku = "priv-sku", price = 50, quantity = 10, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 2 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        var campaignId = (await (await merchant.PostAsJsonAsync("/api/group-buys", new { sku = "priv-sku", price = 50, soloPrice = 100, teamSize = 3, teamWindowSeconds = 3600, quantity = 10, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        var opened = await (await leader.PostAsync($"/api/group-buys/{campaignId}/teams", null, ApiClient.Token)).JsonAsync();
        var teamId = opened["team"]!["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();
        var seen = new List<JsonNode?>
        {
            await watcher.InvokeAsync("Watch", $"team:{teamId}"),
            await watcher.InvokeAsync("Watch", $"flash-sale:{saleId}"),
            await watcher.InvokeAsync("Watch", $"group-buy:{campaignId}"),
        };

        (await friend.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
        seen.Add(await watcher.NextAsync("progress", ApiClient.Token));
        (await friend.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 }, ApiClient.Token)).EnsureSuccessStatusCode();
        seen.Add(await watcher.NextAsync("progress", ApiClient.Token));
        var anonymous = server.Factory.CreateClient();
        foreach (var url in new[] { $"/api/teams/{teamId}", $"/api/flash-sales/{saleId}", $"/api/group-buys/{campaignId}" })
        {
            seen.Add(await anonymous.GetFromJsonAsync<JsonNode>(url, ApiClient.Token));
        }

        var text = string.Join("\n", seen.Select(s => s?.ToJsonString()));
        Assert.Contains("Alice", text, StringComparison.Ordinal);   // names are shown: that is how members know each other
        Assert.Contains("Bob", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("shopperId", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("merchantId", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_shopper_whose_token_carries_no_name_is_shown_as_anonymous_not_by_user_id()
    {
        var merchant = await server.Factory.SignedInAsync($"{Secret}-merchant-2", "merchant", "Shop");
        var leader = await server.Factory.SignedInAsync($"{Secret}-leader-2", "shopper", "Carol");
        var nameless = server.Factory.CreateClient();
        var minted = await (await nameless.PostAsJsonAsync("/api/dev/tokens", new { userId = $"{Secret}-nameless", role = "shopper" }, ApiClient.Token)).JsonAsync();
        nameless.DefaultRequestHeaders.Authorization = new("Bearer", minted["token"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow;
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "priv-sku-2", name = "Tea", price = 100, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var campaignId = (await (await merchant.PostAsJsonAsync("/api/group-buys", new { sku = "priv-sku-2", price = 50, soloPrice = 100, teamSize = 3, teamWindowSeconds = 3600, quantity = 10, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{campaignId}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();

        var joined = await (await nameless.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).JsonAsync();

        var members = joined["team"]!["members"]!.AsArray().Select(m => m!["name"]!.GetValue<string>());
        Assert.Equal(["Carol", "匿名用户"], members);
        Assert.DoesNotContain(Secret, joined.ToJsonString(), StringComparison.Ordinal);
    }
}
