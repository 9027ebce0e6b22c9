using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// A group's journaled state: who is in it, the chains started in it, and the recent messages only —
/// those after <see cref="ArchivedThrough"/>, contiguous and in <c>seq</c> order — so neither memory nor the
/// snapshot grows with the history. <see cref="Apply"/> ignores what no longer fits, so a replay is exact.
/// </summary>
public sealed class GroupChatState : IEventSourced<GroupEvent>
{
    public string? Id { get; set; }

    public string Name { get; set; } = "";

    public string LeaderId { get; set; } = "";

    public string LeaderName { get; set; } = "";

    public Dictionary<string, GroupMember> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Rises when the group's snapshot changes for watchers (members join or leave).</summary>
    public long Version { get; set; }

    public long LastSeq { get; set; }

    /// <summary>Every message up to this <c>seq</c> is in an archive page; a multiple of the page size.</summary>
    public long ArchivedThrough { get; set; }

    /// <summary>The messages after <see cref="ArchivedThrough"/>, in order.</summary>
    public List<ChatMessage> Recent { get; set; } = [];

    /// <summary>Chain ids in the order they were started.</summary>
    public List<string> Chains { get; set; } = [];

    public bool Exists => Id is not null;

    public bool IsMember(string userId) => Members.ContainsKey(userId);

    public void Apply(GroupEvent @event)
    {
        switch (@event)
        {
            case GroupCreated created when Id is null:
                (Id, Name, LeaderId, LeaderName) = (created.GroupId, created.Name, created.LeaderId, created.LeaderName);
                Members[created.LeaderId] = new GroupMember(created.LeaderId, created.LeaderName, IsLeader: true, created.At);
                Version++;
                break;
            case MemberJoined joined when !Members.ContainsKey(joined.UserId):
                Members[joined.UserId] = new GroupMember(joined.UserId, joined.Name, IsLeader: false, joined.At);
                Version++;
                break;
            case MemberLeft left when left.UserId != LeaderId && Members.Remove(left.UserId):
                Version++;
                break;
            case MessagePosted posted when posted.Message.Seq == LastSeq + 1:
                Recent.Add(posted.Message);
                LastSeq = posted.Message.Seq;
                if (posted.Message.ChainId is { } chainId)
                {
                    Chains.Add(chainId);
                }
                break;
            case PageArchived archived when archived.ThroughSeq > ArchivedThrough:
                Recent.RemoveRange(0, (int)Math.Min(Recent.Count, archived.ThroughSeq - ArchivedThrough));
                ArchivedThrough = archived.ThroughSeq;
                break;
        }
    }
}
