using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Api.Orders;

/// <summary>
/// Read-your-writes for flash-sale orders. A sale acknowledges an order once it is durable in its ledger and
/// delivers it to the shopper's list (and a referring leader's commission list) through its outbox afterwards.
/// The API adds it to those lists itself before answering, idempotently, so the next
/// <c>GET /api/me/orders</c> or <c>GET /api/me/commissions</c> shows an order its caller was just told about.
/// </summary>
public static class OrderLists
{
    public static Task RecordAsync(IGrainFactory grains, OrderSnapshot order)
    {
        OrderRef[] entry = [new OrderRef(order.Id, order.Kind, order.RefId, order.CreatedAt)];
        var shopper = grains.GetGrain<IShopperGrain>(order.ShopperId).AddOrders(entry);
        return order.Referral is { } referral
            ? Task.WhenAll(shopper, grains.GetGrain<ICommissionGrain>(referral.LeaderId).AddOrders(entry))
            : shopper;
    }
}
