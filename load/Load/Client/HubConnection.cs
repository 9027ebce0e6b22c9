using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Client;

/// <summary>
/// A lean client of SignalR's JSON hub protocol over one WebSocket, made to be opened by the ten thousand:
/// it connects straight to <c>/hubs/live?access_token=…</c> (no negotiate), shares one socket handler with every
/// other connection, reads into a small buffer that grows only for a larger record, and parses a record only once
/// it is whole. Every push with a server time is counted in the <see cref="Recorder"/>'s push latency and then
/// handed to <see cref="Pushed"/>. Sends are one at a time, as a WebSocket requires.
/// </summary>
public sealed class HubConnection : IAsyncDisposable
{
    private const int InitialBuffer = 1024;
    private const int MaxRecord = 1 << 20;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonNode?>> _pending = new(StringComparer.Ordinal);
    private readonly Recorder _recorder;
    private readonly TimeProvider _clock;
    private TaskCompletionSource<bool>? _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[InitialBuffer];
    private int _filled;
    private int _invocations;
    private bool _closing;
    private Task? _receiving;

    private HubConnection(Recorder recorder, TimeProvider clock)
    {
        _recorder = recorder;
        _clock = clock;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    /// <summary>Called on the receive loop for every push; keep it short.</summary>
    public Action<HubPush>? Pushed { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open && !_closing;

    /// <summary>Connects, shakes hands and starts reading; the time it took is recorded as the connect time.</summary>
    public static async Task<HubConnection> ConnectAsync(
        Uri server, string? token, HttpMessageInvoker invoker, Recorder recorder, TimeProvider clock, CancellationToken cancellationToken)
    {
        var connection = new HubConnection(recorder, clock);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var query = token is null ? "" : $"access_token={Uri.EscapeDataString(token)}";
            var address = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/hubs/live", Query = query }.Uri;
            // Taken before reading starts: the receive loop forgets it once the server's answer is in.
            var handshake = connection._handshake!.Task;
            await connection._socket.ConnectAsync(address, invoker, cancellationToken);
            connection._receiving = connection.ReceiveLoopAsync();
            await connection.SendAsync(HubRecords.Handshake, cancellationToken);
            await handshake.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or TimeoutException or InvalidOperationException or HttpRequestException)
        {
            recorder.ConnectFailed(exception is TimeoutException ? "timeout" : "refused");
            await connection.DisposeAsync();
            throw;
        }
        recorder.Connected(started);
        return connection;
    }

    /// <summary>Invokes a hub method and answers its result; a hub error throws <see cref="HubErrorException"/>.</summary>
    public async Task<JsonNode?> InvokeAsync(string target, string argument, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _invocations);
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = completion;
        try
        {
            await SendAsync(HubRecords.Invocation(id, target, [argument]), cancellationToken);
            return await completion.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary><c>Watch(topic)</c>: answers the topic's snapshot; pushes follow through <see cref="Pushed"/>.</summary>
    public Task<JsonNode?> WatchAsync(string topic, CancellationToken cancellationToken) => InvokeAsync("Watch", topic, cancellationToken);

    /// <summary>A ping, so that the server's client time-out does not drop an idle connection; skipped if a send is under way.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        if (!IsOpen || !await _sending.WaitAsync(0, cancellationToken))
        {
            return;
        }
        try
        {
            await _socket.SendAsync(HubRecords.Ping, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The receive loop sees the connection end.
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Drops the connection without a close handshake (thousands close together at the end of a run).</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _socket.Abort();
        if (_receiving is not null)
        {
            await _receiving;
        }
        _socket.Dispose();
        _sending.Dispose();
    }

    private async Task SendAsync(byte[] record, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(record, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var reason = "closed by the server";
        try
        {
            while (true)
            {
                if (_filled == _buffer.Length)
                {
                    if (_buffer.Length >= MaxRecord)
                    {
                        throw new InvalidOperationException("a record over 1 MB");
                    }
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                _filled += result.Count;
                ReadRecords(_clock.GetUtcNow());
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or JsonException)
        {
            reason = exception.Message;
        }
        var ended = new InvalidOperationException($"connection ended: {reason}");
        _handshake?.TrySetException(ended);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(ended);
        }
        if (!_closing)
        {
            _recorder.Disconnected();
        }
    }

    private void ReadRecords(DateTimeOffset receivedAt)
    {
        var start = 0;
        while (_buffer.AsSpan(start, _filled - start).IndexOf(HubRecords.Separator) is var length and >= 0)
        {
            OnRecord(_buffer.AsMemory(start, length), receivedAt);
            start += length + 1;
        }
        if (start > 0)
        {
            _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
            _filled -= start;
        }
    }

    private void OnRecord(ReadOnlyMemory<byte> record, DateTimeOffset receivedAt)
    {
        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        if (_handshake is { } handshake)
        {
            _handshake = null;
            if (root.TryGetProperty("error", out var refused))
            {
                handshake.TrySetException(new InvalidOperationException($"handshake refused: {refused}"));
            }
            else
            {
                handshake.TrySetResult(true);
            }
            return;
        }
        switch (root.TryGetProperty("type", out var type) ? type.GetInt32() : 0)
        {
            case 1:
                var push = HubRecords.ReadPush(root, receivedAt) with { Bytes = record.Length };
                if (push.ServerTime is { } serverTime)
                {
                    _recorder.Push(serverTime, receivedAt);
                }
                Pushed?.Invoke(push);
                break;
            case 3 when _pending.TryGetValue(root.GetProperty("invocationId").GetString() ?? "", out var completion):
                if (root.TryGetProperty("error", out var error))
                {
                    completion.TrySetException(new HubErrorException(error.GetString() ?? "hub error"));
                }
                else
                {
                    completion.TrySetResult(root.TryGetProperty("result", out var result) ? JsonNode.Parse(result.GetRawText()) : null);
                }
                break;
        }
    }
}

/// <summary>A hub method refused: the message carries the server's code (<c>not_found: …</c>).</summary>
public sealed class HubErrorException(string message) : Exception(message)
{
    public string Code => Message.Split(':', 2)[0].Trim();
}
