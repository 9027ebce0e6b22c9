using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.FlashSales;

/// <summary>A flash sale's terms; <see cref="CommissionRate"/> is what a referring group's leader earns (0 to 0.5).</summary>
public sealed record FlashSaleDraft(string Sku, long Price, int Quantity, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int PerUserLimit, string MerchantId, decimal CommissionRate = 0);

/// <summary><c>scheduled → live → (sold_out | ended)</c>; a sold-out sale is live again when units come back.</summary>
public enum FlashSaleStatus
{
    Scheduled,
    Live,
    SoldOut,
    Ended,
}

/// <summary>
/// A flash sale as everyone may see it (<see cref="MerchantId"/> is for authorization, not for display).
/// <c>Remaining = Quantity − Sold − Reserved</c>, never below zero.
/// </summary>
public sealed record FlashSaleSnapshot(
    string Id,
    string Sku,
    long Price,
    int Quantity,
    int Remaining,
    int Sold,
    int Reserved,
    FlashSaleStatus Status,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int PerUserLimit,
    string MerchantId,
    long Version,
    DateTimeOffset ServerTime,
    decimal CommissionRate = 0);

/// <summary>
/// One flash sale (key: sale id, no dots): the hot grain thousands of shoppers hit in the same second. Its
/// units are taken from the product's stock when it is created (<c>flash-sale:{id}</c> reservation); it
/// keeps its orders in a journaled ledger; it publishes its snapshot to <c>flash-sale:{id}</c> on change.
/// </summary>
public interface IFlashSaleGrain : IGrainWithStringKey
{
    /// <summary>Creates the sale; <c>insufficient_stock</c> when the product lacks the units, <c>conflict</c> when it exists.</summary>
    Task<Result<FlashSaleSnapshot>> Create(FlashSaleDraft draft);

    /// <summary>Null when no such sale exists.</summary>
    Task<FlashSaleSnapshot?> Get();

    /// <summary>
    /// Reserves units and creates a <c>pending_payment</c> order, acknowledged only once durable.
    /// Refusals: <c>not_started</c>, <c>ended</c>, <c>sold_out</c>, <c>limit_exceeded</c>, <c>validation</c>.
    /// The same idempotency key from the same shopper returns the same order. A <paramref name="referral"/> makes the
    /// group's leader the order's referrer, earning the sale's commission rate on it.
    /// </summary>
    Task<Result<OrderSnapshot>> Purchase(Shopper shopper, int quantity, string? idempotencyKey, Referral? referral = null);

    /// <summary>Pays an order of this sale (idempotent); <c>order_closed</c> when it was cancelled; <c>not_found</c> for another shopper's order.</summary>
    Task<Result<OrderSnapshot>> Pay(string orderId, string shopperId);

    Task<OrderSnapshot?> GetOrder(string orderId);
}
