using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GroupBuy.Pages.Tests;

/// <summary>
/// A page keeps trying to reach the hub for as long as it takes, and goes live again by itself: after a deploy or an
/// outage longer than any fixed list of attempts, and when the hub cannot be reached as the page opens. The page's
/// WebSocket goes through a switch the test opens and shuts; the page's own clock is run forward over the pauses.
/// </summary>
public sealed partial class LiveReconnectPageTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    /// <summary>Longer than the longest pause between attempts (30 s and its random part).</summary>
    private const long PastAnyPause = 40_000;

    [Fact]
    public async Task A_team_page_cut_off_from_the_hub_for_minutes_goes_live_again_by_itself()
    {
        var teamId = await FormingTeamAsync("lr");
        var page = await server.NewPageAsync();
        using var hub = new HubSwitch();
        await page.RouteWebSocketAsync("**/hubs/live*", hub.Route);
        await page.Clock.InstallAsync();
        await page.GotoAsync($"/teams/{teamId}");
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("2");
        await (await server.ApiAsync("lr-first", name: "小张")).PostJsonAsync($"/api/teams/{teamId}/members", new { });
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("1");   // the feed is live
        await hub.ConnectedAsync(1);

        await hub.CutAsync();
        await Expect(page.Locator("body")).ToHaveClassAsync(Offline());
        // Ten attempts refused, the last ones 30 s apart: well past the minute a fixed list of attempts would cover.
        for (var refused = 1; refused <= 10; refused++)
        {
            await page.Clock.RunForAsync(PastAnyPause);
            await hub.RefusedAsync(refused);
        }
        hub.Open();
        await page.Clock.RunForAsync(PastAnyPause);
        await hub.ConnectedAsync(2);

        await Expect(page.Locator("body")).Not.ToHaveClassAsync(Offline());
        var joiner = await server.ApiAsync("lr-joiner", name: "小李");
        await joiner.PostJsonAsync($"/api/teams/{teamId}/members", new { });
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("0");   // pushed: live again
    }

    [Fact]
    public async Task A_team_page_opened_while_the_hub_cannot_be_reached_shows_the_team_and_goes_live_once_it_can()
    {
        var teamId = await FormingTeamAsync("lo");
        var page = await server.NewPageAsync();
        using var hub = new HubSwitch();
        await hub.CutAsync();
        await page.RouteWebSocketAsync("**/hubs/live*", hub.Route);
        await page.Clock.InstallAsync();
        await page.GotoAsync($"/teams/{teamId}");

        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("2");   // what the page loaded, not a failed page
        await hub.RefusedAsync(1);
        await Expect(page.Locator("body")).ToHaveClassAsync(Offline());
        hub.Open();
        await page.Clock.RunForAsync(PastAnyPause);
        await hub.ConnectedAsync(1);

        await Expect(page.Locator("body")).Not.ToHaveClassAsync(Offline());
        var joiner = await server.ApiAsync("lo-joiner", name: "小李");
        await joiner.PostJsonAsync($"/api/teams/{teamId}/members", new { });
        await Expect(page.GetByTestId("team-needed")).ToHaveTextAsync("1");
    }

    [GeneratedRegex(@"\boffline\b")]
    private static partial Regex Offline();

    private async Task<string> FormingTeamAsync(string prefix)
    {
        var merchant = await server.ApiAsync($"{prefix}-merchant", "merchant", "鲜果园");
        await merchant.ProductAsync($"{prefix}-plum", "三华李 3斤装", 2990);
        var campaign = await merchant.GroupBuyAsync($"{prefix}-plum", DateTimeOffset.UtcNow);
        var leader = await server.ApiAsync($"{prefix}-leader", name: "小王");
        var teamId = (await leader.PostJsonAsync($"/api/group-buys/{campaign.Id()}/teams", new { })).Id("team.id");
        return teamId;
    }

    /// <summary>
    /// Between the page and the hub: passes its WebSockets through while open; when cut, closes the ones it passed and
    /// refuses new ones by closing them at once, as a server that is gone or stopping leaves a client without a hub.
    /// </summary>
    private sealed class HubSwitch : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<IWebSocketRoute> _open = [];
        private readonly SemaphoreSlim _changed = new(0);
        private bool _cut;
        private int _connected;
        private int _refused;

        public void Route(IWebSocketRoute socket)
        {
            lock (_gate)
            {
                if (_cut)
                {
                    _refused++;
                    _ = socket.CloseAsync(new() { Code = 1011, Reason = "hub unreachable" });
                }
                else
                {
                    _connected++;
                    socket.ConnectToServer();
                    _open.Add(socket);
                }
            }
            _changed.Release();
        }

        public async Task CutAsync()
        {
            List<IWebSocketRoute> open;
            lock (_gate)
            {
                _cut = true;
                open = [.. _open];
                _open.Clear();
            }
            foreach (var socket in open)
            {
                await socket.CloseAsync(new() { Code = 1012, Reason = "server restarting" });
            }
        }

        public void Open()
        {
            lock (_gate)
            {
                _cut = false;
            }
        }

        public void Dispose() => _changed.Dispose();

        public Task ConnectedAsync(int count) => UntilAsync(() => _connected >= count, () => $"{_connected} connections passed, {count} expected");

        public Task RefusedAsync(int count) => UntilAsync(() => _refused >= count, () => $"{_refused} attempts refused, {count} expected");

        private async Task UntilAsync(Func<bool> reached, Func<string> describe)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(BrowserServer.Token);
            deadline.CancelAfter(TimeSpan.FromSeconds(15));
            try
            {
                while (true)
                {
                    lock (_gate)
                    {
                        if (reached())
                        {
                            return;
                        }
                    }
                    await _changed.WaitAsync(deadline.Token);
                }
            }
            catch (OperationCanceledException) when (!BrowserServer.Token.IsCancellationRequested)
            {
                throw new TimeoutException(describe());
            }
        }
    }
}
