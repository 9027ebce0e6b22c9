using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Orders;

/// <summary>
/// A shopper's order list (key: user id). Owners add to it through their outbox after the order is
/// durable, so an add may arrive more than once: it is idempotent.
/// </summary>
public interface IShopperGrain : IGrainWithStringKey
{
    Task AddOrders(IReadOnlyList<OrderRef> orders);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<OrderRef>> ListOrders();
}
