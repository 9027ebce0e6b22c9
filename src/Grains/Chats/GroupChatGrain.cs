using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// A group chat. Reentrant for throughput, like a flash sale: every command checks and raises its event in one
/// synchronous stretch (no await between check and act), so <c>seq</c> is handed out without gaps or
/// repeats, then awaits the journal, which shares one append among concurrent posts. A caller is answered
/// once its event is durable. Membership here; messages, archive pages and chains in the other files.
/// </summary>
[Reentrant]
[GrainType("group-chat")]
public sealed partial class GroupChatGrain(
    [PersistentState("chat")] IJournaledState<GroupChatState, GroupEvent> chat,
    ILiveTopics topics,
    TimeProvider clock,
    ILogger<GroupChatGrain> logger) : Grain, IGroupChatGrain
{
    private readonly IJournaledState<GroupChatState, GroupEvent> _chat = chat;
    private readonly ILiveTopics _topics = topics;
    private readonly TimeProvider _clock = clock;
    private readonly ILogger _logger = logger;
    private long _publishedVersion;

    private GroupChatState State => _chat.State;

    private string Id => GetPrimaryKeyString();

    private string Topic => $"group:{Id}";

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _durableSeq = State.LastSeq;
        return Task.CompletedTask;
    }

    public async Task<Result<GroupSnapshot>> Create(string name, Shopper leader)
    {
        if (State.Exists)
        {
            return Result<GroupSnapshot>.Fail(ErrorCodes.Conflict, $"Group {Id} already exists.");
        }
        if (Id.Contains('.', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(leader.Id))
        {
            return Result<GroupSnapshot>.Fail(ErrorCodes.Validation, "A group needs an id without dots, a name and a signed-in leader.");
        }
        _chat.Raise(new GroupCreated(Id, name, leader.Id, leader.Name, Now));
        await _chat.ConfirmAsync();
        return Result<GroupSnapshot>.Ok(Snapshot());
    }

    public async Task<Result<GroupSnapshot>> View(string userId)
    {
        if (Refuse(userId) is { } refusal)
        {
            return Result<GroupSnapshot>.Fail(refusal);
        }
        await _chat.ConfirmAsync();
        return Result<GroupSnapshot>.Ok(Snapshot());
    }

    public async Task<string?> LeaderFor(string userId)
    {
        var leaderId = State.Exists && State.IsMember(userId) ? State.LeaderId : null;
        if (leaderId is not null)
        {
            // The membership may be a join still on its way to the journal: a chain acts on it only once it is durable,
            // or a crash could leave an entry and a referred order for someone who never became a member.
            await _chat.ConfirmAsync();
        }
        return leaderId;
    }

    public Task<Result<IReadOnlyList<GroupMember>>> Members(string userId) =>
        Task.FromResult(Refuse(userId) is { } refusal
            ? Result<IReadOnlyList<GroupMember>>.Fail(refusal)
            : Result<IReadOnlyList<GroupMember>>.Ok([.. State.Members.Values.OrderBy(m => !m.IsLeader).ThenBy(m => m.JoinedAt)]));

    public async Task<Result<GroupJoin>> Join(Shopper shopper)
    {
        if (!State.Exists)
        {
            return Result<GroupJoin>.Fail(NotFound());
        }
        var joined = !State.IsMember(shopper.Id);
        if (joined)
        {
            _chat.Raise(new MemberJoined(shopper.Id, shopper.Name, Now));
        }
        await CommitAsync();
        return Result<GroupJoin>.Ok(new GroupJoin(Snapshot(), joined));
    }

    public async Task<Result<GroupSnapshot>> Remove(string callerId, string memberId)
    {
        if (Refuse(callerId) is { } refusal)
        {
            return Result<GroupSnapshot>.Fail(refusal);
        }
        if (memberId == State.LeaderId)
        {
            return Result<GroupSnapshot>.Fail(ErrorCodes.Conflict, "The leader cannot leave the group or be removed from it.");
        }
        if (callerId != memberId && callerId != State.LeaderId)
        {
            return Result<GroupSnapshot>.Fail(ErrorCodes.Forbidden, "Only the leader may remove other members.");
        }
        var leaving = State.IsMember(memberId);
        if (leaving)
        {
            _chat.Raise(new MemberLeft(memberId));
        }
        await CommitAsync();
        if (leaving && _topics.HasSubscribers(Topic))
        {
            _topics.Publish(Topic, new GroupMemberLeft(Id, memberId));
        }
        return Result<GroupSnapshot>.Ok(Snapshot());
    }

    /// <summary>Makes what was raised durable, then shows the group's new version to watchers.</summary>
    private async Task CommitAsync()
    {
        await _chat.ConfirmAsync();
        if (State.Version > _publishedVersion && _topics.HasSubscribers(Topic))
        {
            _publishedVersion = State.Version;
            _topics.Publish(Topic, Snapshot());
        }
    }

    /// <summary>Why <paramref name="userId"/> may not see the group, or null when it may.</summary>
    private DomainError? Refuse(string userId) =>
        !State.Exists ? NotFound()
        : !State.IsMember(userId) ? new DomainError(ErrorCodes.NotMember, $"Only members of group {Id} may do this.")
        : null;

    private DomainError NotFound() => new(ErrorCodes.NotFound, $"Group {Id} does not exist.");

    private GroupSnapshot Snapshot() =>
        new(Id, State.Name, State.LeaderId, State.LeaderName, State.Members.Count, _durableSeq, State.Version, Now);
}
