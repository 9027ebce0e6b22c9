using System.Security.Claims;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// <c>group:{id}</c> and <c>chain:{id}</c>: only members of the group may watch. A group that does not exist is
/// refused like one the caller is not in (<c>not_member</c>), so watching reveals nothing about other groups.
/// </summary>
public static class MembersOnlyTopic
{
    public static async Task<LiveUpdate> ReadAsync(IGrainFactory grains, string kind, string id, ClaimsPrincipal? user)
    {
        var userId = user?.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw NotMember();
        if (kind == LiveTopic.Group)
        {
            var group = await grains.GetGrain<IGroupChatGrain>(id).View(userId);
            return group.IsSuccess ? LiveTopic.Map(group.Value)! : throw NotMember();
        }
        var chain = await grains.GetGrain<IChainGrain>(id).Get() ?? throw new HubException($"not_found: chain:{id} does not exist.");
        return await grains.GetGrain<IGroupChatGrain>(chain.GroupId).LeaderFor(userId) is null ? throw NotMember() : LiveTopic.Map(chain)!;
    }

    private static HubException NotMember() => new("not_member: only members of a group may watch it and its chains.");
}
