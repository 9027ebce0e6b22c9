using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// Shoppers' order lists and leaders' referred orders, newest first, read from the grain indexes that the
/// orders' owners (flash sales, teams) write with each order (<see cref="OrderIndexes"/>). What an order is
/// now (its status, its amount) is asked of its owner.
/// </summary>
public sealed class OrderLists(IGrainIndex index)
{
    public Task<IReadOnlyList<OrderRef>> OfShopperAsync(string shopperId, CancellationToken cancellationToken) =>
        ReadAsync(OrderIndexes.ByShopper, shopperId, cancellationToken);

    public Task<IReadOnlyList<OrderRef>> ReferredByAsync(string leaderId, CancellationToken cancellationToken) =>
        ReadAsync(OrderIndexes.ByLeader, leaderId, cancellationToken);

    private async Task<IReadOnlyList<OrderRef>> ReadAsync(string name, string key, CancellationToken cancellationToken)
    {
        var orders = await OrderIndexes.ReadAsync(index, name, key, cancellationToken);
        return [.. orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal)];
    }
}
