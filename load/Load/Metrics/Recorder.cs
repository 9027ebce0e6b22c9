using System.Collections.Concurrent;
using System.Diagnostics;

namespace GroupBuy.Load.Metrics;

/// <summary>
/// Everything a run measures, shared by all its virtual users: per-operation latency and throughput, errors by
/// the problem's <c>code</c>, SignalR connect times and push latency (from the server's <c>serverTime</c>).
/// </summary>
public sealed class Recorder
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly ConcurrentDictionary<string, OperationStats> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _connections;
    private long _connectFailures;
    private long _disconnects;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public IEnumerable<OperationStats> Operations => _operations.Values.OrderBy(o => o.Name, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public TimeSeries AllOkPerSecond { get; } = new();

    /// <summary>Connect + handshake time of hub connections, microseconds.</summary>
    public LogLinearHistogram HubConnect { get; } = new();

    /// <summary>Client receive time − the push's <c>serverTime</c>, microseconds.</summary>
    public LogLinearHistogram PushLatency { get; } = new();

    public TimeSeries PushesPerSecond { get; } = new();

    public long Connections => Volatile.Read(ref _connections);

    public long ConnectFailures => Volatile.Read(ref _connectFailures);

    public long Disconnects => Volatile.Read(ref _disconnects);

    public long Requests => _operations.Values.Sum(o => o.Ok + o.Failed);

    public long ErrorCount => _errors.Values.Sum();

    public OperationStats Operation(string name) => _operations.GetOrAdd(name, static n => new OperationStats(n));

    public void Request(string operation, long startedTimestamp, bool ok)
    {
        var now = Stopwatch.GetTimestamp();
        var at = Stopwatch.GetElapsedTime(_started, now);
        Operation(operation).Record(at, (long)Stopwatch.GetElapsedTime(startedTimestamp, now).TotalMicroseconds, ok);
        if (ok)
        {
            AllOkPerSecond.Add(at);
        }
    }

    /// <summary>Counts an error under the problem's <c>code</c> (or <c>http_503</c>, <c>timeout</c>, …) and the operation.</summary>
    public void Error(string operation, string code) => _errors.AddOrUpdate($"{operation}: {code}", 1, static (_, n) => n + 1);

    public void Connected(long startedTimestamp)
    {
        HubConnect.Record((long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMicroseconds);
        Interlocked.Increment(ref _connections);
    }

    public void ConnectFailed(string reason)
    {
        Interlocked.Increment(ref _connectFailures);
        Error("hub connect", reason);
    }

    public void Disconnected() => Interlocked.Increment(ref _disconnects);

    public void Push(DateTimeOffset serverTime, DateTimeOffset receivedAt)
    {
        PushLatency.Record((long)(receivedAt - serverTime).TotalMicroseconds);
        PushesPerSecond.Add(Elapsed);
    }
}
