using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Referrals;

/// <summary>
/// A leader's referred orders, journaled like a shopper's order list (the same idempotent list): adding one
/// appends one small event however many orders the leader has brought in.
/// </summary>
public sealed class CommissionGrain([PersistentState("commissions")] IJournaledState<ShopperOrders, OrderRef> referred) : Grain, ICommissionGrain
{
    public async Task AddOrders(IReadOnlyList<OrderRef> orders)
    {
        foreach (var order in orders)
        {
            if (!referred.State.Contains(order.OrderId))
            {
                referred.Raise(order);
            }
        }
        await referred.ConfirmAsync();
    }

    public Task<IReadOnlyList<OrderRef>> ListOrders() =>
        Task.FromResult<IReadOnlyList<OrderRef>>([.. referred.State.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)]);
}
