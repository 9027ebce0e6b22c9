namespace GroupBuy.Grains.Interfaces.Referrals;

/// <summary>
/// Who brought an order in: the group whose share card or chain it came through, and that group's leader.
/// The campaign that takes the order turns it into an <see cref="Orders.OrderReferral"/> with its commission rate.
/// </summary>
public sealed record Referral(string GroupId, string LeaderId);

/// <summary>The merchant's commission rate on a campaign: a fraction from 0 to <see cref="MaxRate"/>.</summary>
public static class CommissionRates
{
    public const decimal MaxRate = 0.5m;

    public static bool IsValid(decimal rate) => rate is >= 0 and <= MaxRate;

    /// <summary>The leader's share of an order: floor(amount × rate), in fen.</summary>
    public static long Commission(long amount, decimal rate) => (long)decimal.Floor(amount * rate);
}
