using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Referrals;

/// <summary>
/// A leader's referred orders (key: the leader's user id). The orders' owners add to it through their outbox,
/// next to the shopper's own list, so an add may arrive more than once: it is idempotent. The orders
/// themselves (status, amount, commission) stay with their owners and are read from there.
/// </summary>
public interface ICommissionGrain : IGrainWithStringKey
{
    Task AddOrders(IReadOnlyList<OrderRef> orders);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<OrderRef>> ListOrders();
}
