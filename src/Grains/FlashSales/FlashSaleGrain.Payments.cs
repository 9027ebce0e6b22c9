using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// Paying an order: a durable "payment started" marker first (expiry leaves such an order alone), then the
/// charge, keyed by the order's payment id so the gateway never takes it twice, then "paid". A charge whose outcome
/// is unknown (cut off by a crash, or a call that failed: the gateway may have taken the money all the same) stays
/// "started" until the gateway settles it, asked on the next clock tick, activation or payment. Settling closes a
/// payment id the gateway has no charge for, in the same step, so a charge of it still on its way (from an
/// activation that was replaced, or a process that crashed) is refused, never taken for an order cancelled since.
/// Only then does the charge count as failed, and may expiry cancel the order; a payment after that goes under
/// the order's next payment id.
/// </summary>
public sealed partial class FlashSaleGrain
{
    /// <summary>
    /// Charges and charge look-ups running in this activation, by order id: one at a time per order, so concurrent
    /// payers share one charge, and a payer never charges alongside a look-up whose answer would be stale.
    /// </summary>
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
            Expire([orderId], Now);
            await ConfirmAsync();
            Publish();
        }
        else if (order.IsPending && !await PayOnceAsync(order) && Ledger.Order(orderId).IsPending)
        {
            return Result<OrderSnapshot>.Fail(ErrorCodes.PaymentUnavailable, $"The payment of order {orderId} could not be completed; the order is still payable, retry shortly (it is never charged twice).");
        }
        await EnsureDurableAsync();
        order = Ledger.Order(orderId);
        return order.Status is OrderStatus.Cancelled or OrderStatus.Refunded
            ? Result<OrderSnapshot>.Fail(ErrorCodes.OrderClosed, $"Order {orderId} was cancelled: its pay-by time passed.")
            : Result<OrderSnapshot>.Ok(SnapshotOf(order));
    }

    /// <summary>True once the order is paid; false when the gateway failed or had no charge (the order may have expired then).</summary>
    private Task<bool> PayOnceAsync(FlashOrder order) => OnceAsync(order.Id, () => order.Charging && Now >= order.PayBy
        // Too late to charge: only money the gateway already took can make the order paid.
        ? SettleUnknownChargeAsync(order.Id, CancellationToken.None)
        : ChargeAsync(order));

    /// <summary>Runs <paramref name="start"/> for the order, unless a charge or look-up of it is running already: that one is joined.</summary>
    private async Task<bool> OnceAsync(string orderId, Func<Task<bool>> start)
    {
        if (!_charges.TryGetValue(orderId, out var running))
        {
            running = start();
            _charges[orderId] = running;
        }
        try
        {
            return await running;
        }
        finally
        {
            if (_charges.TryGetValue(orderId, out var current) && current == running)
            {
                _charges.Remove(orderId);
            }
        }
    }

    /// <summary>Charges again if a charge was started before: the gateway takes a payment id once and answers with the same receipt.</summary>
    private async Task<bool> ChargeAsync(FlashOrder order)
    {
        var paymentId = order.PaymentId;
        if (!order.Charging)
        {
            Raise(new PaymentStarted(order.Id));
        }
        await ConfirmAsync();
        PaymentReceipt receipt;
        try
        {
            receipt = await _payments.ChargeAsync(paymentId, order.ShopperId, order.Amount, CancellationToken.None);
        }
        catch (PaymentIdClosedException)
        {
            // Settled as never charged while this charge was on its way (by an activation that replaced this one,
            // whose answer is the stored truth): certainly not charged. Recorded as the settlement would, so a
            // ledger that is still current moves on to the next payment id; a stale one fails its write.
            FlashSaleLog.ChargeRefusedAsClosed(_logger, order.Id, paymentId);
            SettleCharge(order.Id, paymentId, null);
            await ConfirmAsync();
            Publish();
            _ = SettleStockAsync();
            return false;
        }
        catch (Exception exception)
        {
            // No answer is not "not charged" (a timeout may come after the money was taken): the order stays in
            // payment, out of expiry's reach, and the clock asks the gateway shortly.
            FlashSaleLog.ChargeFailed(_logger, exception, order.Id);
            await ArmClock();
            return false;
        }
        SettleCharge(order.Id, paymentId, receipt);
        await ConfirmAsync();
        Publish();
        _ = SettleStockAsync();
        return true;
    }

    /// <summary>
    /// Records what the gateway says of a started charge under <paramref name="paymentId"/>: paid; or, with the id
    /// closed as never charged, pending again under the next payment id (and expired if its time has passed).
    /// </summary>
    private void SettleCharge(string orderId, string paymentId, PaymentReceipt? receipt)
    {
        if (Ledger.Order(orderId) is not { IsPending: true } order)
        {
            return;
        }
        if (receipt is not null)
        {
            Raise(new OrderPaid(orderId, receipt.PaymentId, receipt.ChargedAt));
            _metrics.OrdersMoved(OrderKind.FlashSale, OrderStatus.Paid);
            return;
        }
        if (order.PaymentId != paymentId)
        {
            return;   // that id was settled before: the order has moved on already
        }
        if (order.Charging)
        {
            Raise(new PaymentFailed(orderId, order.ClosedCharges + 1));
        }
        if (Now >= order.PayBy)
        {
            Expire([orderId], Now);
        }
    }

    /// <summary>Started charges this activation is not running (cut off by a crash, or failed with no answer): the gateway settles them.</summary>
    private async Task SettleStrandedChargesAsync(CancellationToken cancellationToken)
    {
        // A charge running here settles its order itself, however long the gateway holds it: the tick does not wait on it.
        var stranded = Ledger.ChargingOrders.Where(id => !_charges.ContainsKey(id)).ToList();
        await Task.WhenAll(stranded.Select(id => OnceAsync(id, () => SettleUnknownChargeAsync(id, cancellationToken))));
    }

    /// <summary>
    /// Has the gateway settle a started charge: found, the order is paid; not found, the gateway has closed its
    /// payment id (a charge of it still on its way is refused) and the payment failed. If the gateway cannot say,
    /// the order stays in payment and the next tick, activation or payment asks again.
    /// </summary>
    private async Task<bool> SettleUnknownChargeAsync(string orderId, CancellationToken cancellationToken)
    {
        var paymentId = Ledger.Order(orderId).PaymentId;
        PaymentReceipt? receipt;
        try
        {
            receipt = await _payments.SettleChargeAsync(paymentId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            FlashSaleLog.ChargeLookupFailed(_logger, exception, orderId);
            return false;
        }
        SettleCharge(orderId, paymentId, receipt);
        await ConfirmAsync();
        Publish();
        _ = SettleStockAsync();
        return receipt is not null;
    }
}
