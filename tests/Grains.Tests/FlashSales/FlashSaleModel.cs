using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>What the model walk believes of one order, from the domain's lifecycle alone.</summary>
internal sealed class ModelOrder(string id, string shopperId, int quantity, long amount, DateTimeOffset payBy)
{
    public string Id { get; } = id;

    public string ShopperId { get; } = shopperId;

    public int Quantity { get; } = quantity;

    public long Amount { get; } = amount;

    public DateTimeOffset PayBy { get; } = payBy;

    public OrderStatus Status { get; set; } = OrderStatus.PendingPayment;

    /// <summary>A charge failed without an answer: the order is out of expiry's reach until the gateway settles it.</summary>
    public bool Charging { get; set; }

    /// <summary>While <see cref="Charging"/>: the gateway took the money, so settling makes the order paid, maybe already has.</summary>
    public bool Taken { get; set; }

    /// <summary>The payment id the walk last told the gateway to fail; null before any failed attempt.</summary>
    public string? FailedPaymentId { get; set; }

    public bool Holds => Status is OrderStatus.PendingPayment or OrderStatus.Paid;

    /// <summary>Charged and not settled yet: the grain may show it pending or, once a tick settled it, paid.</summary>
    public bool MaybePaid => Status == OrderStatus.PendingPayment && Charging && Taken;

    public override string ToString() => $"{Id} {ShopperId} ×{Quantity} {Status}{(Charging ? Taken ? " charging(taken)" : " charging(not taken)" : "")}";
}

/// <summary>
/// One flash sale as the domain spec describes it (docs: "Flash sale", "Order"): the expected answer of every
/// command, and what the clock does. Kept deliberately naive (lists and sums) so it is obviously right.
/// </summary>
internal sealed class ModelSale(string id, int quantity, int limit, DateTimeOffset startsAt, DateTimeOffset endsAt)
{
    public string Id { get; } = id;

    public int Quantity { get; } = quantity;

    public int Limit { get; } = limit;

    public DateTimeOffset StartsAt { get; } = startsAt;

    public DateTimeOffset EndsAt { get; } = endsAt;

    public List<ModelOrder> Orders { get; } = [];

    private readonly Dictionary<(string ShopperId, string Key), ModelOrder> _byKey = [];

    public int Sold => Orders.Where(o => o.Status == OrderStatus.Paid).Sum(o => o.Quantity);

    public int Reserved => Orders.Where(o => o.Status == OrderStatus.PendingPayment).Sum(o => o.Quantity);

    /// <summary>Units of pending orders whose money the gateway took: the grain may count them sold already.</summary>
    public int MaybeSold => Orders.Where(o => o.MaybePaid).Sum(o => o.Quantity);

    public int Remaining => Quantity - Sold - Reserved;

    public bool HasPending => Orders.Any(o => o.Status == OrderStatus.PendingPayment);

    public int HeldBy(string shopperId) => Orders.Where(o => o.ShopperId == shopperId && o.Holds).Sum(o => o.Quantity);

    public FlashSaleStatus StatusAt(DateTimeOffset now) =>
        now < StartsAt ? FlashSaleStatus.Scheduled
        : now >= EndsAt ? FlashSaleStatus.Ended
        : Remaining == 0 ? FlashSaleStatus.SoldOut
        : FlashSaleStatus.Live;

    public ModelOrder? FindByKey(string shopperId, string? key) =>
        key is not null && _byKey.TryGetValue((shopperId, key), out var order) ? order : null;

    /// <summary>
    /// The codes a purchase (not a replay) may be refused with now; empty when it must succeed. The spec gives no
    /// precedence between the limit and sold-out when both apply, so either is right then.
    /// </summary>
    public List<string> RefusalsOf(string shopperId, int quantity, DateTimeOffset now)
    {
        if (now < StartsAt)
        {
            return [ErrorCodes.NotStarted];
        }
        if (now >= EndsAt)
        {
            return [ErrorCodes.Ended];
        }
        List<string> codes = [];
        if (HeldBy(shopperId) + quantity > Limit)
        {
            codes.Add(ErrorCodes.LimitExceeded);
        }
        if (Remaining < quantity)
        {
            codes.Add(ErrorCodes.SoldOut);
        }
        return codes;
    }

    public ModelOrder Place(string shopperId, int quantity, string? key, DateTimeOffset now, TimeSpan paymentWindow)
    {
        var order = new ModelOrder(FlashSaleTestKit.OrderId(Id, Orders.Count + 1), shopperId, quantity, quantity * FlashSaleTestKit.Price, now + paymentWindow);
        Orders.Add(order);
        if (key is not null)
        {
            _byKey[(shopperId, key)] = order;
        }
        return order;
    }

    /// <summary>
    /// The clock reached <paramref name="now"/> and every tick due by then has run: charges with no answer are
    /// settled from the gateway (the walk only advances past their retry delay) unless its look-ups failed, then
    /// unpaid orders past their pay-by time are cancelled, except those still in payment. A paid order is never touched.
    /// </summary>
    public void AdvanceTo(DateTimeOffset now, bool gatewayAnswers = true)
    {
        foreach (var order in Orders.Where(o => o.Status == OrderStatus.PendingPayment))
        {
            if (order.Charging && !gatewayAnswers)
            {
                continue;   // the gateway cannot say: no order is cancelled, its units stay held
            }
            if (order.Charging)
            {
                order.Status = order.Taken ? OrderStatus.Paid : OrderStatus.PendingPayment;
                (order.Charging, order.Taken) = (false, false);
            }
            if (order.Status == OrderStatus.PendingPayment && order.PayBy <= now)
            {
                order.Status = OrderStatus.Cancelled;
            }
        }
    }
}
