using System.Globalization;
using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// A flash sale's journaled state: the sale and its orders. Everything the hot path asks (units sold and
/// reserved, units per shopper, idempotency keys, deadlines) is an index kept up to date by <see cref="Apply"/>
/// and rebuilt once after loading, so each question costs O(1) however many orders the sale has.
/// <see cref="Apply"/> ignores what no longer fits (an order that is not pending any more), which makes every
/// event safe to apply twice.
/// </summary>
/// <remarks>
/// The journal's snapshot holds the sale alone, never its orders, so it stays a few hundred bytes however
/// many orders the sale takes: each order is a row of its own (<see cref="OrderRows"/>), written in the snapshot's
/// commit as it stood then (once per snapshot, however often it changed since the one before). Loading replays the
/// events after the snapshot, which hold every change since, then lays the rows under them (<see cref="Restore"/>).
/// The visible <see cref="Version"/> moves with every order event whether or not the order is in memory yet,
/// so a replay counts exactly as the first run did.
/// </remarks>
public sealed partial class FlashSaleLedger : IEventSourced<FlashSaleEvent>, IJsonOnDeserialized
{
    public string? Id { get; set; }

    public FlashSaleDraft? Sale { get; set; }

    /// <summary>Rises with every change a watcher can see (the snapshot's version); bookkeeping events leave it alone.</summary>
    public long Version { get; set; }

    public bool Started { get; set; }

    public bool Ended { get; set; }

    /// <summary>The grain index holding one row per order, keyed by the sale's id and the order's id.</summary>
    public const string OrderRows = "flash-sale-orders";

    /// <summary>The orders, by sequence: their ids are <c>fs.{saleId}.{sequence}</c>.</summary>
    private readonly OrderBook _orders = new();

    /// <summary><c>fs.{saleId}.</c>, which every order id of this sale starts with.</summary>
    private string? _orderIdPrefix;

    /// <summary>Snapshots written before orders had rows of their own carried them here: still read, never written.</summary>
    [JsonPropertyName("orders")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, FlashOrder>? SnapshotOrders
    {
        get => null;
        set => LegacyOrders = value is null ? [] : [.. value.Values];
    }

    /// <summary>Orders read from an old snapshot: their rows are written on activation.</summary>
    [JsonIgnore]
    public IReadOnlyList<FlashOrder> LegacyOrders { get; private set; } = [];

    /// <summary>The events applied since loading began, until <see cref="Restore"/> lays the rows under them.</summary>
    private List<FlashSaleEvent>? _replayed = [];

    public void Apply(FlashSaleEvent @event)
    {
        _replayed?.Add(@event);
        switch (@event)
        {
            case SaleCreated created:
                (Id, Sale) = (created.SaleId, created.Draft);
                Version++;
                break;
            case SaleStarted:
                Started = true;
                Version++;
                break;
            case SaleEnded:
                (Started, Ended) = (true, true);
                Version++;
                break;
            case OrderPlaced or OrderPaid or OrdersExpired:
                ChangeOrders(@event);
                Version++;
                break;
            default:
                ChangeOrders(@event);   // a payment's bookkeeping: nothing a watcher sees
                break;
        }
    }

    /// <summary>An event's part on the orders: what applying it again leaves as it is.</summary>
    private void ChangeOrders(FlashSaleEvent @event)
    {
        switch (@event)
        {
            case OrderPlaced placed:
                Place(placed);
                break;
            case PaymentStarted started when Find(started.OrderId) is { IsPending: true, Charging: false } order:
                Replace(order, order with { Charging = true });
                break;
            case PaymentFailed failed when Find(failed.OrderId) is { IsPending: true, Charging: true } order:
                Replace(order, order with { Charging = false, ClosedCharges = Math.Max(order.ClosedCharges, failed.ClosedCharges) });
                break;
            case OrderPaid paid when Find(paid.OrderId) is { IsPending: true } unpaid:
                Replace(unpaid, unpaid with { Status = OrderStatus.Paid, Charging = false });
                break;
            case OrdersExpired expired:
                Expire(expired.OrderIds);
                break;
        }
    }

    /// <summary>The orders an event changes: each gets its row rewritten with the next snapshot.</summary>
    public static IReadOnlyList<string> OrdersChangedBy(FlashSaleEvent @event) => @event switch
    {
        OrderPlaced placed => [placed.OrderId],
        PaymentStarted started => [started.OrderId],
        PaymentFailed failed => [failed.OrderId],
        OrderPaid paid => [paid.OrderId],
        OrdersExpired expired => expired.OrderIds,
        _ => [],
    };

    /// <summary>Orders from a snapshot of the older shape go in now; <see cref="Restore"/>, which ends every load, indexes them.</summary>
    public void OnDeserialized()
    {
        foreach (var order in LegacyOrders)
        {
            _orders.Set(order);
        }
    }

    /// <summary>
    /// Ends loading: lays the stored order rows under the events replayed since the snapshot, which they precede
    /// (rows written before were as new as the last event: applying an event twice leaves it as it is, so both
    /// kinds load alike), then rebuilds the indexes. Returns the orders those events changed: the next snapshot
    /// must write their rows, since it drops the events.
    /// </summary>
    public IReadOnlyList<FlashOrder> Restore(IEnumerable<FlashOrder> rows)
    {
        foreach (var row in rows)
        {
            _orders.Set(row);
        }
        var replayed = _replayed ?? [];
        _replayed = null;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var @event in replayed)
        {
            ChangeOrders(@event);
            changed.UnionWith(OrdersChangedBy(@event));
        }
        RebuildIndexes();
        return [.. changed.Select(FindOrder).OfType<FlashOrder>().OrderBy(o => o.Sequence)];
    }

