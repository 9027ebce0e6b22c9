namespace GroupBuy.Grains.Interfaces.Chats;

/// <summary>What a message can share: it renders as a live card of the item.</summary>
public enum ShareKind
{
    Team,
    FlashSale,
    GroupBuy,
}

/// <summary>A shared item: its kind and id (its live snapshot is read from its own grain).</summary>
public sealed record ShareRef(ShareKind Kind, string Id);

/// <summary>
/// One message of a group: text, a shared item, or the announcement of a sign-up chain (<see cref="ChainId"/>,
/// with the chain's title as text). <see cref="Seq"/> starts at 1 and has no gaps per group.
/// </summary>
public sealed record ChatMessage(long Seq, string AuthorId, string AuthorName, string? Text, ShareRef? Share, string? ChainId, DateTimeOffset SentAt);

/// <summary>What a group publishes to <c>group:{id}</c> for each message, in <c>seq</c> order.</summary>
public sealed record GroupMessagePosted(string GroupId, ChatMessage Message);

/// <summary>What a group publishes to <c>group:{id}</c> when a member leaves or is removed: their watch ends.</summary>
public sealed record GroupMemberLeft(string GroupId, string UserId);
