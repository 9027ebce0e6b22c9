using GroupBuy.Api.Common;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Api.Commissions;

/// <summary>
/// The <c>groupId</c> a purchase or join names: a referral by that group's leader when the caller is a member
/// of it; otherwise none, and the order is made all the same (a share link forwarded outside the group still sells).
/// A leader's own purchase refers nobody: a commission is for bringing others.
/// </summary>
public static class Referrals
{
    public static async Task<Referral?> ResolveAsync(IGrainFactory grains, string? groupId, string userId) =>
        Ids.IsWellFormed(groupId) && await grains.GetGrain<IGroupChatGrain>(groupId!).LeaderFor(userId) is { } leaderId && leaderId != userId
            ? new Referral(groupId!, leaderId)
            : null;
}
