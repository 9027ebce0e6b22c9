using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace GroupBuy.ApiBenchmarks;

/// <summary>What all watchers of one run share: how many have seen each version, and how big its record was.</summary>
public sealed class Tally(int maxVersion)
{
    private readonly int[] _counts = new int[maxVersion + 1];
    private readonly int[] _sizes = new int[maxVersion + 1];
    private int _closed;

    public int MaxVersion => _counts.Length - 1;

    /// <summary>Watchers whose connection ended while they were meant to be watching.</summary>
    public int Closed => Volatile.Read(ref _closed);

    public string? LastCloseReason { get; private set; }

    public int Count(long version) => version > 0 && version <= MaxVersion ? Volatile.Read(ref _counts[version]) : 0;

    /// <summary>The length of version <paramref name="version"/>'s <c>progress</c> record as received (bytes, separator excluded).</summary>
    public int Size(long version) => version > 0 && version <= MaxVersion ? Volatile.Read(ref _sizes[version]) : 0;

    public void Record(long version, int size)
    {
        Interlocked.Increment(ref _counts[version]);
        Interlocked.CompareExchange(ref _sizes[version], size, 0);
    }

    public void ConnectionClosed(string reason)
    {
        Interlocked.Increment(ref _closed);
        LastCloseReason = reason;
    }
}

/// <summary>
/// One watcher: a raw <see cref="ClientWebSocket"/> speaking SignalR's JSON hub protocol (handshake, one
/// <c>Watch(topic)</c> invocation, pings), which then only listens. For each <c>progress</c> push it reads the
/// <c>version</c> alone, by scanning the bytes, and keeps the time the frame completing that record arrived.
/// Kept small: a 1 KB receive buffer that grows only for a bigger record, and one timestamp per version.
/// </summary>
public sealed class Watcher : IDisposable
{
    private const byte RecordSeparator = 0x1e;
    private const int InitialBuffer = 1024;
    private const int MaxRecord = 1 << 20;

    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket = new();
    private readonly Tally _tally;
    private readonly long[] _received;
    private byte[] _buffer = new byte[InitialBuffer];
    private int _filled;
    private bool _handshaken;
    private TaskCompletionSource<string>? _reply;
    private Task? _receiving;
    private int _sending;
    private volatile bool _watching;
    private volatile bool _closing;

    public Watcher(Tally tally)
    {
        _tally = tally;
        _received = new long[tally.MaxVersion + 1];
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _socket.Options.SetBuffer(InitialBuffer, InitialBuffer);
    }

    /// <summary>When this watcher got version <paramref name="version"/> (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long ReceivedAt(long version) => version > 0 && version < _received.Length ? Volatile.Read(ref _received[version]) : 0;

    /// <summary>Connects, shakes hands and watches <paramref name="topic"/>; throws with the server's words on a refusal.</summary>
    public async Task ConnectAsync(Uri hub, string topic, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(hub, invoker, cancellationToken);
        _reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiving = ReceiveLoopAsync();
        await _socket.SendAsync(Handshake, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        var handshake = await _reply.Task.WaitAsync(cancellationToken);
        if (handshake.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"handshake refused: {handshake}");
        }
        Volatile.Write(ref _reply, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        var watch = Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"Watch\",\"arguments\":[\"{topic}\"]}}\u001e");
        await _socket.SendAsync(watch, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        var completion = await _reply.Task.WaitAsync(cancellationToken);
        if (completion.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Watch refused: {completion}");
        }
        _reply = null;
        _watching = true;
    }

    /// <summary>A SignalR ping, so the server's client timeout (30 s by default) does not close an idle watcher.</summary>
    public void SendPing()
    {
        if (!_watching || Interlocked.Exchange(ref _sending, 1) == 1)
        {
            return;
        }
        ValueTask send;
        try
        {
            send = _socket.SendAsync(Ping.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            Volatile.Write(ref _sending, 0);
            return;
        }
        if (send.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _sending, 0);
            return;
        }
        _ = FinishPingAsync(send);
    }

    /// <summary>Drops the connection at once (no close handshake: ten thousand of them are closed together).</summary>
    public async Task CloseAsync()
    {
        _closing = true;
        _watching = false;
        _socket.Abort();
        if (_receiving is not null)
        {
            await _receiving;
        }
        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();

    private async Task FinishPingAsync(ValueTask send)
    {
        try
        {
            await send;
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The receive loop reports the closed connection.
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
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
                var now = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"close frame {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    break;
                }
                _filled += result.Count;
                ReadRecords(now);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            reason = exception.Message;
        }
        _reply?.TrySetException(new InvalidOperationException($"connection ended: {reason}"));
        if (!_closing)
        {
            _watching = false;
            _tally.ConnectionClosed(reason);
        }
    }

    private void ReadRecords(long now)
    {
        var start = 0;
        while (true)
        {
            var length = _buffer.AsSpan(start, _filled - start).IndexOf(RecordSeparator);
            if (length < 0)
            {
                break;
            }
            OnRecord(_buffer.AsSpan(start, length), now);
            start += length + 1;
        }
        if (start > 0)
        {
            _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
            _filled -= start;
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record, long now)
    {
        if (!_handshaken)
        {
            _handshaken = true;
            _reply?.TrySetResult(Encoding.UTF8.GetString(record));
            return;
        }
        if (record.IndexOf("\"target\":\"progress\""u8) >= 0)
        {
            // The first "version" of a progress record is the envelope's: { topic, version, data }.
            var at = record.IndexOf("\"version\":"u8);
            if (at >= 0 && Utf8Parser.TryParse(record[(at + "\"version\":"u8.Length)..], out long version, out _)
                && version > 0 && version < _received.Length && _received[version] == 0)
            {
                Volatile.Write(ref _received[version], now);
                _tally.Record(version, record.Length);
            }
            return;
        }
        // The Watch completion (type 3), or the server closing the connection with a reason (type 7).
        if (record.StartsWith("{\"type\":3"u8) || record.StartsWith("{\"type\":7"u8))
        {
            Volatile.Read(ref _reply)?.TrySetResult(Encoding.UTF8.GetString(record));
        }
    }
}