    /// <summary>The order of that id, if this sale has it.</summary>
    public FlashOrder? FindOrder(string orderId) =>
        SequenceOf(orderId) is { } sequence ? _orders.Get(Id!, sequence) : null;

    /// <summary>The order of that sequence, if this sale has it.</summary>
    public FlashOrder? OrderAt(long sequence) => Id is null ? null : _orders.Get(Id, sequence);

    /// <summary>An order this sale has (an id its own events or rows named).</summary>
    public FlashOrder Order(string orderId) =>
        FindOrder(orderId) ?? throw new KeyNotFoundException($"Flash sale {Id} has no order {orderId}.");

    /// <summary>The sequence an order id of this sale names (digits after <c>fs.{saleId}.</c>, no leading zero), or null.</summary>
    private long? SequenceOf(string orderId)
    {
        if (Id is null)
        {
            return null;
        }
        var prefix = _orderIdPrefix ??= OrderIds.ForFlashSale(Id, 1)[..^1];
        var digits = orderId.AsSpan(Math.Min(prefix.Length, orderId.Length));
        return orderId.StartsWith(prefix, StringComparison.Ordinal) && digits is [not '0', ..]
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
    }

    private void RebuildIndexes()
    {
        ClearIndexes();
        foreach (var order in _orders.InSequence(Id ?? ""))
        {
            Index(order);
        }
    }

    private void Place(OrderPlaced placed)
    {
        var order = FlashOrder.PlacedBy(placed);
        if (!_orders.Contains(order.Sequence))
        {
            _orders.Set(order);
            Index(order);
        }
    }

    private void Expire(IReadOnlyList<string> orderIds)
    {
        foreach (var id in orderIds)
        {
            if (Find(id) is { IsPending: true } order)
            {
                Replace(order, order with { Status = OrderStatus.Cancelled, Charging = false });
            }
        }
    }

    private FlashOrder? Find(string orderId) => FindOrder(orderId);

    private void Replace(FlashOrder before, FlashOrder after)
    {
        Untrack(before);
        _orders.Set(after);
        Track(after);
        if (before.IsPending && !after.IsPending)
        {
            TrimDeadlines();
        }
    }
}
