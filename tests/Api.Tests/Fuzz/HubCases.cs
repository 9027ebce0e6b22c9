using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GroupBuy.Api.Tests.Fuzz;

/// <summary>
/// Hub invocations with bad arguments: unknown and malformed topics, wrong types and counts, huge and broken
/// strings, unknown methods. A refusal must be the hub's own (<c>code: …</c>) or the framework's answer to a call
/// that does not bind; never an unexpected server error, and the connection must survive.
/// </summary>
public static partial class HubCases
{
    private static readonly string[] Targets = ["Watch", "Watch", "Watch", "Unwatch", "Unwatch", "watch", "Subscribe", "OnConnectedAsync", "Dispose", ""];

    private static readonly string[] Kinds = ["team", "flash-sale", "group-buy", "group", "chain", "party", "", "TEAM", "team ", "flash_sale"];

    public static (string Target, JsonArray Arguments) Next(Random random, FuzzWorld world)
    {
        var target = Targets[random.Next(Targets.Length)];
        var count = random.Next(8) switch { 0 => 0, 1 => 2, 2 => 3, _ => 1 };
        var arguments = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            arguments.Add(Argument(random, world));
        }
        return (target, arguments);
    }

    /// <summary>
    /// Whether a hub error is a refusal of the call: the hub's own (<c>HubException: code: …</c>), or the framework's
    /// "Failed to invoke" for a call that names no method or does not bind. A method that throws anything else is
    /// reported as "An unexpected error occurred", which is a server failure.
    /// </summary>
    public static bool IsClientRefusal(string message) =>
        HubCode().IsMatch(message)
        || (message.StartsWith("Failed to invoke '", StringComparison.Ordinal) && !message.Contains("unexpected", StringComparison.OrdinalIgnoreCase));

    private static JsonNode? Argument(Random random, FuzzWorld world)
    {
        var id = random.Next(3) switch
        {
            0 => world.Ids.Values.SelectMany(ids => ids).ElementAt(random.Next(world.Ids.Values.Sum(ids => ids.Count))),
            1 => Bodies.Hex(random),
            _ => new[] { "", "0", "../x", new string('a', 3000), "\u0000", "\ud800", "😀", "a:b:c", " ", "%00", "0123456789ABCDEF0123456789ABCDEF" }[random.Next(11)],
        };
        return random.Next(10) switch
        {
            0 => null,
            1 => random.Next(),
            2 => new JsonArray("team", id),
            3 => new JsonObject { ["topic"] = $"team:{id}" },
            4 => random.Next(2) == 0,
            5 => new string('t', random.Next(1_000, 9_000)),
            _ => $"{Kinds[random.Next(Kinds.Length)]}:{id}",
        };
    }

    [GeneratedRegex("(^|HubException: )[a-z_]+: ")]
    private static partial Regex HubCode();
}
