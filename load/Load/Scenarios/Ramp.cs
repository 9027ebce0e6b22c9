using System.Globalization;

namespace GroupBuy.Load.Scenarios;

/// <summary>
/// When each of N virtual users arrives: <c>burst</c> (all at the start: a flash sale's opening second),
/// <c>linear:10s</c> (evenly over 10 s), or <c>steps:4x5s</c> (a quarter every 5 s).
/// </summary>
public abstract record Ramp
{
    public static readonly Ramp Burst = new BurstRamp();

    /// <summary>The arrival time of user <paramref name="index"/> of <paramref name="count"/>.</summary>
    public abstract TimeSpan ArrivalOf(int index, int count);

    public static Ramp Parse(string text)
    {
        var parts = text.Trim().Split(':', 2);
        switch (parts[0].ToLowerInvariant())
        {
            case "burst" when parts.Length == 1:
                return Burst;
            case "linear" when parts.Length == 2:
                return new LinearRamp(Durations.Parse(parts[1]));
            case "steps" when parts.Length == 2 && parts[1].Split('x', 2) is [var steps, var every]
                && int.TryParse(steps, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0:
                return new StepRamp(count, Durations.Parse(every));
            default:
                throw new FormatException($"'{text}' is not a ramp: use burst, linear:10s or steps:4x5s");
        }
    }

    private sealed record BurstRamp : Ramp
    {
        public override TimeSpan ArrivalOf(int index, int count) => TimeSpan.Zero;

        public override string ToString() => "burst";
    }

    private sealed record LinearRamp(TimeSpan Over) : Ramp
    {
        public override TimeSpan ArrivalOf(int index, int count) => count <= 1 ? TimeSpan.Zero : Over * index / count;

        public override string ToString() => $"linear:{Durations.Format(Over)}";
    }

    private sealed record StepRamp(int Steps, TimeSpan Every) : Ramp
    {
        public override TimeSpan ArrivalOf(int index, int count) => Every * (index * Steps / Math.Max(1, count));

        public override string ToString() => $"steps:{Steps}x{Durations.Format(Every)}";
    }
}
