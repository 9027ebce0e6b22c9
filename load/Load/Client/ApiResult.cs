using System.Net;
using System.Text.Json.Nodes;

namespace GroupBuy.Load.Client;

/// <summary>An answered request: its status, its JSON body (when any) and the problem's <c>code</c> when it failed.</summary>
public sealed record ApiResult(HttpStatusCode Status, JsonNode? Body, string? Code)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    public string Text(string field) => Body?[field]?.GetValue<string>() ?? throw new InvalidOperationException($"the answer has no '{field}': {Body}");

    public long Number(string field) => Body?[field]?.GetValue<long>() ?? throw new InvalidOperationException($"the answer has no '{field}': {Body}");
}
