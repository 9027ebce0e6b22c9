using GroupBuy.Grains.Interfaces.FlashSales;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// Durability and live snapshots. Every event goes through <see cref="Raise"/>, which remembers what the sale
/// looked like at that journal version; after each confirmation the durable view moves up to the confirmed
/// version. <see cref="Get"/> and the live topic show only durable views, so a version once shown is never
/// taken back, even when a write fails and the activation reloads.
/// </summary>
public sealed partial class FlashSaleGrain
{
    private readonly Queue<(long JournalVersion, SaleView View)> _views = new();
    /// <summary>The orders whose rows the next snapshot writes (until then the events hold them); set on activation.</summary>
    private OrderRowChanges _rowChanges = null!;
    private SaleView _durable;
    private long _publishedVersion;
    /// <summary>Why the ledger could not be written: this activation serves nothing more while it is being replaced.</summary>
    private Exception? _fault;

    private string? _topic;
    private Task? _batch;
    private Task _batchDurable = Task.CompletedTask;

    private string Topic => _topic ??= $"flash-sale:{SaleId}";

    private SaleView CurrentView => new(Ledger.Sold, Ledger.Reserved, Ledger.Version);

    /// <summary>Applies and journals the event; answers the order it changed as it now stands (the last, if it changed several).</summary>
    private FlashOrder? Raise(FlashSaleEvent @event)
    {
        ThrowIfFaulted();
        _ledger.Raise(@event);
        FlashOrder? changed = null;
        if (@event is OrderPlaced placed)
        {
            // A purchase's new order is as its event made it: the hot path skips reading it back from the book. Its
            // row needs no note: the next snapshot writes every order above the last one's.
            changed = FlashOrder.PlacedBy(placed);
        }
        else
        {
            foreach (var orderId in FlashSaleLedger.OrdersChangedBy(@event))
            {
                changed = Ledger.Order(orderId);
                _rowChanges.Changed(changed.Sequence, _ledger.Version);
            }
        }
        _views.Enqueue((_ledger.Version, CurrentView));
        return changed;
    }

    /// <summary>Makes every event raised so far durable (sharing the append with concurrent callers).</summary>
    private async Task ConfirmAsync()
    {
        ThrowIfFaulted();
        try
        {
            await _ledger.ConfirmAsync();
        }
        catch (Exception exception)
        {
            // The runtime drops this activation; until it is gone nothing more may be raised on a state
            // that holds events the journal does not.
            _fault = exception;
            throw;
        }
        while (_views.TryPeek(out var next) && next.JournalVersion <= _ledger.ConfirmedVersion)
        {
            _durable = _views.Dequeue().View;
        }
    }

    /// <summary>
    /// Durable once the journal's batch holding every event raised so far is: callers whose events share a batch
    /// share this task (the journal answers them with the same one), so the confirmation's turn (the durable view
    /// moving up, the live publish) runs once per batch instead of once per caller.
    /// </summary>
    private Task WhenBatchDurable()
    {
        var batch = _ledger.ConfirmAsync();
        if (!ReferenceEquals(batch, _batch))
        {
            _batch = batch;
            _batchDurable = ConfirmedThenPublishAsync();
        }
        return _batchDurable;
    }

    private async Task ConfirmedThenPublishAsync()
    {
        await ConfirmAsync();
        Publish();
    }

    private Task EnsureDurableAsync() =>
        _ledger.ConfirmedVersion < _ledger.Version ? ConfirmAsync() : Task.CompletedTask;

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            // The cause goes with it: a store that could not be reached makes this a "retry shortly", not a bug.
            throw new InvalidOperationException($"The ledger of flash sale {SaleId} could not be written; the activation is being replaced.", _fault);
        }
    }

    /// <summary>Publishes the durable view when it is newer than the last one published and someone listens.</summary>
    private void Publish()
    {
        if (_durable.Version <= _publishedVersion || !_topics.HasSubscribers(Topic))
        {
            return;
        }
        _publishedVersion = _durable.Version;
        _topics.Publish(Topic, Snapshot(_durable, Now));
    }

    private FlashSaleSnapshot Snapshot(SaleView view, DateTimeOffset now)
    {
        var sale = Ledger.Sale!;
        var remaining = Math.Max(0, sale.Quantity - view.Sold - view.Reserved);
        var status = now < sale.StartsAt ? FlashSaleStatus.Scheduled
            : now >= sale.EndsAt ? FlashSaleStatus.Ended
            : remaining == 0 ? FlashSaleStatus.SoldOut
            : FlashSaleStatus.Live;
        return new FlashSaleSnapshot(SaleId, sale.Sku, sale.Price, sale.Quantity, remaining, view.Sold, view.Reserved, status,
            sale.StartsAt, sale.EndsAt, sale.PerUserLimit, sale.MerchantId, view.Version, now, sale.CommissionRate);
    }

    /// <summary>What a snapshot shows of the ledger at one version.</summary>
    private readonly record struct SaleView(int Sold, int Reserved, long Version);
}
