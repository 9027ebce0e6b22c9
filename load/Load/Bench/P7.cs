using System.Globalization;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P7: cost growth. (1) The same closed-loop purchase load on 1 flash sale vs spread over 10 000 flash sales, on one
/// server, in alternating rounds: throughput should stay within 20 %. (2) Start-up (process start to <c>/readyz</c>)
/// on an empty store vs one holding 1 M grain states, alternating, each followed by the first read of a stored
/// campaign: within 2×, since activation is lazy.
/// </summary>
public static class P7
{
    public const double ThroughputBar = 0.8;
    public const double StartUpBar = 2.0;
    private const int SeedConcurrency = 16;

    public static async Task<BenchSection> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var database = Path.Combine(options.Work, "p7.db");
        var (one, many, hotSale) = await CampaignsAsync(options, database, log, cancellationToken);
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

        var throughput = many.Skip(1).Average(r => r.OkPerSecond) / one.Skip(1).Average(r => r.OkPerSecond);
        var startUp = full.Average(s => s.StartUp.TotalSeconds) / empty.Average(s => s.StartUp.TotalSeconds);
        var lines = new List<string>
        {
            Invariant($"Throughput: {options.Connections} connections, rounds of {options.RoundLength.TotalSeconds:F0} s after a warm-up of each; purchases of 1 unit rotating over {options.Shoppers} shoppers; the hot sale vs {options.Campaigns} sales of the same product, each request to the next sale in turn."),
            "",
            "| run | ok/s | ok | failed | p50 ms | p99 ms | server CPU (cores) | server CPU per request (µs) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        lines.AddRange(one.Zip(many).SelectMany(p => new[] { p.First, p.Second }).Select(r =>
            Invariant($"| {r.Label} | {r.OkPerSecond:F0} | {r.Ok} | {r.Failed} | {r.Latency.P50:F1} | {r.Latency.P99:F1} | {r.ServerCores:F2} | {r.CpuMicrosPerRequest:F0} |")));
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
        lines.Add(Invariant($"**P7: {options.Campaigns} campaigns ÷ 1 campaign = {throughput:F2}× the throughput (bar ≥ {ThroughputBar:F1}); start-up with {total:N0} grains ÷ empty = {startUp:F2}× (bar ≤ {StartUpBar:F0}×).**"));
        var met = throughput >= ThroughputBar && startUp <= StartUpBar;
        return new BenchSection("P7",
            Invariant($"{options.Campaigns} campaigns {throughput:F2}× the throughput of 1; start-up {startUp:F2}× with {total:N0} grain states"),
            "within 20 %; start-up within 2×",
            met ? "yes" : string.Join(", ", new[] { throughput >= ThroughputBar ? "throughput yes" : "throughput **no**", startUp <= StartUpBar ? "start-up yes" : "start-up **no**" }),
            lines);
    }

    private static async Task<(List<LoopResult> One, List<LoopResult> Many, string HotSale)> CampaignsAsync(
        BenchOptions options, string database, TextWriter log, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync("p7-api", options.ApiDll, options.ServerArgs(database), options.Work);
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

        Func<LoadHttp, int, long, CancellationToken, Task<ApiResult>> Buy(Func<int, long, string> sale) => (client, worker, n, ct) =>
            client.PostAsync("purchase", $"/api/flash-sales/{sale(worker, n)}/purchases", shoppers[(int)((worker * 7919 + n) % shoppers.Length)].Token, new { quantity = 1 }, ct);
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
        return (one, many, hot);
    }

    private static async Task<(TimeSpan StartUp, double FirstRead)> StartUpAsync(BenchOptions options, string database, string? sale, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync("p7-start", options.ApiDll, options.ServerArgs(database), options.Work);
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
