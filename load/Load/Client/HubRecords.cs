using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Load.Client;

/// <summary>SignalR's JSON hub protocol: records are JSON texts ending with 0x1E; the handshake, invocations and pings.</summary>
public static class HubRecords
{
    public const byte Separator = 0x1e;

    public static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");

    public static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    public static byte[] Invocation(int id, string target, IReadOnlyList<string> arguments)
    {
        var record = new JsonObject
        {
            ["type"] = 1,
            ["invocationId"] = id.ToString(CultureInfo.InvariantCulture),
            ["target"] = target,
            ["arguments"] = new JsonArray([.. arguments.Select(a => (JsonNode?)JsonValue.Create(a))]),
        };
        return Encoding.UTF8.GetBytes(record.ToJsonString() + "\u001e");
    }

    /// <summary>
    /// Reads a push (type 1) into a <see cref="HubPush"/>: <c>progress</c> carries <c>{ topic, version, data }</c>
    /// with <c>data.serverTime</c>; <c>message</c> carries <c>{ topic, message }</c> with <c>message.seq</c> and <c>sentAt</c>.
    /// </summary>
    public static HubPush ReadPush(JsonElement root, DateTimeOffset receivedAt)
    {
        var target = root.GetProperty("target").GetString() ?? "";
        var argument = root.GetProperty("arguments")[0];
        var topic = argument.TryGetProperty("topic", out var t) ? t.GetString() ?? "" : "";
        if (target == "message" && argument.TryGetProperty("message", out var message))
        {
            return new HubPush(target, topic, Long(message, "seq"), Time(message, "sentAt"), null, receivedAt);
        }
        var data = argument.TryGetProperty("data", out var d) ? d : default;
        var status = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new HubPush(target, topic, Long(argument, "version"), data.ValueKind == JsonValueKind.Object ? Time(data, "serverTime") : null, status, receivedAt);
    }

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;
}
