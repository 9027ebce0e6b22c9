using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GroupBuy.Runtime.Diagnostics;

/// <summary>
/// The runtime's instruments (meter <c>GroupBuy.Runtime</c>): activations, calls, queue lengths, turn
/// durations, and the storage's group-commit batches.
/// </summary>
public sealed class RuntimeMetrics
{
    public const string MeterName = "GroupBuy.Runtime";

    private readonly UpDownCounter<long> _activations;
    private readonly Counter<long> _activationsCreated;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _rejectedCalls;
    private readonly Histogram<int> _queueLength;
    private readonly Histogram<double> _turnDuration;
    private readonly Histogram<int> _storageBatchSize;
    private readonly Histogram<double> _storageBatchLatency;
    private long _storageTransactions;
    private long _storageBusyTicks;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _activations = meter.CreateUpDownCounter<long>("groupbuy.runtime.activations", description: "Resident grain activations.");
        _activationsCreated = meter.CreateCounter<long>("groupbuy.runtime.activations.created", description: "Grain activations created.");
        _calls = meter.CreateCounter<long>("groupbuy.runtime.calls", description: "Grain calls delivered.");
        _rejectedCalls = meter.CreateCounter<long>("groupbuy.runtime.calls.rejected", description: "Grain calls refused because the activation's queue was full.");
        _queueLength = meter.CreateHistogram<int>("groupbuy.runtime.queue.length", description: "Requests waiting on an activation when a request is queued.");
        _turnDuration = meter.CreateHistogram<double>("groupbuy.runtime.turn.duration", unit: "ms", description: "Time a grain turn held its activation.");
        _storageBatchSize = meter.CreateHistogram<int>("groupbuy.storage.batch.size", description: "Writes committed together in one storage transaction.");
        _storageBatchLatency = meter.CreateHistogram<double>("groupbuy.storage.batch.duration", unit: "ms", description: "Time one group-commit transaction took.");
    }

    /// <summary>Storage transactions committed since start, across providers (what group-commit tests count).</summary>
    public long StorageTransactions => Interlocked.Read(ref _storageTransactions);

    /// <summary>Time spent inside committed storage transactions since start (what a benchmark divides by its wall time).</summary>
    public TimeSpan StorageBusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _storageBusyTicks));

    internal void ActivationCreated(string grainType)
    {
        _activations.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));
        _activationsCreated.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));
    }

    internal void ActivationRemoved(string grainType) =>
        _activations.Add(-1, new KeyValuePair<string, object?>("grain.type", grainType));

    internal void CallDelivered()
    {
        if (_calls.Enabled)
        {
            _calls.Add(1);
        }
    }

    internal void CallRejected(string grainType) =>
        _rejectedCalls.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    internal void RequestQueued(int queueLength)
    {
        if (_queueLength.Enabled)
        {
            _queueLength.Record(queueLength);
        }
    }

    /// <summary>Someone listens to turn durations: only then is a turn's start read from the clock.</summary>
    internal bool TimesTurns => _turnDuration.Enabled;

    internal void TurnCompleted(long startTimestamp)
    {
        if (_turnDuration.Enabled && startTimestamp != 0)
        {
            _turnDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);
        }
    }

    /// <summary>Called by a storage provider after each committed transaction.</summary>
    public void StorageBatchCommitted(string provider, int size, TimeSpan duration)
    {
        Interlocked.Add(ref _storageBusyTicks, duration.Ticks);
        Interlocked.Increment(ref _storageTransactions);
        var tag = new KeyValuePair<string, object?>("storage.provider", provider);
        _storageBatchSize.Record(size, tag);
        _storageBatchLatency.Record(duration.TotalMilliseconds, tag);
    }
}
