namespace GroupBuy.Load.Client;

/// <summary>
/// A server push as the load tool needs it: the target (<c>progress</c> or <c>message</c>), the topic, the
/// version (progress) or seq (message), when the server made it (<c>serverTime</c> / <c>sentAt</c>) and the
/// snapshot's <c>status</c> when it has one.
/// </summary>
public readonly record struct HubPush(string Target, string Topic, long Version, DateTimeOffset? ServerTime, string? Status, DateTimeOffset ReceivedAt)
{
    /// <summary>The record's length in bytes, as it came over the wire.</summary>
    public int Bytes { get; init; }
}
