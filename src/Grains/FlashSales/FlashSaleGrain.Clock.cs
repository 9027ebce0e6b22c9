using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// The sale's clock: ONE durable one-shot reminder, armed at the next instant that needs the grain — the start
/// (to publish <c>live</c>), the end (to publish <c>ended</c>), or the earliest pay-by of a pending order — and
/// never less than a second ahead, so a busy sale writes its reminder at most once a second rather than once
/// per order. Each tick expires what is due, records the start or end, settles stock, publishes and re-arms.
/// Activation runs the same tick, so a silo that was down over a deadline catches up before serving a call.
/// </summary>
public sealed partial class FlashSaleGrain
{
    private const string ClockReminder = "clock";
    private static readonly TimeSpan MinimumTickGap = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    private Task _arming = Task.CompletedTask;
    private DateTimeOffset? _armedFor;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rowChanges = new OrderRowChanges(SaleId, Ledger);
        _ledger.TakeSnapshotRowsFrom(_rowChanges);
        await LoadOrderRowsAsync(cancellationToken);
        _durable = CurrentView;
        _publishedVersion = _durable.Version;
        if (Ledger.Sale is null)
        {
            return;
        }
        _armedFor = GetReminder(ClockReminder)?.DueAt;
        await TickAsync(cancellationToken);
    }

    /// <summary>
    /// The orders live in rows of their own, written with the ledger's snapshots: laid under the replayed journal
    /// before the first call is served. The orders the replay changed get their rows again with the next snapshot.
    /// </summary>
    private async Task LoadOrderRowsAsync(CancellationToken cancellationToken)
    {
        // Never created: no rows, since they are only ever written with the sale's events.
        var rows = Ledger.Sale is null ? [] : await _index.ReadIndexAsync(FlashSaleLedger.OrderRows, SaleId, cancellationToken);
        var legacy = Ledger.LegacyOrders;
        var replayed = Ledger.Restore(rows.Select(FlashOrderRows.Decode));
        _rowChanges.StoredThroughNow();
        foreach (var order in replayed)
        {
            _rowChanges.Changed(order.Sequence, _ledger.Version);
        }
        if (legacy.Count > 0)
        {
            // Read from a snapshot of the older shape: their rows go with the next snapshot (which leaves them out), their list entries now.
            foreach (var order in legacy)
            {
                _rowChanges.Changed(order.Sequence, _ledger.Version);
                ListOrder(order);
            }
            await _ledger.ConfirmAsync(cancellationToken);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ClockReminder && Ledger.Sale is not null)
        {
            await TickAsync(CancellationToken.None);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        ThrowIfFaulted();
        await SettleStrandedChargesAsync(cancellationToken);
        var now = Now;
        var sale = Ledger.Sale!;
        if (!Ledger.Started && now >= sale.StartsAt && now < sale.EndsAt)
        {
            Raise(new SaleStarted(now));
        }
        if (!Ledger.Ended && now >= sale.EndsAt)
        {
            Raise(new SaleEnded(now));
        }
        ExpireOverdueOrders(now);
        await ConfirmAsync();
        await SettleStockAsync();
        // The next instant is chosen before anyone hears of this tick, so it is never computed from a later clock.
        var arming = ArmClock();
        Publish();
        await arming;
    }

    /// <summary>
    /// Cancels the pending orders whose pay-by time has come, returning their units; true when there were any. The
    /// clock's tick does this up to a reminder period late, so a purchase about to be refused does it first.
    /// </summary>
    private bool ExpireOverdueOrders(DateTimeOffset now)
    {
        if (!Ledger.MayHaveOrdersDue(now) || Ledger.DueForExpiry(now) is not { Count: > 0 } due)
        {
            return false;
        }
        Expire(due, now);
        return true;
    }

    /// <summary>Cancels pending orders whose pay-by time has come; their units go back to the sale.</summary>
    private void Expire(List<string> orderIds, DateTimeOffset at)
    {
        Raise(new OrdersExpired(orderIds, at));
        _metrics.OrdersMoved(OrderKind.FlashSale, OrderStatus.Cancelled, orderIds.Count);
    }

    /// <summary>Arms the clock for a new order's pay-by time (earlier deadlines are armed already).</summary>
    private Task ArmClock(DateTimeOffset payBy) => ArmAt(Min(NextPhase(), payBy) ?? payBy);

    /// <summary>Arms the clock for whatever comes next; after the end with nothing pending, it stays unarmed.</summary>
    private Task ArmClock()
    {
        var next = Min(NextPhase(), Ledger.NextDeadline());
        if (Ledger.ChargingOrders.Count > 0 || StockTotals() != _settled)
        {
            // A charge or a settlement still to be confirmed: look again later.
            next = Min(next, Now + RetryDelay);
        }
        return next is { } at ? ArmAt(at) : _arming;
    }

    private DateTimeOffset? NextPhase() =>
        !Ledger.Started && !Ledger.Ended ? Ledger.Sale!.StartsAt : !Ledger.Ended ? Ledger.Sale!.EndsAt : null;

    /// <summary>
    /// Registers the reminder unless one is already armed in the future at or before <paramref name="next"/>.
    /// Registrations run one after another, so the stored due time is always the last one decided.
    /// </summary>
    private Task ArmAt(DateTimeOffset next)
    {
        var now = Now;
        var due = next < now + MinimumTickGap ? now + MinimumTickGap : next;
        if (_armedFor is { } armed && armed > now && armed <= due)
        {
            return _arming;
        }
        _armedFor = due;
        return _arming = RegisterAfterAsync(_arming, due);
    }

    private async Task RegisterAfterAsync(Task previous, DateTimeOffset due)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        try
        {
            await RegisterOrUpdateReminder(ClockReminder, due);
        }
        catch (Exception)
        {
            if (_armedFor == due)
            {
                _armedFor = null;   // not armed after all: the next command or tick tries again
            }
            throw;
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
