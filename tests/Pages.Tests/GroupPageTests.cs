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
}
