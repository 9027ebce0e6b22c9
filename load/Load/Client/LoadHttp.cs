using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using GroupBuy.Load.Metrics;

namespace GroupBuy.Load.Client;

/// <summary>
/// The HTTP side of every virtual user: one pooled connection set to the server, each request timed and counted
/// in the <see cref="Recorder"/> under its operation name, failures counted by the problem's <c>code</c>.
/// A failed request is an answer, not an exception: scenarios decide what a refusal means.
/// </summary>
public sealed class LoadHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly Recorder _recorder;
    private readonly ConcurrentDictionary<string, string> _bearers = new(StringComparer.Ordinal);

    public LoadHttp(Uri server, Recorder recorder, int maxConnections = 256)
    {
        _recorder = recorder;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri Server => _http.BaseAddress!;

    public Task<ApiResult> GetAsync(string operation, string path, string? token, CancellationToken cancellationToken) =>
        SendAsync(operation, HttpMethod.Get, path, token, null, cancellationToken);

    public Task<ApiResult> PostAsync(string operation, string path, string? token, object? body, CancellationToken cancellationToken) =>
        SendAsync(operation, HttpMethod.Post, path, token, body is null ? null : JsonBody.Of(body), cancellationToken);

    /// <summary>Posts a body encoded once (<see cref="JsonBody.Of"/>), for a loop that sends the same one many times.</summary>
    public Task<ApiResult> PostAsync(string operation, string path, string? token, JsonBody? body, CancellationToken cancellationToken) =>
        SendAsync(operation, HttpMethod.Post, path, token, body, cancellationToken);

    public async Task<ApiResult> SendAsync(string operation, HttpMethod method, string path, string? token, JsonBody? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            // Sent as the bytes they are, not parsed and formatted again on every request: the tool shares the machine's
            // cores with the server, and a token is hundreds of characters.
            request.Headers.TryAddWithoutValidation("Authorization", _bearers.GetOrAdd(token, static t => "Bearer " + t));
        }
        if (body is not null)
        {
            request.Content = body.ToContent();
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var json = response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.OrdinalIgnoreCase) ? bytes : null;
            var ok = response.IsSuccessStatusCode;
            _recorder.Request(operation, started, ok);
            if (ok)
            {
                return new ApiResult(response.StatusCode, json, null);
            }
            var code = ApiResult.Parse(json)?["code"]?.GetValue<string>() ?? $"http_{(int)response.StatusCode}";
            _recorder.Error(operation, code);
            return new ApiResult(response.StatusCode, json, code);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var code = exception is TaskCanceledException ? "timeout" : "connection_error";
            _recorder.Request(operation, started, ok: false);
            _recorder.Error(operation, code);
            return new ApiResult(0, null, code);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A request body encoded as JSON once.</summary>
public sealed class JsonBody
{
    private readonly byte[] _utf8;

    private JsonBody(byte[] utf8) => _utf8 = utf8;

    public static JsonBody Of(object value) => new(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), JsonSerializerOptions.Web));

    public HttpContent ToContent()
    {
        var content = new ByteArrayContent(_utf8);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        return content;
    }
}
