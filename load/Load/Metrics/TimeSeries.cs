namespace GroupBuy.Load.Metrics;

/// <summary>Counts per whole second since the run started (up to an hour), for throughput over time.</summary>
public sealed class TimeSeries
{
    private const int MaxSeconds = 3600;
    private readonly long[] _counts = new long[MaxSeconds];
    private int _last = -1;

    public void Add(TimeSpan at, long amount = 1)
    {
        var second = Math.Clamp((int)at.TotalSeconds, 0, MaxSeconds - 1);
        Interlocked.Add(ref _counts[second], amount);
        var last = Volatile.Read(ref _last);
        while (second > last && Interlocked.CompareExchange(ref _last, second, last) is var seen && seen != last)
        {
            last = seen;
        }
    }

    /// <summary>One count per second from the start to the last second that saw anything.</summary>
    public long[] ToArray(int atLeast = 0)
    {
        var length = Math.Max(Volatile.Read(ref _last) + 1, Math.Min(atLeast, MaxSeconds));
        var copy = new long[length];
        for (var i = 0; i < length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }
        return copy;
    }
}
