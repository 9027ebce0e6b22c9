using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

/// <summary>A campaign counts its teams forming, formed and failed, for merchants' dashboards, live and in its GET.</summary>
public sealed class GroupBuyTeamCountsTests(ManualClockLiveServer server) : IClassFixture<ManualClockLiveServer>
{
    [Fact]
    public async Task A_campaign_counts_its_teams_forming_formed_and_failed()
    {
        var merchant = await server.Factory.SignedInAsync("tc-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "tc-1", name = "Lychee", price = 3000, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var now = server.Clock.GetUtcNow();
        var id = (await (await merchant.PostAsJsonAsync("/api/group-buys", new
        {
            sku = "tc-1", price = 2000, soloPrice = 3000, teamSize = 2, teamWindowSeconds = 60, quantity = 20,
            startsAt = now.AddMinutes(-1), endsAt = now.AddDays(1),
        }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();
        await watcher.InvokeAsync("Watch", $"group-buy:{id}");

        // Team A forms: both seats taken and paid.
        var a1 = await server.Factory.SignedInAsync("tc-a1", "shopper");
        var a2 = await server.Factory.SignedInAsync("tc-a2", "shopper");
        var opened = await (await a1.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync();
        var joined = await (await a2.PostAsync($"/api/teams/{opened["team"]!["id"]}/members", null, ApiClient.Token)).JsonAsync();
        (await a1.PostAsync($"/api/orders/{opened["order"]!["id"]}/pay", null, ApiClient.Token)).EnsureSuccessStatusCode();
        (await a2.PostAsync($"/api/orders/{joined["order"]!["id"]}/pay", null, ApiClient.Token)).EnsureSuccessStatusCode();
        // Team B is left alone and fails at its deadline; team C is opened after and still forms.
        (await (await server.Factory.SignedInAsync("tc-b1", "shopper")).PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).EnsureSuccessStatusCode();
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        (await (await server.Factory.SignedInAsync("tc-c1", "shopper")).PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).EnsureSuccessStatusCode();

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ApiClient.Token);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        JsonNode? counts = null;
        while (!Same(counts, 1, 1, 1))
        {
            counts = (await server.NextCoalescedPushAsync(watcher, patience.Token))["data"]!["teams"];
        }
        var read = await server.Factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/group-buys/{id}", ApiClient.Token);

        Assert.True(Same(read!["teams"], 1, 1, 1), read.ToJsonString());
    }

    private static bool Same(JsonNode? counts, int forming, int succeeded, int failed) =>
        counts is not null && counts["forming"]!.GetValue<int>() == forming && counts["succeeded"]!.GetValue<int>() == succeeded && counts["failed"]!.GetValue<int>() == failed;
}
