using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P5's floor, run by <c>load socket-floor --SocketFloor:Port … --urls …</c> as its own process: what this machine
/// takes to put one record on each of N loopback sockets, with no WebSocket, SignalR, JSON or Kestrel on the path.
/// Watchers connect plain TCP sockets to the port; <c>POST /broadcast</c> answers 201, then one thread-pool thread
/// writes the record to every socket in turn with a blocking <c>send</c>, the cheapest way there is. There are no
/// topics: every connected socket gets every record. A record is its length (4 bytes), its version (8 bytes), then
/// padding, all little-endian.
/// </summary>
public static class SocketFloor
{
    public const int HeaderBytes = sizeof(int) + sizeof(long);

    public sealed record BroadcastRequest(long Version, int Size);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        using var watchers = new FloorSockets(new IPEndPoint(IPAddress.Loopback, app.Configuration.GetValue<int>("SocketFloor:Port")));
        app.MapGet("/readyz", () => "Ready");
        app.MapPost("/broadcast", (BroadcastRequest request) =>
        {
            var record = Record(request.Version, request.Size);
            ThreadPool.UnsafeQueueUserWorkItem(_ => watchers.Send(record), null);
            return Results.StatusCode(StatusCodes.Status201Created);
        });
        await app.RunAsync();
        return 0;
    }

    public static byte[] Record(long version, int size)
    {
        var record = new byte[Math.Max(HeaderBytes, size)];
        BinaryPrimitives.WriteInt32LittleEndian(record, record.Length);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(sizeof(int)), version);
        record.AsSpan(HeaderBytes).Fill((byte)'x');
        return record;
    }

    /// <summary>The accepted sockets; one that closes or fails a send is dropped.</summary>
    private sealed class FloorSockets : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly Lock _lock = new();
        private readonly HashSet<Socket> _sockets = [];
        private readonly CancellationTokenSource _stop = new();

        public FloorSockets(IPEndPoint endpoint)
        {
            _listener.Bind(endpoint);
            _listener.Listen(4096);
            _ = AcceptAsync(_stop.Token);
        }

        public void Send(byte[] record)
        {
            Socket[] all;
            lock (_lock)
            {
                all = [.. _sockets];
            }
            foreach (var socket in all)
            {
                try
                {
                    socket.Send(record);
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    Drop(socket);
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            lock (_lock)
            {
                foreach (var socket in _sockets)
                {
                    socket.Dispose();
                }
                _sockets.Clear();
            }
            _stop.Dispose();
        }

        private async Task AcceptAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptAsync(cancellationToken);
                    socket.NoDelay = true;
                    socket.SendTimeout = 15_000;
                    lock (_lock)
                    {
                        _sockets.Add(socket);
                    }
                    _ = WaitForCloseAsync(socket, cancellationToken);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopping.
            }
        }

        /// <summary>Watchers send nothing: the read ends when the watcher goes.</summary>
        private async Task WaitForCloseAsync(Socket socket, CancellationToken cancellationToken)
        {
            var buffer = new byte[64];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
                {
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Gone, or stopping.
            }
            Drop(socket);
        }

        private void Drop(Socket socket)
        {
            lock (_lock)
            {
                _sockets.Remove(socket);
            }
            socket.Dispose();
        }
    }
}
