namespace GroupBuy.Load.Metrics;

/// <summary>One kind of request (e.g. <c>purchase</c>): its latency, its successes and failures over time.</summary>
public sealed class OperationStats(string name)
{
    private long _ok;
    private long _failed;

    public string Name { get; } = name;

    /// <summary>Latency in microseconds of every answered request, successful or not.</summary>
    public LogLinearHistogram Latency { get; } = new();

    public TimeSeries OkPerSecond { get; } = new();

    public long Ok => Volatile.Read(ref _ok);

    public long Failed => Volatile.Read(ref _failed);

    public void Record(TimeSpan at, long microseconds, bool ok)
    {
        Latency.Record(microseconds);
        if (ok)
        {
            Interlocked.Increment(ref _ok);
            OkPerSecond.Add(at);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
