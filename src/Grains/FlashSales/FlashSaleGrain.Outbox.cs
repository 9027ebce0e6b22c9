using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// The outbox to shoppers' order lists. The ledger keeps every order not yet delivered (that is the outbox:
/// <see cref="FlashSaleLedger.Undelivered"/>); a purchase hands its order over here only once it is durable, and
/// is answered after <see cref="IShopperGrain.AddOrders"/> has it. Per shopper at most one delivery is in flight,
/// and orders arriving meanwhile go together in the next one. A delivery is recorded with
/// <see cref="OrdersIndexed"/>, confirmed with whatever the journal writes next: after a crash the order is
/// simply delivered again on activation, which <c>AddOrders</c> ignores.
/// </summary>
public sealed partial class FlashSaleGrain
{
    private readonly Dictionary<string, Delivery> _deliveries = new(StringComparer.Ordinal);

    /// <summary>Completes when the shopper's list holds <paramref name="orders"/> (all durable already).</summary>
    private Task DeliverAsync(string shopperId, IEnumerable<OrderRef> orders)
    {
        if (!_deliveries.TryGetValue(shopperId, out var delivery))
        {
            _deliveries[shopperId] = delivery = new Delivery();
        }
        foreach (var order in orders)
        {
            delivery.Waiting.TryAdd(order.OrderId, order);
        }
        var waiter = delivery.Next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!delivery.Running)
        {
            delivery.Running = true;
            _ = RunDeliveriesAsync(shopperId, delivery);
        }
        return waiter.Task;
    }

    private async Task RunDeliveriesAsync(string shopperId, Delivery delivery)
    {
        try
        {
            while (delivery.Next is { } batch)
            {
                delivery.Next = null;
                OrderRef[] orders = [.. delivery.Waiting.Values];
                delivery.Waiting.Clear();
                try
                {
                    _outboxFaults?.BeforeDelivery(shopperId, orders);
                    await GrainFactory.GetGrain<IShopperGrain>(shopperId).AddOrders(orders);
                    await NotifyReferrersAsync(orders);
                    Raise(new OrdersIndexed(shopperId, [.. orders.Select(o => o.OrderId)]));
                    batch.TrySetResult();
                }
                catch (Exception exception)
                {
                    foreach (var order in orders)
                    {
                        delivery.Waiting.TryAdd(order.OrderId, order);
                    }
                    FlashSaleLog.DeliveryFailed(_logger, exception, SaleId, shopperId, orders.Length);
                    batch.TrySetException(exception);
                }
            }
        }
        finally
        {
            delivery.Running = false;
            if (delivery.Waiting.Count == 0)
            {
                _deliveries.Remove(shopperId);
            }
        }
    }

    /// <summary>Referred orders also go to their leader's commission list (idempotent there, like the shopper's list).</summary>
    private Task NotifyReferrersAsync(OrderRef[] orders)
    {
        List<(string LeaderId, OrderRef Order)>? referred = null;
        foreach (var order in orders)
        {
            if (Ledger.FindOrder(order.OrderId)?.Referral is { } referral)
            {
                (referred ??= []).Add((referral.LeaderId, order));
            }
        }
        return referred is null
            ? Task.CompletedTask
            : Task.WhenAll(referred.GroupBy(r => r.LeaderId).Select(leader =>
                GrainFactory.GetGrain<ICommissionGrain>(leader.Key).AddOrders([.. leader.Select(r => r.Order)])));
    }

    /// <summary>On activation: everything the ledger still has in its outbox is durable, so it goes out now.</summary>
    private Task RedeliverOutboxAsync() =>
        Task.WhenAll(Ledger.Undelivered().ToList().Select(entry => ObserveAsync(DeliverAsync(entry.ShopperId, [.. entry.Orders.Select(RefOf)]))));

    /// <summary>Deliveries that failed and that no caller is retrying: the clock tick tries them again.</summary>
    private void RetryStalledDeliveries()
    {
        foreach (var shopperId in _deliveries.Where(d => !d.Value.Running && d.Value.Waiting.Count > 0).Select(d => d.Key).ToList())
        {
            _ = ObserveAsync(DeliverAsync(shopperId, []));
        }
    }

    /// <summary>For deliveries nobody awaits: a failure is logged where it happens and the orders stay queued.</summary>
    private static async Task ObserveAsync(Task delivery)
    {
        try
        {
            await delivery;
        }
        catch (Exception)
        {
            // Logged by RunDeliveriesAsync; the orders wait in the outbox for the next attempt.
        }
    }

    private sealed class Delivery
    {
        /// <summary>Durable orders waiting for the next delivery, by order id.</summary>
        public Dictionary<string, OrderRef> Waiting { get; } = new(StringComparer.Ordinal);

        /// <summary>The callers waiting for the next delivery.</summary>
        public TaskCompletionSource? Next { get; set; }

        public bool Running { get; set; }
    }
}
