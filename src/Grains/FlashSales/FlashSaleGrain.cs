using GroupBuy.Grains.Common;
using GroupBuy.Grains.Diagnostics;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// One flash sale. Reentrant for throughput: every command does its checks and raises its event in one
/// synchronous stretch of a turn (no await between check and act), then awaits the journal, which coalesces
/// the confirmations of concurrent commands into one durable append. A caller is answered only once its
/// event is durable. An order is listed for its shopper (and its referring leader) by grain index rows written
/// in the same commit as the order. The parts: commands here; payments, the clock (expiry, start and end),
/// stock settlement and live snapshots in the other files of this class.
/// </summary>
[Reentrant]
public sealed partial class FlashSaleGrain(
    [PersistentState("ledger")] IJournaledState<FlashSaleLedger, FlashSaleEvent> ledger,
    IGrainIndex index,
    IPaymentGateway payments,
    ILiveTopics topics,
    IOptions<OrderOptions> orderOptions,
    TimeProvider clock,
    CommerceMetrics metrics,
    ILogger<FlashSaleGrain> logger) : Grain, IFlashSaleGrain, IRemindable
{
    private readonly IJournaledState<FlashSaleLedger, FlashSaleEvent> _ledger = ledger;
    private readonly IGrainIndex _index = index;
    private readonly IPaymentGateway _payments = payments;
    private readonly ILiveTopics _topics = topics;
    private readonly TimeSpan _paymentWindow = orderOptions.Value.PaymentWindow;
    private readonly TimeProvider _clock = clock;
    private readonly CommerceMetrics _metrics = metrics;
    private readonly ILogger _logger = logger;
    private bool _creating;

    private FlashSaleLedger Ledger => _ledger.State;

    private string SaleId => GetPrimaryKeyString();

    /// <summary>The sale's units inside the product's stock.</summary>
    private string ReservationId => $"flash-sale:{SaleId}";

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <remarks>
    /// Two steps, product first: <c>Reserve</c> takes the units, then <see cref="SaleCreated"/> records the sale.
    /// A crash between them leaves a reservation and no sale; creating the sale again reserves under the same
    /// id, which the product answers without taking more units, so the retry is harmless. No crash can leave a
    /// sale whose units were not taken.
    /// </remarks>
    public async Task<Result<FlashSaleSnapshot>> Create(FlashSaleDraft draft)
    {
        ThrowIfFaulted();
        if (FlashSaleRules.Check(SaleId, draft) is { } problem)
        {
            return Result<FlashSaleSnapshot>.Fail(ErrorCodes.Validation, problem);
        }
        if (Ledger.Sale == draft && _durable.Version > 0)
        {
            // The same sale again (a retry under the same idempotency key after a crash): it already exists.
            return Result<FlashSaleSnapshot>.Ok(Snapshot(_durable, Now));
        }
        if (Ledger.Sale is not null || _creating)
        {
            return Result<FlashSaleSnapshot>.Fail(ErrorCodes.Conflict, $"Flash sale {SaleId} already exists.");
        }
        _creating = true;
        try
        {
            var reserved = await GrainFactory.GetGrain<IProductGrain>(draft.Sku).Reserve(ReservationId, draft.Quantity);
            if (!reserved.IsSuccess)
            {
                return Result<FlashSaleSnapshot>.Fail(reserved.Error!);
            }
            var now = Now;
            Raise(new SaleCreated(SaleId, draft, now));
            if (now >= draft.StartsAt && now < draft.EndsAt)
            {
                Raise(new SaleStarted(now));
            }
            var arming = ArmClock();
            await ConfirmAsync();
            await arming;
            Publish();
            return Result<FlashSaleSnapshot>.Ok(Snapshot(_durable, Now));
        }
        finally
        {
            _creating = false;
        }
    }

    public Task<FlashSaleSnapshot?> Get() =>
        Task.FromResult(_durable.Version == 0 ? null : Snapshot(_durable, Now));

    public Task<Result<OrderSnapshot>> Purchase(Shopper shopper, int quantity, string? idempotencyKey, Referral? referral = null)
    {
        ThrowIfFaulted();
        var sale = Ledger.Sale;
        if (sale is null)
        {
            return Refused(new(ErrorCodes.NotFound, $"Flash sale {SaleId} does not exist."));
        }
        if (quantity < 1 || string.IsNullOrEmpty(shopper.Id))
        {
            return Refused(new(ErrorCodes.Validation, "A purchase is of at least one unit, by a signed-in shopper."));
        }
        if (!string.IsNullOrEmpty(idempotencyKey) && Ledger.FindByKey(shopper.Id, idempotencyKey) is { } existing)
        {
            return Placed(EnsureDurableAsync(), Task.CompletedTask, existing);
        }
        var now = Now;
        if (FlashSaleRules.RefusePurchase(Ledger, sale, shopper.Id, quantity, now) is { } refusal)
        {
            if (refusal.Code is not (ErrorCodes.SoldOut or ErrorCodes.LimitExceeded) || !ExpireOverdueOrders(now))
            {
                return Refused(refusal);
            }
            // Units (or the shopper's own overdue order) came back at their pay-by time, before the clock's tick took them.
            if (FlashSaleRules.RefusePurchase(Ledger, sale, shopper.Id, quantity, now) is { } stillRefused)
            {
                return RefusedOnceDurable(stillRefused);
            }
        }
        var sequence = Ledger.LastSequence + 1;
        var orderId = OrderIds.ForFlashSale(SaleId, sequence);
        var payBy = now + _paymentWindow;
        var orderReferral = ReferralOf(referral, sale, sale.Price * quantity);
        var order = Raise(new OrderPlaced(orderId, sequence, shopper.Id, quantity, sale.Price * quantity, now, payBy,
            string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey, orderReferral))!;
        ListOrder(order);
        _metrics.OrdersMoved(OrderKind.FlashSale, OrderStatus.PendingPayment);
        var arming = ArmClock(payBy);
        return Placed(WhenBatchDurable(), arming, order);
    }

    /// <summary>
    /// The answer to a purchase: the order as it stands now, given once its batch is durable and the clock is armed
    /// for its pay-by time. Only that wait runs after this turn, and off it: the grain's part of the confirmation
    /// runs once per batch (<see cref="WhenBatchDurable"/>), so a hot sale spends one turn per purchase, not two.
    /// </summary>
    private Task<Result<OrderSnapshot>> Placed(Task durable, Task arming, FlashOrder order)
    {
        var placed = SnapshotOf(order);
        return durable.IsCompletedSuccessfully && arming.IsCompletedSuccessfully
            ? Task.FromResult(Result<OrderSnapshot>.Ok(placed))
            : AnswerWhenDone(durable, arming, placed);

        static async Task<Result<OrderSnapshot>> AnswerWhenDone(Task durable, Task arming, OrderSnapshot placed)
        {
            await durable.ConfigureAwait(false);
            await arming.ConfigureAwait(false);
            return Result<OrderSnapshot>.Ok(placed);
        }
    }

    private Task<Result<OrderSnapshot>> Refused(DomainError error)
    {
        _metrics.Refused(OrderKind.FlashSale, error.Code);
        return Task.FromResult(Result<OrderSnapshot>.Fail(error));
    }

    /// <summary>A refusal that follows an expiry this turn raised: answered once the expiry is durable and published.</summary>
    private async Task<Result<OrderSnapshot>> RefusedOnceDurable(DomainError error)
    {
        await WhenBatchDurable();
        return await Refused(error);
    }

    /// <summary>Answered once the order is durable.</summary>
    public async Task<OrderSnapshot?> GetOrder(string orderId)
    {
        if (Ledger.FindOrder(orderId) is null)
        {
            return null;
        }
        await EnsureDurableAsync();
        return SnapshotOf(Ledger.Order(orderId));
    }

    /// <summary>Lists the order for its shopper (and its referring leader), in the commit that stores it.</summary>
    private void ListOrder(FlashOrder order) =>
        OrderIndexes.List(_ledger, order.ShopperId, order.Referral, new OrderRef(order.Id, OrderKind.FlashSale, SaleId, order.CreatedAt));

    private OrderSnapshot SnapshotOf(FlashOrder order) =>
        new(order.Id, OrderKind.FlashSale, SaleId, Ledger.Sale!.Sku, order.Quantity, order.Amount, order.Status, order.PayBy, order.CreatedAt, order.ShopperId, order.Referral);

    private static OrderReferral? ReferralOf(Referral? referral, FlashSaleDraft sale, long amount) =>
        referral is null ? null : new(referral.GroupId, referral.LeaderId, sale.CommissionRate, CommissionRates.Commission(amount, sale.CommissionRate));
}
