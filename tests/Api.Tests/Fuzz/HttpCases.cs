using System.Text;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.Fuzz;

/// <summary>One request to send: everything needed to repeat it, and a short description for the failure report.</summary>
public sealed record HttpCase(int Number, string Route, string Method, string Url, string Caller, string Mutation, byte[]? Body, string? ContentType, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>For an idempotency replay: the request sent first under the same key.</summary>
    public HttpCase? First { get; init; }

    public override string ToString() =>
        $"#{Number} {Method} {Url} as {Caller} [{Mutation}] {ContentType} {Preview(Body)} {string.Join(", ", Headers.Select(h => $"{h.Name}: {Preview(Encoding.UTF8.GetBytes(h.Value))}"))}";

    private static string Preview(byte[]? body) =>
        body is null ? "(no body)" : body.Length > 200 ? $"({body.Length} bytes) {Encoding.UTF8.GetString(body, 0, 200)}…" : Encoding.UTF8.GetString(body);
}

/// <summary>
/// Generates bad (and some good) requests for every mapped route from one seed: malformed JSON, wrong types,
/// missing and extra fields, huge bodies and strings, out-of-range numbers, control characters and broken
/// Unicode, unknown and malformed ids, wrong content types, bad headers, and keys replayed with another body.
/// The same seed and the same routes give the same cases.
/// </summary>
public sealed class HttpCases(FuzzWorld world, int seed)
{
    private static readonly string[] Mutations =
    [
        "valid", "malformed-json", "wrong-type", "missing-fields", "extra-fields", "huge-body", "huge-string", "number",
        "bad-text", "invalid-utf8", "content-type", "bad-path-id", "bad-header", "idempotency-replay", "query",
    ];

    private static readonly string[] WrongTypes = ["\"abc\"", "123", "1.5", "true", "false", "null", "[]", "{}", "\"\"", "[1,2]", "{\"a\":1}", "\"2026-13-45T99:99:99Z\""];

    private static readonly string[] Numbers =
    [
        "-1", "0", "-0", "1", "-9223372036854775808", "9223372036854775807", "9223372036854775808", "2147483648", "-2147483649",
        "1e308", "-1e308", "1e-308", "1.0000001", "1E2", "0.0", "99999999999999999999999999999", "1.7976931348623157E+309", "NaN", "Infinity", "0x10", "01",
    ];

    private static readonly string[] BadTexts =
    [
        "\u0000", "a\u0000b", "\u0007bell", "line\nbreak", "\u001b[31mred", "\ud800", "x\udc00y", "\udc00\ud800", "\u202eevil", "zero\u200bwidth",
        "\ufeffbom", "\uffff", "😀", "你好", " ", "", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\\u0000", "{}",
    ];

