using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// P4: purchases/s through the whole HTTP stack on durable SQLite, against <c>GET /healthz</c> on the same server
/// with the same wrk threads, connections and duration. The server is the real one, as its own process; the
/// sale is seeded through the API with dev tokens, and the purchases rotate over many shoppers' tokens.
/// The run ends with the correctness checks of the spec: a run with errors or a broken invariant is invalid.
/// </summary>
public static class P4Command
{
    public const double Bar = 0.5;

    private const int SaleQuantity = 10_000_000;

    public static async Task<int> RunAsync(Options options)
    {
        var api = options.Required("api");
        var work = options.Required("work");
        var threads = options.Number("threads", 2);
        var connections = options.Number("connections", 64);
        var duration = options.Number("duration", 10);
        var warmup = options.Number("warmup", 5);
        var rounds = options.Number("rounds", 2);
        var shoppers = options.Number("shoppers", 1000);
        var script = Path.Combine(AppContext.BaseDirectory, "p4.lua");

        Report.Header("P4 — HTTP purchases/s end to end (durable SQLite) vs GET /healthz", options);
        Console.WriteLine($"wrk: {threads} threads, {connections} connections, {duration} s per measured run, {rounds} rounds, {warmup} s warm-up; {shoppers} shoppers");

        var database = Path.Combine(work, "p4.db");
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync("api-p4", api,
        [
            "--environment", "Development",
            "--Storage:Provider", "sqlite",
            "--Storage:Sqlite:Path", database,
            // The options allow at most 100 000; per-shopper limits would otherwise cap the purchase load.
            "--RateLimits:PerShopperBurst", "100000",
            "--RateLimits:PerShopperPerPeriod", "100000",
            // No order may expire (and give its units back) while the run counts them.
            "--Orders:PaymentWindow", "01:00:00",
            .. options.ServerConfig(),
        ], port, work, new Dictionary<string, string>());
        Console.WriteLine($"server: pid {server.Pid}, {server.Address}, database {database}");

        using var client = new ApiClient(server.Address);
        var merchant = await client.TokenAsync("p4-merchant", "merchant");
        await client.CreateProductAsync(merchant, "p4-tea", SaleQuantity);
        var saleId = await client.CreateFlashSaleAsync(merchant, "p4-tea", SaleQuantity, SaleQuantity);
        var seeding = Stopwatch.StartNew();
        var tokens = await client.ShopperTokensAsync("p4-shopper-", shoppers);
        var tokensFile = Path.Combine(work, "p4-tokens.txt");
        await File.WriteAllLinesAsync(tokensFile, tokens);
        Console.WriteLine($"seeded: flash sale {saleId} (quantity {SaleQuantity}), {shoppers} shopper tokens in {seeding.Elapsed.TotalSeconds:F1} s");

        var purchase = new Dictionary<string, string>
        {
            ["P4_METHOD"] = "POST",
            ["P4_PATH"] = $"/api/flash-sales/{saleId}/purchases",
            ["P4_BODY"] = """{"quantity":1}""",
            ["P4_TOKENS"] = tokensFile,
        };
        var purchasePath = purchase["P4_PATH"];
        var health = new Dictionary<string, string> { ["P4_METHOD"] = "GET", ["P4_PATH"] = "/healthz" };
        var healthWithTokens = new Dictionary<string, string>(health) { ["P4_TOKENS"] = tokensFile };

        var purchaseRuns = new List<WrkResult>();
        var healthRuns = new List<WrkResult>();
        var all = new List<(WrkResult Result, double ServerCores)>();

        async Task<WrkResult> Run(string label, string path, int seconds, Dictionary<string, string> environment)
        {
            var cpu = server.CpuTime();
            var wall = Stopwatch.StartNew();
            var result = await Wrk.RunAsync(label, new Uri(server.Address, path), script, threads, connections, seconds, environment);
            var cores = (server.CpuTime() - cpu).TotalSeconds / wall.Elapsed.TotalSeconds;
            all.Add((result, cores));
            Console.WriteLine($"  {label,-28} {result.RequestsPerSecond,10:F0} req/s  non-2xx {result.Non2xx}  socket errors {result.SocketErrors}  server CPU {cores:F2} cores, {CpuPerRequest(cores, result):F0} µs a request");
            return result;
        }

        Console.WriteLine("runs:");
        purchaseRuns.Add(await Run("warm-up purchases", purchasePath, warmup, purchase));
        await Run("warm-up /healthz", "/healthz", warmup, health);
        for (var round = 1; round <= rounds; round++)
        {
            healthRuns.Add(await Run($"round {round} GET /healthz", "/healthz", duration, health));
            purchaseRuns.Add(await Run($"round {round} POST purchases", purchasePath, duration, purchase));
        }
        var informational = await Run("/healthz + Authorization", "/healthz", duration, healthWithTokens);

        await Task.Delay(TimeSpan.FromSeconds(1));
        var problems = await CheckInvariantsAsync(client, saleId, tokens, purchaseRuns, connections);

        var measuredPurchases = purchaseRuns.Skip(1).ToList();
        var purchaseRate = measuredPurchases.Average(r => r.RequestsPerSecond);
        var healthRate = healthRuns.Average(r => r.RequestsPerSecond);
        var ratio = purchaseRate / healthRate;

        Console.WriteLine();
        Console.WriteLine("| run | requests/s | requests | non-2xx | socket errors | latency p50 | p99 | max | server CPU (cores) | server CPU per request (µs) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (result, cores) in all)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Label} | {result.RequestsPerSecond:F0} | {result.Requests} | {result.Non2xx} | {result.SocketErrors} | {result.LatencyP50} | {result.LatencyP99} | {result.LatencyMax} | {cores:F2} | {CpuPerRequest(cores, result):F0} |"));
        }
        Console.WriteLine();
        for (var round = 0; round < rounds; round++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: purchases/s ÷ /healthz/s = {measuredPurchases[round].RequestsPerSecond:F0} ÷ {healthRuns[round].RequestsPerSecond:F0} = {measuredPurchases[round].RequestsPerSecond / healthRuns[round].RequestsPerSecond:F3}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"P4 ratio (mean of {rounds} rounds): {purchaseRate:F0} purchases/s ÷ {healthRate:F0} /healthz/s = {ratio:F3}   bar ≥ {Bar:F2}×: {(ratio >= Bar ? "MET" : "MISSED")}"));
        var purchaseCpu = all.Where(r => measuredPurchases.Contains(r.Result)).Average(r => CpuPerRequest(r.ServerCores, r.Result));
        var healthCpu = all.Where(r => healthRuns.Contains(r.Result)).Average(r => CpuPerRequest(r.ServerCores, r.Result));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server CPU per request: purchase {purchaseCpu:F0} µs, /healthz {healthCpu:F0} µs ({healthCpu / purchaseCpu:F3}: the ratio the CPU cost alone allows)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(informational: /healthz with the shoppers' Authorization headers, so authentication runs: {informational.RequestsPerSecond:F0} req/s)"));
        Report.Footer();

        if (problems.Count > 0)
        {
            Console.WriteLine("INVALID RUN:");
            foreach (var problem in problems)
            {
                Console.WriteLine($"  - {problem}");
            }
            return 2;
        }
        Console.WriteLine("valid run: no errors, invariants hold");
        return 0;
    }

    /// <summary>Server CPU time per request (µs): a figure the other load on the machine disturbs less than requests/s.</summary>
    private static double CpuPerRequest(double cores, WrkResult result) => cores * 1e6 / result.RequestsPerSecond;

    /// <summary>
    /// Every purchase run answered 2xx only; units placed never exceed the quantity; every acknowledged purchase
    /// has its order, and every order is in its shopper's list. wrk stops with requests in flight that the server
    /// still completes, so up to one per connection per run may be placed without being counted as acknowledged.
    /// </summary>
    private static async Task<List<string>> CheckInvariantsAsync(ApiClient client, string saleId, string[] tokens, List<WrkResult> purchaseRuns, int connections)
    {
        var problems = new List<string>();
        foreach (var run in purchaseRuns.Where(r => !r.Clean))
        {
            problems.Add($"{run.Label}: {run.Non2xx} non-2xx responses, {run.SocketErrors} socket errors");
        }
        var sale = await client.GetAsync($"/api/flash-sales/{saleId}");
        var quantity = sale["quantity"]!.GetValue<long>();
        var sold = sale["sold"]!.GetValue<long>();
        var reserved = sale["reserved"]!.GetValue<long>();
        var remaining = sale["remaining"]!.GetValue<long>();
        var placed = sold + reserved;
        var acknowledged = purchaseRuns.Sum(r => r.Succeeded);
        var inFlightAllowance = (long)connections * purchaseRuns.Count;
        Console.WriteLine();
        Console.WriteLine($"checks: sale quantity {quantity}, sold {sold}, reserved {reserved}, remaining {remaining}; acknowledged (wrk 2xx) {acknowledged}");
        if (placed + remaining != quantity || placed > quantity)
        {
            problems.Add($"units do not add up: sold {sold} + reserved {reserved} + remaining {remaining} vs quantity {quantity}");
        }
        if (placed < acknowledged)
        {
            problems.Add($"{acknowledged - placed} acknowledged purchases have no order (placed {placed})");
        }
        if (placed > acknowledged + inFlightAllowance)
        {
            problems.Add($"{placed - acknowledged} orders placed beyond the acknowledged ones, more than the {inFlightAllowance} that can be in flight when wrk stops");
        }

        long listed = 0;
        var lists = Stopwatch.StartNew();
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, _) =>
        {
            var orders = (JsonArray)await client.GetAsync("/api/me/orders", token);
            Interlocked.Add(ref listed, orders.Count(o => o!["refId"]!.GetValue<string>() == saleId));
        });
        Console.WriteLine($"checks: {listed} of the sale's orders are in the {tokens.Length} shoppers' lists ({lists.Elapsed.TotalSeconds:F1} s to read them)");
        if (listed != placed)
        {
            problems.Add($"the shoppers' lists hold {listed} orders of the sale, the sale placed {placed}");
        }
        return problems;
    }
}
