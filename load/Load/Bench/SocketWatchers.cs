using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Bench;

/// <summary>
/// Plain TCP watchers of <see cref="SocketFloor"/>: each reads the floor's records in a receive loop and reports
/// every version as it arrives, as the hub client does, minus the WebSocket frames and the JSON. The topic is ignored:
/// the floor sends every record to every socket.
/// </summary>
public sealed class SocketWatchers(IPEndPoint floor, int connectConcurrency) : IWatcherPool
{
    private readonly SemaphoreSlim _connecting = new(connectConcurrency, connectConcurrency);
    private readonly Lock _lock = new();
    private readonly List<(Socket Socket, Task Reading)> _watchers = [];
    private long _connectFailures;

    public LogLinearHistogram ConnectTimes { get; } = new();

    public long ConnectFailures => Volatile.Read(ref _connectFailures);

    public async Task ConnectAsync(string topic, Receipt receipt, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var started = Stopwatch.GetTimestamp();
            await socket.ConnectAsync(floor, cancellationToken);
            ConnectTimes.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _connectFailures);
            socket.Dispose();
            throw;
        }
        finally
        {
            _connecting.Release();
        }
        lock (_lock)
        {
            _watchers.Add((socket, ReadAsync(socket, receipt)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        (Socket Socket, Task Reading)[] all;
        lock (_lock)
        {
            all = [.. _watchers];
            _watchers.Clear();
        }
        foreach (var (socket, _) in all)
        {
            socket.Dispose();
        }
        await Task.WhenAll(all.Select(w => w.Reading));
        _connecting.Dispose();
    }

    private static async Task ReadAsync(Socket socket, Receipt receipt)
    {
        var buffer = new byte[4096];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (read == 0)
                {
                    return;
                }
                var receivedAt = TimeProvider.System.GetUtcNow();
                filled += read;
                var start = 0;
                while (filled - start >= SocketFloor.HeaderBytes && BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start)) is var length && filled - start >= length)
                {
                    if (length < SocketFloor.HeaderBytes)
                    {
                        throw new InvalidDataException($"a record of {length} bytes, shorter than its header");
                    }
                    receipt(BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(start + sizeof(int))), receivedAt, length);
                    start += length;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or InvalidDataException)
        {
            // Closed at the end of the run; a watcher that read nonsense stops, and its versions count as lost.
        }
    }
}
