using GroupBuy.Api.Live;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

public sealed class LiveProgressTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task A_watcher_gets_the_team_snapshot_then_progress_after_each_join()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 4);
        var leader = await server.Factory.SignedInAsync("lp-leader", "shopper", "团长");
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();

        var snapshot = (await watcher.InvokeAsync("Watch", $"team:{teamId}"))!;
        var joined = new List<JsonNode>();
        foreach (var name in new[] { "lp-a", "lp-b", "lp-c" })
        {
            var shopper = await server.Factory.SignedInAsync(name, "shopper");
            (await shopper.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
            joined.Add(await watcher.NextAsync("progress", ApiClient.Token));
        }

        Assert.Equal(3, snapshot["needed"]!.GetValue<int>());
        Assert.Equal($"team:{teamId}", joined[0]["topic"]!.GetValue<string>());
        Assert.Equal([2, 1, 0], joined.Select(p => p["data"]!["needed"]!.GetValue<int>()));
        var versions = joined.Select(p => p["version"]!.GetValue<long>()).Prepend(snapshot["version"]!.GetValue<long>()).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task A_team_that_succeeds_pushes_its_terminal_state()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 2);
        var leader = await server.Factory.SignedInAsync("lt-leader", "shopper");
        var friend = await server.Factory.SignedInAsync("lt-friend", "shopper");
        var opened = await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync();
        var teamId = opened["team"]!["id"]!.GetValue<string>();
        var joined = await (await friend.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).JsonAsync();
        await using var watcher = await server.ConnectAsync();
        await watcher.InvokeAsync("Watch", $"team:{teamId}");

        await leader.PostAsync($"/api/orders/{opened["order"]!["id"]!.GetValue<string>()}/pay", null, ApiClient.Token);
        await friend.PostAsync($"/api/orders/{joined["order"]!["id"]!.GetValue<string>()}/pay", null, ApiClient.Token);

        JsonNode push;
        do
        {
            push = await watcher.NextAsync("progress", ApiClient.Token);
        }
        while (push["data"]!["status"]!.GetValue<string>() == "forming");
        Assert.Equal("succeeded", push["data"]!["status"]!.GetValue<string>());
        Assert.Equal(2, push["data"]!["paid"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unwatching_stops_the_pushes_and_the_subscription()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 5);
        var leader = await server.Factory.SignedInAsync("lu-leader", "shopper");
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        await watcher.InvokeAsync("Watch", $"team:{teamId}");
        await other.InvokeAsync("Watch", $"team:{teamId}");

        await watcher.InvokeAsync("Unwatch", $"team:{teamId}");
        var shopper = await server.Factory.SignedInAsync("lu-a", "shopper");
        (await shopper.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();

        // The other watcher's push proves the update went out; the one that unwatched got nothing.
        Assert.Equal(3, (await other.NextAsync("progress", ApiClient.Token))["data"]!["needed"]!.GetValue<int>());
        Assert.Empty(watcher.Drain("progress"));
    }

    [Fact]
    public async Task The_bridge_subscribes_to_a_grain_topic_only_while_someone_watches_it()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 5);
        var topics = server.Factory.Services.GetRequiredService<GroupBuy.Runtime.ILiveTopics>();
        var topic = $"group-buy:{id}";
        Assert.False(topics.HasSubscribers(topic));

        await using (var first = await server.ConnectAsync())
        {
            await using var second = await server.ConnectAsync();
            await first.InvokeAsync("Watch", topic);
            await second.InvokeAsync("Watch", topic);
            Assert.True(topics.HasSubscribers(topic));
            await second.InvokeAsync("Unwatch", topic);
            Assert.True(topics.HasSubscribers(topic));
            await first.InvokeAsync("Unwatch", topic);
        }

        Assert.False(topics.HasSubscribers(topic));
    }
}

public sealed class LiveCoalescingTests(ManualClockLiveServer server) : IClassFixture<ManualClockLiveServer>
{
    [Fact]
    public async Task Flash_sale_pushes_are_coalesced_to_the_latest_within_a_window_and_sold_out_is_pushed()
    {
        var id = await ChatsApiTests.SaleAsync(server.Factory, quantity: 12, perUserLimit: 1, now: server.Clock.GetUtcNow());

        await AssertCoalescedAsync($"flash-sale:{id}", changes: 12, async shopper =>
        {
            var client = await server.Factory.SignedInAsync($"lc-s{shopper}", "shopper");
            (await client.PostAsJsonAsync($"/api/flash-sales/{id}/purchases", new { quantity = 1 }, ApiClient.Token)).EnsureSuccessStatusCode();
        });
    }

    [Fact]
    public async Task Group_buy_pushes_are_coalesced_to_the_latest_within_a_window_and_sold_out_is_pushed()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 2, quantity: 7, now: server.Clock.GetUtcNow());

        await AssertCoalescedAsync($"group-buy:{id}", changes: 7, async leader =>
        {
            var client = await server.Factory.SignedInAsync($"lcg-l{leader}", "shopper");
            (await client.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).EnsureSuccessStatusCode();
        });
    }

    /// <summary>
    /// Watches a topic of <paramref name="changes"/> units while each change takes one: the first change goes out at
    /// once; the feed then holds back for a window, and every change but the last made within it comes as one push;
    /// the last one, which sells out, is pushed too.
    /// </summary>
    private async Task AssertCoalescedAsync(string topic, int changes, Func<int, Task> change)
    {
        await using var watcher = await server.ConnectAsync();
        await watcher.InvokeAsync("Watch", topic);

        await change(1);
        var first = await watcher.NextAsync("progress", ApiClient.Token);
        await HoldingBackAsync();
        for (var n = 2; n < changes; n++)
        {
            await change(n);
        }
        server.Clock.Advance(LiveFeeds.CoalescingInterval);
        var coalesced = await watcher.NextAsync("progress", ApiClient.Token);
        await HoldingBackAsync();
        await change(changes);
        server.Clock.Advance(LiveFeeds.CoalescingInterval);
        var soldOut = await watcher.NextAsync("progress", ApiClient.Token);

        Assert.Equal(changes - 1, first["data"]!["remaining"]!.GetValue<int>());
        Assert.Equal(1, coalesced["data"]!["remaining"]!.GetValue<int>());
        Assert.Equal("sold_out", soldOut["data"]!["status"]!.GetValue<string>());
        Assert.True(first["version"]!.GetValue<long>() < coalesced["version"]!.GetValue<long>());
        Assert.True(coalesced["version"]!.GetValue<long>() < soldOut["version"]!.GetValue<long>());
    }

    /// <summary>
    /// Waits for the feed to hold back for a window; a feed that does not coalesce never arms that delay, so the wait is
    /// bounded to fail rather than hang.
    /// </summary>
    private Task HoldingBackAsync() => server.FeedHoldingBack().WaitAsync(TimeSpan.FromMinutes(1), ApiClient.Token);
}
