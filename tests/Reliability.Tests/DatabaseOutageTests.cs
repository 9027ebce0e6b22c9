using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// PostgreSQL stopped under live traffic to the real server process: every answer is a success or a fast 503
/// problem (no 500, no hang), readiness fails, and once the database is back the service recovers by itself with
/// nothing acknowledged lost. (Api.Tests' DatabaseOutageTests checks single requests and the answers' shape.)
/// </summary>
public sealed class DatabaseOutageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgreSQL_stopped_under_traffic_gives_fast_503s_then_the_service_recovers_by_itself_and_loses_nothing()
    {
        using var data = new TempDirectory();
        await using var postgres = await PostgresServer.StartAsync(Token);
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(Token),
            ["Auth:DevTokens"] = "true",
            ["RateLimits:PerShopperBurst"] = "100000",
            ["RateLimits:PerShopperPerPeriod"] = "100000",
            ["Logging:LogLevel:Default"] = "Error",
        };
        await using var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        using var shop = new Shop(shoppers: 8);
        using var probe = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(15) };
        await shop.ConnectAsync(api.Address, Token);
        await shop.OpenAsync(TimeSpan.FromHours(1), Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var traffic = shop.DriveAsync(seed: 7, payments: 0.4, stop.Token);

        await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= 30), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count} acknowledgements", Token);
        await postgres.StopServerAsync(Token);
        var acknowledgedBefore = shop.Acks.Count;
        var refusedBefore = shop.Unavailable;
        await Waiting.UntilAsync(() => Task.FromResult(shop.Unavailable >= refusedBefore + 50), TimeSpan.FromSeconds(60), () => $"{shop.Unavailable - refusedBefore} refusals", Token);
        Assert.Equal(503, (int)(await probe.GetAsync(new Uri("/readyz", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(200, (int)(await probe.GetAsync(new Uri("/healthz", UriKind.Relative), Token)).StatusCode);

        await postgres.StartServerAsync(Token);
        await Waiting.UntilAsync(async () => (await probe.GetAsync(new Uri("/readyz", UriKind.Relative), Token)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), () => "not ready again", Token);
        var acknowledgedAfterOutage = shop.Acks.Count;
        await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= acknowledgedAfterOutage + 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"{shop.Acks.Count - acknowledgedAfterOutage} acknowledgements since the database came back ({shop.Unavailable - refusedBefore} refusals since the outage began); the server's log ends:\n{api.Tail()}", Token);
        await stop.CancelAsync();
        var errors = await traffic;

        Assert.True(errors.Count == 0, $"answers other than success or a fast 503 problem:\n{string.Join("\n", errors.Take(10))}\nthe server's log ends:\n{api.Tail()}");
        Assert.True(shop.Acks.Count >= acknowledgedAfterOutage + 30, "the traffic did not get going again after the outage");
        var orders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shopper in shop.Shoppers)
        {
            foreach (var order in await shop.OrdersOfAsync(shopper, Token))
            {
                orders.Add(order!["id"]!.GetValue<string>());
            }
        }
        Assert.All(shop.Acks, ack => Assert.Contains(ack.OrderId, orders));
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledgedBefore} acknowledged before the outage, {shop.Unavailable} refused with 503, {shop.Acks.Count} acknowledged in all");
    }
}
