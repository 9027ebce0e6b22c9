using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// Payments. Paying is idempotent: a paid or confirmed order is returned as it is, and the gateway is keyed
/// by order id, so a payment repeated after a crash charges once. A closed order is never charged: the clock
/// closes a seat only after the gateway has settled its charge, which closes the order id at the gateway when it
/// has no charge, so a charge still on its way from an activation that was replaced is refused, not taken. The
/// last seat paid makes the team succeed: every order is confirmed and the campaign counts the units sold.
/// </summary>
public sealed partial class TeamGrain
{
    public async Task<Result<OrderSnapshot>> Pay(string orderId, string shopperId)
    {
        if (!State.Orders.TryGetValue(orderId, out var order) || order.ShopperId != shopperId)
        {
            return Result<OrderSnapshot>.Fail(ErrorCodes.NotFound, $"Order {orderId} does not exist.");
        }
        // What the clock has closed by now (a pay-by time, the deadline) closes before the payment is considered.
        await ApplyClockAsync();
        order = State.Orders[orderId];
        switch (order.Status)
        {
            case OrderStatus.Paid or OrderStatus.Confirmed:
                return Result<OrderSnapshot>.Ok(order);
            case OrderStatus.Cancelled or OrderStatus.Refunded:
                return Result<OrderSnapshot>.Fail(ErrorCodes.OrderClosed, $"Order {orderId} is {order.Status}; nothing was charged.");
        }
        try
        {
            await _gateway.ChargeAsync(orderId, shopperId, order.Amount, CancellationToken.None);
        }
        catch (PaymentIdClosedException)
        {
            // The gateway settled the seat as never charged while this charge was on its way: another activation
            // (this one's state is stale, so it steps aside for the stored truth) closed it at its pay-by time.
            _logger.ChargeRefusedAsClosed(orderId);
            DeactivateOnIdle();
            return Result<OrderSnapshot>.Fail(ErrorCodes.OrderClosed, $"Order {orderId} was closed while its payment was under way; nothing was charged.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nothing was recorded: the seat stays pending and payable until its pay-by time.
            _logger.ChargeFailed(exception, orderId);
            return Result<OrderSnapshot>.Fail(ErrorCodes.PaymentUnavailable, $"The payment of order {orderId} could not be taken; the order is still payable, retry shortly.");
        }
        State.Orders[orderId] = order with { Status = OrderStatus.Paid };
        _metrics.OrdersMoved(OrderKind.GroupBuy, OrderStatus.Paid);
        SucceedIfComplete();
        await CommitAsync();
        return Result<OrderSnapshot>.Ok(State.Orders[orderId]);
    }

    /// <summary>Every seat taken and paid: the team has formed.</summary>
    private void SucceedIfComplete()
    {
        if (State.Status != TeamStatus.Forming
            || State.Seats.Count < Terms.Size
            || !State.Seats.TrueForAll(s => State.Orders[s.OrderId].Status == OrderStatus.Paid))
        {
            return;
        }
        State.Status = TeamStatus.Succeeded;
        foreach (var seat in State.Seats)
        {
            State.Orders[seat.OrderId] = State.Orders[seat.OrderId] with { Status = OrderStatus.Confirmed };
        }
        _metrics.OrdersMoved(OrderKind.GroupBuy, OrderStatus.Confirmed, State.Seats.Count);
        _metrics.TeamClosed(TeamStatus.Succeeded);
        _logger.TeamSucceeded(Id);
    }

    /// <summary>
    /// Settles the charges of the seats' pending orders, which the clock is about to close: those the gateway shows
    /// charged (a crash between charge and write) are returned; the others' order ids are closed at the gateway,
    /// so a charge still on its way (from an activation replaced, or a process that crashed) is refused rather than
    /// taken for an order about to be cancelled. Every settlement is made before the clock changes anything, so one
    /// that throws leaves the team as stored and the retry (the next reminder, Pay or Join) applies the whole
    /// change; settling an id again answers the same.
    /// </summary>
    private async Task<HashSet<string>> SettleChargesAsync(List<TeamSeat> seats)
    {
        var charged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seat in seats)
        {
            if (State.Orders[seat.OrderId].IsOpen && await _gateway.SettleChargeAsync(seat.OrderId, CancellationToken.None) is not null)
            {
                charged.Add(seat.OrderId);
            }
        }
        return charged;
    }

    /// <summary>An unpaid seat at its pay-by time: released, unless the gateway shows a charge a crash kept from being recorded.</summary>
    private void CloseUnpaidSeat(TeamSeat seat, bool charged)
    {
        var order = State.Orders[seat.OrderId];
        if (charged)
        {
            State.Orders[seat.OrderId] = order with { Status = OrderStatus.Paid };
            _metrics.OrdersMoved(OrderKind.GroupBuy, OrderStatus.Paid);
            return;
        }
        State.Orders[seat.OrderId] = order with { Status = OrderStatus.Cancelled };
        _metrics.OrdersMoved(OrderKind.GroupBuy, OrderStatus.Cancelled);
        State.Seats.Remove(seat);
        State.Outbox.Releases.Add(new SeatRequest(Id, seat.ShopperId, seat.OrderId));
        _logger.SeatReleased(Id, seat.OrderId);
    }

    /// <summary>The deadline passed first: paid (or found charged) orders are refunded, pending ones cancelled, every unit goes back.</summary>
    private void Fail(HashSet<string> charged)
    {
        foreach (var seat in State.Seats)
        {
            var order = State.Orders[seat.OrderId];
            var refund = order.Status == OrderStatus.Paid || charged.Contains(seat.OrderId);
            State.Orders[seat.OrderId] = order with { Status = refund ? OrderStatus.Refunded : OrderStatus.Cancelled };
            _metrics.OrdersMoved(OrderKind.GroupBuy, refund ? OrderStatus.Refunded : OrderStatus.Cancelled);
            if (refund)
            {
                State.Outbox.Refunds.Add(seat.OrderId);
            }
            State.Outbox.Releases.Add(new SeatRequest(Id, seat.ShopperId, seat.OrderId));
        }
        State.Status = TeamStatus.Failed;
        _metrics.TeamClosed(TeamStatus.Failed);
        _logger.TeamFailed(Id, State.Seats.Count, Terms.Size);
    }
}
