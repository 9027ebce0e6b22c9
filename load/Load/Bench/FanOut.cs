using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>One change pushed to the watchers: when its request left and its response came (wall clock), and the version it made.</summary>
public readonly record struct Change(DateTimeOffset SentAt, DateTimeOffset AnsweredAt, long Version);

/// <summary>One change's deliveries, from its response, in microseconds; when it was answered; how long its round trip took.</summary>
public readonly record struct ChangeDeliveries(int Index, DateTimeOffset AnsweredAt, long RoundTrip, long P50, long P99, long Max);

/// <summary>What one server's fan-out measured. Latencies in microseconds.</summary>
public sealed class FanOutResult(string name)
{
    public string Name { get; } = name;

    public int Connected { get; set; }

    public long ConnectFailures { get; set; }

    public double ConnectSeconds { get; set; }

    public LogLinearHistogram Connect { get; set; } = new();

    /// <summary>From the change's HTTP response to each watcher's receipt (a receipt before the response counts as 0).</summary>
    public LogLinearHistogram FromResponse { get; } = new();

    /// <summary>From the change's request leaving to each watcher's receipt.</summary>
    public LogLinearHistogram FromRequest { get; } = new();

    public long BeforeResponse { get; set; }

    /// <summary>The first change after the watchers connected, timed apart: not in the figures above or below.</summary>
    public ChangeDeliveries? FirstPush { get; set; }

    /// <summary>Each measured change on its own, to tell a tail spread over all changes from one slow change.</summary>
    public List<ChangeDeliveries> PerChange { get; } = [];

    public long Lost { get; set; }

    public long RssBefore { get; set; }

    public long RssConnected { get; set; }

    public long RssAfter { get; set; }

    public double ServerCores { get; set; }

    public double RecordBytes { get; set; }

    public double BytesPerConnection => Connected == 0 ? double.NaN : (double)(RssConnected - RssBefore) / Connected;

    public double BytesPerConnectionAfter => Connected == 0 ? double.NaN : (double)(RssAfter - RssBefore) / Connected;
}

/// <summary>
/// Connects N watchers of one topic, makes changes one at a time, and for every (change, watcher) times the arrival
/// of the change's version after the change's HTTP response. A warm-up on another topic comes first, and the first
/// change after the watchers connected, which fills the server's buffer pools, is timed apart
/// (<see cref="FanOutResult.FirstPush"/>). The watchers are SignalR connections (<see cref="HubWatchers"/>) or, for the
/// floor, plain sockets (<see cref="SocketWatchers"/>).
/// </summary>
public sealed class FanOut(ServerProcess server, Func<IWatcherPool> watcherPool, int connectConcurrency = 64)
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    public async Task<FanOutResult> MeasureAsync(
        string topic, string warmTopic, int watchers, int changes, Func<string, int, CancellationToken, Task<Change>> change, CancellationToken cancellationToken)
    {
        var result = new FanOutResult(server.Name);
        await WarmUpAsync(warmTopic, change, cancellationToken);
        await Task.Delay(Settle, cancellationToken);
        result.RssBefore = server.RssBytes();

        var slots = changes + 64;
        var received = new long[watchers * slots];
        var counts = new int[slots];
        long bytes = 0, records = 0;
        await using var pool = watcherPool();
        var connecting = Stopwatch.StartNew();
        var connected = new bool[watchers];
        await Parallel.ForEachAsync(Enumerable.Range(0, watchers), new ParallelOptions { MaxDegreeOfParallelism = connectConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                await pool.ConnectAsync(topic, (version, receivedAt, length) =>
                {
                    if (version > 0 && version < slots && received[i * slots + version] == 0)
                    {
                        received[i * slots + version] = receivedAt.UtcTicks;
                        Interlocked.Increment(ref counts[version]);
                        Interlocked.Add(ref bytes, length);
                        Interlocked.Increment(ref records);
                    }
                }, ct);
                connected[i] = true;
            }
            catch (Exception exception) when (exception is InvalidOperationException or WebSocketException or SocketException or TimeoutException or HttpRequestException)
            {
                // Counted by the pool as a connect failure.
            }
        });
        result.ConnectSeconds = connecting.Elapsed.TotalSeconds;
        result.Connected = connected.Count(c => c);
        result.ConnectFailures = pool.ConnectFailures;
        result.Connect = pool.ConnectTimes;
        await Task.Delay(Settle, cancellationToken);
        result.RssConnected = server.RssBytes();

        async Task<ChangeDeliveries> PushAsync(int k, bool measured)
        {
            var made = await change(topic, k, cancellationToken);
            var waited = Stopwatch.StartNew();
            while (made.Version < slots && Volatile.Read(ref counts[made.Version]) < result.Connected && waited.Elapsed < ChangeTimeout)
            {
                await Task.Delay(5, cancellationToken);
            }
            var latencies = new List<long>(watchers);
            for (var i = 0; i < watchers; i++)
            {
                if (!connected[i])
                {
                    continue;
                }
                var at = made.Version < slots ? Volatile.Read(ref received[i * slots + made.Version]) : 0;
                if (at == 0)
                {
                    result.Lost += measured ? 1 : 0;
                    continue;
                }
                var fromResponse = (at - made.AnsweredAt.UtcTicks) / 10;
                latencies.Add(Math.Max(0, fromResponse));
                if (measured)
                {
                    result.BeforeResponse += fromResponse < 0 ? 1 : 0;
                    result.FromResponse.Record(fromResponse);
                    result.FromRequest.Record((at - made.SentAt.UtcTicks) / 10);
                }
            }
            latencies.Sort();
            var deliveries = latencies.Count == 0 ? new ChangeDeliveries(k, made.AnsweredAt, 0, 0, 0, 0)
                : new ChangeDeliveries(k, made.AnsweredAt, (made.AnsweredAt - made.SentAt).Ticks / 10,
                    latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies[^1]);
            await Task.Delay(Pause, cancellationToken);
            return deliveries;
        }

        // The first push to the whole crowd fills the server's buffer pools and meets the collection that promotes the
        // connections' state, once: it is timed apart and kept out of the figures, as P4's warm-up is.
        result.FirstPush = await PushAsync(1, measured: false);
        var cpu = server.CpuTime();
        var clock = Stopwatch.StartNew();
        for (var k = 2; k <= changes + 1; k++)
        {
            result.PerChange.Add(await PushAsync(k, measured: true));
        }
        result.ServerCores = (server.CpuTime() - cpu).TotalSeconds / clock.Elapsed.TotalSeconds;
        result.RssAfter = server.RssBytes();
        result.RecordBytes = records == 0 ? 0 : (double)bytes / records;
        return result;
    }

    private async Task WarmUpAsync(string warmTopic, Func<string, int, CancellationToken, Task<Change>> change, CancellationToken cancellationToken)
    {
        await using var pool = watcherPool();
        for (var i = 0; i < 50; i++)
        {
            await pool.ConnectAsync(warmTopic, static (_, _, _) => { }, cancellationToken);
        }
        for (var k = 1; k <= 2; k++)
        {
            await change(warmTopic, k, cancellationToken);
        }
        await Task.Delay(Pause, cancellationToken);
    }
}
