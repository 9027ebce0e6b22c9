using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>The group page: live messages, a shared deal as a live card, and a sign-up chain.</summary>
public sealed class GroupPageTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task A_member_sees_messages_and_a_shared_deal_update_live_and_signs_up_to_a_chain()
    {
        var merchant = await server.ApiAsync("gp-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("gp-grape", "阳光玫瑰葡萄 2串", 5990);
        var sale = await merchant.FlashSaleAsync("gp-grape", DateTimeOffset.UtcNow.AddMinutes(-1), quantity: 20);
        var leader = await server.ApiAsync("gp-leader", name: "王姐");
        var group = await leader.PostJsonAsync("/api/groups", new { name = "阳光小区团购群" });
        var groupId = group.Id();
        var member = await server.ApiAsync("gp-member", name: "小李");
        await member.PostJsonAsync($"/api/groups/{groupId}/members", new { });
        await leader.PostJsonAsync($"/api/groups/{groupId}/messages", new { text = "今天的葡萄很甜，大家接龙！" });
        await leader.PostJsonAsync($"/api/groups/{groupId}/messages", new { share = new { kind = "flash_sale", id = sale.Id() } });

        var page = await server.NewPageAsync("gp-member", name: "小李");
        await page.GotoAsync($"/groups/{groupId}");
        await Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("deal-card")).ToContainTextAsync("仅剩 20 件");
        await Expect(page.GetByTestId("deal-card")).ToContainTextAsync("¥9.90");
        await Expect(page.GetByTestId("deal-card").GetByTestId("list-price")).ToHaveTextAsync("¥59.90");   // the product's own price, struck through

        await leader.PostJsonAsync($"/api/groups/{groupId}/messages", new { text = "还有 20 份" });
        await Expect(page.GetByTestId("message")).ToHaveCountAsync(3);
        var buyer = await server.ApiAsync("gp-buyer");
        await buyer.PostJsonAsync($"/api/flash-sales/{sale.Id()}/purchases", new { quantity = 2 });
        await Expect(page.GetByTestId("deal-card")).ToContainTextAsync("仅剩 18 件");

        await page.GetByTestId("message-input").FillAsync("我要两串");
        await page.GetByTestId("send-button").ClickAsync();
        await Expect(page.GetByTestId("message").Last).ToContainTextAsync("我要两串");

        await leader.PostJsonAsync($"/api/groups/{groupId}/chains", new
        {
            title = "周六葡萄接龙", flashSaleId = sale.Id(), pickup = new { place = "3号楼门口", at = DateTimeOffset.UtcNow.AddDays(1) },
        });
        await Expect(page.GetByTestId("chain-card")).ToContainTextAsync("周六葡萄接龙");
        await BrowserServer.ScreenshotAsync(page, "group");
        // The entry's own answer first: a refusal then fails with its status and body, not with a navigation timeout.
        var entry = await page.RunAndWaitForResponseAsync(
            () => page.GetByTestId("chain-join-button").ClickAsync(),
            response => response.Url.EndsWith("/entries", StringComparison.Ordinal) && response.Request.Method == "POST");
        if (entry.Status != 201)
        {
            Assert.Fail($"the chain entry answered {entry.Status}: {await entry.TextAsync()}");
        }
        await Expect(page).ToHaveURLAsync(new Regex("/orders/.+$"));
        await Expect(page.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "pending_payment");
    }

    [Fact]
    public async Task A_group_address_whose_id_is_not_a_group_id_is_not_found_and_calls_no_other_route()
    {
        var merchant = await server.ApiAsync("gx-merchant", "merchant");
        await merchant.ProductAsync("gx-pear", "雪梨", 1990);
        var sale = await merchant.FlashSaleAsync("gx-pear", DateTimeOffset.UtcNow.AddMinutes(-1), quantity: 5);
        var leader = await server.ApiAsync("gx-leader", name: "陈姐");
        var groupId = (await leader.PostJsonAsync("/api/groups", new { name = "梨友群" })).Id();
        var chain = await leader.PostJsonAsync($"/api/groups/{groupId}/chains", new
        {
            title = "雪梨接龙", flashSaleId = sale.Id(), pickup = new { place = "北门", at = DateTimeOffset.UtcNow.AddDays(1) },
        });
        var page = await server.NewPageAsync("gx-leader", name: "陈姐");
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) => calls.Enqueue(new Uri(request.Url).AbsolutePath);

        // Decoded, this id would climb out of /api/groups/{id} to the chain's own route.
        await page.GotoAsync($"/groups/{groupId}%2F..%2F..%2Fchains%2F{chain.Id()}%3F");

        await Expect(page.Locator("#page")).ToContainTextAsync("找不到该页面");
        Assert.DoesNotContain(calls, path => path.StartsWith("/api/", StringComparison.Ordinal));
        await page.CloseAsync();   // no event of this page may come after the test that logs it has ended
    }

    [Fact]
    public async Task Every_id_the_page_puts_into_a_url_is_percent_encoded()
    {
        var leader = await server.ApiAsync("ge-leader", name: "周姐");
        var groupId = (await leader.PostJsonAsync("/api/groups", new { name = "编码群" })).Id();
        // Ids the server never mints, as if an answer carried them: each must stay one path segment.
        const string teamId = "t/../../orders?x=1#y";
        const string groupBuyId = "g/../../dev/tokens?z&w";
        const string chainId = "c/../..?q#r";
        var page = await server.NewPageAsync("ge-leader", name: "周姐");
        await page.RouteAsync(new Regex("/api/groups/[0-9a-f]{32}/messages\\?"), route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = JsonSerializer.Serialize(new object[]
            {
                new
                {
                    seq = 1, author = "ge-leader", authorName = "周姐", sentAt = DateTimeOffset.UtcNow,
                    share = new
                    {
                        kind = "team", id = teamId, topic = "team:" + teamId,
                        snapshot = new { groupBuyId, status = "forming", needed = 1, joined = 1, size = 2 },
                    },
                },
                new { seq = 2, author = "ge-leader", authorName = "周姐", sentAt = DateTimeOffset.UtcNow, chain = new { id = chainId } },
            }),
        }));
        var campaignRead = page.WaitForRequestAsync(r => r.Url.Contains("/api/group-buys/", StringComparison.Ordinal));
        var chainRead = page.WaitForRequestAsync(r => r.Url.Contains("/api/chains/", StringComparison.Ordinal));

        await page.GotoAsync($"/groups/{groupId}");

        await Expect(page.GetByTestId("deal-card")).ToHaveAttributeAsync("href", $"/teams/{Uri.EscapeDataString(teamId)}?groupId={groupId}");
        Assert.EndsWith($"/api/group-buys/{Uri.EscapeDataString(groupBuyId)}", (await campaignRead).Url, StringComparison.Ordinal);
        Assert.EndsWith($"/api/chains/{Uri.EscapeDataString(chainId)}", (await chainRead).Url, StringComparison.Ordinal);
        await page.CloseAsync();   // its reads may still be answering: their events must not outlive the test
    }
}
