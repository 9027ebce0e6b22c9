using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Referrals;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>The rules a campaign's terms must meet.</summary>
internal static class GroupBuyDrafts
{
    public const int MinTeamSize = 2;
    public const int MaxTeamSize = 100;

    /// <summary>What is wrong with the draft, or null when nothing is.</summary>
    public static string? Problem(GroupBuyDraft draft) => draft switch
    {
        _ when string.IsNullOrWhiteSpace(draft.Sku) => "A group buy needs a sku.",
        { TeamSize: < MinTeamSize or > MaxTeamSize } => $"teamSize must be {MinTeamSize} to {MaxTeamSize}.",
        { TeamWindowSeconds: < 1 } => "teamWindowSeconds must be at least 1.",
        _ when draft.Quantity < draft.TeamSize => "quantity must be at least teamSize.",
        { Price: < 0 } or { SoloPrice: < 0 } or { LeaderPrice: < 0 } => "Prices cannot be negative.",
        _ when !CommissionRates.IsValid(draft.CommissionRate) => "commissionRate must be from 0 to 0.5.",
        _ when draft.StartsAt >= draft.EndsAt => "startsAt must be before endsAt.",
        _ => null,
    };
}
