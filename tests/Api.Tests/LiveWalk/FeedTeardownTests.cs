using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.Api.Live;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>Found by <see cref="LiveHubModelTests"/>: a coalesced feed torn down while a push was still due.</summary>
public sealed class FeedTeardownTests(ManualClockLiveServer server) : IClassFixture<ManualClockLiveServer>
{
    [Fact]
    public async Task A_watcher_that_unwatches_and_watches_again_within_a_window_never_gets_an_older_version_after_a_newer_one()
    {
        var saleId = await ChatsApiTests.SaleAsync(server.Factory, quantity: 10, perUserLimit: 10, now: server.Clock.GetUtcNow());
        var topic = $"flash-sale:{saleId}";
        var shopper = await server.Factory.SignedInAsync("ft-shopper", "shopper");
        async Task BuyAsync() =>
            (await shopper.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 }, ApiClient.Token)).EnsureSuccessStatusCode();
        await using var watcher = await server.ConnectAsync();
        await watcher.InvokeAsync("Watch", topic);

        // The first purchase goes out at once and the feed holds back a window; the second is due at the window's end.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ApiClient.Token);
        bounded.CancelAfter(TimeSpan.FromSeconds(30));
        var holdingBack = server.FeedHoldingBack();
        await BuyAsync();
        var pushes = new List<JsonNode> { await watcher.NextAsync("progress", bounded.Token) };
        await holdingBack.WaitAsync(bounded.Token);
        await BuyAsync();
        // The only watcher leaves and comes back within the window, and the sale moves on twice more.
        await watcher.InvokeAsync("Unwatch", topic);
        await watcher.InvokeAsync("Watch", topic);
        await BuyAsync();
        server.Clock.Advance(LiveFeeds.CoalescingInterval);
        await BuyAsync();
        while (pushes[^1]["data"]!["remaining"]!.GetValue<int>() > 6)
        {
            pushes.Add(await server.NextCoalescedPushAsync(watcher, bounded.Token));
        }

        // Before the fix the feed torn down by the unwatch still sent its due update (8 left) after the new feed's newer one (7 left).
        var versions = pushes.Select(p => p["version"]!.GetValue<long>()).ToList();
        Assert.True(versions.SequenceEqual(versions.Order()) && versions.Distinct().Count() == versions.Count,
            $"pushed versions {string.Join(", ", versions)} (remaining {string.Join(", ", pushes.Select(p => p["data"]!["remaining"]))})");
    }
}
