using System.Diagnostics.Tracing;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// Which types a run allocates, from the runtime's own sampling: it raises an allocation tick about every 100 KB
/// allocated, naming the type that crossed the mark, so the ticks per type are proportional to its bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytes = [];
    private readonly Lock _lock = new();
    private volatile bool _sampling;

    public void Start() => _sampling = true;

    public void Stop() => _sampling = false;

    /// <summary>The types with the largest share of what was sampled, with that share.</summary>
    public IEnumerable<(string Type, double Share)> Top(int count)
    {
        lock (_lock)
        {
            var total = Math.Max(1, _bytes.Values.Sum());
            return [.. _bytes.OrderByDescending(t => t.Value).Take(count).Select(t => (t.Key, (double)t.Value / total))];
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (!_sampling || data.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || data.Payload is null)
        {
            return;
        }
        var type = data.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? data.Payload[t] as string ?? "?" : "?";
        var amount = data.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(data.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_lock)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
