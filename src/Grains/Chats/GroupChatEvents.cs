using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Grains.Chats;

/// <summary>What happens to a group, as its journal keeps it. Events carry their times, so a replay never reads a clock.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(GroupCreated), "created")]
[JsonDerivedType(typeof(MemberJoined), "joined")]
[JsonDerivedType(typeof(MemberLeft), "left")]
[JsonDerivedType(typeof(MessagePosted), "posted")]
[JsonDerivedType(typeof(PageArchived), "archived")]
public abstract record GroupEvent;

public sealed record GroupCreated(string GroupId, string Name, string LeaderId, string LeaderName, DateTimeOffset At) : GroupEvent;

public sealed record MemberJoined(string UserId, string Name, DateTimeOffset At) : GroupEvent;

public sealed record MemberLeft(string UserId) : GroupEvent;

/// <summary>A message with the next <c>seq</c> (a chain's announcement carries its chain id).</summary>
public sealed record MessagePosted(ChatMessage Message) : GroupEvent;

/// <summary>Messages up to <see cref="ThroughSeq"/> are stored in archive pages and leave the group's state.</summary>
public sealed record PageArchived(long ThroughSeq) : GroupEvent;
