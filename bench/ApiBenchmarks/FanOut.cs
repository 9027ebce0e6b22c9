using System.Diagnostics;
using System.Globalization;

namespace GroupBuy.ApiBenchmarks;

/// <summary>One change pushed to the watchers: when its request left, when its response arrived, which version it made.</summary>
public readonly record struct Trigger(long SentAt, long AnsweredAt, long Version);

/// <summary>What one server's fan-out run measured.</summary>
public sealed class FanOutResult(string name)
{
    public string Name { get; } = name;

    public int Requested { get; set; }

    public int Connected { get; set; }

    public int ConnectFailures { get; set; }

    public string? FirstConnectError { get; set; }

    public double ConnectSeconds { get; set; }

    public Samples ConnectLatency { get; } = new();

    public long RssBefore { get; set; }

    public long RssConnected { get; set; }

    public long RssAfterJoins { get; set; }

    public long ClientRssDelta { get; set; }

    public double ServerCoresDuringJoins { get; set; }

    public double ClientCoresDuringJoins { get; set; }

    public Samples Latency { get; } = new();

    /// <summary>The same deliveries timed from when the request that made the change was sent.</summary>
    public Samples FromRequest { get; } = new();

    /// <summary>Per change, the latency of its last watcher.</summary>
    public Samples LastWatcher { get; } = new();

    public Samples RequestRoundTrip { get; } = new();

    public List<int> RecordSizes { get; } = [];

    public int Lost { get; set; }

    public int Changes { get; set; }

    public int ClosedByServer { get; set; }

    public string? CloseReason { get; set; }

    /// <summary>Server memory per watcher: RSS with the watchers connected minus before, over the watchers.</summary>
    public double BytesPerConnection => Connected == 0 ? double.NaN : (double)(RssConnected - RssBefore) / Connected;

    /// <summary>The same once every watcher has received the changes (send buffers and pools have grown).</summary>
    public double BytesPerConnectionAfterChanges => Connected == 0 ? double.NaN : (double)(RssAfterJoins - RssBefore) / Connected;
}

/// <summary>
/// Connects thousands of <see cref="Watcher"/>s to one topic of a server, then makes changes one at a time and
/// times, for each watcher, the arrival of each change's version after the HTTP response that made it.
/// </summary>
public sealed class FanOut(ServerProcess server, int connectConcurrency, TimeSpan changeTimeout)
{
    private const int WarmWatchers = 50;
    private const int WarmChanges = 2;
    private const int VersionHeadroom = 64;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private readonly Uri _hub = new($"ws://127.0.0.1:{server.Address.Port}/hubs/live");

