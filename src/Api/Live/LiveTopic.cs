using GroupBuy.Api.Chats;
using GroupBuy.Api.Common;
using GroupBuy.Api.FlashSales;
using GroupBuy.Api.GroupBuys;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;

namespace GroupBuy.Api.Live;

/// <summary>What a live update carries: the topic's snapshot in the shape its GET returns.</summary>
public sealed record LiveUpdate(long Version, object Data, bool IsTerminal);

/// <summary>
/// The topics of the contract: <c>team:{id}</c>, <c>flash-sale:{id}</c>, <c>group-buy:{id}</c> (anyone may watch),
/// <c>group:{id}</c> and <c>chain:{id}</c> (members of the group only). Grains publish their internal snapshots; this turns them into the
/// public shapes, so no user id or merchant id ever reaches a watcher.
/// </summary>
public static class LiveTopic
{
    public const string Team = "team";
    public const string FlashSale = "flash-sale";
    public const string GroupBuy = "group-buy";
    public const string Group = "group";
    public const string Chain = "chain";

    public static bool TryParse(string? topic, out string kind, out string id)
    {
        kind = id = "";
        var colon = topic?.IndexOf(':') ?? -1;
        if (colon <= 0)
        {
            return false;
        }
        kind = topic![..colon];
        id = topic[(colon + 1)..];
        return kind is Team or FlashSale or GroupBuy or Group or Chain && Ids.IsWellFormed(id);
    }

    /// <summary>
    /// A flash sale changes at purchase rate and a group buy at the rate of every seat taken or released in any of its
    /// teams, so their pushes are coalesced; a team's every join is shown.
    /// </summary>
    public static bool IsCoalesced(string topic) =>
        topic.StartsWith(FlashSale + ":", StringComparison.Ordinal) || topic.StartsWith(GroupBuy + ":", StringComparison.Ordinal);

    /// <summary>Topics only the members of a group may watch.</summary>
    public static bool IsMembersOnly(string kind) => kind is Group or Chain;

    /// <summary>The current snapshot of a public topic, or null when the item does not exist.</summary>
    public static async Task<LiveUpdate?> ReadAsync(IGrainFactory grains, string kind, string id) => kind switch
    {
        Team => Map(await grains.GetGrain<ITeamGrain>(id).Get()),
        FlashSale => Map(await grains.GetGrain<IFlashSaleGrain>(id).Get()),
        GroupBuy => Map(await grains.GetGrain<IGroupBuyGrain>(id).Get()),
        _ => null,
    };

    /// <summary>A grain's published snapshot as a live update, or null for anything else.</summary>
    public static LiveUpdate? Map(object? snapshot) => snapshot switch
    {
        TeamSnapshot t => new(t.Version, TeamResponse.From(t), t.Status is TeamStatus.Succeeded or TeamStatus.Failed),
        FlashSaleSnapshot s => new(s.Version, FlashSaleResponse.From(s), s.Status is FlashSaleStatus.SoldOut or FlashSaleStatus.Ended),
        GroupBuySnapshot g => new(g.Version, GroupBuyResponse.From(g), g.Status is GroupBuyStatus.SoldOut or GroupBuyStatus.Ended),
        GroupSnapshot g => new(g.Version, GroupResponse.From(g), false),
        ChainSnapshot c => new(c.Version, ChainResponse.From(c), c.Status == ChainStatus.Closed),
        _ => null,
    };
}
