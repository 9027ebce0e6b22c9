using System.Globalization;

namespace GroupBuy.Load.Scenarios;

/// <summary>Durations as people type them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a TimeSpan (<c>00:00:30</c>).</summary>
public static class Durations
{
    public static TimeSpan Parse(string text)
    {
        text = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours)];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0)
            {
                return make(number);
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : throw new FormatException($"'{text}' is not a duration (e.g. 500ms, 30s, 2m, 00:01:00)");
    }

    public static string Format(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.Milliseconds == 0
            ? span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s"
            : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
