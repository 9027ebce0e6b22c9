using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// The real server, killed with SIGKILL in the middle of flash-sale and group-buy traffic and started again on the
/// same database, several times: every acknowledged purchase, join and payment is still there, the domain's
/// invariants hold, and the deadlines that were pending at the crash (unpaid orders, forming teams) still fire.
/// </summary>
public sealed class CrashTests
{
    private const int Cycles = 3;
    private static readonly TimeSpan PaymentWindow = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TeamWindow = TimeSpan.FromSeconds(4);

    private static readonly string[] ClosedStatuses = ["cancelled", "refunded"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killed_mid_traffic_on_SQLite_the_server_loses_nothing_acknowledged_and_its_deadlines_still_fire()
    {
        using var data = new TempDirectory();
        await CrashCyclesAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:Sqlite:Path"] = data.File("groupbuy.db"),
        }, data);
    }

    [Fact]
    public async Task Killed_mid_traffic_on_PostgreSQL_the_server_loses_nothing_acknowledged_and_its_deadlines_still_fire()
    {
        using var data = new TempDirectory();
        await using var postgres = await PostgresServer.StartAsync(Token);
        await CrashCyclesAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(Token),
        }, data);
    }

    private static async Task CrashCyclesAsync(Dictionary<string, string> storage, TempDirectory data)
    {
        var settings = ShopChecks.ServerSettings(storage);
        settings["Orders:PaymentWindow"] = PaymentWindow.ToString();
        var log = data.File("api.log");
        using var shop = new Shop(shoppers: 8);
        (string SaleOrderId, string SeatOrderId, string TeamId)? late = null;
        var api = await ApiProcess.StartAsync(settings, log, Token);
        try
        {
            await shop.ConnectAsync(api.Address, Token);
            await shop.OpenAsync(TeamWindow, Token);
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var before = shop.Acks.Count;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
                var traffic = shop.DriveAsync(seed: cycle * 100, payments: 0.4, stop.Token);
                // Kill once the traffic is well under way: some answers in, more requests in flight.
                await Waiting.UntilAsync(() => Task.FromResult(shop.Acks.Count >= before + 30 || traffic.IsCompleted), TimeSpan.FromSeconds(60), () => $"only {shop.Acks.Count - before} acknowledgements", Token);
                if (cycle == Cycles - 1)
                {
                    late = await shop.LeaveUnpaidAsync(Token);   // deadlines certainly pending at the last crash
                }
                await api.KillAsync();
                var errors = await traffic;
                await stop.CancelAsync();
                Assert.Empty(errors);
                await api.DisposeAsync();

                api = await ApiProcess.StartAsync(settings, log, Token);
                await shop.ConnectAsync(api.Address, Token);
                await ShopChecks.AssertNothingAcknowledgedIsLostAsync(shop, Token);
                await ShopChecks.AssertStockIsConservedAsync(shop, Token);
                TestContext.Current.TestOutputHelper?.WriteLine($"cycle {cycle}: {shop.Acks.Count - before} acknowledgements before the kill, {shop.Acks.Count} in all, all found after the restart");
            }

            await AssertIdempotentRetriesFindTheirOrdersAsync(shop);
            await WaitUntilEveryDeadlineHasFiredAsync(shop);
            await AssertEverythingSettledConsistentlyAsync(shop);
            await AssertTheLatecomersDeadlinesFiredAsync(shop, late!.Value);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    /// <summary>A purchase acknowledged before a crash, sent again with its key afterwards, answers the same order.</summary>
    private static async Task AssertIdempotentRetriesFindTheirOrdersAsync(Shop shop)
    {
        foreach (var ack in shop.Acks.Where(a => a.IdempotencyKey is not null).Take(5))
        {
            var again = await shop.SendAsync(ack.ShopperId, HttpMethod.Post, $"/api/flash-sales/{shop.SaleId}/purchases", new { quantity = 1 }, ack.IdempotencyKey, Token);
            Assert.Equal(ack.OrderId, again?["id"]?.GetValue<string>());
        }
    }

    /// <summary>Orders left unpaid and teams left forming by the last crash close on their own after the restart.</summary>
    private static async Task WaitUntilEveryDeadlineHasFiredAsync(Shop shop)
    {
        var pending = "";
        await Waiting.UntilAsync(async () =>
        {
            var orders = await ShopChecks.AllOrdersAsync(shop, Token);
            var open = orders.Values.Where(o => o["status"]!.GetValue<string>() is "pending_payment").Select(o => o["id"]!.GetValue<string>()).ToList();
            var forming = new List<string>();
            foreach (var teamId in shop.Teams)
            {
                if ((await shop.GetAsync(Shop.Merchant, $"/api/teams/{teamId}", Token))!["status"]!.GetValue<string>() == "forming")
                {
                    forming.Add(teamId);
                }
            }
            pending = $"{open.Count} orders pending ({string.Join(", ", open.Take(5))}), {forming.Count} teams forming";
            return open.Count == 0 && forming.Count == 0;
        }, PaymentWindow + TeamWindow + TimeSpan.FromSeconds(30), () => pending, Token);
    }

    private static async Task AssertEverythingSettledConsistentlyAsync(Shop shop)
    {
        var orders = await ShopChecks.AllOrdersAsync(shop, Token);
        var sale = (await shop.GetAsync(Shop.Merchant, $"/api/flash-sales/{shop.SaleId}", Token))!;
        var flash = orders.Values.Where(o => o["kind"]!.GetValue<string>() == "flash_sale").ToList();
        Assert.Equal(flash.Where(o => o["status"]!.GetValue<string>() == "paid").Sum(o => o["quantity"]!.GetValue<int>()), sale["sold"]!.GetValue<int>());
        Assert.Equal(0, sale["reserved"]!.GetValue<int>());
        foreach (var shopper in shop.Shoppers)
        {
            var held = flash.Where(o => o["status"]!.GetValue<string>() != "cancelled" && o["owner"]!.GetValue<string>() == shopper).Sum(o => o["quantity"]!.GetValue<int>());
            Assert.True(held <= Shop.PerUserLimit, $"{shopper} holds {held} units, over the limit of {Shop.PerUserLimit}");
        }

        var statuses = new List<string>();
        foreach (var teamId in shop.Teams)
        {
            var team = (await shop.GetAsync(Shop.Merchant, $"/api/teams/{teamId}", Token))!;
            var status = team["status"]!.GetValue<string>();
            statuses.Add(status);
            var seats = orders.Values.Where(o => o["refId"]!.GetValue<string>() == teamId).Select(o => o["status"]!.GetValue<string>()).ToList();
            if (status == "succeeded")
            {
                Assert.Equal(Shop.TeamSize, team["joined"]!.GetValue<int>());
                Assert.Equal(Shop.TeamSize, seats.Count(s => s == "confirmed"));
            }
            else
            {
                Assert.Equal("failed", status);
                Assert.All(seats, s => Assert.Contains(s, ClosedStatuses));
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"settled: {flash.Count} flash orders ({sale["sold"]} units sold), teams {string.Join(", ", statuses.CountBy(s => s).Select(c => $"{c.Key}×{c.Value}"))}");
        await ShopChecks.AssertStockIsConservedAsync(shop, Token);
    }

    /// <summary>The order and the team left unpaid just before the last kill: their pay-by time and deadline fired after the restart.</summary>
    private static async Task AssertTheLatecomersDeadlinesFiredAsync(Shop shop, (string SaleOrderId, string SeatOrderId, string TeamId) late)
    {
        var orders = await ShopChecks.AllOrdersAsync(shop, Token);
        Assert.Equal("cancelled", orders[late.SaleOrderId]["status"]!.GetValue<string>());
        Assert.Equal("cancelled", orders[late.SeatOrderId]["status"]!.GetValue<string>());
        Assert.Equal("failed", (await shop.GetAsync(Shop.Merchant, $"/api/teams/{late.TeamId}", Token))!["status"]!.GetValue<string>());
    }
}
