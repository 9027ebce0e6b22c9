using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// Paying an order: a durable "payment started" marker first (expiry leaves such an order alone), then the
/// charge, keyed by the order id so the gateway never takes it twice, then "paid". A charge interrupted by a
/// crash is settled on the next activation (or clock tick) by asking the gateway whether it went through.
/// </summary>
public sealed partial class FlashSaleGrain
{
    /// <summary>Charges running in this activation, by order id: concurrent payers of one order share one charge.</summary>
    private readonly Dictionary<string, Task<bool>> _charges = new(StringComparer.Ordinal);

    public async Task<Result<OrderSnapshot>> Pay(string orderId, string shopperId)
    {
        ThrowIfFaulted();
        if (Ledger.FindOrder(orderId) is not { } order || order.ShopperId != shopperId)
        {
            return Result<OrderSnapshot>.Fail(ErrorCodes.NotFound, $"Order {orderId} does not exist.");
        }
        if (order is { IsPending: true, Charging: false } && Now >= order.PayBy)
        {
            // Its pay-by time has passed and the clock has not come round yet: close it now, exactly on time.
            Raise(new OrdersExpired([orderId], Now));
            await ConfirmAsync();
            Publish();
        }
        else if (order.IsPending && !await ChargeOnceAsync(order))
        {
            return Result<OrderSnapshot>.Fail(ErrorCodes.PaymentUnavailable, $"The payment of order {orderId} could not be taken; the order is still payable, retry shortly.");
        }
        await EnsureDurableAsync();
        order = Ledger.Order(orderId);
        return order.Status is OrderStatus.Cancelled or OrderStatus.Refunded
            ? Result<OrderSnapshot>.Fail(ErrorCodes.OrderClosed, $"Order {orderId} was cancelled: its pay-by time passed.")
            : Result<OrderSnapshot>.Ok(SnapshotOf(order));
    }

    /// <summary>False when the gateway failed: the order is pending again (or expired, if its time has passed).</summary>
    private async Task<bool> ChargeOnceAsync(FlashOrder order)
    {
        if (!_charges.TryGetValue(order.Id, out var charge))
        {
            charge = ChargeAsync(order);
            _charges[order.Id] = charge;
        }
        try
        {
            return await charge;
        }
        finally
        {
            if (_charges.TryGetValue(order.Id, out var current) && current == charge)
            {
                _charges.Remove(order.Id);
            }
        }
    }

    private async Task<bool> ChargeAsync(FlashOrder order)
    {
        if (!order.Charging)
        {
            Raise(new PaymentStarted(order.Id));
        }
        await ConfirmAsync();
        PaymentReceipt receipt;
        try
        {
            receipt = await _payments.ChargeAsync(order.Id, order.ShopperId, order.Amount, CancellationToken.None);
        }
        catch (Exception exception)
        {
            FlashSaleLog.ChargeFailed(_logger, exception, order.Id);
            SettleCharge(order.Id, receipt: null);
            await ConfirmAsync();
            Publish();
            return false;
        }
        SettleCharge(order.Id, receipt);
        await ConfirmAsync();
        Publish();
        _ = SettleStockAsync();
        return true;
    }

    /// <summary>Records how a started charge ended: paid, or pending again (and expired if its time has passed).</summary>
    private void SettleCharge(string orderId, PaymentReceipt? receipt)
    {
        if (Ledger.Order(orderId) is not { IsPending: true } order)
        {
            return;
        }
        if (receipt is not null)
        {
            Raise(new OrderPaid(orderId, receipt.PaymentId, receipt.ChargedAt));
            return;
        }
        if (order.Charging)
        {
            Raise(new PaymentFailed(orderId));
        }
        if (Now >= order.PayBy)
        {
            Raise(new OrdersExpired([orderId], Now));
        }
    }

    /// <summary>Charges left "started" by an earlier activation: the gateway says whether they went through.</summary>
    private async Task SettleStrandedChargesAsync(CancellationToken cancellationToken)
    {
        var stranded = Ledger.ChargingOrders.Where(id => !_charges.ContainsKey(id)).ToList();
        if (stranded.Count == 0)
        {
            return;
        }
        var lookups = await Task.WhenAll(stranded.Select(id => FindChargeAsync(id, cancellationToken)));
        foreach (var (orderId, found, receipt) in lookups)
        {
            // A payer who came in meanwhile runs a charge of its own, which settles the order.
            if (found && !_charges.ContainsKey(orderId))
            {
                SettleCharge(orderId, receipt);
            }
        }
    }

    private async Task<(string OrderId, bool Found, PaymentReceipt? Receipt)> FindChargeAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            return (orderId, true, await _payments.FindChargeAsync(orderId, cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Left as it is: the next clock tick or activation asks again, and expiry keeps away from it.
            FlashSaleLog.ChargeLookupFailed(_logger, exception, orderId);
            return (orderId, false, null);
        }
    }
}
