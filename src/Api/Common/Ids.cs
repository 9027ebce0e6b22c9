namespace GroupBuy.Api.Common;

/// <summary>New campaign and team ids: 32 hex digits, no dots (order ids embed them).</summary>
public static class Ids
{
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Whether a path value can be an id at all; anything else is simply not found.</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
