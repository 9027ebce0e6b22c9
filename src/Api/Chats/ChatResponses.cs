using System.Text.Json.Serialization;
using GroupBuy.Api.Orders;
using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Api.Chats;

/// <summary>The <c>Group</c> of the chats API; the same shape goes to <c>group:{id}</c> watchers.</summary>
public sealed record GroupResponse(string Id, string Name, string Leader, string LeaderName, int MemberCount, long LastSeq, long Version, DateTimeOffset ServerTime)
{
    public static GroupResponse From(GroupSnapshot g) => new(g.Id, g.Name, g.LeaderId, g.LeaderName, g.MemberCount, g.LastSeq, g.Version, g.ServerTime);
}

public sealed record MemberResponse(string UserId, string Name, string Role, DateTimeOffset JoinedAt)
{
    public static MemberResponse From(GroupMember m) => new(m.UserId, m.Name, m.IsLeader ? "leader" : "member", m.JoinedAt);
}

/// <summary>A shared item: <see cref="Topic"/> is the live topic to watch for the card, <see cref="Snapshot"/> what its GET returns.</summary>
public sealed record ShareResponse(ShareKind Kind, string Id, string Topic, object? Snapshot);

public sealed record ChainLinkResponse(string Id);

/// <summary>The <c>Message</c>: exactly one of text and share, plus <c>chain</c> on a chain's announcement.</summary>
public sealed record MessageResponse(
    long Seq,
    string Author,
    string AuthorName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShareResponse? Share,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChainLinkResponse? Chain,
    DateTimeOffset SentAt);

public sealed record PickupResponse(string Place, DateTimeOffset At);

/// <summary>A chain line as everyone in the group sees it: a display name, never a user id.</summary>
public sealed record ChainEntryResponse(int No, string Name, int Quantity, DateTimeOffset CreatedAt)
{
    public static ChainEntryResponse From(ChainEntry e) => new(e.No, e.Name, e.Quantity, e.CreatedAt);
}

public sealed record ChainTotalsResponse(int Entries, int Quantity, long Amount);

/// <summary>The <c>Chain</c>; the same shape goes to <c>chain:{id}</c> watchers.</summary>
public sealed record ChainResponse(
    string Id, string GroupId, string Title, string? Note, string FlashSaleId, string Sku, long Price, PickupResponse Pickup, ChainStatus Status,
    IReadOnlyList<ChainEntryResponse> Entries, ChainTotalsResponse Totals, long Version, DateTimeOffset ServerTime)
{
    public static ChainResponse From(ChainSnapshot c) =>
        new(c.Id, c.GroupId, c.Title, c.Note, c.FlashSaleId, c.Sku, c.Price, new PickupResponse(c.Pickup.Place, c.Pickup.At), c.Status,
            [.. c.Entries.Select(ChainEntryResponse.From)], new ChainTotalsResponse(c.Totals.Entries, c.Totals.Quantity, c.Totals.Amount), c.Version, c.ServerTime);
}

public sealed record ChainEntryCreatedResponse(ChainEntryResponse Entry, OrderResponse Order)
{
    public static ChainEntryCreatedResponse From(ChainEntered e) => new(ChainEntryResponse.From(e.Entry), OrderResponse.From(e.Order));
}
