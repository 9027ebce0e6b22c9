using System.ComponentModel.DataAnnotations;

namespace GroupBuy.Grains.Requests;

/// <summary>What one caller's <c>Idempotency-Key</c>s may hold, bound from the <c>Idempotency</c> configuration section.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    public const int DefaultMaxKeysPerCaller = 10_000;

    public const int DefaultMaxStoredResponseBytes = 64 * 1024;

    /// <summary>
    /// Live keys (used within the retention, a day) one caller may hold. The pages send a key with every chat message,
    /// so the default leaves a busy group leader room for ten thousand keyed writes a day; answers are small (a posted
    /// message's is about half a kilobyte), so a caller at the limit keeps a few megabytes. A new key past this is refused until the
    /// oldest expires; no live key is ever dropped to make room, since that would break its replay.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxKeysPerCaller { get; set; } = DefaultMaxKeysPerCaller;

    /// <summary>The largest answer (body and <c>Location</c>, UTF-8 bytes) kept for replay; a larger one is not kept and its key is released.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxStoredResponseBytes { get; set; } = DefaultMaxStoredResponseBytes;
}
