using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Client;

/// <summary>
/// All hub connections of a run: one shared socket handler, connects limited to a few at a time (a server
/// accepts only so many handshakes at once), and a ping to each connection every ten seconds (the server drops
/// a client silent for thirty), spread over the ten seconds so that pings never come in one burst.
/// </summary>
public sealed class HubPool : IAsyncDisposable
{
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(10);
    private const int PingSlices = 10;

    private readonly Uri _server;
    private readonly Recorder _recorder;
    private readonly TimeProvider _clock;
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) });
    private readonly SemaphoreSlim _connecting;
    private readonly List<HubConnection> _connections = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pinging;

    public HubPool(Uri server, Recorder recorder, TimeProvider clock, int connectConcurrency = 64)
    {
        _server = server;
        _recorder = recorder;
        _clock = clock;
        _connecting = new SemaphoreSlim(connectConcurrency, connectConcurrency);
        _pinging = PingLoopAsync(_stop.Token);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    public async Task<HubConnection> ConnectAsync(string? token, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            var connection = await HubConnection.ConnectAsync(_server, token, _invoker, _recorder, _clock, cancellationToken);
            lock (_lock)
            {
                _connections.Add(connection);
            }
            return connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pinging;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        HubConnection[] all;
        lock (_lock)
        {
            all = [.. _connections];
            _connections.Clear();
        }
        foreach (var connection in all)
        {
            await connection.DisposeAsync();
        }
        _invoker.Dispose();
        _connecting.Dispose();
        _stop.Dispose();
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingEvery / PingSlices, _clock);
        for (var tick = 0; await timer.WaitForNextTickAsync(cancellationToken); tick++)
        {
            HubConnection[] slice;
            lock (_lock)
            {
                slice = [.. _connections.Where((_, i) => i % PingSlices == tick % PingSlices)];
            }
            foreach (var connection in slice)
            {
                await connection.PingAsync(cancellationToken);
            }
        }
    }
}
