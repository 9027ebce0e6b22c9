using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// Posting and reading messages. A post takes the next <c>seq</c> and raises its event in one synchronous
/// step; once durable it is published. Confirmations complete in journal order, so when a post's own event
/// is durable every earlier one is too: each post publishes everything durable not yet published, in
/// <c>seq</c> order, and watchers see messages in order however the continuations are scheduled.
/// </summary>
public sealed partial class GroupChatGrain
{
    public const int MaxTextLength = 2000;

    /// <summary>Messages raised and not yet published, in <c>seq</c> order.</summary>
    private readonly Queue<ChatMessage> _unpublished = new();

    /// <summary>The highest <c>seq</c> known durable: readers and the archive see no further.</summary>
    private long _durableSeq;

    public async Task<Result<ChatMessage>> Post(Shopper author, MessageDraft draft)
    {
        if (Refuse(author.Id) is { } refusal)
        {
            return Result<ChatMessage>.Fail(refusal);
        }
        if ((draft.Text is null) == (draft.Share is null) || draft.Text is { Length: 0 or > MaxTextLength })
        {
            return Result<ChatMessage>.Fail(ErrorCodes.Validation, $"A message is text of 1–{MaxTextLength} characters or a shared item, not both.");
        }
        var message = Append(author, draft.Text, draft.Share, chainId: null);
        await DeliverAsync(message);
        return Result<ChatMessage>.Ok(message);
    }

    public async Task<Result<IReadOnlyList<ChatMessage>>> Messages(string userId, long afterSeq, int limit)
    {
        if (Refuse(userId) is { } refusal)
        {
            return Result<IReadOnlyList<ChatMessage>>.Fail(refusal);
        }
        if (afterSeq < 0 || limit < 1)
        {
            return Result<IReadOnlyList<ChatMessage>>.Fail(ErrorCodes.Validation, "afterSeq must be 0 or more and limit at least 1.");
        }
        var raised = State.LastSeq;
        await _chat.ConfirmAsync();
        _durableSeq = Math.Max(_durableSeq, raised);
        var last = _durableSeq;
        if (afterSeq >= last)
        {
            return Result<IReadOnlyList<ChatMessage>>.Ok([]);
        }
        var (from, to) = (afterSeq + 1, Math.Min(last, afterSeq + limit));
        // The recent part is taken now, before any await: the archive may move on meanwhile, the pages never change.
        var archived = State.ArchivedThrough;
        var recentFrom = Math.Max(from, archived + 1);
        List<ChatMessage> recent = recentFrom > to ? [] : State.Recent.GetRange((int)(recentFrom - archived - 1), (int)(to - recentFrom + 1));
        var older = from <= archived ? await ReadArchiveAsync(from, Math.Min(to, archived)) : [];
        return Result<IReadOnlyList<ChatMessage>>.Ok([.. older, .. recent]);
    }

    /// <summary>Takes the next <c>seq</c> and raises the message: synchronous, so no other command runs in between.</summary>
    private ChatMessage Append(Shopper author, string? text, ShareRef? share, string? chainId)
    {
        var message = new ChatMessage(State.LastSeq + 1, author.Id, author.Name, text, share, chainId, Now);
        _chat.Raise(new MessagePosted(message));
        _unpublished.Enqueue(message);
        return message;
    }

    /// <summary>Completes when <paramref name="message"/> is durable; publishes it and every earlier one not yet published.</summary>
    private async Task DeliverAsync(ChatMessage message)
    {
        await _chat.ConfirmAsync();
        _durableSeq = Math.Max(_durableSeq, message.Seq);
        var watched = _topics.HasSubscribers(Topic);
        while (_unpublished.TryPeek(out var next) && next.Seq <= _durableSeq)
        {
            _unpublished.Dequeue();
            if (watched)
            {
                _topics.Publish(Topic, new GroupMessagePosted(Id, next));
            }
        }
        ArchiveIfDue();
    }
}
