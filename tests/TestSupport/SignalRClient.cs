using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace GroupBuy.TestSupport;

/// <summary>
/// A small client of SignalR's JSON hub protocol over a real WebSocket (the .NET SignalR client is not in
/// our package source): handshake, invocations with completions, and the server's pushes by target.
/// </summary>
public sealed class SignalRClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly HttpMessageInvoker? _invoker;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Completion>> _pending = new();
    private readonly ConcurrentDictionary<string, Channel<JsonNode>> _pushes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<Arrival> _arrivals = Channel.CreateUnbounded<Arrival>();
    /// <summary>A WebSocket takes one send at a time; invocations made concurrently queue here.</summary>
    private readonly SemaphoreSlim _sending = new(1, 1);
    private long _received;
    private readonly CancellationTokenSource _closing = new();
    private Task? _reading;
    private TaskCompletionSource _readingAllowed = Opened();
    private int _invocations;

    private SignalRClient(HttpMessageInvoker? invoker) => _invoker = invoker;

    /// <summary>Connects to the hub at <paramref name="server"/>, signed in with <paramref name="accessToken"/> (anonymous when null).</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="accessToken">A bearer token, sent as <c>access_token</c>; null for an anonymous watcher.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <param name="receiveBufferBytes">
    /// The socket's receive buffer, fixed rather than grown by the kernel: with a small one and reading stopped
    /// (<see cref="StopReading"/>), the server soon has nowhere to put what it sends, as with a reader on a poor link.
    /// </param>
    public static async Task<SignalRClient> ConnectAsync(Uri server, string? accessToken, CancellationToken cancellationToken, int? receiveBufferBytes = null)
    {
        var client = new SignalRClient(receiveBufferBytes is { } bytes ? SmallWindowInvoker(bytes) : null);
        var query = accessToken is null ? "" : $"?access_token={Uri.EscapeDataString(accessToken)}";
        var address = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/hubs/live", Query = query }.Uri;
        await client._socket.ConnectAsync(address, client._invoker, cancellationToken);
        await client.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReceiveRecordAsync(new StringBuilder(), cancellationToken);
        if (handshake is null || JsonNode.Parse(handshake)?["error"] is { } error)
        {
            throw new InvalidOperationException($"handshake failed: {handshake}");
        }
        client._reading = client.ReadLoopAsync();
        return client;
    }

    /// <summary>Invokes a hub method; a hub error throws <see cref="HubErrorException"/> with the server's message.</summary>
    public async Task<JsonNode?> InvokeAsync(string target, params object?[] arguments) =>
        (await InvokeInOrderAsync(target, arguments)).Result;

    /// <summary>
    /// Invokes a hub method and answers its result with the place of its completion among everything received
    /// (see <see cref="Arrival.Order"/>), so a test can tell which pushes came before the answer and which after.
    /// </summary>
    public async Task<Completion> InvokeInOrderAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = _pending[id] = new TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new JsonObject
        {
            ["type"] = 1,
            ["invocationId"] = id,
            ["target"] = target,
            ["arguments"] = new JsonArray([.. arguments.Select(a => a is null ? null : JsonValue.Create(a.ToString()))]),
        };
        await SendAsync(message.ToJsonString(), _closing.Token);
        return await completion.Task;
    }

    /// <summary>Invokes a hub method with arguments exactly as given (any JSON), for input fuzzing.</summary>
    public async Task<JsonNode?> InvokeRawAsync(string target, JsonArray arguments)
    {
        var id = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = _pending[id] = new TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new JsonObject { ["type"] = 1, ["invocationId"] = id, ["target"] = target, ["arguments"] = arguments };
        await SendAsync(message.ToJsonString(), _closing.Token);
        return (await completion.Task).Result;
    }

    /// <summary>How many records have been received so far: every push and completion after this has a greater <see cref="Arrival.Order"/>.</summary>
    public long ReceivedSoFar => Interlocked.Read(ref _received);

    /// <summary>Every push already received and not yet taken by this method, in arrival order, numbered among completions too.</summary>
    public List<Arrival> DrainArrivals()
    {
        var drained = new List<Arrival>();
        while (_arrivals.Reader.TryRead(out var arrival))
        {
            drained.Add(arrival);
        }
        return drained;
    }

    /// <summary>Completes once a push is there for <see cref="DrainArrivals"/>; false once the connection has closed.</summary>
    public async Task<bool> WaitForArrivalAsync(CancellationToken cancellationToken) =>
        await _arrivals.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Cuts the connection without a close handshake, as a phone that loses its network (the socket is disposed with it).</summary>
    public void Abort() => _socket.Abort();

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Stops taking frames off the socket (after the one being read, if any), as a client that has stalled.</summary>
    public void StopReading() => _readingAllowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes frames off the socket again.</summary>
    public void ResumeReading() => _readingAllowed.TrySetResult();

    /// <summary>Completes once the connection has closed, by either side.</summary>
    public Task Closed => _reading ?? Task.CompletedTask;

    /// <summary>The next push to <paramref name="target"/> (e.g. <c>progress</c>), in arrival order.</summary>
    public async Task<JsonNode> NextAsync(string target, CancellationToken cancellationToken) =>
        await Pushes(target).Reader.ReadAsync(cancellationToken);

    /// <summary>Pushes to <paramref name="target"/> already received and not yet read.</summary>
    public List<JsonNode> Drain(string target)
    {
        var drained = new List<JsonNode>();
        while (Pushes(target).Reader.TryRead(out var push))
        {
            drained.Add(push);
        }
        return drained;
    }

    /// <remarks>
    /// Closes before it stops the read loop: cancelling a pending receive aborts the socket, and a close started after
    /// that (the state read as open a moment before) throws. The server may drop the connection at any moment too.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // Already gone: nothing left to close.
            }
        }
        await _closing.CancelAsync();
        if (_reading is not null)
        {
            await _reading;
        }
        _socket.Dispose();
        _invoker?.Dispose();
        _closing.Dispose();
        _sending.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    private static HttpMessageInvoker SmallWindowInvoker(int receiveBufferBytes) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            // Set before connecting, so that the window the kernel offers the server stays this small.
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = receiveBufferBytes };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    private Channel<JsonNode> Pushes(string target) => _pushes.GetOrAdd(target, _ => Channel.CreateUnbounded<JsonNode>());

    private async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new StringBuilder();
        try
        {
            while (await ReceiveRecordAsync(buffer, _closing.Token) is { } record)
            {
                var message = JsonNode.Parse(record)!;
                var order = Interlocked.Increment(ref _received);
                switch (message["type"]?.GetValue<int>())
                {
                    case 1:
                        var target = message["target"]!.GetValue<string>();
                        var argument = message["arguments"]![0]!;
                        Pushes(target).Writer.TryWrite(argument);
                        _arrivals.Writer.TryWrite(new Arrival(order, target, argument.DeepClone()));
                        break;
                    case 3 when _pending.TryRemove(message["invocationId"]!.GetValue<string>(), out var completion):
                        if (message["error"] is { } error)
                        {
                            completion.TrySetException(new HubErrorException(error.GetValue<string>(), order));
                        }
                        else
                        {
                            completion.TrySetResult(new Completion(order, message["result"]));
                        }
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closing. Abort disposes the socket, so a read begun after it finds the socket disposed.
        }
        _arrivals.Writer.TryComplete();
        foreach (var completion in _pending.Values)
        {
            completion.TrySetException(new InvalidOperationException("connection closed"));
        }
    }

    /// <summary>Reads until one whole record (text up to the separator) is buffered; null when the socket closes.</summary>
    private async Task<string?> ReceiveRecordAsync(StringBuilder buffer, CancellationToken cancellationToken)
    {
        var bytes = new byte[8192];
        while (true)
        {
            var text = buffer.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                buffer.Remove(0, end + 1);
                return text[..end];
            }
            await _readingAllowed.Task.WaitAsync(cancellationToken);
            var result = await _socket.ReceiveAsync(bytes, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            buffer.Append(Encoding.UTF8.GetString(bytes, 0, result.Count));
        }
    }
}

/// <summary>A hub error; <see cref="Order"/> is its place among everything the connection received.</summary>
public sealed class HubErrorException(string message, long order = 0) : Exception(message)
{
    public long Order { get; } = order;
}

/// <summary>A push as received: <see cref="Order"/> numbers every record the connection received, pushes and completions alike.</summary>
public sealed record Arrival(long Order, string Target, JsonNode Argument);

/// <summary>An invocation's result and its place among everything the connection received.</summary>
public sealed record Completion(long Order, JsonNode? Result);
