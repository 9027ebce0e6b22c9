namespace GroupBuy.Grains.Interfaces.Orders;

public enum OrderKind
{
    FlashSale,
    GroupBuy,
}

/// <summary><c>pending_payment → paid → confirmed</c>, or <c>→ cancelled</c>, or <c>paid → refunded</c>.</summary>
public enum OrderStatus
{
    PendingPayment,
    Paid,
    Confirmed,
    Cancelled,
    Refunded,
}

/// <summary>
/// An order as its owning grain keeps it. <see cref="RefId"/> is the flash sale's id, or the team's id for a
/// group-buy order; the <see cref="Id"/> names its owner (see <see cref="OrderIds"/>). <see cref="Referral"/> is set
/// when the order came through a group's share card or chain.
/// </summary>
public sealed record OrderSnapshot(
    string Id,
    OrderKind Kind,
    string RefId,
    string Sku,
    int Quantity,
    long Amount,
    OrderStatus Status,
    DateTimeOffset PayBy,
    DateTimeOffset CreatedAt,
    string ShopperId,
    OrderReferral? Referral = null)
{
    public bool IsOpen => Status == OrderStatus.PendingPayment;
}

/// <summary>
/// The group an order came through and what its leader earns on it: <see cref="Commission"/> is
/// floor(amount × <see cref="Rate"/>), the rate the merchant set on the campaign when the order was made.
/// </summary>
public sealed record OrderReferral(string GroupId, string LeaderId, decimal Rate, long Commission);

/// <summary>What a shopper's order list holds: enough to find the order's owning grain.</summary>
public sealed record OrderRef(string OrderId, OrderKind Kind, string OwnerId, DateTimeOffset CreatedAt);
