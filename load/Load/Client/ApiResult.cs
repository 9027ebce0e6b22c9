using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Load.Client;

/// <summary>
/// An answered request: its status, its body and the problem's <c>code</c> when it failed. The body is parsed only when
/// read, and only when the server said it is JSON: a benchmark loop that counts answers spends nothing on them, the
/// same for every route it compares.
/// </summary>
public sealed class ApiResult(HttpStatusCode status, byte[]? json, string? code)
{
    private JsonNode? _body;
    private bool _parsed;

    public HttpStatusCode Status { get; } = status;

    public string? Code { get; } = code;

    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The JSON body; null when there was none, or it was not JSON.</summary>
    public JsonNode? Body
    {
        get
        {
            if (!_parsed)
            {
                (_body, _parsed) = (Parse(json), true);
            }
            return _body;
        }
    }

    public string Text(string field) => Body?[field]?.GetValue<string>() ?? throw new InvalidOperationException($"the answer has no '{field}': {Body}");

    public long Number(string field) => Body?[field]?.GetValue<long>() ?? throw new InvalidOperationException($"the answer has no '{field}': {Body}");

    /// <summary>The body as JSON, or null when it is empty or malformed.</summary>
    public static JsonNode? Parse(byte[]? json)
    {
        if (json is not { Length: > 0 })
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
