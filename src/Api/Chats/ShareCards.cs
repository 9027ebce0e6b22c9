using GroupBuy.Api.Live;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;

namespace GroupBuy.Api.Chats;

/// <summary>
/// Messages as clients see them. A shared item becomes a live card: its topic, and its public snapshot read
/// from its own grain when the message is answered (at post time for the post and its push, at read time in
/// history). Snapshots are read once per item however many messages share it.
/// </summary>
public static class ShareCards
{
    public static string TopicOf(ShareRef share) => $"{KindOf(share.Kind)}:{share.Id}";

    /// <summary>The item's public snapshot, or null when it does not exist.</summary>
    public static async Task<object?> ReadAsync(IGrainFactory grains, ShareRef share) =>
        (await LiveTopic.ReadAsync(grains, KindOf(share.Kind), share.Id))?.Data;

    public static MessageResponse ToResponse(ChatMessage m, object? shareSnapshot) =>
        new(m.Seq, m.AuthorId, m.AuthorName, m.Text,
            m.Share is { } share ? new ShareResponse(share.Kind, share.Id, TopicOf(share), shareSnapshot) : null,
            m.ChainId is { } chainId ? new ChainLinkResponse(chainId) : null,
            m.SentAt);

    public static async Task<MessageResponse> ToResponseAsync(IGrainFactory grains, ChatMessage m) =>
        ToResponse(m, m.Share is { } share ? await ReadAsync(grains, share) : null);

    public static async Task<MessageResponse[]> ToResponsesAsync(IGrainFactory grains, IReadOnlyList<ChatMessage> messages)
    {
        var shares = messages.Select(m => m.Share).OfType<ShareRef>().Distinct().ToList();
        var snapshots = await Task.WhenAll(shares.Select(s => ReadAsync(grains, s)));
        var bySharing = shares.Zip(snapshots).ToDictionary(p => p.First, p => p.Second);
        return [.. messages.Select(m => ToResponse(m, m.Share is { } share ? bySharing[share] : null))];
    }

    private static string KindOf(ShareKind kind) => kind switch
    {
        ShareKind.Team => LiveTopic.Team,
        ShareKind.FlashSale => LiveTopic.FlashSale,
        _ => LiveTopic.GroupBuy,
    };
}
