using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Storage;

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

    /// <summary>Lists the order for its shopper, and for the leader who referred it, with the owner's next commit.</summary>
    public static void List(IIndexWriter owner, string shopperId, OrderReferral? referral, OrderRef order)
    {
        owner.AddToIndex(ByShopper, shopperId, order.OrderId, order);
        if (referral is not null)
        {
            owner.AddToIndex(ByLeader, referral.LeaderId, order.OrderId, order);
        }
    }
}
