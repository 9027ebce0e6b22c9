using System.Runtime.InteropServices;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// The outbox to shoppers' order lists. The ledger keeps every order not yet delivered (that is the outbox:
/// <see cref="FlashSaleLedger.Undelivered"/>). A purchase is acknowledged once its order is durable in the
/// ledger; it then hands the order to this outbox, which delivers in rounds: one round at a time, taking
/// every order queued while the previous round was out, one <see cref="IShopperGrain.AddOrders"/> per
/// shopper (and one <see cref="ICommissionGrain.AddOrders"/> per leader for referred orders). A round is recorded with ONE <see cref="OrdersDelivered"/>, confirmed with whatever the journal
/// writes next: after a crash an order is simply delivered again on activation, which <c>AddOrders</c>
/// ignores. The HTTP API adds a new order to the list itself before answering, so a shopper always sees an
/// order they were told about.
/// </summary>
public sealed partial class FlashSaleGrain
{
    /// <summary>Orders queued for the next round beyond which purchases wait for that round before answering.</summary>
    private const int MaxOutboxBacklog = 4096;

    private List<(string ShopperId, OrderRef Order)> _outboxQueue = [];
    private TaskCompletionSource? _outboxRoundDone;
    private bool _outboxPumping;

    /// <summary>Queues durable orders for the next round; the returned task completes when that round has ended (delivered or logged).</summary>
    private Task DeliverAsync(string shopperId, OrderRef order)
    {
        Queue(shopperId, order);
        return (_outboxRoundDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    /// <summary>Queues a durable order for the next round, for nobody to wait on.</summary>
    private void Queue(string shopperId, OrderRef order)
    {
        _outboxQueue.Add((shopperId, order));
        if (!_outboxPumping)
        {
            _outboxPumping = true;
            _ = PumpOutboxAsync();
        }
    }

    private async Task PumpOutboxAsync()
    {
        try
        {
            // The purchases confirmed by the same journal write resume one after another: let them all queue first.
            await Task.Yield();
            while (_outboxQueue.Count > 0)
            {
                var round = TakeRound();
                var done = _outboxRoundDone;
                _outboxRoundDone = null;
                // Sent from a pool thread: a shopper grain that is idle or not yet active runs inline on the
                // caller's thread, and that must not be the sale's, which has purchases to decide.
                var delivered = round.Count == 0 ? [] : await Task.Run(() => SendRoundAsync(round));
                RecordDelivered(delivered);
                done?.TrySetResult();
            }
        }
        finally
        {
            _outboxPumping = false;
            _outboxRoundDone?.TrySetResult();
            _outboxRoundDone = null;
        }
    }

    /// <summary>
    /// Takes what is queued, per shopper, leaving out orders already delivered (or queued twice), with the leaders
    /// of the referred ones: read here, on the sale's turn, since the round is sent from a pool thread.
    /// </summary>
    private List<Part> TakeRound()
    {
        var queued = _outboxQueue;
        _outboxQueue = new(queued.Count);
        var byShopper = new Dictionary<string, List<OrderRef>>(queued.Count, StringComparer.Ordinal);
        foreach (var (shopperId, order) in queued)
        {
            if (Ledger.FindOrder(order.OrderId) is { Indexed: false })
            {
                ref var orders = ref CollectionsMarshal.GetValueRefOrAddDefault(byShopper, shopperId, out _);
                (orders ??= new(1)).Add(order);
            }
        }
        List<Part> round = new(byShopper.Count);
        foreach (var (shopperId, orders) in byShopper)
        {
            OrderRef[] distinct = [.. orders.DistinctBy(o => o.OrderId)];
            List<(string LeaderId, OrderRef Order)>? referred = null;
            foreach (var order in distinct)
            {
                if (Ledger.FindOrder(order.OrderId)?.Referral is { } referral)
                {
                    (referred ??= []).Add((referral.LeaderId, order));
                }
            }
            round.Add(new Part(shopperId, distinct, referred));
        }
        return round;
    }

    /// <summary>Delivers a round, each shopper's part on its own; answers the orders delivered. A failure is logged and its orders stay in the outbox.</summary>
    private async Task<List<string>> SendRoundAsync(List<Part> round)
    {
        var sends = new Task[round.Count];
        for (var i = 0; i < round.Count; i++)
        {
            sends[i] = SendAsync(round[i]);
        }
        List<string> delivered = [];
        for (var i = 0; i < round.Count; i++)
        {
            try
            {
                await sends[i];
                delivered.AddRange(round[i].Orders.Select(o => o.OrderId));
            }
            catch (Exception exception)
            {
                FlashSaleLog.DeliveryFailed(_logger, exception, SaleId, round[i].ShopperId, round[i].Orders.Length);
            }
        }
        return delivered;
    }

    /// <summary>The shopper's list, then the referring leaders' commission lists; both idempotent, so a retry repeats both harmlessly.</summary>
    private async Task SendAsync(Part part)
    {
        _outboxFaults?.BeforeDelivery(part.ShopperId, part.Orders);
        await GrainFactory.GetGrain<IShopperGrain>(part.ShopperId).AddOrders(part.Orders);
        if (part.Referred is { } referred)
        {
            await Task.WhenAll(referred.GroupBy(r => r.LeaderId, StringComparer.Ordinal).Select(leader =>
                GrainFactory.GetGrain<ICommissionGrain>(leader.Key).AddOrders([.. leader.Select(r => r.Order)])));
        }
    }

    private void RecordDelivered(List<string> delivered)
    {
        if (delivered.Count == 0 || _faulted)
        {
            return;   // a faulted activation is being replaced: its successor delivers these again, harmlessly
        }
        Raise(new OrdersDelivered(delivered));
    }

    /// <summary>On activation: everything the ledger still has in its outbox is durable, so it goes out now.</summary>
    private Task RedeliverOutboxAsync() => QueueUndelivered() ? WhenRoundDoneAsync() : Task.CompletedTask;

    /// <summary>Deliveries that failed: the clock tick queues what is still in the outbox when no round is out.</summary>
    private void RetryStalledDeliveries()
    {
        if (!_outboxPumping)
        {
            QueueUndelivered();
        }
    }

    private bool QueueUndelivered()
    {
        var any = false;
        foreach (var (shopperId, orders) in Ledger.Undelivered().ToList())
        {
            foreach (var order in orders.ToList())
            {
                Queue(shopperId, RefOf(order));
                any = true;
            }
        }
        return any;
    }

    private bool OutboxBacklogFull => _outboxQueue.Count > MaxOutboxBacklog;

    private Task WhenRoundDoneAsync() =>
        (_outboxRoundDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>One shopper's part of a round, with the leaders its referred orders go to.</summary>
    private sealed record Part(string ShopperId, OrderRef[] Orders, List<(string LeaderId, OrderRef Order)>? Referred);
}
