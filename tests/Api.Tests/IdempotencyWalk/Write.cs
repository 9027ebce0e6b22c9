using System.Text;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

internal enum WriteKind
{
    Purchase,
    Pay,
    CreateProduct,
    Restock,
    OpenTeam,
    JoinTeam,
    QuickJoin,
    PostMessage,
    JoinGroup,
    LeaveGroup,
    CreateFlashSale,
    CreateGroupBuy,
    StartChain,
    EnterChain,
    CloseChain,
}

/// <summary>One write as the walk sends it; <paramref name="Quantity"/> and <paramref name="Target"/> are what the model needs of its body and path.</summary>
internal sealed record Write(string Caller, WriteKind Kind, string Path, string? Body, string? Key, int Quantity = 0, string Target = "")
{
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>The group the body names as the order's referrer (<c>groupId</c>), if any.</summary>
    public string? Group { get; init; }

    /// <summary>The path as sent, when it spells <see cref="Path"/> differently (the case of a literal segment, a trailing slash): the same route.</summary>
    public string? SpelledPath { get; init; }

    /// <summary>What the server keys an answer by, besides the caller.</summary>
    public string Scope => $"{Method} {Path}:{Key}";

    public HttpRequestMessage Request()
    {
        var request = new HttpRequestMessage(Method, SpelledPath ?? Path);
        if (Body is not null)
        {
            request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
        }
        if (Key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Key);
        }
        return request;
    }

    public Write WithKey(string? key) => this with { Key = key };

    public override string ToString() => $"{Caller} {Method} {SpelledPath ?? Path} {Body ?? "(no body)"} key={Key ?? "(none)"}";
}

/// <summary>An answer as a client sees it: what a replay must repeat exactly.</summary>
internal sealed record Answer(int Status, string? Code, string Body, string? Location, string? MediaType, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>What the doc comment says is kept as the key's answer: anything but a 5xx, a <c>validation</c> or a <c>rate_limited</c>.</summary>
    public bool IsKept => Status < 500 && Code is not ("validation" or "rate_limited");

    public JsonNode Json => JsonNode.Parse(Body)!;

    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(ApiClient.Token);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            code = JsonNode.Parse(body)?["code"]?.GetValue<string>();
        }
        return new Answer(
            (int)response.StatusCode, code, body, response.Headers.Location?.ToString(), response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.Delta);
    }

    /// <summary>Same status, body, location and media type: a replay of <paramref name="first"/>.</summary>
    public bool Repeats(Answer first) =>
        Status == first.Status && Body == first.Body && Location == first.Location && MediaType == first.MediaType;

    public override string ToString() => $"{Status}{(Code is null ? "" : " " + Code)}{(Location is null ? "" : " at " + Location)}";
}

