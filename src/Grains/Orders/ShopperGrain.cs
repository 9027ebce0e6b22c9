using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Orders;

/// <summary>A shopper's orders, newest last; applying an order already there changes nothing.</summary>
public sealed class ShopperOrders : IEventSourced<OrderRef>
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public List<OrderRef> Orders { get; set; } = [];

    public bool Contains(string orderId) => _known.Count == Orders.Count ? _known.Contains(orderId) : Reindex().Contains(orderId);

    public void Apply(OrderRef @event)
    {
        if (!Contains(@event.OrderId))
        {
            Orders.Add(@event);
            _known.Add(@event.OrderId);
        }
    }

    /// <summary>After a snapshot is loaded, the index is rebuilt from the list once.</summary>
    private HashSet<string> Reindex()
    {
        _known.Clear();
        _known.UnionWith(Orders.Select(o => o.OrderId));
        return _known;
    }
}

/// <summary>
/// A shopper's order list, journaled: adding an order appends one small event however many orders the
/// shopper has. Adds are idempotent because owners deliver them at least once.
/// </summary>
public sealed class ShopperGrain([PersistentState("shopper")] IJournaledState<ShopperOrders, OrderRef> shopper) : Grain, IShopperGrain
{
    public async Task AddOrders(IReadOnlyList<OrderRef> orders)
    {
        foreach (var order in orders)
        {
            if (!shopper.State.Contains(order.OrderId))
            {
                shopper.Raise(order);
            }
        }
        await shopper.ConfirmAsync();
    }

    public Task<IReadOnlyList<OrderRef>> ListOrders() =>
        Task.FromResult<IReadOnlyList<OrderRef>>([.. shopper.State.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)]);
}
