using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// A flash sale's journaled state. What is stored is the sale and its orders; everything the hot path asks
/// (units sold and reserved, units per shopper, idempotency keys, deadlines) is an index kept up
/// to date by <see cref="Apply"/> and rebuilt once after a snapshot is loaded, so each question costs O(1)
/// however many orders the sale has. <see cref="Apply"/> ignores what no longer fits (an order that is not
/// pending any more), which makes every event safe to apply twice.
/// </summary>
public sealed partial class FlashSaleLedger : IEventSourced<FlashSaleEvent>, IJsonOnDeserialized
{
    public string? Id { get; set; }

    public FlashSaleDraft? Sale { get; set; }

    /// <summary>Rises with every change a watcher can see (the snapshot's version); bookkeeping events leave it alone.</summary>
    public long Version { get; set; }

    public bool Started { get; set; }

    public bool Ended { get; set; }

    public Dictionary<string, FlashOrder> Orders { get; set; } = new(StringComparer.Ordinal);

    public void Apply(FlashSaleEvent @event)
    {
        switch (@event)
        {
            case SaleCreated created:
                (Id, Sale) = (created.SaleId, created.Draft);
                Version++;
                break;
            case SaleStarted:
                Started = true;
                Version++;
                break;
            case SaleEnded:
                (Started, Ended) = (true, true);
                Version++;
                break;
            case OrderPlaced placed:
                Place(placed);
                Version++;
                break;
            case PaymentStarted started when Find(started.OrderId) is { IsPending: true, Charging: false } order:
                Replace(order, order with { Charging = true });
                break;
            case PaymentFailed failed when Find(failed.OrderId) is { IsPending: true, Charging: true } order:
                Replace(order, order with { Charging = false });
                break;
            case OrderPaid paid when Find(paid.OrderId) is { IsPending: true } order:
                Replace(order, order with { Status = OrderStatus.Paid, Charging = false });
                Version++;
                break;
            case OrdersExpired expired:
                Expire(expired.OrderIds);
                break;
        }
    }

    public void OnDeserialized()
    {
        foreach (var order in Orders.Values.OrderBy(o => o.Sequence))
        {
            Index(order);
        }
    }

    private void Place(OrderPlaced placed)
    {
        var order = new FlashOrder(placed.OrderId, placed.Sequence, placed.ShopperId, placed.Quantity, placed.Amount,
            placed.CreatedAt, placed.PayBy, placed.IdempotencyKey) { Referral = placed.Referral };
        if (Orders.TryAdd(order.Id, order))
        {
            Index(order);
        }
    }

    private void Expire(IReadOnlyList<string> orderIds)
    {
        var changed = false;
        foreach (var id in orderIds)
        {
            if (Find(id) is { IsPending: true } order)
            {
                Replace(order, order with { Status = OrderStatus.Cancelled, Charging = false });
                changed = true;
            }
        }
        if (changed)
        {
            Version++;
        }
    }

    private FlashOrder? Find(string orderId) => Orders.GetValueOrDefault(orderId);

    private void Replace(FlashOrder before, FlashOrder after)
    {
        Untrack(before);
        Orders[after.Id] = after;
        Track(after);
        if (before.IsPending && !after.IsPending)
        {
            TrimDeadlines();
        }
    }
}
