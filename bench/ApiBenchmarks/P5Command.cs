using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// P5: live fan-out. N SignalR WebSocket watchers of one team on the real server; K joins one at a time; for each
/// join and watcher, the time from the join's HTTP response to that watcher receiving the join's version. The
/// baseline is the bare hub (<see cref="BareHubServer"/>) in its own process with the same GC settings, the same
/// watchers and the same record sizes, timed from its broadcast's HTTP response. Servers run one after the other,
/// never together. Memory per connection is each server's RSS with the watchers minus before, over N.
/// </summary>
public static class P5Command
{
    public const double P99BarMs = 100;
    public const double RatioBar = 1.25;
    public const double MemoryBarBytes = 100_000;

    public static async Task<int> RunAsync(Options options)
    {
        var api = options.Required("api");
        var work = options.Required("work");
        var watchers = options.Number("watchers", 10_000);
        var joins = options.Number("joins", 20);
        var concurrency = options.Number("connect-concurrency", 64);
        var changeTimeout = TimeSpan.FromSeconds(options.Number("join-timeout", 15));
        var bareSend = options.Text("bare-send", "inline");
        if (bareSend is not ("inline" or "queued"))
        {
            throw new ArgumentException("--bare-send must be inline (send, then answer) or queued (answer, then send from the thread pool)");
        }
        if (joins is < 1 or > 98)
        {
            throw new ArgumentException("--joins must be 1–98 (a team has at most 100 seats: a leader, the joins and one seat left)");
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(options.Number("deadline-minutes", 8)));

        Report.Header("P5 — live fan-out: team watchers on /hubs/live vs a bare hub", options);
        var gc = ServerProcess.GcEnvironmentOf(api);
        Console.WriteLine($"watchers {watchers}, joins {joins}, connect concurrency {concurrency}, per-join time-out {changeTimeout.TotalSeconds:F0} s; "
            + $"servers' GC (from the API's runtimeconfig): {string.Join(", ", gc.Select(p => $"{p.Key}={p.Value}"))}");
        Console.WriteLine($"open-file limit of this process: {OpenFileLimit()}");

        FanOutResult apiResult;
        var port = ServerProcess.FreePort();
        await using (var server = await ServerProcess.StartAsync("api-p5", api,
        [
            "--environment", "Development",
            "--Storage:Provider", "sqlite",
            "--Storage:Sqlite:Path", Path.Combine(work, "p5.db"),
            "--RateLimits:PerShopperBurst", "100000",
            "--RateLimits:PerShopperPerPeriod", "100000",
            .. options.ServerConfig(),
        ], port, work, new Dictionary<string, string>()))
        {
            Console.WriteLine($"api: pid {server.Pid}, {server.Address}");
            using var client = new ApiClient(server.Address);
            var merchant = await client.TokenAsync("p5-merchant", "merchant");
            await client.CreateProductAsync(merchant, "p5-tea", 10_000);
            var campaign = await client.CreateGroupBuyAsync(merchant, "p5-tea", teamSize: joins + 2, quantity: 1_000);
            var team = await client.OpenTeamAsync(await client.TokenAsync("p5-leader", "shopper", "团长"), campaign);
            var warmTeam = await client.OpenTeamAsync(await client.TokenAsync("p5-warm-leader", "shopper", "团长"), campaign);
            var joiners = await client.ShopperTokensAsync("p5-joiner-", joins);
            var warmJoiners = await client.ShopperTokensAsync("p5-warm-joiner-", joins);
            Console.WriteLine($"seeded: group buy {campaign}, team {team} (size {joins + 2}), warm-up team {warmTeam}");

            async Task<Trigger> Join(string topic, int k, CancellationToken cancellationToken)
            {
                var (teamId, token) = topic == $"team:{team}" ? (team, joiners[k - 1]) : (warmTeam, warmJoiners[k - 1]);
                using var request = ApiClient.Request(HttpMethod.Post, $"/api/teams/{teamId}/members", token, null);
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var answered = Stopwatch.GetTimestamp();
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"join {k} answered {(int)response.StatusCode}: {body}");
                }
                return new Trigger(sent, answered, JsonNode.Parse(body)!["team"]!["version"]!.GetValue<long>());
            }

