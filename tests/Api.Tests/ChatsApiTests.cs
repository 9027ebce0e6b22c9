using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

public sealed class ChatsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static int s_skus;

    /// <summary>A group led by <paramref name="leaderId"/> with members joined; returns the group id and signed-in clients.</summary>
    internal static async Task<(string Id, HttpClient Leader, HttpClient[] Members)> GroupAsync(
        Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string leaderId, params string[] memberIds)
    {
        var leader = await factory.SignedInAsync(leaderId, "shopper", $"团长 {leaderId}");
        var created = await leader.PostAsJsonAsync("/api/groups", new { name = "阳光花园 neighbours" }, ApiClient.Token);
        Assert.Equal(201, (int)created.StatusCode);
        var id = (await created.JsonAsync())["id"]!.GetValue<string>();
        var members = new List<HttpClient>();
        foreach (var memberId in memberIds)
        {
            var member = await factory.SignedInAsync(memberId, "shopper", $"name {memberId}");
            Assert.Equal(201, (int)(await member.PostAsync($"/api/groups/{id}/members", null, ApiClient.Token)).StatusCode);
            members.Add(member);
        }
        return (id, leader, [.. members]);
    }

    /// <summary>A flash sale live for the hour from <paramref name="now"/> (the system's clock by default), with a commission rate; returns its id.</summary>
    internal static async Task<string> SaleAsync(
        Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, decimal commissionRate = 0, int quantity = 50, int price = 3_999, int perUserLimit = 5, DateTimeOffset? now = null)
    {
        var start = now ?? DateTimeOffset.UtcNow;
        var merchant = await factory.SignedInAsync("chat-merchant", "merchant");
        var sku = $"chat-{Interlocked.Increment(ref s_skus)}";
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Mangoes", price = 5_900, stock = 1_000 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var created = await merchant.PostAsJsonAsync("/api/flash-sales", new
        {
            sku, price, quantity, perUserLimit, commissionRate,
            startsAt = start.AddMinutes(-1), endsAt = start.AddHours(1),
        }, ApiClient.Token);
        Assert.Equal(201, (int)created.StatusCode);
        var sale = await created.JsonAsync();
        Assert.Equal(commissionRate, sale["commissionRate"]!.GetValue<decimal>());
        return sale["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Anyone_signed_in_creates_a_group_and_members_join_idempotently()
    {
        var (id, leader, members) = await GroupAsync(factory, "ga-leader", "ga-1", "ga-2");

        var again = await members[0].PostAsync($"/api/groups/{id}/members", null, ApiClient.Token);
        var group = await (await members[1].GetAsync($"/api/groups/{id}", ApiClient.Token)).JsonAsync();
        var list = await members[1].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/members", ApiClient.Token);
        var merchant = await factory.SignedInAsync("ga-merchant", "merchant");
        var merchantGroup = await merchant.PostAsJsonAsync("/api/groups", new { name = "Suppliers" }, ApiClient.Token);

        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal((id, "ga-leader", "团长 ga-leader", 3), (group["id"]!.GetValue<string>(), group["leader"]!.GetValue<string>(),
            group["leaderName"]!.GetValue<string>(), group["memberCount"]!.GetValue<int>()));
        Assert.Equal(0, group["lastSeq"]!.GetValue<long>());
        Assert.NotNull(group["serverTime"]);
        Assert.Equal(["leader", "member", "member"], list!.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["ga-leader", "ga-1", "ga-2"], list!.Select(m => m!["userId"]!.GetValue<string>()));
        Assert.Equal(201, (int)merchantGroup.StatusCode);
        await (await leader.GetAsync("/api/groups/0123456789abcdef0123456789abcdef", ApiClient.Token)).AssertProblemAsync(404, "not_found");
        await (await factory.CreateClient().GetAsync($"/api/groups/{id}", ApiClient.Token)).AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task Only_members_read_and_post_and_the_leader_cannot_leave()
    {
        var (id, leader, members) = await GroupAsync(factory, "gm-leader", "gm-1", "gm-2");
        var outsider = await factory.SignedInAsync("gm-out", "shopper");

        await (await outsider.GetAsync($"/api/groups/{id}", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await outsider.GetAsync($"/api/groups/{id}/members", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await outsider.GetAsync($"/api/groups/{id}/messages", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await outsider.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "spam" }, ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await outsider.DeleteAsync($"/api/groups/{id}/members/me", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await leader.DeleteAsync($"/api/groups/{id}/members/me", ApiClient.Token)).AssertProblemAsync(409, "conflict");
        await (await leader.DeleteAsync($"/api/groups/{id}/members/gm-leader", ApiClient.Token)).AssertProblemAsync(409, "conflict");
        await (await members[0].DeleteAsync($"/api/groups/{id}/members/gm-2", ApiClient.Token)).AssertProblemAsync(403, "forbidden");

        Assert.Equal(204, (int)(await members[0].DeleteAsync($"/api/groups/{id}/members/me", ApiClient.Token)).StatusCode);
        Assert.Equal(204, (int)(await leader.DeleteAsync($"/api/groups/{id}/members/gm-2", ApiClient.Token)).StatusCode);
        await (await members[0].PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "bye?" }, ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await members[1].GetAsync($"/api/groups/{id}/messages", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        Assert.Equal(1, (await (await leader.GetAsync($"/api/groups/{id}", ApiClient.Token)).JsonAsync())["memberCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Messages_carry_text_or_a_live_card_and_page_in_seq_order()
    {
        var (id, leader, members) = await GroupAsync(factory, "gp-leader", "gp-1");
        var saleId = await SaleAsync(factory);

        var text = await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = "早上好\n今天有芒果" }, ApiClient.Token);
        var card = await members[0].PostAsJsonAsync($"/api/groups/{id}/messages", new { share = new { kind = "flash_sale", id = saleId } }, ApiClient.Token);
        (await members[0].PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 2 }, ApiClient.Token)).EnsureSuccessStatusCode();
        for (var i = 3; i <= 7; i++)
        {
            (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = $"#{i}" }, ApiClient.Token)).EnsureSuccessStatusCode();
        }
        var firstPage = await members[0].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/messages?limit=2", ApiClient.Token);
        var rest = await members[0].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/messages?afterSeq=2&limit=200", ApiClient.Token);
        // The contract's own template, sent with its values left empty, means "from the start, a default page".
        var templated = await members[0].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/messages?afterSeq=&limit=", ApiClient.Token);

        Assert.Equal(201, (int)text.StatusCode);
        var posted = await text.JsonAsync();
        Assert.Equal((1, "gp-leader", "团长 gp-leader"), (posted["seq"]!.GetValue<long>(), posted["author"]!.GetValue<string>(), posted["authorName"]!.GetValue<string>()));
        Assert.Null(posted["share"]);
        var shared = (await card.JsonAsync())["share"]!;
        Assert.Equal(("flash_sale", saleId, $"flash-sale:{saleId}"), (shared["kind"]!.GetValue<string>(), shared["id"]!.GetValue<string>(), shared["topic"]!.GetValue<string>()));
        Assert.Equal(50, shared["snapshot"]!["remaining"]!.GetValue<int>());
        Assert.Equal([1L, 2L], firstPage!.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(1, 7).Select(n => (long)n), templated!.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal("早上好\n今天有芒果", firstPage![0]!["text"]!.GetValue<string>());
        // In history the card shows the item as it is now.
        Assert.Equal(48, firstPage![1]!["share"]!["snapshot"]!["remaining"]!.GetValue<int>());
        Assert.Equal(Enumerable.Range(3, 5).Select(i => (long)i), rest!.Select(m => m!["seq"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"text":"hi","share":{"kind":"team","id":"0123456789abcdef0123456789abcdef"}}""")]
    [InlineData("""{"text":""}""")]
    [InlineData("""{"text":"   "}""")]
    [InlineData("""{"share":{"kind":"coupon","id":"0123456789abcdef0123456789abcdef"}}""")]
    public async Task A_message_is_text_or_a_share_never_both_nor_neither(string body)
    {
        var (id, leader, _) = await GroupAsync(factory, "gv-leader");

        var response = await leader.PostAsync($"/api/groups/{id}/messages", ApiClient.RawJson(body), ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }

    [Fact]
    public async Task Bad_paging_values_and_oversized_text_and_missing_shares_are_refused()
    {
        var (id, leader, _) = await GroupAsync(factory, "gb2-leader");

        foreach (var query in new[] { "limit=0", "limit=201", "afterSeq=-1", "afterSeq=x", "limit=1.5" })
        {
            await (await leader.GetAsync($"/api/groups/{id}/messages?{query}", ApiClient.Token)).AssertProblemAsync(400, "validation");
        }
        await (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = new string('a', 2001) }, ApiClient.Token)).AssertProblemAsync(400, "validation");
        Assert.Equal(201, (int)(await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { text = new string('a', 2000) }, ApiClient.Token)).StatusCode);
        await (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { share = new { kind = "team", id = "0123456789abcdef0123456789abcdef" } }, ApiClient.Token))
            .AssertProblemAsync(404, "not_found");
        await (await leader.PostAsJsonAsync($"/api/groups/{id}/messages", new { share = new { kind = "group_buy", id = "nope" } }, ApiClient.Token))
            .AssertProblemAsync(404, "not_found");
        await (await leader.PostAsJsonAsync("/api/groups", new { name = "" }, ApiClient.Token)).AssertProblemAsync(400, "validation");
    }

    [Fact]
    public async Task A_chain_takes_one_entry_per_member_each_an_order_referred_by_the_group()
    {
        var (id, leader, members) = await GroupAsync(factory, "gc-leader", "gc-1", "gc-2", "gc-3");
        var saleId = await SaleAsync(factory, commissionRate: 0.1m, price: 3_999);
        var outsider = await factory.SignedInAsync("gc-out", "shopper");
        var chainBody = new { title = "周六芒果接龙", flashSaleId = saleId, pickup = new { place = "3号门岗亭", at = DateTimeOffset.UtcNow.AddDays(2) }, note = "每人最多5箱" };

        await (await members[0].PostAsJsonAsync($"/api/groups/{id}/chains", chainBody, ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        await (await outsider.PostAsJsonAsync($"/api/groups/{id}/chains", chainBody, ApiClient.Token)).AssertProblemAsync(403, "not_member");
        // An earlier chain, so the list shows the newest first.
        (await leader.PostAsJsonAsync($"/api/groups/{id}/chains", chainBody, ApiClient.Token)).EnsureSuccessStatusCode();
        var created = await leader.PostAsJsonAsync($"/api/groups/{id}/chains", chainBody, ApiClient.Token);
        var chainId = (await created.JsonAsync())["id"]!.GetValue<string>();

        var entries = new List<JsonObject>();
        for (var i = 0; i < members.Length; i++)
        {
            var entered = await members[i].PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = i + 1 }, ApiClient.Token);
            Assert.Equal(201, (int)entered.StatusCode);
            entries.Add(await entered.JsonAsync());
        }
        await (await members[0].PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(409, "already_member");
        await (await outsider.PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await outsider.GetAsync($"/api/chains/{chainId}", ApiClient.Token)).AssertProblemAsync(403, "not_member");
        await (await leader.PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = 6 }, ApiClient.Token)).AssertProblemAsync(422, "limit_exceeded");
        await (await members[1].PostAsync($"/api/chains/{chainId}/close", null, ApiClient.Token)).AssertProblemAsync(403, "forbidden");
        var closed = await (await leader.PostAsync($"/api/chains/{chainId}/close", null, ApiClient.Token)).JsonAsync();
        await (await leader.PostAsJsonAsync($"/api/chains/{chainId}/entries", new { quantity = 1 }, ApiClient.Token)).AssertProblemAsync(409, "ended");
        var chains = await members[2].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/chains", ApiClient.Token);
        var messages = await members[2].GetFromJsonAsync<JsonArray>($"/api/groups/{id}/messages", ApiClient.Token);

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal([1, 2, 3], entries.Select(e => e["entry"]!["no"]!.GetValue<int>()));
        Assert.All(entries, e => Assert.Equal((id, "flash_sale", saleId), (e["order"]!["groupId"]!.GetValue<string>(), e["order"]!["kind"]!.GetValue<string>(), e["order"]!["refId"]!.GetValue<string>())));
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        Assert.Equal(["name gc-1", "name gc-2", "name gc-3"], closed["entries"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
        Assert.Equal((3, 6, 6 * 3_999L), (closed["totals"]!["entries"]!.GetValue<int>(), closed["totals"]!["quantity"]!.GetValue<int>(), closed["totals"]!["amount"]!.GetValue<long>()));
        Assert.Equal(("3号门岗亭", 3_999L), (closed["pickup"]!["place"]!.GetValue<string>(), closed["price"]!.GetValue<long>()));
        Assert.DoesNotContain("gc-1", closed.ToJsonString().Replace("name gc-1", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(chainId, chains![0]!["id"]!.GetValue<string>());
        Assert.Equal(2, chains.Count);
        Assert.Equal(chainId, messages![^1]!["chain"]!["id"]!.GetValue<string>());
        Assert.Equal("周六芒果接龙", messages[^1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Commission_totals_match_the_referred_orders()
    {
        var (id, leader, members) = await GroupAsync(factory, "gk-leader", "gk-1", "gk-2");
        var saleId = await SaleAsync(factory, commissionRate: 0.15m, price: 1_990);
        var stranger = await factory.SignedInAsync("gk-stranger", "shopper");

        var referred1 = await (await members[0].PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1, groupId = id }, ApiClient.Token)).JsonAsync();
        var referred2 = await (await members[1].PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 3, groupId = id }, ApiClient.Token)).JsonAsync();
        var forwarded = await stranger.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1, groupId = id }, ApiClient.Token);
        var own = await leader.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 2, groupId = id }, ApiClient.Token);
        (await members[0].PostAsync($"/api/orders/{referred1["id"]!.GetValue<string>()}/pay", null, ApiClient.Token)).EnsureSuccessStatusCode();
        var campaignId = await GroupBuysApiTests.CampaignAsync(factory);
        var seat = await members[1].PostAsJsonAsync($"/api/group-buys/{campaignId}/teams", new { groupId = id }, ApiClient.Token);
        var commissions = await (await leader.GetAsync("/api/me/commissions", ApiClient.Token)).JsonAsync();
        var nobody = await (await stranger.GetAsync("/api/me/commissions", ApiClient.Token)).JsonAsync();

        Assert.Equal(201, (int)forwarded.StatusCode);
        Assert.Null((await forwarded.JsonAsync())["groupId"]);
        Assert.Equal(201, (int)own.StatusCode);
        Assert.Null((await own.JsonAsync())["groupId"]);   // the leader's own purchase earns the leader nothing
        Assert.Equal(id, referred2["groupId"]!.GetValue<string>());
        Assert.Equal(201, (int)seat.StatusCode);
        Assert.Equal(id, (await seat.JsonAsync())["order"]!["groupId"]!.GetValue<string>());
        var orders = commissions["orders"]!.AsArray();
        Assert.Equal(3, orders.Count);
        Assert.DoesNotContain("gk-1", commissions.ToJsonString(), StringComparison.Ordinal);
        // 1,990 × 15 % = 298.5 → 298; 5,970 × 15 % = 895.5 → 895; the group buy has no commission rate → 0.
        var byAmount = orders.ToDictionary(o => o!["amount"]!.GetValue<long>(), o => o!["commission"]!.GetValue<long>());
        Assert.Equal(298, byAmount[1_990]);
        Assert.Equal(895, byAmount[5_970]);
        var totals = commissions["totals"]!;
        Assert.Equal(3, totals["orders"]!.GetValue<int>());
        Assert.Equal(orders.Sum(o => o!["amount"]!.GetValue<long>()), totals["amount"]!.GetValue<long>());
        Assert.Equal(298 + 895, totals["commission"]!.GetValue<long>());
        Assert.Equal((298L, 895L, 0L), (totals["earned"]!.GetValue<long>(), totals["pending"]!.GetValue<long>(), totals["void"]!.GetValue<long>()));
        Assert.All(orders, o => Assert.Equal(id, o!["groupId"]!.GetValue<string>()));
        Assert.Empty(nobody["orders"]!.AsArray());
    }

    [Fact]
    public async Task A_commission_rate_outside_0_to_half_is_a_validation_problem()
    {
        var merchant = await factory.SignedInAsync("chat-merchant", "merchant");
        var sku = $"chat-rate-{Interlocked.Increment(ref s_skus)}";
        (await merchant.PostAsJsonAsync("/api/products", new { sku, name = "Kiwis", price = 500, stock = 10 }, ApiClient.Token)).EnsureSuccessStatusCode();

        var response = await merchant.PostAsJsonAsync("/api/flash-sales", new
        {
            sku, price = 400, quantity = 5, perUserLimit = 1, commissionRate = 0.51m,
            startsAt = DateTimeOffset.UtcNow, endsAt = DateTimeOffset.UtcNow.AddHours(1),
        }, ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }
}
