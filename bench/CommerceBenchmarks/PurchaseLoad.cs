using System.Diagnostics;
using GroupBuy.Load.Bench;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>How one purchase attempt ended.</summary>
internal enum Outcome
{
    Acknowledged,
    LimitExceeded,
    SoldOut,
    OtherRefusal,
}

/// <summary>One caller's way of buying: its own connection for the naive designs, a grain reference for ours.</summary>
internal interface IPurchaser : IAsyncDisposable
{
    /// <summary>Buys one unit for shopper number <paramref name="shopper"/>; answers only once the purchase is decided (and durable, on a durable store).</summary>
    Task<Outcome> PurchaseAsync(int shopper);
}

/// <summary>What the process looked like at one instant of a run.</summary>
internal readonly record struct Sample(
    long Timestamp,
    long Acknowledged,
    long Refused,
    long Failed,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long Commits,
    TimeSpan StoreBusy,
    TimeSpan CpuTime,
    long LockContentions,
    long WorkItems,
    (long Total, long Steal) Host,
    long Written,
    TimeSpan GcPaused)
{
    public static Sample Take(long acknowledged, long refused, long failed, (long Commits, TimeSpan Busy) store)
    {
        using var process = Process.GetCurrentProcess();
        return new(Stopwatch.GetTimestamp(), acknowledged, refused, failed, GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), store.Commits, store.Busy, process.TotalProcessorTime,
            Monitor.LockContentionCount, ThreadPool.CompletedWorkItemCount, ProcFs.HostTicks(), ProcFs.WrittenBytes(), GC.GetTotalPauseDuration());
    }
}

/// <summary>The measured window of a run: the difference between two samples, plus latencies and totals.</summary>
internal sealed record LoadResult(string Name, int Callers, Sample Start, Sample End, LatencyHistogram Latency, long TotalAcknowledged, long TotalRefused, long TotalFailed, int MaxThreads)
{
    public double Seconds => Stopwatch.GetElapsedTime(Start.Timestamp, End.Timestamp).TotalSeconds;

    public long Acknowledged => End.Acknowledged - Start.Acknowledged;

    public double PerSecond => Acknowledged / Seconds;

    public long Commits => End.Commits - Start.Commits;

    public double PerCommit => Commits == 0 ? double.NaN : (double)Acknowledged / Commits;

    /// <summary>Share of the wall time the store spent inside its transactions: near 1, the store is the limit.</summary>
    public double StoreBusyShare => (End.StoreBusy - Start.StoreBusy).TotalSeconds / Seconds;

    public double BytesPerPurchase => (double)(End.AllocatedBytes - Start.AllocatedBytes) / Math.Max(1, Acknowledged);

    /// <summary>
    /// Bytes the process wrote to its files a purchase (log, checkpoints; NaN where /proc is missing). A PostgreSQL run
    /// writes none itself: the server does.
    /// </summary>
    public double WrittenPerPurchase => Start.Written < 0 ? double.NaN : (double)(End.Written - Start.Written) / Math.Max(1, Acknowledged);

    /// <summary>Process CPU per purchase, in microseconds (both cores count).</summary>
    public double CpuMicrosPerPurchase => (End.CpuTime - Start.CpuTime).TotalMicroseconds / Math.Max(1, Acknowledged);

    /// <summary>Time the collector held every thread, per purchase, in microseconds.</summary>
    public double GcPausedMicrosPerPurchase => (End.GcPaused - Start.GcPaused).TotalMicroseconds / Math.Max(1, Acknowledged);

    /// <summary>Share of the machine's cores the process used.</summary>
    public double CpuShare => (End.CpuTime - Start.CpuTime).TotalSeconds / Seconds / Environment.ProcessorCount;

    /// <summary>Share of the machine's CPU time the hypervisor gave to other guests during the window.</summary>
    public double Steal => ProcFs.StealShare(Start.Host, End.Host);

    public string Describe() => string.Join(Environment.NewLine,
        $"  {Name}: {PerSecond:N0} acknowledged purchases/s ({Acknowledged:N0} in {Seconds:F1} s, {Callers} callers; run total {TotalAcknowledged:N0} acknowledged, {TotalRefused:N0} refused, {TotalFailed:N0} failed)",
        $"    latency p50 {Latency.Percentile(0.50):F2} ms, p99 {Latency.Percentile(0.99):F2} ms, max {Latency.Max:F1} ms",
        $"    cpu {CpuMicrosPerPurchase:F1} µs/purchase, {CpuShare:P0} of {Environment.ProcessorCount} cores; allocated {BytesPerPurchase:N0} B/purchase; " +
        (double.IsNaN(WrittenPerPurchase) || WrittenPerPurchase == 0 ? "" : $"written to files {WrittenPerPurchase:N0} B/purchase; ") +
        $"GCs gen0 {End.Gen0 - Start.Gen0}, gen1 {End.Gen1 - Start.Gen1}, gen2 {End.Gen2 - Start.Gen2}, paused {GcPausedMicrosPerPurchase:F1} µs/purchase; " +
        $"lock contentions {End.LockContentions - Start.LockContentions:N0}; thread-pool items {(End.WorkItems - Start.WorkItems) / Math.Max(1.0, Acknowledged):F1}/purchase, threads ≤ {MaxThreads}" +
        (Commits > 0 ? $"; {Commits:N0} storage commits, {PerCommit:F1} purchases/commit, store busy {StoreBusyShare:P0} of the time" : "") +
        (double.IsNaN(Steal) ? "" : $"; the machine's steal {Steal:P0}"));
}