    /// <summary>
    /// Warms the server up on <paramref name="warmTopic"/> (a few watchers, a few changes), then measures
    /// <paramref name="watchers"/> watchers of <paramref name="topic"/> over <paramref name="changes"/> changes.
    /// </summary>
    public async Task<FanOutResult> MeasureAsync(
        string topic, string warmTopic, int watchers, int changes, Func<string, int, CancellationToken, Task<Trigger>> change, CancellationToken cancellationToken)
    {
        var result = new FanOutResult(server.Name) { Requested = watchers, Changes = changes };
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) });

        var warmTally = new Tally(VersionHeadroom);
        var warm = await ConnectAsync(warmTopic, WarmWatchers, warmTally, invoker, new FanOutResult("warm-up"), cancellationToken);
        for (var k = 1; k <= WarmChanges; k++)
        {
            var trigger = await change(warmTopic, k, cancellationToken);
            await WaitForAsync(warmTally, trigger.Version, warm.Count(w => w is not null), cancellationToken);
        }
        await CloseAllAsync(warm);
        await Task.Delay(Settle, cancellationToken);

        result.RssBefore = server.RssBytes();
        var clientBefore = OwnRss();
        var tally = new Tally(changes + VersionHeadroom);
        using var stopPings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var all = new Watcher?[watchers];
        var pinging = PingAsync(all, stopPings.Token);
        var connecting = Stopwatch.StartNew();
        all = await ConnectAsync(topic, watchers, tally, invoker, result, cancellationToken, all);
        result.ConnectSeconds = connecting.Elapsed.TotalSeconds;
        var connected = all.Where(w => w is not null).Cast<Watcher>().ToArray();
        result.Connected = connected.Length;
        await Task.Delay(Settle, cancellationToken);
        result.RssConnected = server.RssBytes();
        result.ClientRssDelta = OwnRss() - clientBefore;

        var cpu = server.CpuTime();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var joinsClock = Stopwatch.StartNew();
        for (var k = 1; k <= changes; k++)
        {
            var trigger = await change(topic, k, cancellationToken);
            result.RequestRoundTrip.Add(Milliseconds(trigger.AnsweredAt - trigger.SentAt));
            await WaitForAsync(tally, trigger.Version, connected.Length, cancellationToken);
            var last = double.NegativeInfinity;
            foreach (var watcher in connected)
            {
                var at = watcher.ReceivedAt(trigger.Version);
                if (at == 0)
                {
                    result.Lost++;
                    continue;
                }
                var latency = Milliseconds(at - trigger.AnsweredAt);
                result.Latency.Add(latency);
                result.FromRequest.Add(Milliseconds(at - trigger.SentAt));
                last = Math.Max(last, latency);
            }
            if (!double.IsNegativeInfinity(last))
            {
                result.LastWatcher.Add(last);
            }
            result.RecordSizes.Add(tally.Size(trigger.Version));
            await Task.Delay(Pause, cancellationToken);
        }
        result.ServerCoresDuringJoins = (server.CpuTime() - cpu).TotalSeconds / joinsClock.Elapsed.TotalSeconds;
        result.ClientCoresDuringJoins = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds / joinsClock.Elapsed.TotalSeconds;
        result.RssAfterJoins = server.RssBytes();
        result.ClosedByServer = tally.Closed;
        result.CloseReason = tally.LastCloseReason;

        await stopPings.CancelAsync();
        try
        {
            await pinging;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        await CloseAllAsync(all);
        return result;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static long OwnRss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Every second a tenth of the watchers ping, so each pings every ten seconds (the server drops a client silent for 30 s).</summary>
    private static async Task PingAsync(Watcher?[] watchers, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (var tick = 0; await timer.WaitForNextTickAsync(cancellationToken); tick++)
        {
            for (var i = tick % 10; i < watchers.Length; i += 10)
            {
                Volatile.Read(ref watchers[i])?.SendPing();
            }
        }
    }

    private static async Task CloseAllAsync(Watcher?[] watchers) =>
        await Task.WhenAll(watchers.Where(w => w is not null).Select(w => w!.CloseAsync()));

    /// <summary>Until every watcher still connected has <paramref name="version"/>, or the change's time-out.</summary>
    private async Task WaitForAsync(Tally tally, long version, int watchers, CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.StartNew();
        while (tally.Count(version) < watchers - tally.Closed && waiting.Elapsed < changeTimeout)
        {
            await Task.Delay(2, cancellationToken);
        }
    }

    private async Task<Watcher?[]> ConnectAsync(
        string topic, int count, Tally tally, HttpMessageInvoker invoker, FanOutResult result, CancellationToken cancellationToken, Watcher?[]? into = null)
    {
        var watchers = into ?? new Watcher?[count];
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = connectConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var watcher = new Watcher(tally);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await watcher.ConnectAsync(_hub, topic, invoker, token);
                    var took = Milliseconds(Stopwatch.GetTimestamp() - started);
                    lock (result)
                    {
                        result.ConnectLatency.Add(took);
                    }
                    Volatile.Write(ref watchers[i], watcher);
                }
                catch (Exception exception) when (!token.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref failures) == 1)
                    {
                        result.FirstConnectError = exception.Message;
                    }
                    await watcher.CloseAsync();
                }
            });
        result.ConnectFailures = failures;
        return watchers;
    }
}
