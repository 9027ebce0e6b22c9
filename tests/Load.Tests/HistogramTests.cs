using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Tests;

public sealed class HistogramTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(1000)]
    [InlineData(123_456_789)]
    [InlineData(long.MaxValue / 2)]
    public void A_value_falls_in_a_bucket_that_holds_it_within_one_thirty_second(long value)
    {
        var index = LogLinearHistogram.IndexOf(value);

        Assert.InRange(value, LogLinearHistogram.LowerEdge(index), LogLinearHistogram.UpperEdge(index));
        Assert.True(LogLinearHistogram.UpperEdge(index) - LogLinearHistogram.LowerEdge(index) <= Math.Max(0, value / 32));
    }

    [Fact]
    public void Percentiles_of_one_to_ten_thousand_are_within_the_bucket_width()
    {
        var histogram = new LogLinearHistogram();
        for (var v = 1; v <= 10_000; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(10_000, histogram.Count);
        Assert.Equal(10_000, histogram.Max);
        Assert.Equal(1, histogram.Min);
        Assert.InRange(histogram.Percentile(50), 5000, 5000 + 5000 / 32);
        Assert.InRange(histogram.Percentile(99), 9900, 9900 + 9900 / 32);
        Assert.Equal(10_000, histogram.Percentile(100));
        Assert.Equal(5000.5, histogram.Mean);
    }

    [Fact]
    public void Negative_values_count_as_zero_and_merged_histograms_add_up()
    {
        var a = new LogLinearHistogram();
        var b = new LogLinearHistogram();
        a.Record(-5);
        b.Record(700);

        a.Add(b);

        Assert.Equal(2, a.Count);
        Assert.Equal(0, a.Min);
        Assert.Equal(700, a.Max);
        Assert.Equal(2, a.Buckets().Sum(x => x.Count));
    }
}
