using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// PostgreSQL stopped under live traffic to the real server process: every answer is a success or a fast 503
/// problem (no 500, no hang), readiness fails, and once the database is back the service recovers by itself with
/// nothing acknowledged lost, also when the server is killed during the outage and started again after it.
/// (Api.Tests' DatabaseOutageTests checks single requests and the answers' shape.)
/// </summary>
public sealed class DatabaseOutageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgreSQL_stopped_under_traffic_gives_fast_503s_then_the_service_recovers_by_itself_and_loses_nothing()
    {
        using var data = new TempDirectory();
        await using var postgres = await PostgresServer.StartAsync(Token);
        var settings = await SettingsAsync(postgres);
        await using var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        using var shop = new Shop(shoppers: 8);
        using var probe = Probe(api);
        await shop.ConnectAsync(api.Address, Token);
        await shop.OpenAsync(TimeSpan.FromHours(1), Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var traffic = shop.DriveAsync(seed: 7, payments: 0.4, stop.Token);

        var refusedBefore = await StopPostgresUnderTrafficAsync(postgres, shop, probe, traffic);
        var acknowledgedBefore = shop.Acks.Count;
        await postgres.StartServerAsync(Token);
        await Waiting.UntilAsync(async () => (await probe.GetAsync(new Uri("/readyz", UriKind.Relative), Token)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), () => "not ready again", Token);
        var acknowledgedAfterOutage = shop.Acks.Count;
        await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= acknowledgedAfterOutage + 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count - acknowledgedAfterOutage} acknowledgements since the database came back ({shop.Unavailable - refusedBefore} refusals since the outage began); the server's log ends:\n{api.Tail()}", Token);
        await stop.CancelAsync();
        var errors = await traffic;

        ShopChecks.AssertOnlyFairAnswers(errors, api);
        Assert.True(shop.Acks.Count >= acknowledgedAfterOutage + 30, "the traffic did not get going again after the outage");
        await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
        await ShopChecks.AssertStockIsConservedAsync(shop, Token);
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledgedBefore} acknowledged before the outage, {shop.Unavailable} refused with 503, {shop.Acks.Count} acknowledged in all");
    }

    /// <summary>
    /// The server is killed while PostgreSQL is down and answering 503s, then PostgreSQL and the server start again on
    /// the same database: whatever the killed server acknowledged before the outage is there, stock is conserved, and
    /// traffic is acknowledged again.
    /// </summary>
    [Fact]
    public async Task Killed_during_a_PostgreSQL_outage_the_server_restarts_on_the_same_database_with_nothing_acknowledged_lost()
    {
        using var data = new TempDirectory();
        await using var postgres = await PostgresServer.StartAsync(Token);
        var settings = await SettingsAsync(postgres);
        using var shop = new Shop(shoppers: 8);
        var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        try
        {
            using (var probe = Probe(api))
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
            {
                await shop.ConnectAsync(api.Address, Token);
                await shop.OpenAsync(TimeSpan.FromHours(1), Token);
                var traffic = shop.DriveAsync(seed: 11, payments: 0.4, stop.Token);
                await StopPostgresUnderTrafficAsync(postgres, shop, probe, traffic);
                await api.KillAsync();
                var errors = await traffic;
                ShopChecks.AssertOnlyFairAnswers(errors, api);
            }
            await api.DisposeAsync();

            await postgres.StartServerAsync(Token);
            api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
            await shop.ConnectAsync(api.Address, Token);
            await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
            await ShopChecks.AssertStockIsConservedAsync(shop, Token);

            var acknowledgedBeforeRestart = shop.Acks.Count;
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
            {
                var traffic = shop.DriveAsync(seed: 23, payments: 0.4, stop.Token);
                await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= acknowledgedBeforeRestart + 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count - acknowledgedBeforeRestart} acknowledgements since the restart; the server's log ends:\n{api.Tail()}", Token);
                await stop.CancelAsync();
                var errors = await traffic;
                ShopChecks.AssertOnlyFairAnswers(errors, api, " after the restart");
            }
            Assert.True(shop.Acks.Count >= acknowledgedBeforeRestart + 30, "the traffic did not get going again after the restart");
            await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
            await ShopChecks.AssertStockIsConservedAsync(shop, Token);
            TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledgedBeforeRestart} acknowledged before the kill, {shop.Unavailable} refused with 503, {shop.Acks.Count} acknowledged in all");
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, string>> SettingsAsync(PostgresServer postgres) =>
        ShopChecks.ServerSettings(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(Token),
        }, logLevel: "Error");

    private static HttpClient Probe(ApiProcess api) => new() { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>
    /// Once the traffic has had 30 acknowledgements, stops PostgreSQL and waits for 50 fast refusals; readiness then fails
    /// while liveness holds. Returns how many refusals there were before the outage.
    /// </summary>
    private static async Task<int> StopPostgresUnderTrafficAsync(PostgresServer postgres, Shop shop, HttpClient probe, Task traffic)
    {
        await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count} acknowledgements", Token);
        await postgres.StopServerAsync(Token);
        var refusedBefore = shop.Unavailable;
        await Waiting.UntilAsync(() => Task.FromResult(shop.Unavailable >= refusedBefore + 50 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Unavailable - refusedBefore} refusals", Token);
        Assert.False(traffic.IsCompleted, "the traffic ended before the outage was under way");
        Assert.Equal(503, (int)(await probe.GetAsync(new Uri("/readyz", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(200, (int)(await probe.GetAsync(new Uri("/healthz", UriKind.Relative), Token)).StatusCode);
        return refusedBefore;
    }
}
