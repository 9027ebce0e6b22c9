using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// A fault-injection seam for tests: called before an outbox delivers orders to a shopper's order list, after
/// those orders are durable; throwing makes that delivery fail, as a crash or an unreachable shopper grain
/// would. Nothing registers one in production, and grains take it as an optional dependency.
/// </summary>
public interface IOutboxFaultInjector
{
    void BeforeDelivery(string shopperId, IReadOnlyList<OrderRef> orders);
}
