using System.Globalization;
using System.Net;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P5: live fan-out. N anonymous watchers of one team on the real server; K joins one at a time; for every join and
/// watcher, the time from the join's HTTP response to that watcher receiving the join's version. The baseline is the
/// bare hub (<see cref="BareHub"/>), its own process with the API's runtime settings (GC, shared array pool), the same
/// watchers and record sizes. The socket floor (<see cref="SocketFloor"/>) shows what the same fan-out takes on this
/// machine with plain sockets and no protocol at all: no server can do better than it. The servers run one after the
/// other. Memory per connection is RSS with the watchers minus before, over N.
/// </summary>
public static class P5
{
    public const double P99BarMs = 100;
    public const double RatioBar = 1.25;
    public const double MemoryBarBytes = 100_000;

    private const int ConnectConcurrency = 64;

    public static async Task<BenchSection> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var joins = Math.Clamp(options.Joins, 1, 97);
        FanOutResult api;
        await using (var server = await ServerProcess.StartAsync("p5-api", options.ApiDll, options.ServerArgs(Path.Combine(options.Work, "p5.db")), options.Work, options.ServerEnvironment))
        {
            using var http = new LoadHttp(server.Address, new Recorder());
            var seeder = new Seeder(http, "p5");
            var merchant = await seeder.MerchantAsync(cancellationToken);
            var sku = await seeder.ProductAsync(merchant, "tea", 1000, cancellationToken);
            var campaign = (await seeder.GroupBuyAsync(merchant, sku, joins + 3, 1000, TimeSpan.FromHours(2), cancellationToken))["id"]!.GetValue<string>();
            var leaders = await seeder.ShoppersAsync("lead", 2, cancellationToken);
            var teams = new List<string>();
            foreach (var leader in leaders)
            {
                var opened = await http.PostAsync("open", $"/api/group-buys/{campaign}/teams", leader.Token, null, cancellationToken);
                teams.Add(opened.Body!["team"]!["id"]!.GetValue<string>());
            }
            var joiners = await seeder.ShoppersAsync("join", joins + 1, cancellationToken);   // the first join is timed apart
            var warmJoiners = await seeder.ShoppersAsync("warm", 2, cancellationToken);
            await log.WriteLineAsync($"P5: api pid {server.Pid}; team {teams[0]} (size {joins + 3}); {options.Watchers} watchers");

            async Task<Change> Join(string topic, int k, CancellationToken ct)
            {
                var (team, joiner) = topic == $"team:{teams[0]}" ? (teams[0], joiners[k - 1]) : (teams[1], warmJoiners[k - 1]);
                var sent = TimeProvider.System.GetUtcNow();
                var joined = await http.PostAsync("join", $"/api/teams/{team}/members", joiner.Token, null, ct);
                var answered = TimeProvider.System.GetUtcNow();
                return joined.Ok ? new Change(sent, answered, joined.Body!["team"]!["version"]!.GetValue<long>())
                    : throw new InvalidOperationException($"join {k} answered {(int)joined.Status} {joined.Code}");
            }

            api = await new FanOut(server, () => new HubWatchers(server.Address, ConnectConcurrency)).MeasureAsync($"team:{teams[0]}", $"team:{teams[1]}", options.Watchers, joins, Join, cancellationToken);
        }

        FanOutResult bare;
        var self = typeof(P5).Assembly.Location;
        await using (var server = await ServerProcess.StartAsync("p5-bare-hub", self, ["bare-hub", "--BareHub:Send", options.BareSend], options.Work, ServerProcess.RuntimeEnvironmentOf(options.ApiDll)))
        {
            using var http = new LoadHttp(server.Address, new Recorder());
            var size = (int)Math.Round(api.RecordBytes);
            async Task<Change> Broadcast(string topic, int k, CancellationToken ct)
            {
                var sent = TimeProvider.System.GetUtcNow();
                var answer = await http.PostAsync("broadcast", "/broadcast", null, new { topic, version = k, size }, ct);
                var answered = TimeProvider.System.GetUtcNow();
                return answer.Ok ? new Change(sent, answered, k) : throw new InvalidOperationException($"broadcast answered {(int)answer.Status}");
            }

            bare = await new FanOut(server, () => new HubWatchers(server.Address, ConnectConcurrency)).MeasureAsync("team:bare", "team:bare-warm", options.Watchers, joins, Broadcast, cancellationToken);
        }