            apiResult = await new FanOut(server, concurrency, changeTimeout).MeasureAsync($"team:{team}", $"team:{warmTeam}", watchers, joins, Join, deadline.Token);
            var final = await client.GetAsync($"/api/teams/{team}");
            Console.WriteLine($"api: team {team} ends with {final["joined"]} joined of {final["size"]}, status {final["status"]}, version {final["version"]}");
        }

        FanOutResult bareResult;
        var bench = typeof(Program).Assembly.Location;
        await using (var server = await ServerProcess.StartAsync("bare-hub", bench, ["bare-hub", "--BareHub:Send", bareSend], ServerProcess.FreePort(), work, gc))
        {
            Console.WriteLine($"bare hub: pid {server.Pid}, {server.Address}, send {bareSend}");
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
            var warmSize = apiResult.RecordSizes.FirstOrDefault(s => s > 0);

            async Task<Trigger> Broadcast(string topic, int k, CancellationToken cancellationToken)
            {
                var size = topic == "team:bare" && k <= apiResult.RecordSizes.Count && apiResult.RecordSizes[k - 1] > 0 ? apiResult.RecordSizes[k - 1] : warmSize;
                using var content = JsonContent.Create(new { topic, version = k, size });
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri("/broadcast", UriKind.Relative), content, cancellationToken);
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"broadcast {k} answered {(int)response.StatusCode}");
                }
                return new Trigger(sent, answered, k);
            }

            bareResult = await new FanOut(server, concurrency, changeTimeout).MeasureAsync("team:bare", "team:bare-warm", watchers, joins, Broadcast, deadline.Token);
        }

        Print(apiResult, bareResult);
        Report.Footer();
        return 0;
    }

    private static void Print(FanOutResult api, FanOutResult bare)
    {
        static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        static string Ratio(double a, double b) => (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        static string Kb(double bytes) => (bytes / 1000).ToString("F1", CultureInfo.InvariantCulture);
        static string Verdict(bool met) => met ? "MET" : "MISSED";

        var p99Ratio = api.Latency.Percentile(99) / bare.Latency.Percentile(99);
        Console.WriteLine();
        Console.WriteLine("| figure | GroupBuy API (team join) | bare hub (broadcast) | API ÷ bare | bar |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
        Console.WriteLine($"| watchers connected (failed) | {api.Connected} of {api.Requested} ({api.ConnectFailures}) | {bare.Connected} of {bare.Requested} ({bare.ConnectFailures}) | | |");
        Console.WriteLine($"| connect all watchers (s) | {api.ConnectSeconds:F1} | {bare.ConnectSeconds:F1} | {Ratio(api.ConnectSeconds, bare.ConnectSeconds)} | |");
        Console.WriteLine($"| connect + handshake + Watch, per watcher p50 / p99 (ms) | {Ms(api.ConnectLatency.Percentile(50))} / {Ms(api.ConnectLatency.Percentile(99))} | {Ms(bare.ConnectLatency.Percentile(50))} / {Ms(bare.ConnectLatency.Percentile(99))} | | |");
        Console.WriteLine($"| samples (changes × watchers), lost | {api.Latency.Count}, {api.Lost} | {bare.Latency.Count}, {bare.Lost} | | |");
        Console.WriteLine($"| latency p50 (ms) | {Ms(api.Latency.Percentile(50))} | {Ms(bare.Latency.Percentile(50))} | {Ratio(api.Latency.Percentile(50), bare.Latency.Percentile(50))} | |");
        Console.WriteLine($"| latency p90 (ms) | {Ms(api.Latency.Percentile(90))} | {Ms(bare.Latency.Percentile(90))} | {Ratio(api.Latency.Percentile(90), bare.Latency.Percentile(90))} | |");
        Console.WriteLine($"| **latency p99 (ms)** | {Ms(api.Latency.Percentile(99))} | {Ms(bare.Latency.Percentile(99))} | {Ratio(api.Latency.Percentile(99), bare.Latency.Percentile(99))} | p99 ≤ {P99BarMs:F0} ms: {Verdict(api.Latency.Percentile(99) <= P99BarMs)}; ≤ {RatioBar:F2}× bare: {Verdict(p99Ratio <= RatioBar)} |");
        Console.WriteLine($"| latency max (ms) | {Ms(api.Latency.Max)} | {Ms(bare.Latency.Max)} | | |");
        Console.WriteLine($"| latency min (ms); samples before the HTTP response | {Ms(api.Latency.Min)}; {api.Latency.Negative} | {Ms(bare.Latency.Min)}; {bare.Latency.Negative} | | |");
        Console.WriteLine($"| from the request's sending instead, p50 / p99 / max (ms) | {Ms(api.FromRequest.Percentile(50))} / {Ms(api.FromRequest.Percentile(99))} / {Ms(api.FromRequest.Max)} | {Ms(bare.FromRequest.Percentile(50))} / {Ms(bare.FromRequest.Percentile(99))} / {Ms(bare.FromRequest.Max)} | {Ratio(api.FromRequest.Percentile(99), bare.FromRequest.Percentile(99))} (p99) | |");
        Console.WriteLine($"| last watcher of a change, median / max (ms) | {Ms(api.LastWatcher.Percentile(50))} / {Ms(api.LastWatcher.Max)} | {Ms(bare.LastWatcher.Percentile(50))} / {Ms(bare.LastWatcher.Max)} | | |");
        Console.WriteLine($"| HTTP request that made the change, p50 / max (ms) | {Ms(api.RequestRoundTrip.Percentile(50))} / {Ms(api.RequestRoundTrip.Max)} | {Ms(bare.RequestRoundTrip.Percentile(50))} / {Ms(bare.RequestRoundTrip.Max)} | | |");
        Console.WriteLine($"| progress record (bytes, mean) | {Mean(api.RecordSizes)} | {Mean(bare.RecordSizes)} | | |");
        Console.WriteLine($"| server CPU during the changes (cores) | {api.ServerCoresDuringJoins:F2} | {bare.ServerCoresDuringJoins:F2} | | |");
        Console.WriteLine($"| client CPU during the changes (cores, this process) | {api.ClientCoresDuringJoins:F2} | {bare.ClientCoresDuringJoins:F2} | | |");
        Console.WriteLine($"| server RSS before / connected / after the changes (MiB) | {Mb(api.RssBefore)} / {Mb(api.RssConnected)} / {Mb(api.RssAfterJoins)} | {Mb(bare.RssBefore)} / {Mb(bare.RssConnected)} / {Mb(bare.RssAfterJoins)} | | |");
        Console.WriteLine($"| **server memory per connection (KB)** | {Kb(api.BytesPerConnection)} | {Kb(bare.BytesPerConnection)} | {Ratio(api.BytesPerConnection, bare.BytesPerConnection)} | ≤ {MemoryBarBytes / 1000:F0} KB: {Verdict(api.BytesPerConnection <= MemoryBarBytes)} |");
        Console.WriteLine($"| server memory per connection after the changes (KB) | {Kb(api.BytesPerConnectionAfterChanges)} | {Kb(bare.BytesPerConnectionAfterChanges)} | {Ratio(api.BytesPerConnectionAfterChanges, bare.BytesPerConnectionAfterChanges)} | ≤ {MemoryBarBytes / 1000:F0} KB: {Verdict(api.BytesPerConnectionAfterChanges <= MemoryBarBytes)} |");
        Console.WriteLine($"| client memory per connection (KB, this process) | {Kb((double)api.ClientRssDelta / Math.Max(1, api.Connected))} | {Kb((double)bare.ClientRssDelta / Math.Max(1, bare.Connected))} | | |");
        Console.WriteLine($"| connections closed by the server during the run | {api.ClosedByServer} | {bare.ClosedByServer} | | |");
        foreach (var result in new[] { api, bare })
        {
            if (result.FirstConnectError is not null)
            {
                Console.WriteLine($"{result.Name}: first connect failure: {result.FirstConnectError}");
            }
            if (result.CloseReason is not null)
            {
                Console.WriteLine($"{result.Name}: a connection ended: {result.CloseReason}");
            }
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"P5 verdict: p99 {api.Latency.Percentile(99):F1} ms (bar ≤ {P99BarMs:F0}: {Verdict(api.Latency.Percentile(99) <= P99BarMs)}), "
            + $"{p99Ratio:F2}× the bare hub's p99 (bar ≤ {RatioBar:F2}: {Verdict(p99Ratio <= RatioBar)}), "
            + $"{api.BytesPerConnection / 1000:F1} KB per connection idle, {api.BytesPerConnectionAfterChanges / 1000:F1} KB after the changes "
            + $"(bar ≤ {MemoryBarBytes / 1000:F0}: {Verdict(Math.Max(api.BytesPerConnection, api.BytesPerConnectionAfterChanges) <= MemoryBarBytes)}) "
            + $"with {api.Connected} watchers"));
        Console.WriteLine();
        Console.WriteLine("latency histogram, API:");
        Console.Write(api.Latency.Histogram("  "));
        Console.WriteLine("latency histogram, bare hub:");
        Console.Write(bare.Latency.Histogram("  "));
    }

    private static string Mean(List<int> sizes) =>
        sizes.Count(s => s > 0) is var n and > 0 ? (sizes.Where(s => s > 0).Sum() / (double)n).ToString("F0", CultureInfo.InvariantCulture) : "?";

    private static string OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return line is null ? "?" : string.Join(' ', line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
    }
}
