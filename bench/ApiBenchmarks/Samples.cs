using System.Globalization;
using System.Text;

namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// Latency samples in milliseconds, kept whole and sorted (a few hundred thousand at most): percentiles by
/// nearest rank, and a coarse histogram for the report.
/// </summary>
public sealed class Samples
{
    private static readonly double[] BucketEdges = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

    private readonly List<double> _values = [];
    private double[]? _sorted;

    public int Count => _values.Count;

    public void Add(double milliseconds)
    {
        _values.Add(milliseconds);
        _sorted = null;
    }

    public double Percentile(double percent)
    {
        var sorted = Sorted();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Min => Sorted().Length == 0 ? double.NaN : Sorted()[0];

    public double Max => Sorted().Length == 0 ? double.NaN : Sorted()[^1];

    public double Mean => _values.Count == 0 ? double.NaN : _values.Average();

    /// <summary>Samples below zero: the watcher had the update before the HTTP response reached the client.</summary>
    public int Negative => _values.Count(v => v < 0);

    public string Histogram(string indent)
    {
        var sorted = Sorted();
        var text = new StringBuilder();
        var counts = new int[BucketEdges.Length + 1];
        foreach (var value in sorted)
        {
            var bucket = 0;
            while (bucket < BucketEdges.Length && value >= BucketEdges[bucket])
            {
                bucket++;
            }
            counts[bucket]++;
        }
        for (var b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0)
            {
                continue;
            }
            var range = b == 0 ? $"< {BucketEdges[0]} ms" : b == BucketEdges.Length ? $"≥ {BucketEdges[^1]} ms" : $"{BucketEdges[b - 1]}–{BucketEdges[b]} ms";
            var share = (double)counts[b] / sorted.Length;
            text.Append(CultureInfo.InvariantCulture, $"{indent}{range,-14} {counts[b],8} {share,7:P1} {new string('#', (int)Math.Round(share * 50))}\n");
        }
        return text.ToString();
    }

    private double[] Sorted()
    {
        if (_sorted is null)
        {
            _sorted = [.. _values];
            Array.Sort(_sorted);
        }
        return _sorted;
    }
}
