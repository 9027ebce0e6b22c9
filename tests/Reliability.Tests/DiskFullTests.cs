using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// The SQLite database on a small disk (a tmpfs) that fills under live traffic to the real server process: every
/// answer is a success or a fast 503 problem (no 500, no hang), and once the disk has room again the service recovers
/// by itself, with nothing acknowledged lost, also across a kill and restart afterwards.
/// </summary>
public sealed class DiskFullTests
{
    private const int DiskMegabytes = 16;
    private const int GrownDiskMegabytes = 64;

    /// <summary>How many fast refusals the traffic gets while the disk is full: enough for writes to fail in every grain.</summary>
    private const int RefusalsWhileFull = 300;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SQLite_disk_full_under_traffic_gives_fast_503s_then_the_service_recovers_by_itself_once_there_is_room_and_loses_nothing()
    {
        using var data = new TempDirectory();
        await using var disk = await Tmpfs.MountAsync(data.File("disk"), DiskMegabytes, Token);
        var settings = ShopChecks.ServerSettings(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:Sqlite:Path"] = disk.File("groupbuy.db"),
        }, logLevel: "Error");
        using var shop = new Shop(shoppers: 8);
        var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        try
        {
            using var probe = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(15) };
            await shop.ConnectAsync(api.Address, Token);
            await shop.OpenAsync(TimeSpan.FromHours(1), Token);
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
            {
                var traffic = shop.DriveAsync(seed: 5, payments: 0.4, stop.Token);
                await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count} acknowledgements", Token);
                var filled = disk.Fill("ballast");
                var refusedBefore = shop.Unavailable;
                var acknowledgedAtFull = shop.Acks.Count;
                await Waiting.UntilAsync(() => Task.FromResult(shop.Unavailable >= refusedBefore + RefusalsWhileFull || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Unavailable - refusedBefore} refusals since the disk filled, {shop.Acks.Count - acknowledgedAtFull} acknowledgements; the server's log ends:\n{api.Tail()}", Token);
                Assert.False(traffic.IsCompleted, "the traffic ended while the disk was full");
                // Readiness asks whether the store answers a query, and a full disk still does: only writes are refused.
                Assert.Equal(200, (int)(await probe.GetAsync(new Uri("/readyz", UriKind.Relative), Token)).StatusCode);
                TestContext.Current.TestOutputHelper?.WriteLine($"a ballast of {filled >> 20} MiB filled the disk; {shop.Acks.Count - acknowledgedAtFull} acknowledgements and {shop.Unavailable - refusedBefore} fast refusals since");

                // Room again, as an operator who grows the volume gives it; nothing is restarted or told.
                await disk.ResizeAsync(GrownDiskMegabytes, Token);
                var acknowledgedAfterFull = shop.Acks.Count;
                await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= acknowledgedAfterFull + 30 || traffic.IsCompleted), TimeSpan.FromSeconds(30), () => $"{shop.Acks.Count - acknowledgedAfterFull} acknowledgements since the disk has room again; the server's log ends:\n{api.Tail()}", Token);
                await stop.CancelAsync();
                var errors = await traffic;
                ShopChecks.AssertOnlyFairAnswers(errors, api);
                Assert.True(shop.Acks.Count >= acknowledgedAfterFull + 30, "the traffic did not get going again once the disk had room");
            }
            await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
            await ShopChecks.AssertStockIsConservedAsync(shop, Token);

            // What was acknowledged around the full disk is in the file, not only in the server's memory.
            await api.KillAsync();
            await api.DisposeAsync();
            api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
            await shop.ConnectAsync(api.Address, Token);
            await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
            await ShopChecks.AssertStockIsConservedAsync(shop, Token);
            TestContext.Current.TestOutputHelper?.WriteLine($"{shop.Unavailable} refused with 503, {shop.Acks.Count} acknowledged in all, all found after a kill and restart");
        }
        finally
        {
            await api.DisposeAsync();
        }
    }
}
