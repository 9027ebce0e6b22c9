namespace GroupBuy.Runtime;

/// <summary>A grain timer; dispose it to stop it. It also stops when its activation goes away.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Moves the next tick to <paramref name="dueTime"/> from now and sets the period.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>
/// When a grain timer first fires and how often after (<see cref="Timeout.InfiniteTimeSpan"/> for once);
/// <see cref="Interleave"/> lets ticks run between the turns of other requests, as Orleans' option does.
/// </summary>
public readonly record struct GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period)
{
    public bool Interleave { get; init; }
}
