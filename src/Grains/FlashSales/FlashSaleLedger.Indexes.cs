using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>The ledger's indexes: derived from its orders, never stored.</summary>
public sealed partial class FlashSaleLedger
{
    /// <summary>Units held, by the shopper's number in the order book (one look-up of the shopper serves the book and this).</summary>
    private readonly List<int> _held = [];
    private readonly Dictionary<(string ShopperId, string Key), long> _byKey = [];
    private readonly HashSet<string> _charging = new(StringComparer.Ordinal);

    /// <summary>Pending orders in placement order, which is pay-by order (one payment window for all); the head is always pending.</summary>
    private readonly Queue<long> _deadlines = new();

    /// <summary>
    /// No order expiry may act on is due before this instant, as the last walk of <see cref="_deadlines"/> that found none
    /// saw it; an order that becomes one (a failed charge) lowers it. Orders still in payment stay at the head of the
    /// queue, so without this a sold-out sale whose gateway is down would walk all of them on every refused purchase.
    /// </summary>
    private DateTimeOffset _nothingDueBefore = DateTimeOffset.MinValue;

    /// <summary>Units in paid orders.</summary>
    [JsonIgnore]
    public int Sold { get; private set; }

    /// <summary>Units in pending orders.</summary>
    [JsonIgnore]
    public int Reserved { get; private set; }

    [JsonIgnore]
    public int Remaining => Sale is null ? 0 : Math.Max(0, Sale.Quantity - Sold - Reserved);

    /// <summary>The highest order sequence the sale holds: the order book knows it.</summary>
    [JsonIgnore]
    public long LastSequence => _orders.LastSequence;

    /// <summary>Orders whose charge was started and not settled.</summary>
    [JsonIgnore]
    public IReadOnlyCollection<string> ChargingOrders => _charging;

    /// <summary>Units the shopper holds in pending and paid orders (cancelled ones excluded).</summary>
    public int HeldBy(string shopperId) =>
        _orders.TryGetShopper(shopperId, out var shopper) && shopper < _held.Count ? _held[shopper] : 0;

    public FlashOrder? FindByKey(string shopperId, string idempotencyKey) =>
        _byKey.TryGetValue((shopperId, idempotencyKey), out var sequence) ? _orders.Get(Id!, sequence) : null;

    /// <summary>False when no order expiry may act on can be due by <paramref name="now"/>: callers ask before <see cref="DueForExpiry"/>.</summary>
    public bool MayHaveOrdersDue(DateTimeOffset now) => now >= _nothingDueBefore;

    /// <summary>
    /// Pending orders whose pay-by time is at or before <paramref name="now"/> and whose payment is not in flight; a walk
    /// that finds none moves the bound <see cref="MayHaveOrdersDue"/> reads.
    /// </summary>
    public List<string> DueForExpiry(DateTimeOffset now)
    {
        List<string> due = [];
        var nextDue = DateTimeOffset.MaxValue;
        foreach (var sequence in _deadlines)
        {
            var order = _orders.Get(Id!, sequence)!;
            if (order.PayBy > now)
            {
                nextDue = order.PayBy;
                break;
            }
            if (order.IsPending && !order.Charging)
            {
                due.Add(order.Id);
            }
        }
        if (due.Count == 0)
        {
            _nothingDueBefore = nextDue;
        }
        return due;
    }

    /// <summary>The earliest pay-by time that expiry will have to act on (payments in flight are settled otherwise).</summary>
    public DateTimeOffset? NextDeadline()
    {
        foreach (var sequence in _deadlines)
        {
            if (_orders.Get(Id!, sequence) is { IsPending: true, Charging: false } order)
            {
                return order.PayBy;
            }
        }
        return null;
    }

    private void ClearIndexes()
    {
        _held.Clear();
        _byKey.Clear();
        _charging.Clear();
        _deadlines.Clear();
        _nothingDueBefore = DateTimeOffset.MinValue;
        (Sold, Reserved) = (0, 0);
    }

    /// <summary>Takes a new (or just loaded) order into every index.</summary>
    private void Index(FlashOrder order)
    {
        if (order.IdempotencyKey is { } key)
        {
            _byKey[(order.ShopperId, key)] = order.Sequence;
        }
        if (order.IsPending)
        {
            _deadlines.Enqueue(order.Sequence);
        }
        Track(order);
    }

    private void Track(FlashOrder order) => Count(order, +1);

    private void Untrack(FlashOrder order) => Count(order, -1);

    private void Count(FlashOrder order, int sign)
    {
        var units = sign * order.Quantity;
        Reserved += order.IsPending ? units : 0;
        Sold += order.IsSold ? units : 0;
        if (order.Holds)
        {
            var shopper = _orders.ShopperNumber(order.ShopperId);
            while (_held.Count <= shopper)
            {
                _held.Add(0);
            }
            _held[shopper] += units;
        }
        if (order.Charging)
        {
            _ = sign > 0 ? _charging.Add(order.Id) : _charging.Remove(order.Id);
        }
        else if (sign > 0 && order.IsPending && order.PayBy < _nothingDueBefore)
        {
            _nothingDueBefore = order.PayBy;
        }
    }

    /// <summary>Drops orders that are no longer pending from the head of the deadline queue (each leaves once).</summary>
    private void TrimDeadlines()
    {
        while (_deadlines.TryPeek(out var sequence) && _orders.StatusOf(sequence) != OrderStatus.PendingPayment)
        {
            _deadlines.Dequeue();
        }
    }
}