    private static readonly string[] MalformedJson =
    [
        "", "{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "nul", "null", "true", "123", "\"text\"", "[]", "[{}]", "{}}", "{\"a\":\"\\x\"}",
        "{\"a\":\"unterminated}", "\ufeff{}", "{\"a\":1}{\"b\":2}", "{\"a\":01}", new string('[', 5000), new string('{', 2000),
    ];

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
        "application/json-patch+json", "application/octet-stream", "*/*", "application/json; charset=utf-32",
    ];

    private static readonly string[] Accepts = ["application/xml", "text/html", "*/*;q=0", "image/png"];

    private static readonly string[] QueryNames = ["limit", "afterSeq", "offset", "page", "x"];

    private static readonly string[] QueryValues = ["-1", "0", "abc", "99999999999999999999", "1e3", "", "\u0000", "%"];

    private readonly Random _random = new(seed);
    private int _number;

    public IEnumerable<HttpCase> Generate(int count)
    {
        var routes = world.Routes.Where(r => !r.IsHub && r.Method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE").ToList();
        for (var i = 0; i < count; i++)
        {
            yield return Next(routes[_random.Next(routes.Count)]);
        }
    }

    private HttpCase Next(MappedRoute route)
    {
        var mutation = Mutations[_random.Next(Mutations.Length)];
        var caller = CallerFor(route);
        var url = Url(route, mutation == "bad-path-id");
        var hasBody = route.Method is "POST" or "PUT" or "PATCH";
        var body = route.BodyType is { } type ? Bodies.Valid(type, world, _random) : hasBody ? new JsonObject() : null;
        var headers = new List<(string, string)>();
        string? contentType = body is null ? null : "application/json";
        byte[]? bytes = body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());
        switch (mutation)
        {
            case "malformed-json" when hasBody:
                bytes = Encoding.UTF8.GetBytes(_random.Next(3) == 0 && bytes is not null ? Encoding.UTF8.GetString(bytes)[..(_random.Next(bytes.Length))] : MalformedJson[_random.Next(MalformedJson.Length)]);
                break;
            case "wrong-type" when body is { Count: > 0 }:
                bytes = Replace(body, WrongTypes[_random.Next(WrongTypes.Length)]);
                break;
            case "missing-fields" when body is { Count: > 0 }:
                foreach (var (parent, name) in Bodies.Fields(body).Where(_ => _random.Next(2) == 0).ToList())
                {
                    parent.Remove(name);
                }
                bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                break;
            case "extra-fields" when body is not null:
                var extra = Encoding.UTF8.GetString(bytes!).TrimEnd('}');
                extra += (body.Count > 0 ? "," : "") + new[] { "\"unknown\":1", "\"__proto__\":{\"admin\":true}", "\"merchantId\":\"someone-else\"", "\"shopperId\":\"fz-shopper2\"", "\"status\":\"paid\"", "\"id\":\"x\"", DuplicateKey(body) }[_random.Next(7)] + "}";
                bytes = Encoding.UTF8.GetBytes(extra);
                break;
            case "huge-body" when hasBody:
                bytes = Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', _random.Next(2) == 0 ? 70_000 : 1_100_000)}\"}}");
                break;
            case "huge-string" when body is { Count: > 0 }:
                bytes = Replace(body, $"\"{new string('あ', _random.Next(1_000, 20_000))}\"");
                break;
            case "number" when body is { Count: > 0 }:
                bytes = Replace(body, Numbers[_random.Next(Numbers.Length)]);
                break;
            case "bad-text" when body is { Count: > 0 }:
                bytes = Replace(body, System.Text.Json.JsonSerializer.Serialize(BadTexts[_random.Next(BadTexts.Length)], ApiClient.Web).Replace("\\uFFFD", "\\uD800", StringComparison.Ordinal));
                break;
            case "invalid-utf8" when hasBody:
                bytes = [.. Encoding.UTF8.GetBytes("{\"name\":\""), .. new byte[][] { [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF0, 0x28, 0x8C, 0x28], [0xC0, 0xAF] }[_random.Next(5)], .. Encoding.UTF8.GetBytes("\"}")];
                break;
            case "content-type" when hasBody:
                contentType = ContentTypes[_random.Next(ContentTypes.Length)];
                break;
            case "bad-header":
                headers.Add(_random.Next(4) switch
                {
                    0 => ("Idempotency-Key", new[] { " ", new string('k', 200), "a\tb", "%00" }[_random.Next(4)]),
                    1 => ("Authorization", new[] { "Bearer ", "Bearer x.y.z", "Basic Zm9vOmJhcg==", "Bearer " + new string('A', 4000), "bearer" }[_random.Next(5)]),
                    2 => ("Accept", Accepts[_random.Next(Accepts.Length)]),
                    _ => ("Idempotency-Key", $"fz-key-{_random.Next(100)}"),
                });
                break;
            case "idempotency-replay" when hasBody:
                var key = $"fz-replay-{_random.Next(1_000_000)}";
                headers.Add(("Idempotency-Key", key));
                var first = new HttpCase(_number, route.Key, route.Method, url, caller, "idempotency-first", bytes, contentType, [.. headers]);
                var other = route.BodyType is { } bodyType ? Bodies.Valid(bodyType, world, _random) : new JsonObject();
                other["extra"] = _random.Next();
                return new HttpCase(++_number, route.Key, route.Method, url, caller, mutation, Encoding.UTF8.GetBytes(other.ToJsonString()), contentType, headers) { First = first };
            case "query":
                url += "?" + string.Join('&', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => $"{QueryNames[_random.Next(QueryNames.Length)]}={Uri.EscapeDataString(QueryValues[_random.Next(QueryValues.Length)])}"));
                break;
        }
        return new HttpCase(++_number, route.Key, route.Method, url, caller, mutation, bytes, contentType, headers);
    }

    /// <summary>Mostly the role the route asks for, so cases get past authorization to the input checks; sometimes anyone.</summary>
    private string CallerFor(MappedRoute route)
    {
        if (_random.Next(5) == 0)
        {
            return world.Tokens.Keys.ElementAt(_random.Next(world.Tokens.Count));
        }
        return route.Policy switch
        {
            "merchant" => "merchant",
            "shopper" => _random.Next(2) == 0 ? "shopper" : "shopper2",
            _ => new[] { "shopper", "shopper2", "merchant" }[_random.Next(3)],
        };
    }

    private string Url(MappedRoute route, bool badId)
    {
        var segments = route.Pattern.Split('/');
        var kind = segments.Length > 2 ? segments[2] : "";
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{'))
            {
                continue;
            }
            var name = segments[i].Trim('{', '}').Split(':')[0];
            segments[i] = badId ? BadId() : name switch
            {
                "userId" => _random.Next(2) == 0 ? "fz-shopper2" : "fz-shopper",
                "documentName" => "v1",
                _ when i == 3 && world.Ids.TryGetValue(kind, out var ids) => Uri.EscapeDataString(ids[_random.Next(ids.Count)]),
                _ => Bodies.Hex(_random),
            };
        }
        return string.Join('/', segments);
    }

    /// <summary>Path values that are not ids. (A NUL in the path is refused by the server's HTTP layer before the app.)</summary>
    private string BadId() => new[]
    {
        Bodies.Hex(_random), Bodies.Hex(_random).ToUpperInvariant(), "0", "-1", "9223372036854775808", new string('a', 300), "%01", "%FF%FE",
        "..%2F..%2Fetc", "%E4%BD%A0%E5%A5%BD", "a%20b", "x.y", "flash_sale.0123456789abcdef0123456789abcdef.1", "%F0%9F%98%80", "%ED%A0%80", "null", "me",
    }[_random.Next(17)];

    private byte[] Replace(JsonObject body, string rawJson)
    {
        var fields = Bodies.Fields(body);
        var (parent, name) = fields[_random.Next(fields.Count)];
        const string Marker = "\"__fuzz_marker__\"";
        parent[name] = "__fuzz_marker__";
        return Encoding.UTF8.GetBytes(body.ToJsonString().Replace(Marker, rawJson, StringComparison.Ordinal));
    }

    private string DuplicateKey(JsonObject body) =>
        body.Count > 0 ? $"\"{body.ElementAt(_random.Next(body.Count)).Key}\":\"duplicate\"" : "\"a\":1,\"a\":2";
}
