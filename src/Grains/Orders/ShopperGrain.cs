using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Orders;

public sealed class ShopperState
{
    public List<OrderRef> Orders { get; set; } = [];
}

/// <summary>A shopper's order list. Adds are idempotent because owners deliver them at least once.</summary>
public sealed class ShopperGrain([PersistentState("shopper")] IPersistentState<ShopperState> shopper) : Grain, IShopperGrain
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _known.UnionWith(shopper.State.Orders.Select(o => o.OrderId));
        return Task.CompletedTask;
    }

    public async Task AddOrders(IReadOnlyList<OrderRef> orders)
    {
        var added = false;
        foreach (var order in orders)
        {
            if (_known.Add(order.OrderId))
            {
                shopper.State.Orders.Add(order);
                added = true;
            }
        }
        if (added)
        {
            await shopper.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<OrderRef>> ListOrders() =>
        Task.FromResult<IReadOnlyList<OrderRef>>([.. shopper.State.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)]);
}
