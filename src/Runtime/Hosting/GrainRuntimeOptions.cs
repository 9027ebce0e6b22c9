using System.ComponentModel.DataAnnotations;

namespace GroupBuy.Runtime.Hosting;

/// <summary>The runtime's settings, bound from the <c>Runtime</c> configuration section.</summary>
public sealed class GrainRuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>A call with no response by then fails with <see cref="TimeoutException"/> (Orleans' default: 30 s).</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests that may wait on one activation, in all its queues together; past that, calls fail fast with <see cref="GrainOverloadedException"/>.</summary>
    [Range(1, 10_000_000)]
    public int MaxQueuedRequests { get; set; } = 20_000;

    /// <summary>How long an activation may stay idle before it is collected (Orleans' default: 15 min).</summary>
    [TimeSpanRange("00:00:00.001", "365.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Per grain type name overrides of <see cref="CollectionAge"/> (a class's own attribute wins).</summary>
    public Dictionary<string, TimeSpan> CollectionAgeByGrainType { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the idle collector runs; an idle activation goes between its age and age + quantum.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <c>OnDeactivateAsync</c> may take.</summary>
    [TimeSpanRange("00:00:00.001", "00:10:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A journaled state writes a snapshot after at least this many events (and after as many as its last snapshot covered).</summary>
    [Range(1, 1_000_000)]
    public int JournalSnapshotInterval { get; set; } = 1_000;

    /// <summary>How long to wait before retrying a reminder whose delivery failed.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
