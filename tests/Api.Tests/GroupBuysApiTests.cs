using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

public sealed class GroupBuysApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static int s_skus;

    /// <summary>A live campaign of <paramref name="teamSize"/>-seat teams; returns its id.</summary>
    internal static async Task<string> CampaignAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, int teamSize = 3, int quantity = 30, DateTimeOffset? now = null)
    {
        var merchant = await factory.SignedInAsync("gb-merchant", "merchant");
        var sku = $"gb-{Interlocked.Increment(ref s_skus)}";
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Durian", price = 9900, stock = 100 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var start = now ?? DateTimeOffset.UtcNow;
        var created = await merchant.PostAsJsonAsync("/api/group-buys", new
        {
            sku, price = 6900, leaderPrice = 5900, soloPrice = 9900, teamSize, teamWindowSeconds = 3600, quantity,
            startsAt = start.AddMinutes(-1), endsAt = start.AddDays(1),
        }, ApiClient.Token);
        Assert.Equal(201, (int)created.StatusCode);
        return (await created.JsonAsync())["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Shoppers_open_join_and_quick_join_teams()
    {
        var id = await CampaignAsync(factory, teamSize: 3);
        var leader = await factory.SignedInAsync("gb-leader", "shopper", "小王");
        var friend = await factory.SignedInAsync("gb-friend", "shopper", "小李");
        var quick = await factory.SignedInAsync("gb-quick", "shopper", "小张");

        var opened = await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync();
        var teamId = opened["team"]!["id"]!.GetValue<string>();
        var joined = await friend.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token);
        var quickJoined = await (await quick.PostAsync($"/api/group-buys/{id}/quick-join", null, ApiClient.Token)).JsonAsync();
        var team = await factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/teams/{teamId}", ApiClient.Token);

        Assert.Equal(5900, opened["order"]!["amount"]!.GetValue<long>());
        Assert.Equal("group_buy", opened["order"]!["kind"]!.GetValue<string>());
        Assert.Equal(201, (int)joined.StatusCode);
        Assert.Equal(teamId, quickJoined["team"]!["id"]!.GetValue<string>());
        Assert.Equal(3, team!["joined"]!.GetValue<int>());
        Assert.Equal(0, team["needed"]!.GetValue<int>());
        Assert.Equal(["小王", "小李", "小张"], team["members"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.DoesNotContain("gb-leader", team.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_sent_with_another_content_type_still_opens_and_joins_teams()
    {
        var id = await CampaignAsync(factory, teamSize: 3);
        var leader = await factory.SignedInAsync("gb-form-leader", "shopper");
        var friend = await factory.SignedInAsync("gb-form-friend", "shopper");
        var quick = await factory.SignedInAsync("gb-form-quick", "shopper");
        static HttpContent Empty(string type) => new StringContent("", System.Text.Encoding.UTF8, type);

        var opened = await leader.PostAsync($"/api/group-buys/{id}/teams", Empty("application/x-www-form-urlencoded"), ApiClient.Token);
        var teamId = (await opened.JsonAsync())["team"]!["id"]!.GetValue<string>();
        var joined = await friend.PostAsync($"/api/teams/{teamId}/members", Empty("text/plain"), ApiClient.Token);
        var quickJoined = await quick.PostAsync($"/api/group-buys/{id}/quick-join", Empty("application/x-www-form-urlencoded"), ApiClient.Token);

        Assert.Equal([201, 201, 201], new[] { opened, joined, quickJoined }.Select(r => (int)r.StatusCode));
    }

    [Fact]
    public async Task The_campaign_lists_open_teams_fewest_needed_first()
    {
        var id = await CampaignAsync(factory, teamSize: 3);
        var a = await factory.SignedInAsync("gb-a", "shopper");
        var b = await factory.SignedInAsync("gb-b", "shopper");
        var c = await factory.SignedInAsync("gb-c", "shopper");
        await a.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token);
        var second = (await (await b.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();
        await c.PostAsync($"/api/teams/{second}/members", null, ApiClient.Token);

        var campaign = await factory.CreateClient().GetFromJsonAsync<JsonObject>($"/api/group-buys/{id}", ApiClient.Token);

        var open = campaign!["openTeams"]!.AsArray();
        Assert.Equal(second, open[0]!["id"]!.GetValue<string>());
        Assert.Equal([1, 2], open.Select(t => t!["needed"]!.GetValue<int>()));
        Assert.Equal("live", campaign["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Joining_is_refused_with_the_contracts_codes()
    {
        var id = await CampaignAsync(factory, teamSize: 2);
        var leader = await factory.SignedInAsync("gb-l2", "shopper");
        var second = await factory.SignedInAsync("gb-s2", "shopper");
        var third = await factory.SignedInAsync("gb-t2", "shopper");
        var merchant = await factory.SignedInAsync("gb-merchant", "merchant");
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();

        await (await leader.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).AssertProblemAsync(409, "already_member");
        Assert.Equal(201, (int)(await second.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).StatusCode);
        await (await third.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).AssertProblemAsync(409, "team_full");
        await (await merchant.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        await (await third.PostAsync("/api/teams/0123456789abcdef0123456789abcdef/members", null, ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await third.PostAsync("/api/teams/not-an-id/members", null, ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await factory.CreateClient().PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_group_buy_with_bad_terms_is_a_validation_problem()
    {
        var merchant = await factory.SignedInAsync("gb-merchant", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "gb-terms", name = "Pears", price = 100, stock = 10 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;

        var response = await merchant.PostAsJsonAsync("/api/group-buys", new
        {
            sku = "gb-terms", price = 50, soloPrice = 100, teamSize = 1, teamWindowSeconds = 60, quantity = 10, startsAt = now, endsAt = now.AddHours(1),
        }, ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }
}
