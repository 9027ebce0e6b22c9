using System.Security.Cryptography;
using System.Text;

namespace GroupBuy.Api.Common;

/// <summary>New campaign and team ids: 32 hex digits, no dots (order ids embed them).</summary>
public static class Ids
{
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The id of something a caller creates: derived from their <c>Idempotency-Key</c> when they send one, so a retry
    /// after a crash creates (and reserves stock for) the same item again instead of a second one; new otherwise.
    /// </summary>
    public static string ForCreate(string callerId, string kind, string? idempotencyKey) =>
        idempotencyKey is null
            ? New()
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{callerId}\n{idempotencyKey}")))[..32];

    /// <summary>Whether a path value can be an id at all; anything else is simply not found.</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