/// <summary>
/// Runs <c>callers</c> concurrent loops, each buying one unit at a time for the next shopper to arrive, for a warm-up
/// and then a measured window; then stops the loops and waits for every call in flight.
/// </summary>
internal static class PurchaseLoad
{
    public static async Task<LoadResult> RunAsync(
        string name, int callers, int[] arrival, TimeSpan warmup, TimeSpan measure,
        Func<int, Task<IPurchaser>> createPurchaser, Func<(long Commits, TimeSpan Busy)>? store = null)
    {
        var purchasers = new IPurchaser[callers];
        for (var i = 0; i < callers; i++)
        {
            purchasers[i] = await createPurchaser(i);
        }
        var counters = new Counters();
        var histograms = new LatencyHistogram[callers];
        var loops = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var histogram = histograms[i] = new LatencyHistogram();
            var purchaser = purchasers[i];
            loops[i] = Task.Run(() => LoopAsync(purchaser, counters, histogram, arrival));
        }
        var maxThreads = await WatchAsync(warmup, loops);
        var start = counters.Take(store);
        Volatile.Write(ref counters.Measuring, true);
        maxThreads = Math.Max(maxThreads, await WatchAsync(measure, loops));
        var end = counters.Take(store);
        Volatile.Write(ref counters.Measuring, false);
        Volatile.Write(ref counters.Stopping, true);
        await Task.WhenAll(loops);
        foreach (var purchaser in purchasers)
        {
            await purchaser.DisposeAsync();
        }
        if (counters.FirstFailure is { } failure)
        {
            Console.WriteLine($"  {name}: first failure: {failure.GetType().Name}: {failure.Message}");
        }
        return new LoadResult(name, callers, start, end, LatencyHistogram.Merge(histograms),
            counters.Acknowledged, counters.Refused, counters.Failed, maxThreads);
    }

    /// <summary>Waits out <paramref name="duration"/> (or until a loop fails); answers the most thread-pool threads seen.</summary>
    private static async Task<int> WatchAsync(TimeSpan duration, Task[] loops)
    {
        var maxThreads = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !loops.Any(l => l.IsFaulted))
        {
            await Task.Delay(100);
            maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
        }
        return maxThreads;
    }

    private static async Task LoopAsync(IPurchaser purchaser, Counters counters, LatencyHistogram histogram, int[] arrival)
    {
        while (!Volatile.Read(ref counters.Stopping))
        {
            var shopper = arrival[Interlocked.Increment(ref counters.NextShopper) % arrival.Length];
            var started = Stopwatch.GetTimestamp();
            try
            {
                var outcome = await purchaser.PurchaseAsync(shopper);
                if (outcome == Outcome.Acknowledged)
                {
                    Interlocked.Increment(ref counters.Acknowledged);
                }
                else
                {
                    Interlocked.Increment(ref counters.Refused);
                }
            }
            catch (Exception exception)
            {
                Interlocked.Increment(ref counters.Failed);
                Interlocked.CompareExchange(ref counters.FirstFailure, exception, null);
                // A failing store is not a benchmark: stop instead of spinning on errors.
                Volatile.Write(ref counters.Stopping, true);
                return;
            }
            if (Volatile.Read(ref counters.Measuring))
            {
                histogram.Record(Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private sealed class Counters
    {
        public long NextShopper = -1;
        public long Acknowledged;
        public long Refused;
        public long Failed;
        public bool Measuring;
        public bool Stopping;
        public Exception? FirstFailure;

        public Sample Take(Func<(long Commits, TimeSpan Busy)>? store) =>
            Sample.Take(Interlocked.Read(ref Acknowledged), Interlocked.Read(ref Refused), Interlocked.Read(ref Failed), store?.Invoke() ?? default);
    }
}

/// <summary>A latency histogram with 5 % wide buckets from 1 µs up (one per caller, merged at the end).</summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 400;
    private static readonly double LogBase = Math.Log(1.05);
    private readonly long[] _counts = new long[Buckets];
    private long _total;

    public double Max { get; private set; }

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Max(1.0, elapsed.TotalMicroseconds);
        _counts[Math.Min(Buckets - 1, (int)(Math.Log(micros) / LogBase))]++;
        _total++;
        Max = Math.Max(Max, elapsed.TotalMilliseconds);
    }

    /// <summary>The upper edge of the bucket holding the percentile, in milliseconds.</summary>
    public double Percentile(double fraction)
    {
        var rank = (long)Math.Ceiling(fraction * _total);
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank && seen > 0)
            {
                return Math.Exp((i + 1) * LogBase) / 1000;
            }
        }
        return double.NaN;
    }

    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> parts)
    {
        var merged = new LatencyHistogram();
        foreach (var part in parts)
        {
            for (var i = 0; i < Buckets; i++)
            {
                merged._counts[i] += part._counts[i];
            }
            merged._total += part._total;
            merged.Max = Math.Max(merged.Max, part.Max);
        }
        return merged;
    }
}
