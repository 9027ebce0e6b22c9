using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests;

/// <summary>Group and chain topics over a real WebSocket: members only, messages in order, chains and cards live.</summary>
public sealed class ChatsLiveTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task Only_members_watch_a_group_and_its_chains()
    {
        var (id, leader, _) = await ChatsApiTests.GroupAsync(server.Factory, "lw-leader", "lw-1");
        var saleId = await ChatsApiTests.SaleAsync(server.Factory);
        var chain = await (await leader.PostAsJsonAsync($"/api/groups/{id}/chains",
            new { title = "Mango chain", flashSaleId = saleId, pickup = new { place = "Gate 3", at = DateTimeOffset.UtcNow.AddDays(1) } }, ApiClient.Token)).JsonAsync();
        var chainId = chain["id"]!.GetValue<string>();
        await using var outsider = await server.ConnectAsync("lw-out");
        await using var anonymous = await server.ConnectAsync();
        await using var member = await server.ConnectAsync("lw-1");

        foreach (var (client, topic) in new[] { (outsider, $"group:{id}"), (outsider, $"chain:{chainId}"), (anonymous, $"group:{id}"), (anonymous, $"chain:{chainId}") })
        {
            var error = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", topic));
            Assert.Contains("HubException: not_member:", error.Message, StringComparison.Ordinal);
        }
        var group = (await member.InvokeAsync("Watch", $"group:{id}"))!;
        var watchedChain = (await member.InvokeAsync("Watch", $"chain:{chainId}"))!;
        var missing = await Assert.ThrowsAsync<HubErrorException>(() => member.InvokeAsync("Watch", "chain:0123456789abcdef0123456789abcdef"));

        Assert.Equal((id, 2, 1L), (group["id"]!.GetValue<string>(), group["memberCount"]!.GetValue<int>(), group["lastSeq"]!.GetValue<long>()));
        Assert.Equal(("Mango chain", "open"), (watchedChain["title"]!.GetValue<string>(), watchedChain["status"]!.GetValue<string>()));
        Assert.Contains("HubException: not_found:", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watcher_gets_every_message_in_seq_order_and_membership_changes_as_progress()
    {
        var (id, leader, members) = await ChatsApiTests.GroupAsync(server.Factory, "lm-leader", "lm-1", "lm-2");
        await using var watcher = await server.ConnectAsync("lm-2");
        await watcher.InvokeAsync("Watch", $"group:{id}");

        var posts = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(async () =>
        {
            var author = i % 2 == 0 ? leader : members[0];
            var response = await author.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = $"#{i}" }, ApiClient.Token);
            Assert.Equal(201, (int)response.StatusCode);
            return await response.JsonAsync();
        }, ApiClient.Token)));
        var pushed = new List<JsonNode>();
        for (var i = 0; i < posts.Length; i++)
        {
            pushed.Add(await watcher.NextAsync("message", ApiClient.Token));
        }
        var newcomer = await server.Factory.SignedInAsync("lm-3", "shopper");
        (await newcomer.PostAsync($"/api/groups/{id}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
        var progress = await watcher.NextAsync("progress", ApiClient.Token);

        Assert.All(pushed, p => Assert.Equal($"group:{id}", p["topic"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), pushed.Select(p => p["message"]!["seq"]!.GetValue<long>()));
        Assert.All(pushed, p => Assert.True(p["serverTime"]?.GetValue<DateTimeOffset>() > DateTimeOffset.UnixEpoch));
        var textBySeq = posts.ToDictionary(p => p["seq"]!.GetValue<long>(), p => p["text"]!.GetValue<string>());
        Assert.All(pushed, p => Assert.Equal(textBySeq[p["message"]!["seq"]!.GetValue<long>()], p["message"]!["text"]!.GetValue<string>()));
        Assert.Equal(4, progress["data"]!["memberCount"]!.GetValue<int>());
        Assert.Equal(40, progress["data"]!["lastSeq"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_member_who_leaves_stops_receiving_the_groups_messages()
    {
        var (id, leader, members) = await ChatsApiTests.GroupAsync(server.Factory, "ll-leader", "ll-1", "ll-2");
        await using var leaving = await server.ConnectAsync("ll-1");
        await using var staying = await server.ConnectAsync("ll-2");
        await leaving.InvokeAsync("Watch", $"group:{id}");
        await staying.InvokeAsync("Watch", $"group:{id}");

        (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "before" }, ApiClient.Token)).EnsureSuccessStatusCode();
        var seenBefore = await leaving.NextAsync("message", ApiClient.Token);
        Assert.Equal(204, (int)(await members[0].DeleteAsync($"/api/groups/{id}/members/me", ApiClient.Token)).StatusCode);
        (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "after" }, ApiClient.Token)).EnsureSuccessStatusCode();

        // The member who stayed gets both; the one who left got the first only.
        Assert.Equal("before", (await staying.NextAsync("message", ApiClient.Token))["message"]!["text"]!.GetValue<string>());
        Assert.Equal("after", (await staying.NextAsync("message", ApiClient.Token))["message"]!["text"]!.GetValue<string>());
        Assert.Equal("before", seenBefore["message"]!["text"]!.GetValue<string>());
        Assert.Empty(leaving.Drain("message"));
        var error = await Assert.ThrowsAsync<HubErrorException>(() => leaving.InvokeAsync("Watch", $"group:{id}"));
        Assert.Contains("HubException: not_member:", error.Message, StringComparison.Ordinal);

        // Back in the group, the same connection may watch again.
        (await members[0].PostAsync($"/api/groups/{id}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
        await leaving.InvokeAsync("Watch", $"group:{id}");
        (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "welcome back" }, ApiClient.Token)).EnsureSuccessStatusCode();
        Assert.Equal("welcome back", (await leaving.NextAsync("message", ApiClient.Token))["message"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_shared_card_and_a_chain_update_live()
    {
        var (id, leader, members) = await ChatsApiTests.GroupAsync(server.Factory, "lc-leader", "lc-1", "lc-2");
        var saleId = await ChatsApiTests.SaleAsync(server.Factory, quantity: 30);
        await using var watcher = await server.ConnectAsync("lc-2");
        await watcher.InvokeAsync("Watch", $"group:{id}");

        (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { share = new { kind = "flash_sale", id = saleId } }, ApiClient.Token)).EnsureSuccessStatusCode();
        var card = (await watcher.NextAsync("message", ApiClient.Token))["message"]!["share"]!;
        await watcher.InvokeAsync("Watch", card["topic"]!.GetValue<string>());
        var chain = await (await leader.PostAsJsonAsync($"/api/groups/{id}/chains",
            new { title = "Mango chain", flashSaleId = saleId, pickup = new { place = "Gate 3", at = DateTimeOffset.UtcNow.AddDays(1) } }, ApiClient.Token)).JsonAsync();
        var announcement = (await watcher.NextAsync("message", ApiClient.Token))["message"]!;
        var chainId = chain["id"]!.GetValue<string>();
        await watcher.InvokeAsync("Watch", $"chain:{chainId}");
        (await members[0].PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = 4 }, ApiClient.Token)).EnsureSuccessStatusCode();

        // The card's topic and the chain's topic both move; in whichever order their pushes come.
        JsonNode? sale = null, chainProgress = null;
        while (sale is null || chainProgress is null)
        {
            var push = await watcher.NextAsync("progress", ApiClient.Token);
            var topic = push["topic"]!.GetValue<string>();
            if (topic == $"flash-sale:{saleId}" && push["data"]!["remaining"]!.GetValue<int>() == 26)
            {
                sale = push;
            }
            else if (topic == $"chain:{chainId}")
            {
                chainProgress = push;
            }
        }

        Assert.Equal(30, card["snapshot"]!["remaining"]!.GetValue<int>());
        Assert.Equal($"flash-sale:{saleId}", card["topic"]!.GetValue<string>());
        Assert.Equal(chainId, announcement["chain"]!["id"]!.GetValue<string>());
        Assert.Equal("name lc-1", chainProgress["data"]!["entries"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(4, chainProgress["data"]!["totals"]!["quantity"]!.GetValue<int>());
    }
}
