using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>Anonymous SignalR watchers (this tool's hub client), each watching its topic through <c>Watch</c>.</summary>
public sealed class HubWatchers : IWatcherPool
{
    private readonly Recorder _recorder = new();
    private readonly HubPool _pool;

    public HubWatchers(Uri server, int connectConcurrency) =>
        _pool = new HubPool(server, _recorder, TimeProvider.System, connectConcurrency);

    public LogLinearHistogram ConnectTimes => _recorder.HubConnect;

    public long ConnectFailures => _recorder.ConnectFailures;

    public async Task ConnectAsync(string topic, Receipt receipt, CancellationToken cancellationToken)
    {
        var hub = await _pool.ConnectAsync(null, cancellationToken);
        hub.Pushed = push =>
        {
            if (push.Topic == topic)
            {
                receipt(push.Version, push.ReceivedAt, push.Bytes);
            }
        };
        await hub.WatchAsync(topic, cancellationToken);
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
