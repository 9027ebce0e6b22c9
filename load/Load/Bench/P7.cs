using System.Globalization;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P7: cost growth. (1) The same closed-loop purchase load on 1 flash sale vs spread over 10 000 flash sales, on one
/// server, in alternating rounds: throughput should stay within 20 %; and the same for group buys, each loop a
/// quick-join and the payment of its seat, on 1 campaign vs 10 000. (2) Start-up (process start to <c>/readyz</c>)
/// on an empty store vs one holding 1 M grain states, alternating, each followed by the first read of a stored
/// campaign: within 2×, since activation is lazy.
/// </summary>
public static class P7
{
    public const double ThroughputBar = 0.8;
    public const double StartUpBar = 2.0;
    private const int SeedConcurrency = 16;
    private const int TeamSize = 3;
    private const string Joins = "join";

    public static async Task<BenchSection> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var database = Path.Combine(options.Work, "p7.db");
        var (one, many, hotSale, teamsOne, teamsMany) = await CampaignsAsync(options, database, log, cancellationToken);
        var total = await GrainSeeder.FillAsync(database, options.Grains, cancellationToken);
        await log.WriteLineAsync($"P7: the store now holds {total} grain states");

        var empty = new List<(TimeSpan StartUp, double FirstRead)>();
        var full = new List<(TimeSpan StartUp, double FirstRead)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            empty.Add(await StartUpAsync(options, Path.Combine(options.Work, $"p7-empty-{round}.db"), null, cancellationToken));
            full.Add(await StartUpAsync(options, database, hotSale, cancellationToken));
            await log.WriteLineAsync(Invariant($"P7 start-up round {round}: empty {empty[^1].StartUp.TotalSeconds:F2} s, {total} grains {full[^1].StartUp.TotalSeconds:F2} s"));
        }

        var throughput = Ratio(one, many);
        var teamsThroughput = Ratio(teamsOne, teamsMany);
        var startUp = full.Average(s => s.StartUp.TotalSeconds) / empty.Average(s => s.StartUp.TotalSeconds);
        var lines = new List<string>
        {
            Invariant($"Throughput: {options.Connections} connections, rounds of {options.RoundLength.TotalSeconds:F0} s after a warm-up of each; purchases of 1 unit rotating over {options.Shoppers} shoppers; the hot sale vs {options.Campaigns} sales of the same product, each request to the next sale in turn."),
            "",
            "| run | ok/s | ok | failed | p50 ms | p99 ms | server CPU (cores) | server CPU per request (µs) | load tool CPU (cores) | the machine's steal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        lines.AddRange(Rows(one, many));
        lines.Add("");
        lines.Add(Invariant($"Group buys, the same way: teams of {TeamSize}, each loop a quick-join then the payment of its seat (ok/s counts joins; failed counts both), on 1 campaign vs {options.Campaigns}."));
        lines.Add("");
        lines.Add("| run | joins/s | joins | failed | p50 ms | p99 ms | server CPU (cores) | server CPU per join (µs) | load tool CPU (cores) | the machine's steal |");
        lines.Add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        lines.AddRange(Rows(teamsOne, teamsMany));
        lines.Add("");
        lines.Add(Invariant($"Start-up (process start → `/readyz` 200), then the first read of a stored flash sale (`GET /api/flash-sales/{{id}}`, activation from the store) on the big one:"));
        lines.Add("");
        lines.Add("| round | empty store (s) | " + Invariant($"{total:N0}") + " grain states (s) | then the first read of a stored sale (ms) |");
        lines.Add("| --- | ---: | ---: | ---: |");
        for (var i = 0; i < full.Count; i++)
        {
            lines.Add(Invariant($"| {i + 1} | {empty[i].StartUp.TotalSeconds:F2} | {full[i].StartUp.TotalSeconds:F2} | {full[i].FirstRead:F1} |"));
        }
        lines.Add("");
        lines.Add(Invariant($"**P7: {options.Campaigns} campaigns ÷ 1 campaign = {throughput:F2}× the throughput for flash sales, {teamsThroughput:F2}× for group buys (bar ≥ {ThroughputBar:F1}); start-up with {total:N0} grains ÷ empty = {startUp:F2}× (bar ≤ {StartUpBar:F0}×).**"));
        var throughputMet = throughput >= ThroughputBar && teamsThroughput >= ThroughputBar;
        var met = throughputMet && startUp <= StartUpBar;
        return new BenchSection("P7",
            Invariant($"{options.Campaigns} campaigns {throughput:F2}× the throughput of 1 (flash sales), {teamsThroughput:F2}× (group buys); start-up {startUp:F2}× with {total:N0} grain states"),
            "within 20 %; start-up within 2×",
            met ? "yes" : string.Join(", ", new[] { throughputMet ? "throughput yes" : "throughput **no**", startUp <= StartUpBar ? "start-up yes" : "start-up **no**" }),
            lines);
    }

    private static async Task<(List<LoopResult> One, List<LoopResult> Many, string HotSale, List<LoopResult> TeamsOne, List<LoopResult> TeamsMany)> CampaignsAsync(
        BenchOptions options, string database, TextWriter log, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync("p7-api", options.ApiDll, options.ServerArgs(database), options.Work, options.ServerEnvironment);
        using var http = new LoadHttp(server.Address, new Recorder());
        var seeder = new Seeder(http, "p7");
        var merchant = await seeder.MerchantAsync(cancellationToken);
        const int PerSale = 200;
        var hotSku = await seeder.ProductAsync(merchant, "hot", 2_000_000, cancellationToken);
        var hot = (await seeder.FlashSaleAsync(merchant, hotSku, 2_000_000, 2_000_000, TimeSpan.FromHours(2), cancellationToken))["id"]!.GetValue<string>();
        var sku = await seeder.ProductAsync(merchant, "many", (long)options.Campaigns * PerSale, cancellationToken);
        var sales = new string[options.Campaigns];
        var seeding = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Campaigns), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => sales[i] = (await seeder.FlashSaleAsync(merchant, sku, PerSale, PerSale, TimeSpan.FromHours(2), ct))["id"]!.GetValue<string>());
        var shoppers = await seeder.ShoppersAsync("s", options.Shoppers, cancellationToken);
        await log.WriteLineAsync(Invariant($"P7: server pid {server.Pid}; {sales.Length} sales created in {seeding.Elapsed.TotalSeconds:F1} s"));

        var unit = JsonBody.Of(new { quantity = 1 });
        Func<LoadHttp, int, long, CancellationToken, Task<ApiResult>> Buy(Func<int, long, string> sale) => (client, worker, n, ct) =>
            client.PostAsync("purchase", $"/api/flash-sales/{sale(worker, n)}/purchases", shoppers[(int)((worker * 7919 + n) % shoppers.Length)].Token, unit, ct);
        var toOne = Buy((_, _) => hot);
        var toMany = Buy((worker, n) => sales[(int)((worker * 104_729L + n * options.Connections) % sales.Length)]);

        var warm = TimeSpan.FromSeconds(Math.Min(5, options.RoundLength.TotalSeconds));
        var one = new List<LoopResult> { await ClosedLoop.RunAsync("warm-up, 1 campaign", server, options.Connections, warm, toOne, cancellationToken) };
        var many = new List<LoopResult> { await ClosedLoop.RunAsync($"warm-up, {sales.Length} campaigns", server, options.Connections, warm, toMany, cancellationToken) };
        for (var round = 1; round <= options.Rounds; round++)
        {
            one.Add(await ClosedLoop.RunAsync($"round {round}, 1 campaign", server, options.Connections, options.RoundLength, toOne, cancellationToken));
            many.Add(await ClosedLoop.RunAsync($"round {round}, {sales.Length} campaigns", server, options.Connections, options.RoundLength, toMany, cancellationToken));
            await log.WriteLineAsync(Invariant($"P7 round {round}: 1 campaign {one[^1].OkPerSecond:F0}/s, {sales.Length} campaigns {many[^1].OkPerSecond:F0}/s"));
        }
        var (teamsOne, teamsMany) = await GroupBuysAsync(options, server, seeder, merchant, shoppers, log, cancellationToken);
        return (one, many, hot, teamsOne, teamsMany);
    }

    /// <summary>
    /// The group-buy rounds: each loop a quick-join and the payment of its seat, so teams keep forming and every shopper
    /// can join again. The i-th join of the whole phase goes to shopper i mod S; spread, to campaign (i / S + i) mod C,
    /// which pairs no shopper with a campaign twice in S × C joins (S + 1 and C share no factor here): a shopper may hold
    /// a seat in one forming team per campaign. A join and its payment are never cut short when a round's time is up,
    /// so no seat is left unpaid to keep its shopper out of the hot campaign.
    /// </summary>
    private static async Task<(List<LoopResult> One, List<LoopResult> Many)> GroupBuysAsync(
        BenchOptions options, ServerProcess server, Seeder seeder, string merchant, Shopper[] shoppers, TextWriter log, CancellationToken cancellationToken)
    {
        const int PerCampaign = 600;
        var hotSku = await seeder.ProductAsync(merchant, "hot-teams", 3_000_000, cancellationToken);
        var hot = (await seeder.GroupBuyAsync(merchant, hotSku, TeamSize, 3_000_000, TimeSpan.FromHours(2), cancellationToken))["id"]!.GetValue<string>();
        var sku = await seeder.ProductAsync(merchant, "many-teams", (long)options.Campaigns * PerCampaign, cancellationToken);
        var campaigns = new string[options.Campaigns];
        var seeding = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Campaigns), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => campaigns[i] = (await seeder.GroupBuyAsync(merchant, sku, TeamSize, PerCampaign, TimeSpan.FromHours(2), ct))["id"]!.GetValue<string>());
        await log.WriteLineAsync(Invariant($"P7: {campaigns.Length} group buys created in {seeding.Elapsed.TotalSeconds:F1} s"));

        long joins = 0;
        Func<LoadHttp, int, long, CancellationToken, Task<ApiResult>> JoinAndPay(Func<long, string> campaign) => async (client, _, _, _) =>
        {
            var i = Interlocked.Increment(ref joins);
            var shopper = shoppers[(int)(i % shoppers.Length)];
            var joined = await client.PostAsync(Joins, $"/api/group-buys/{campaign(i)}/quick-join", shopper.Token, null, cancellationToken);
            if (joined.Ok && joined.Body?["order"]?["id"]?.GetValue<string>() is { } orderId)
            {
                await client.PostAsync("pay", $"/api/orders/{orderId}/pay", shopper.Token, null, cancellationToken);
            }
            return joined;
        };
        var toOne = JoinAndPay(_ => hot);
        var toMany = JoinAndPay(i => campaigns[(int)((i / shoppers.Length + i) % campaigns.Length)]);
        Task<LoopResult> Run(string label, TimeSpan length, Func<LoadHttp, int, long, CancellationToken, Task<ApiResult>> join) =>
            ClosedLoop.RunAsync(label, server, options.Connections, length, join, cancellationToken, Joins);

        var warm = TimeSpan.FromSeconds(Math.Min(5, options.RoundLength.TotalSeconds));
        var one = new List<LoopResult> { await Run("warm-up, 1 group buy", warm, toOne) };
        var many = new List<LoopResult> { await Run($"warm-up, {campaigns.Length} group buys", warm, toMany) };
        for (var round = 1; round <= options.Rounds; round++)
        {
            one.Add(await Run($"round {round}, 1 group buy", options.RoundLength, toOne));
            many.Add(await Run($"round {round}, {campaigns.Length} group buys", options.RoundLength, toMany));
            await log.WriteLineAsync(Invariant($"P7 group buys, round {round}: 1 campaign {one[^1].OkPerSecond:F0} joins/s, {campaigns.Length} campaigns {many[^1].OkPerSecond:F0} joins/s; failures {Failures(one[^1])} and {Failures(many[^1])}"));
        }
        return (one, many);
    }

    private static string Failures(LoopResult result) =>
        result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.OrderByDescending(e => e.Value).Select(e => Invariant($"{e.Key} × {e.Value}")));

    /// <summary>The spread case's mean throughput over the measured rounds (warm-ups left out) ÷ the hot case's.</summary>
    private static double Ratio(List<LoopResult> one, List<LoopResult> many) =>
        many.Skip(1).Average(r => r.OkPerSecond) / one.Skip(1).Average(r => r.OkPerSecond);

    private static IEnumerable<string> Rows(List<LoopResult> one, List<LoopResult> many) =>
        one.Zip(many).SelectMany(p => new[] { p.First, p.Second }).Select(r =>
            Invariant($"| {r.Label} | {r.OkPerSecond:F0} | {r.Ok} | {r.Failed} | {r.Latency.P50:F1} | {r.Latency.P99:F1} | {r.ServerCores:F2} | {r.CpuMicrosPerRequest:F0} | {r.ToolCores:F2} | {LoopResult.Percent(r.Steal)} |"));

    private static async Task<(TimeSpan StartUp, double FirstRead)> StartUpAsync(BenchOptions options, string database, string? sale, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync("p7-start", options.ApiDll, options.ServerArgs(database), options.Work, options.ServerEnvironment);
        if (sale is null)
        {
            return (server.StartUp, double.NaN);
        }
        using var http = new LoadHttp(server.Address, new Recorder());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var read = await http.GetAsync("first read", $"/api/flash-sales/{sale}", null, cancellationToken);
        var ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return read.Ok ? (server.StartUp, ms) : throw new InvalidOperationException($"the stored sale answered {(int)read.Status} after a restart");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
