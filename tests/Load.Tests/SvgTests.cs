using GroupBuy.Load.Reports;

namespace GroupBuy.Load.Tests;

/// <summary>The report's charts read at a glance: their axes step in round numbers and reach just past the data.</summary>
public sealed class SvgTests
{
    private static readonly string[] RoundLabels = [">0<", ">200<", ">400<", ">600<"];

    [Theory]
    [InlineData(513, 600, 200)]
    [InlineData(59.39, 60, 20)]
    [InlineData(400, 400, 100)]
    [InlineData(9, 10, 2.5)]
    [InlineData(1, 1, 0.25)]
    [InlineData(0.004, 0.004, 0.001)]
    public void An_axis_steps_in_round_numbers_up_to_just_past_the_highest_value(double highest, double top, double step)
    {
        var scale = Svg.Scale(highest);

        Assert.Equal(top, scale.Top, 9);
        Assert.Equal(step, scale.Step, 9);
    }

    [Fact]
    public void A_chart_labels_its_gridlines_with_the_steps()
    {
        var chart = Svg.Lines([("all", [0L, 513L, 300L])], "requests/s");

        Assert.All(RoundLabels, label => Assert.Contains(label, chart, StringComparison.Ordinal));
        Assert.DoesNotContain(">513<", chart, StringComparison.Ordinal);
    }
}