        var floor = await MeasureFloorAsync(options, (int)Math.Round(api.RecordBytes), joins, cancellationToken);
        foreach (var result in new[] { api, bare, floor })
        {
            await LogPerChangeAsync(log, result);
        }
        return Report(options, api, bare, floor, joins);
    }

    private static async Task<FanOutResult> MeasureFloorAsync(BenchOptions options, int size, int changes, CancellationToken cancellationToken)
    {
        var self = typeof(P5).Assembly.Location;
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync("p5-socket-floor", self,
            ["socket-floor", "--SocketFloor:Port", port.ToString(CultureInfo.InvariantCulture)], options.Work, ServerProcess.RuntimeEnvironmentOf(options.ApiDll));
        using var http = new LoadHttp(server.Address, new Recorder());
        async Task<Change> Broadcast(string topic, int k, CancellationToken ct)
        {
            var sent = TimeProvider.System.GetUtcNow();
            var answer = await http.PostAsync("broadcast", "/broadcast", null, new { version = k, size }, ct);
            var answered = TimeProvider.System.GetUtcNow();
            return answer.Ok ? new Change(sent, answered, k) : throw new InvalidOperationException($"broadcast answered {(int)answer.Status}");
        }

        var floor = new IPEndPoint(IPAddress.Loopback, port);
        return await new FanOut(server, () => new SocketWatchers(floor, ConnectConcurrency)).MeasureAsync("floor", "floor-warm", options.Watchers, changes, Broadcast, cancellationToken);
    }

    /// <summary>Writes each change's deliveries to the log, so a p99 set by one slow change can be told from a tail spread over all.</summary>
    private static async Task LogPerChangeAsync(TextWriter log, FanOutResult result)
    {
        var changes = result.FirstPush is { } first ? result.PerChange.Prepend(first) : result.PerChange;
        foreach (var change in changes)
        {
            var apart = change.Index == 1 ? " (the first, timed apart)" : "";
            await log.WriteLineAsync(Invariant(
                $"P5 {result.Name} change {change.Index}{apart} answered {change.AnsweredAt:HH:mm:ss.fff} round trip {Ms(change.RoundTrip)} ms; from the response p50 {Ms(change.P50)} p99 {Ms(change.P99)} max {Ms(change.Max)} ms"));
        }
    }

    private static BenchSection Report(BenchOptions options, FanOutResult api, FanOutResult bare, FanOutResult floor, int joins)
    {
        static string Kb(double bytes) => (bytes / 1000).ToString("F1", CultureInfo.InvariantCulture);
        static string X(double a, double b) => (a / b).ToString("F2", CultureInfo.InvariantCulture) + "×";
        string Row(string figure, Func<FanOutResult, string> value, string ratio = "") =>
            $"| {figure} | {value(api)} | {value(bare)} | {ratio} | {value(floor)} |";

        var p99 = api.FromResponse.Percentile(99) / 1000.0;
        var floorP99 = floor.FromResponse.Percentile(99) / 1000.0;
        var ratio = (double)api.FromResponse.Percentile(99) / Math.Max(1, bare.FromResponse.Percentile(99));
        var requestRatio = (double)api.FromRequest.Percentile(99) / Math.Max(1, bare.FromRequest.Percentile(99));
        var bareOrder = options.BareSend == "queued" ? "it answers, then sends, as the API" : "it sends, then answers";
        var memory = Math.Max(api.BytesPerConnection, api.BytesPerConnectionAfter);
        var lines = new List<string>
        {
            Invariant($"{options.Watchers} watchers (anonymous WebSocket connections, this tool's hub client), {joins} joins one at a time, each after every watcher had the previous one (or 15 s) and a 200 ms pause, after a first join timed apart (it fills the server's buffer pools, once); the bare hub's send {options.BareSend} ({bareOrder}). The socket floor: the same number of plain TCP sockets, each sent the same record with a blocking `send` one after the other, after its answer (see below)."),
            "",
            "| figure | GroupBuy API (team join) | bare hub (broadcast) | API ÷ bare | socket floor |",
            "| --- | ---: | ---: | ---: | ---: |",
            Row("watchers connected (failed)", r => Invariant($"{r.Connected} ({r.ConnectFailures})")),
            Row("connect all (s)", r => Invariant($"{r.ConnectSeconds:F1}"), X(api.ConnectSeconds, bare.ConnectSeconds)),
            Row("connect (+ handshake) p50 / p99 (ms)", r => $"{Ms(r.Connect.Percentile(50))} / {Ms(r.Connect.Percentile(99))}"),
            Row("samples, lost", r => Invariant($"{r.FromResponse.Count}, {r.Lost}")),
            Row("from the response: p50 / p90 (ms)", r => $"{Ms(r.FromResponse.Percentile(50))} / {Ms(r.FromResponse.Percentile(90))}"),
            Row("**from the response: p99 (ms)**", r => Ms(r.FromResponse.Percentile(99)), Invariant($"{ratio:F2}×")),
            Row("from the response: max (ms); receipts before the response", r => Invariant($"{Ms(r.FromResponse.Max)}; {r.BeforeResponse}")),
            Row("the first join after connecting, timed apart: p50 / p99 / max (ms)", r => r.FirstPush is { } first ? $"{Ms(first.P50)} / {Ms(first.P99)} / {Ms(first.Max)}" : ""),
            Row("from the request: p50 / p99 / max (ms)", r => $"{Ms(r.FromRequest.Percentile(50))} / {Ms(r.FromRequest.Percentile(99))} / {Ms(r.FromRequest.Max)}", Invariant($"{requestRatio:F2}× (p99)")),
            Row("record (bytes, mean)", r => Invariant($"{r.RecordBytes:F0}")),
            Row("server CPU during the changes (cores)", r => Invariant($"{r.ServerCores:F2}")),
            Row("server RSS before / connected / after (MiB)", r => Invariant($"{r.RssBefore >> 20} / {r.RssConnected >> 20} / {r.RssAfter >> 20}")),
            Row("**server memory per connection, idle / after the changes (KB)**", r => $"{Kb(r.BytesPerConnection)} / {Kb(r.BytesPerConnectionAfter)}", X(api.BytesPerConnection, bare.BytesPerConnection)),
        };
        lines.Add("");
        lines.Add("How to read it: a receipt before the change's HTTP response counts as 0 ms. A server that answers only after it has queued the "
            + "fan-out (the bare hub with `--bare-send inline`) has most receipts before its response, which flatters its figure from the response; "
            + "`--bare-send queued` gives the bare hub the API's order. \"From the request\" times the same deliveries from when the change was sent, "
            + "which no ordering can flatter.");
        lines.Add("");
        lines.Add("The socket floor is what this machine takes to put one record on each of the sockets and have the tool read it, with no "
            + "WebSocket, SignalR, JSON or Kestrel on the path (`load socket-floor`, a blocking `send` to each socket in turn from one thread, read "
            + "by a plain receive loop per socket). No server can deliver faster on the same machine, so a bar under the floor cannot be met here.");
        var met = p99 <= P99BarMs && ratio <= RatioBar && memory <= MemoryBarBytes;
        var parts = new[] { p99 <= P99BarMs ? "p99 yes" : "p99 **no**", ratio <= RatioBar ? "ratio yes" : "ratio **no**", memory <= MemoryBarBytes ? "memory yes" : "memory **no**" };
        return new BenchSection("P5",
            Invariant($"p99 {p99:F0} ms from the join's response ({ratio:F2}× the bare hub, send {options.BareSend}; {requestRatio:F2}× from the request); the socket floor's p99 {floorP99:F0} ms; {Kb(api.BytesPerConnection)}–{Kb(api.BytesPerConnectionAfter)} KB per connection; {api.Connected} watchers"),
            "≤ 100 ms; ≤ 1.25×; ≤ 100 KB", met ? "yes" : string.Join(", ", parts), lines);
    }

    /// <summary>Microseconds as milliseconds with one decimal.</summary>
    private static string Ms(long micros) => (micros / 1000.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
