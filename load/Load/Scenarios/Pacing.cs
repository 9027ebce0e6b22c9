namespace GroupBuy.Load.Scenarios;

/// <summary>Schedules by offsets from a start, so that a late step is not made later still by the next one's wait.</summary>
public static class Pacing
{
    /// <summary>Waits until <paramref name="offset"/> after <paramref name="started"/>; false once the run is cancelled.</summary>
    public static async Task<bool> WaitUntilAsync(TimeProvider clock, long started, TimeSpan offset, CancellationToken cancellationToken)
    {
        var wait = offset - clock.GetElapsedTime(started);
        if (wait <= TimeSpan.FromMilliseconds(1))
        {
            return !cancellationToken.IsCancellationRequested;
        }
        try
        {
            await Task.Delay(wait, clock, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>When the <paramref name="k"/>-th of evenly spaced steps at <paramref name="perSecond"/> is due.</summary>
    public static TimeSpan AtRate(int k, double perSecond) => TimeSpan.FromSeconds(k / Math.Max(0.001, perSecond));
}
