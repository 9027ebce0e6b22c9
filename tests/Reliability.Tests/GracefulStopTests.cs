using System.Collections.Concurrent;
using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// The real server stopped with SIGTERM (a deploy) in the middle of traffic, with watchers that connect again the moment
/// they are dropped, as the pages do: it drains, exits by itself with code 0 and its grains deactivated, and, started
/// again on the same file, has lost nothing it acknowledged and conserved its stock. (Api.Tests' DrainingTests looks at the drain itself.)
/// </summary>
public sealed class GracefulStopTests
{
    private const int Watchers = 40;

    /// <summary>Far longer than a drain takes, and shorter than the host's 30 s stop timeout a held-open connection runs into.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(20);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopped_with_SIGTERM_under_traffic_and_reconnecting_watchers_it_drains_exits_by_itself_and_loses_nothing()
    {
        using var data = new TempDirectory();
        var settings = ShopChecks.ServerSettings(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:Sqlite:Path"] = data.File("groupbuy.db"),
        });
        using var shop = new Shop(shoppers: 8);
        var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        try
        {
            await shop.ConnectAsync(api.Address, Token);
            await shop.OpenAsync(TimeSpan.FromHours(1), Token);
            var sessions = new ConcurrentQueue<int>();
            var watching = Task.WhenAll(Enumerable.Range(0, Watchers).Select(_ => WatchUntilRefusedAsync(api.Address, $"flash-sale:{shop.SaleId}", sessions)));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var traffic = shop.DriveAsync(seed: 11, payments: 0.4, stop.Token);
            await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= 30 && sessions.Count >= Watchers), TimeSpan.FromSeconds(60),
                () => $"{shop.Acks.Count} acknowledgements, {sessions.Count} watchers", Token);

            var exitCode = await api.TerminateAsync(StopLimit, Token);
            var errors = await traffic;
            await stop.CancelAsync();
            await watching;

            Assert.Equal(0, exitCode);
            ShopChecks.AssertOnlyFairAnswers(errors, api);
            Assert.DoesNotContain("The silo stopped before", api.Tail(), StringComparison.Ordinal);
            await api.DisposeAsync();

            api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
            await shop.ConnectAsync(api.Address, Token);
            await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
            await ShopChecks.AssertStockIsConservedAsync(shop, Token);
            TestContext.Current.TestOutputHelper?.WriteLine($"{shop.Acks.Count} acknowledged, all found after the restart; {sessions.Count} watcher sessions");
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    /// <summary>
    /// A watcher that connects again as soon as its connection drops, until the server refuses it or is gone; each session
    /// is recorded. A stopping server drops every watcher at once, so their reconnections race its closing socket.
    /// </summary>
    private static async Task WatchUntilRefusedAsync(Uri server, string topic, ConcurrentQueue<int> sessions)
    {
        while (true)
        {
            SignalRClient watcher;
            try
            {
                watcher = await SignalRClient.ConnectAsync(server, accessToken: null, Token);
            }
            catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or InvalidOperationException)
            {
                return;   // refused (503 while draining) or nobody listening any more
            }
            await using (watcher)
            {
                try
                {
                    await watcher.InvokeAsync("Watch", topic);
                    sessions.Enqueue(1);
                }
                catch (Exception exception) when (exception is InvalidOperationException or System.Net.WebSockets.WebSocketException)
                {
                    // Dropped before the snapshot came back: connect again.
                }
                await watcher.Closed;
            }
        }
    }
}
