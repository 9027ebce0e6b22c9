using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Chats;

/// <summary>A group as members see it; <see cref="Version"/> rises when members join or leave.</summary>
public sealed record GroupSnapshot(
    string Id, string Name, string LeaderId, string LeaderName, int MemberCount, long LastSeq, long Version, DateTimeOffset ServerTime);

public sealed record GroupMember(string UserId, string Name, bool IsLeader, DateTimeOffset JoinedAt);

/// <summary>The group after a join; <see cref="Joined"/> is false when the caller was a member already.</summary>
public sealed record GroupJoin(GroupSnapshot Group, bool Joined);

/// <summary>What a message says: text or a shared item, exactly one of them.</summary>
public sealed record MessageDraft(string? Text, ShareRef? Share);

/// <summary>A chain started in a group: the chain and the message that announced it.</summary>
public sealed record ChainStarted(ChainSnapshot Chain, ChatMessage Message);

/// <summary>
/// A group chat (社群, key: group id, no dots): its leader and members, its messages in <c>seq</c> order and
/// the sign-up chains started in it. Journaled; only the recent messages stay in memory and in its
/// snapshots, older ones are sealed into archive pages (<see cref="IChatArchiveGrain"/>). Publishes
/// <see cref="GroupMessagePosted"/> and <see cref="GroupSnapshot"/> to <c>group:{id}</c>. Everything but
/// <see cref="Create"/> and <see cref="Join"/> is for members only (<c>not_member</c>).
/// </summary>
public interface IGroupChatGrain : IGrainWithStringKey
{
    /// <summary>Creates the group with the caller as its leader and first member; <c>conflict</c> when it exists.</summary>
    Task<Result<GroupSnapshot>> Create(string name, Shopper leader);

    /// <summary>The group for a member; <c>not_found</c> or <c>not_member</c>.</summary>
    Task<Result<GroupSnapshot>> View(string userId);

    /// <summary>
    /// The leader's id when <paramref name="userId"/> is a member of the group, else null (also when there is no group);
    /// answered once that membership is durable, since callers act on it.
    /// </summary>
    Task<string?> LeaderFor(string userId);

    Task<Result<IReadOnlyList<GroupMember>>> Members(string userId);

    /// <summary>Idempotent: a member joining again gets the group with <see cref="GroupJoin.Joined"/> false.</summary>
    Task<Result<GroupJoin>> Join(Shopper shopper);

    /// <summary>
    /// Takes <paramref name="memberId"/> out of the group: the member itself, or the leader removing one
    /// (<c>forbidden</c> for anyone else). The leader can be neither (<c>conflict</c>).
    /// </summary>
    Task<Result<GroupSnapshot>> Remove(string callerId, string memberId);

    /// <summary>Posts a message, acknowledged once durable; <c>seq</c> is the next of the group.</summary>
    Task<Result<ChatMessage>> Post(Shopper author, MessageDraft draft);

    /// <summary>Messages with <c>seq</c> after <paramref name="afterSeq"/>, at most <paramref name="limit"/>, in order.</summary>
    Task<Result<IReadOnlyList<ChatMessage>>> Messages(string userId, long afterSeq, int limit);

    /// <summary>The leader starts a sign-up chain (<c>forbidden</c> for other members); it is announced by a message.</summary>
    Task<Result<ChainStarted>> StartChain(Shopper leader, ChainDraft draft);

    /// <summary>The ids of the group's chains, newest first.</summary>
    Task<Result<IReadOnlyList<string>>> Chains(string userId);
}
