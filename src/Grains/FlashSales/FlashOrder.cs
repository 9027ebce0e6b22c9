using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// One order as the sale's ledger keeps it. <see cref="Sequence"/> is the n of its id <c>fs.{saleId}.{n}</c>:
/// placement order, which is also pay-by order.
/// </summary>
public sealed record FlashOrder(
    string Id,
    long Sequence,
    string ShopperId,
    int Quantity,
    long Amount,
    DateTimeOffset CreatedAt,
    DateTimeOffset PayBy,
    string? IdempotencyKey)
{
    public OrderStatus Status { get; init; } = OrderStatus.PendingPayment;

    /// <summary>A charge was started and is not settled yet: expiry must not cancel the order.</summary>
    public bool Charging { get; init; }

    /// <summary>
    /// How many of the order's payment ids the gateway has closed as never charged (an unknown outcome settled as
    /// "not charged"): a closed id can never be charged, so the next payment goes under a fresh one.
    /// </summary>
    public int ClosedCharges { get; init; }

    /// <summary>The id the gateway charges the order under now: the order id, then <c>{orderId}#2</c>, <c>#3</c>, … after each closed one.</summary>
    [JsonIgnore]
    public string PaymentId => ClosedCharges == 0 ? Id : $"{Id}#{ClosedCharges + 1}";

    /// <summary>The group the order came through, if any.</summary>
    public OrderReferral? Referral { get; init; }

    [JsonIgnore]
    public bool IsPending => Status == OrderStatus.PendingPayment;

    /// <summary>The order as its placement made it.</summary>
    public static FlashOrder PlacedBy(OrderPlaced placed) =>
        new(placed.OrderId, placed.Sequence, placed.ShopperId, placed.Quantity, placed.Amount, placed.CreatedAt, placed.PayBy,
            placed.IdempotencyKey) { Referral = placed.Referral };

    /// <summary>Units that count against the sale's quantity and the shopper's limit.</summary>
    [JsonIgnore]
    public bool Holds => Status is OrderStatus.PendingPayment or OrderStatus.Paid or OrderStatus.Confirmed;

    [JsonIgnore]
    public bool IsSold => Status is OrderStatus.Paid or OrderStatus.Confirmed;
}
