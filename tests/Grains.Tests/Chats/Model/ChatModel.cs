using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Tests.FlashSales;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// One group chat as domain.md and docs/chats.md describe it: members (the leader always one), every message in
/// <c>seq</c> order from 1 without gaps, and the chains started in it. Plain lists, so it is obviously right.
/// </summary>
internal sealed class ModelGroup(string id, string leaderId, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public string LeaderId { get; } = leaderId;

    /// <summary>Member id → when they (last) joined.</summary>
    public Dictionary<string, DateTimeOffset> Members { get; } = new(StringComparer.Ordinal) { [leaderId] = createdAt };

    /// <summary>1 at creation, one more for every join and every departure.</summary>
    public long Version { get; private set; } = 1;

    public List<ChatMessage> Messages { get; } = [];

    /// <summary>In the order they were started.</summary>
    public List<ModelChain> Chains { get; } = [];

    public long LastSeq => Messages.Count;

    public bool IsMember(string userId) => Members.ContainsKey(userId);

    public bool Join(string userId, DateTimeOffset now)
    {
        if (!Members.TryAdd(userId, now))
        {
            return false;
        }
        Version++;
        return true;
    }

    public void Leave(string userId)
    {
        if (userId != LeaderId && Members.Remove(userId))
        {
            Version++;
        }
    }

    /// <summary>
    /// Why <paramref name="callerId"/> may not take <paramref name="memberId"/> out; empty when it may. The spec gives
    /// no precedence when a plain member tries to remove the leader, so either refusal is right then.
    /// </summary>
    public List<string> RemoveRefusals(string callerId, string memberId)
    {
        if (!IsMember(callerId))
        {
            return [ErrorCodes.NotMember];
        }
        List<string> codes = [];
        if (memberId == LeaderId)
        {
            codes.Add(ErrorCodes.Conflict);
        }
        if (callerId != memberId && callerId != LeaderId)
        {
            codes.Add(ErrorCodes.Forbidden);
        }
        return codes;
    }

    public List<ChatMessage> Read(long afterSeq, int limit) => [.. Messages.Where(m => m.Seq > afterSeq).Take(limit)];

    /// <summary>The message the group must hand out next for this post.</summary>
    public ChatMessage Next(string authorId, string? text, ShareRef? share, string? chainId, DateTimeOffset now) =>
        new(LastSeq + 1, authorId, ChatKit.Person(authorId).Name, text, share, chainId, now);
}

/// <summary>
/// One sign-up chain: the leader's order form for one flash sale (<see cref="Sale"/>, the flash-sale walk's model).
/// Each entry is the purchase the sale placed under the key <c>chain.{id}</c>; one per member; the totals sum the entries.
/// </summary>
internal sealed class ModelChain(string id, ModelGroup group, ModelSale sale, ChainDraft draft)
{
    public string Id { get; } = id;

    public ModelGroup Group { get; } = group;

    public ModelSale Sale { get; } = sale;

    public ChainDraft Draft { get; } = draft;

    public List<ChainEntry> Entries { get; } = [];

    public bool Closed { get; set; }

    /// <summary>1 when opened, one more per entry and for closing.</summary>
    public long Version { get; set; } = 1;

    public string Key => $"chain.{Id}";

    public ChainTotals Totals => new(Entries.Count, Entries.Sum(e => e.Quantity), Entries.Sum(e => e.Amount));

    /// <summary>
    /// The chain's own refusals of an entry, before the sale is asked. A closed chain with the member on it already
    /// may say either (the spec orders neither before the other).
    /// </summary>
    public List<string> Refusals(string shopperId)
    {
        if (!Group.IsMember(shopperId))
        {
            return [ErrorCodes.NotMember];
        }
        List<string> codes = [];
        if (Closed)
        {
            codes.Add(ErrorCodes.Ended);
        }
        if (Entries.Exists(e => e.ShopperId == shopperId))
        {
            codes.Add(ErrorCodes.AlreadyMember);
        }
        return codes;
    }

    /// <summary>An order the sale holds under this chain's key for the member but no line of the chain (a crash fell in between).</summary>
    public ModelOrder? Orphan(string shopperId) =>
        Entries.Exists(e => e.ShopperId == shopperId) ? null : Sale.FindByKey(shopperId, Key);

    public ChainEntry Take(ModelOrder order, DateTimeOffset now)
    {
        var entry = new ChainEntry(Entries.Count + 1, order.ShopperId, ChatKit.Person(order.ShopperId).Name, order.Quantity, order.Id, order.Amount, now);
        Entries.Add(entry);
        Version++;
        return entry;
    }

    public override string ToString() => $"{Id[..6]} ({Sale.Id}{(Closed ? ", closed" : "")})";
}
