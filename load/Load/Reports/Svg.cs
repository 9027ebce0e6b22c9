using System.Globalization;
using System.Net;
using System.Text;

namespace GroupBuy.Load.Reports;

/// <summary>Small inline SVG charts for the HTML report: lines over time and grouped bars. No scripts, no files.</summary>
public static class Svg
{
    private const int Width = 720;
    private const int Height = 260;
    private const int Left = 60;
    private const int Bottom = 30;
    private const int Top = 16;
    private const int Right = 16;
    private static readonly double[] RoundSteps = [1, 2, 2.5, 5, 10];
    private static readonly string[] Colors = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

    /// <summary>One line per series over seconds 0…n, with a legend.</summary>
    public static string Lines(IReadOnlyList<(string Name, IReadOnlyList<long> Values)> series, string yLabel)
    {
        var length = Math.Max(2, series.Count == 0 ? 0 : series.Max(s => s.Values.Count));
        var (max, step) = Scale(Math.Max(1, series.Count == 0 ? 0 : series.SelectMany(s => s.Values).DefaultIfEmpty().Max()));
        var svg = Open();
        Axes(svg, max, step, yLabel, $"seconds (0–{length - 1})");
        for (var s = 0; s < series.Count; s++)
        {
            var points = string.Join(' ', series[s].Values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{X(i, length - 1)},{Y(v, max):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[s % Colors.Length]}\" stroke-width=\"2\" points=\"{points}\"/>");
        }
        Legend(svg, series.Select(s => s.Name).ToList());
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Groups of bars (e.g. p50/p90/p99 per operation), each bar labelled with its value.</summary>
    public static string Bars(IReadOnlyList<(string Group, IReadOnlyList<double> Values)> groups, IReadOnlyList<string> barNames, string yLabel)
    {
        var (max, step) = Scale(Math.Max(0.001, groups.SelectMany(g => g.Values).DefaultIfEmpty().Max()));
        var svg = Open();
        Axes(svg, max, step, yLabel, "");
        var slot = (Width - Left - Right) / (double)Math.Max(1, groups.Count);
        var bar = slot * 0.8 / Math.Max(1, barNames.Count);
        for (var g = 0; g < groups.Count; g++)
        {
            for (var b = 0; b < groups[g].Values.Count; b++)
            {
                var value = groups[g].Values[b];
                var x = Left + g * slot + slot * 0.1 + b * bar;
                var y = Y(value, max);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{bar * 0.9:F1}\" height=\"{Height - Bottom - y:F1}\" fill=\"{Colors[b % Colors.Length]}\"><title>{Escape(groups[g].Group)} {Escape(barNames[b])}: {value:0.###}</title></rect>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + bar * 0.45:F1}\" y=\"{y - 3:F1}\" font-size=\"9\" text-anchor=\"middle\">{Short(value)}</text>");
            }
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{Left + g * slot + slot / 2:F1}\" y=\"{Height - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{Escape(groups[g].Group)}</text>");
        }
        Legend(svg, barNames);
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open() =>
        new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\">");

    /// <summary>
    /// The y axis for values up to <paramref name="highest"/>: a round step (1, 2, 2.5 or 5 times a power of ten) that
    /// gives at most four gridlines above zero, and the axis's top, the first multiple of the step at or above the values.
    /// </summary>
    public static (double Top, double Step) Scale(double highest)
    {
        var rough = highest / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = RoundSteps.Select(multiple => multiple * power).First(candidate => candidate >= rough * (1 - 1e-9));
        return (step * Math.Ceiling(highest / step - 1e-9), step);
    }

    private static void Axes(StringBuilder svg, double max, double step, string yLabel, string xLabel)
    {
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/><line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/>");
        var gridlines = (int)Math.Round(max / step);
        for (var i = 0; i <= gridlines; i++)
        {
            var value = step * i;
            var y = Y(value, max);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Width - Right}\" y2=\"{y:F1}\" stroke=\"#eee\"/><text x=\"{Left - 4}\" y=\"{y + 3:F1}\" font-size=\"10\" text-anchor=\"end\">{Short(value)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top - 4}\" font-size=\"10\">{Escape(yLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - 4}\" font-size=\"10\" text-anchor=\"end\">{Escape(xLabel)}</text>");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var x = Left + 10 + i * 110;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x}\" y=\"{Top}\" width=\"10\" height=\"10\" fill=\"{Colors[i % Colors.Length]}\"/><text x=\"{x + 14}\" y=\"{Top + 9}\" font-size=\"10\">{Escape(names[i])}</text>");
        }
    }

    private static string X(int i, int last) => (Left + (Width - Left - Right) * (double)i / Math.Max(1, last)).ToString("F1", CultureInfo.InvariantCulture);

    private static double Y(double value, double max) => Height - Bottom - (Height - Bottom - Top - 14) * value / max;

    private static string Short(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
