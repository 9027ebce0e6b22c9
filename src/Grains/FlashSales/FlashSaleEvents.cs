using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// What happens to a flash sale, as its journal keeps it. Events carry every value they need (times, ids,
/// amounts), so applying them never reads a clock and a replay rebuilds exactly the same ledger.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(SaleCreated), "created")]
[JsonDerivedType(typeof(SaleStarted), "started")]
[JsonDerivedType(typeof(SaleEnded), "ended")]
[JsonDerivedType(typeof(OrderPlaced), "placed")]
[JsonDerivedType(typeof(PaymentStarted), "payment-started")]
[JsonDerivedType(typeof(PaymentFailed), "payment-failed")]
[JsonDerivedType(typeof(OrderPaid), "paid")]
[JsonDerivedType(typeof(OrdersExpired), "expired")]
[JsonDerivedType(typeof(OrdersIndexed), "indexed")]
[JsonDerivedType(typeof(OrdersDelivered), "delivered")]
public abstract record FlashSaleEvent;

/// <summary>The sale exists; its units were already taken from the product (reservation <c>flash-sale:{id}</c>).</summary>
public sealed record SaleCreated(string SaleId, FlashSaleDraft Draft, DateTimeOffset At) : FlashSaleEvent;

/// <summary>The clock reached the start: recorded so that watchers get a new version saying <c>live</c>.</summary>
public sealed record SaleStarted(DateTimeOffset At) : FlashSaleEvent;

/// <summary>The clock reached the end: recorded so that watchers get a new version saying <c>ended</c>.</summary>
public sealed record SaleEnded(DateTimeOffset At) : FlashSaleEvent;

/// <summary>A purchase reserved units of the sale and opened an order awaiting payment.</summary>
public sealed record OrderPlaced(
    string OrderId,
    long Sequence,
    string ShopperId,
    int Quantity,
    long Amount,
    DateTimeOffset CreatedAt,
    DateTimeOffset PayBy,
    string? IdempotencyKey,
    OrderReferral? Referral = null) : FlashSaleEvent;

/// <summary>A charge is about to be made: from now on expiry leaves the order alone until the charge is settled.</summary>
public sealed record PaymentStarted(string OrderId) : FlashSaleEvent;

/// <summary>
/// The charge did not go through (or was never made): the order is an ordinary pending one again. The gateway
/// closed the id it was charged under, so the order's closed ids number <paramref name="ClosedCharges"/> now and
/// its next payment goes under a fresh id (0 in events written before ids were closed: the id stays in use).
/// </summary>
public sealed record PaymentFailed(string OrderId, int ClosedCharges = 0) : FlashSaleEvent;

/// <summary>The gateway took the payment: the order's units are sold.</summary>
public sealed record OrderPaid(string OrderId, string PaymentId, DateTimeOffset PaidAt) : FlashSaleEvent;

/// <summary>Pending orders whose pay-by time passed: cancelled, their units back in the sale.</summary>
public sealed record OrdersExpired(IReadOnlyList<string> OrderIds, DateTimeOffset At) : FlashSaleEvent;

/// <summary>
/// Written by versions that delivered orders to shoppers' lists through an outbox; still read so that their
/// journals load, and ignored (orders are now listed by index rows committed with the order).
/// </summary>
public sealed record OrdersIndexed(string ShopperId, IReadOnlyList<string> OrderIds) : FlashSaleEvent;

/// <inheritdoc cref="OrdersIndexed"/>
public sealed record OrdersDelivered(IReadOnlyList<string> OrderIds) : FlashSaleEvent;
