namespace GroupBuy.Load.Metrics;

/// <summary>
/// A log-linear histogram of non-negative values (microseconds here): each power of two is split into
/// <see cref="SubBuckets"/> equal steps, so any recorded value is known to within 1/32 (≈ 3 %) at every
/// scale, in a fixed 2 000-odd counters. Recording is one interlocked increment: safe from many threads.
/// (HdrHistogram works the same way; its package is not in our source.)
/// </summary>
public sealed class LogLinearHistogram
{
    public const int SubBucketBits = 5;
    public const int SubBuckets = 1 << SubBucketBits;
    private const int Exponents = 64 - SubBucketBits;

    private readonly long[] _counts = new long[(Exponents + 1) * SubBuckets];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Volatile.Read(ref _count);

    public long Max => Count == 0 ? 0 : Volatile.Read(ref _max);

    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    public double Mean => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    /// <summary>Records a value; negative values (clock skew between machines) count as 0.</summary>
    public void Record(long value)
    {
        value = Math.Max(0, value);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        UpdateMax(value);
        UpdateMin(value);
    }

    /// <summary>The value at quantile <paramref name="percent"/> (0–100): the upper edge of its bucket, capped at the max.</summary>
    public long Percentile(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), Max);
            }
        }
        return Max;
    }

    /// <summary>Non-empty buckets as (lower edge, upper edge, count), in order.</summary>
    public IEnumerable<(long From, long To, long Count)> Buckets()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = Volatile.Read(ref _counts[i]);
            if (count > 0)
            {
                yield return (LowerEdge(i), UpperEdge(i), count);
            }
        }
    }

    public void Add(LogLinearHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Add(ref _counts[i], Volatile.Read(ref other._counts[i]));
        }
        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
        if (other.Count > 0)
        {
            UpdateMax(other.Max);
            UpdateMin(other.Min);
        }
    }

    /// <summary>Values below 32 have a bucket each; above, the exponent picks a row and the next 5 bits a step.</summary>
    public static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }
        var exponent = 63 - (int)long.LeadingZeroCount(value);
        var shift = exponent - SubBucketBits;
        var step = (int)(value >> shift) - SubBuckets;
        return (shift + 1) * SubBuckets + step;
    }

    public static long LowerEdge(int index)
    {
        var row = index / SubBuckets;
        var step = index % SubBuckets;
        return row == 0 ? step : (long)(SubBuckets + step) << (row - 1);
    }

    public static long UpperEdge(int index)
    {
        var row = index / SubBuckets;
        return row == 0 ? LowerEdge(index) : LowerEdge(index) + (1L << (row - 1)) - 1;
    }

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref _max);
        while (value > current && Interlocked.CompareExchange(ref _max, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref _min);
        while (value < current && Interlocked.CompareExchange(ref _min, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
