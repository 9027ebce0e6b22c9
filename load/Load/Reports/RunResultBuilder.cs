using GroupBuy.Load.Invariants;
using GroupBuy.Load.Metrics;
using GroupBuy.Load.Scenarios;

namespace GroupBuy.Load.Reports;

/// <summary>Turns a run's <see cref="Recorder"/> into its <see cref="RunResult"/>.</summary>
public static class RunResultBuilder
{
    public static RunResult Build(
        string scenario, RunOptions options, DateTimeOffset startedAt, TimeSpan seeding, TimeSpan running, Recorder recorder,
        IReadOnlyList<InvariantResult> invariants, IReadOnlyList<string> notes)
    {
        var seconds = Math.Max(0.001, running.TotalSeconds);
        var measured = recorder.Operations.Where(o => !IsBookkeeping(o.Name)).ToList();
        var operations = measured
            .Select(o => new OperationResult(o.Name, o.Ok, o.Failed, Math.Round(o.Ok / seconds, 1), Latency.Of(o.Latency), o.OkPerSecond.ToArray()))
            .ToList();
        var requests = measured.Sum(o => o.Ok + o.Failed);
        return new RunResult(
            scenario,
            options.Server.ToString(),
            startedAt,
            Math.Round(seeding.TotalSeconds, 2),
            Math.Round(running.TotalSeconds, 2),
            options.Describe(),
            requests,
            measured.Sum(o => o.Failed),
            Math.Round(requests / seconds, 1),
            operations,
            recorder.Errors.Where(e => !IsBookkeeping(e.Key)).OrderByDescending(e => e.Value).ToDictionary(e => e.Key, e => e.Value),
            Sum(measured.Select(o => o.OkPerSecond.ToArray())),
            new HubResult(
                recorder.Connections, recorder.ConnectFailures, recorder.Disconnects,
                Latency.Of(recorder.HubConnect), Latency.Of(recorder.PushLatency), Coarse(recorder.PushLatency),
                recorder.PushesPerSecond.ToArray()),
            invariants,
            notes);
    }

    /// <summary>Seeding and checking requests are not part of the load.</summary>
    private static bool IsBookkeeping(string operation) => operation.StartsWith("seed:", StringComparison.Ordinal) || operation.StartsWith("check:", StringComparison.Ordinal);

    private static long[] Sum(IEnumerable<long[]> series)
    {
        var all = series.ToList();
        var sum = new long[all.Count == 0 ? 0 : all.Max(s => s.Length)];
        foreach (var s in all)
        {
            for (var i = 0; i < s.Length; i++)
            {
                sum[i] += s[i];
            }
        }
        return sum;
    }

    /// <summary>The push-latency histogram in coarse steps (1, 2, 5 × powers of ten, in ms), for the chart.</summary>
    private static List<HistogramBucket> Coarse(LogLinearHistogram histogram)
    {
        double[] edges = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, double.PositiveInfinity];
        var counts = new long[edges.Length - 1];
        foreach (var (from, _, count) in histogram.Buckets())
        {
            var ms = from / 1000.0;
            var i = Array.FindLastIndex(edges, e => e <= ms);
            counts[Math.Clamp(i, 0, counts.Length - 1)] += count;
        }
        return [.. counts.Select((c, i) => new HistogramBucket(edges[i], edges[i + 1], c))];
    }
}
