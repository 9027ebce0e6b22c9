using GroupBuy.Load.Invariants;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Reports;

/// <summary>Everything a run reports, as written to the JSON file and drawn in the HTML report. Times in milliseconds.</summary>
public sealed record RunResult(
    string Scenario,
    string Server,
    DateTimeOffset StartedAt,
    double SeedSeconds,
    double RunSeconds,
    IReadOnlyDictionary<string, string> Settings,
    long Requests,
    long Errors,
    double RequestsPerSecond,
    IReadOnlyList<OperationResult> Operations,
    IReadOnlyDictionary<string, long> ErrorsByCode,
    IReadOnlyList<long> OkPerSecond,
    HubResult Hub,
    IReadOnlyList<InvariantResult> Invariants,
    IReadOnlyList<string> Notes)
{
    public bool InvariantsHeld => Invariants.All(i => i.Held);
}

public sealed record OperationResult(string Name, long Ok, long Failed, double OkPerSecond, Latency Latency, IReadOnlyList<long> OkPerSecondOverTime);

public sealed record Latency(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static Latency Of(LogLinearHistogram histogram) => new(
        histogram.Count,
        Ms(histogram.Percentile(50)),
        Ms(histogram.Percentile(90)),
        Ms(histogram.Percentile(99)),
        Ms(histogram.Max),
        Math.Round(histogram.Mean / 1000, 3));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

public sealed record HubResult(
    long Connections, long ConnectFailures, long Disconnects, Latency Connect, Latency Push,
    IReadOnlyList<HistogramBucket> PushDistribution, IReadOnlyList<long> PushesPerSecond);

/// <summary>A bucket of a distribution: values from <c>FromMs</c> up to (not including) <c>ToMs</c>.</summary>
public sealed record HistogramBucket(double FromMs, double ToMs, long Count);
