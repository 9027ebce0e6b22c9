using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// The grain indexes that list orders across every sale and team: by shopper (their order list) and by the group
/// leader who referred them (their commissions). Rows are written by the grain that owns the order, in the same
/// commit as the order itself, so a list never misses an acknowledged order nor shows one that was not.
/// </summary>
public static class OrderIndexes
{
    public const string ByShopper = "orders-by-shopper";
    public const string ByLeader = "orders-by-leader";

    /// <summary>The index keys an order is listed under.</summary>
    public static IEnumerable<(string Index, string Key)> KeysOf(string shopperId, OrderReferral? referral)
    {
        yield return (ByShopper, shopperId);
        if (referral is not null)
        {
            yield return (ByLeader, referral.LeaderId);
        }
    }
}
