using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>A watcher received a version: when it came in and the record's length in bytes.</summary>
public delegate void Receipt(long version, DateTimeOffset receivedAt, int bytes);

/// <summary>The watchers of a fan-out: how each one connects and reports what it receives.</summary>
public interface IWatcherPool : IAsyncDisposable
{
    /// <summary>Connect and handshake times of the watchers connected so far, microseconds.</summary>
    LogLinearHistogram ConnectTimes { get; }

    long ConnectFailures { get; }

    /// <summary>Connects one watcher of the topic; a failure to connect throws, and is counted.</summary>
    Task ConnectAsync(string topic, Receipt receipt, CancellationToken cancellationToken);
}
