using System.Globalization;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P4: HTTP purchases/s end to end on durable SQLite vs <c>GET /healthz</c> on the same server, through the same
/// closed loop (same connections, same length), in alternating rounds after a warm-up of each. The sale is seeded
/// through the API; purchases rotate over many shoppers' tokens. At the end, the sale's units must add up and
/// cover every acknowledged purchase.
/// </summary>
public static class P4
{
    public const double Bar = 0.5;
    private const long SaleQuantity = 10_000_000;

    public static async Task<BenchSection> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync("p4-api", options.ApiDll, options.ServerArgs(Path.Combine(options.Work, "p4.db")), options.Work, options.ServerEnvironment);
        var seeder = new Seeder(new LoadHttp(server.Address, new Recorder()), "p4");
        var merchant = await seeder.MerchantAsync(cancellationToken);
        var sku = await seeder.ProductAsync(merchant, "tea", SaleQuantity, cancellationToken);
        var sale = await seeder.FlashSaleAsync(merchant, sku, SaleQuantity, (int)SaleQuantity, TimeSpan.FromHours(2), cancellationToken);
        var saleId = sale["id"]!.GetValue<string>();
        var shoppers = await seeder.ShoppersAsync("s", options.Shoppers, cancellationToken);
        await log.WriteLineAsync($"P4: server pid {server.Pid}; sale {saleId}; {shoppers.Length} shoppers");

        var one = JsonBody.Of(new { quantity = 1 });
        Task<ApiResult> Purchase(LoadHttp http, int worker, long n, CancellationToken ct) =>
            http.PostAsync("purchase", $"/api/flash-sales/{saleId}/purchases", shoppers[(int)((worker * 7919 + n) % shoppers.Length)].Token, one, ct);
        Task<ApiResult> Health(LoadHttp http, int worker, long n, CancellationToken ct) => http.GetAsync("healthz", "/healthz", null, ct);

        // A fresh server's purchases stay dearer for their first ten seconds or so (tiered compilation, then the store's
        // first merge round of index rows): the measured rounds start after that (docs/benchmarks.md).
        var warmPurchases = TimeSpan.FromSeconds(Math.Min(15, 3 * options.RoundLength.TotalSeconds));
        var warm = TimeSpan.FromSeconds(Math.Min(5, options.RoundLength.TotalSeconds));
        var purchases = new List<LoopResult> { await ClosedLoop.RunAsync("warm-up purchases", server, options.Connections, warmPurchases, Purchase, cancellationToken) };
        await ClosedLoop.RunAsync("warm-up /healthz", server, options.Connections, warm, Health, cancellationToken);
        var health = new List<LoopResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            health.Add(await ClosedLoop.RunAsync($"round {round} GET /healthz", server, options.Connections, options.RoundLength, Health, cancellationToken));
            purchases.Add(await ClosedLoop.RunAsync($"round {round} POST purchase", server, options.Connections, options.RoundLength, Purchase, cancellationToken));
            await log.WriteLineAsync(Invariant($"P4 round {round}: /healthz {health[^1].OkPerSecond:F0}/s, purchases {purchases[^1].OkPerSecond:F0}/s"));
        }

        var check = new LoadHttp(server.Address, new Recorder());
        var after = await check.GetAsync("check", $"/api/flash-sales/{saleId}", null, cancellationToken);
        var (sold, reserved, remaining) = (after.Number("sold"), after.Number("reserved"), after.Number("remaining"));
        var acknowledged = purchases.Sum(p => p.Ok);
        var valid = sold + reserved + remaining == SaleQuantity && sold + reserved >= acknowledged && purchases.All(p => p.Failed == 0);

        var measured = purchases.Skip(1).ToList();
        var ratio = measured.Average(p => p.OkPerSecond) / health.Average(h => h.OkPerSecond);
        var cpuRatio = health.Average(h => h.CpuMicrosPerRequest) / measured.Average(p => p.CpuMicrosPerRequest);
        var lines = new List<string>
        {
            Invariant($"{options.Connections} connections, {options.Rounds} rounds of {options.RoundLength.TotalSeconds:F0} s each way after a warm-up ({warmPurchases.TotalSeconds:F0} s of purchases, {warm.TotalSeconds:F0} s of /healthz); {shoppers.Length} shoppers' tokens in turn."),
            "",
            "| run | ok/s | ok | failed | p50 ms | p99 ms | max ms | server CPU (cores) | server CPU per request (µs) | load tool CPU (cores) | the machine's steal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        lines.AddRange(purchases.Take(1).Concat(health.Zip(measured).SelectMany(p => new[] { p.First, p.Second })).Select(Row));
        lines.Add("");
        lines.Add(Invariant($"Checks: sold {sold} + reserved {reserved} + remaining {remaining} = {sold + reserved + remaining} of {SaleQuantity}; acknowledged {acknowledged}; failed purchases {purchases.Sum(p => p.Failed)}: {(valid ? "valid run" : "INVALID RUN")}."));
        lines.Add(Invariant($"**P4 = {measured.Average(p => p.OkPerSecond):F0} purchases/s ÷ {health.Average(h => h.OkPerSecond):F0} /healthz/s = {ratio:F3}** (bar ≥ {Bar}); by server CPU per request the ratio is {cpuRatio:F3}."));
        return new BenchSection("P4", Invariant($"{ratio:F3}× ({measured.Average(p => p.OkPerSecond):F0} purchases/s; {measured.Average(p => p.CpuMicrosPerRequest):F0} µs server CPU each)"),
            "≥ 0.5×", !valid ? "invalid run" : ratio >= Bar ? "yes" : "**no**", lines);
    }

    private static string Row(LoopResult r) =>
        Invariant($"| {r.Label} | {r.OkPerSecond:F0} | {r.Ok} | {r.Failed} | {r.Latency.P50:F1} | {r.Latency.P99:F1} | {r.Latency.Max:F1} | {r.ServerCores:F2} | {r.CpuMicrosPerRequest:F0} | {r.ToolCores:F2} | {LoopResult.Percent(r.Steal)} |");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
