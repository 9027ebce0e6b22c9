using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>A live feed the hub cannot start at once does not cost the page what it loaded.</summary>
public sealed class BusyHubPageTests(BusyHubBrowserServer server) : IClassFixture<BusyHubBrowserServer>
{
    [Fact]
    public async Task A_team_page_whose_first_watch_finds_the_hub_busy_keeps_its_content_and_goes_live_on_the_retry()
    {
        var merchant = await server.ApiAsync("bh-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync("bh-plum", "三华李 3斤装", 2990);
        var campaign = await merchant.GroupBuyAsync("bh-plum", DateTimeOffset.UtcNow);
        var leader = await server.ApiAsync("bh-leader", name: "小王");
        var teamId = (await leader.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { })).Id("team.id");

        var page = await server.NewPageAsync();
        await page.GotoAsync($"/teams/{teamId}");
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("team-status")).ToHaveAttributeAsync("data-status", "forming");

        var joiner = await server.ApiAsync("bh-joiner", name: "小李");
        await joiner.PostJsonAsync($"/api/teams/{teamId}/members", new { });
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("1");   // pushed (or read by the retry), no reload
        await Expect(page.GetByTestId("seat-member")).ToHaveCountAsync(2);
        Assert.Equal(1, server.Refusals.Count);
    }
}
