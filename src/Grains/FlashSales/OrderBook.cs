using System.Numerics;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// A sale's orders by sequence, kept where the collector never has to look: each order is a struct without references,
/// in segments small enough to stay off the large object heap; its shopper is a number in the book's table of shoppers,
/// and the rare parts (an idempotency key, a referral, a count of payment ids closed as never charged) sit in a side
/// table. A hot sale holds millions of orders for its whole life. As objects (a record, its id string and a dictionary
/// entry each) every order was promoted through the generations and marked again by every full collection. An order
/// becomes a <see cref="FlashOrder"/> when asked for.
/// The first segment starts small and doubles as it fills, so that a sale with a handful of orders (one of ten thousand)
/// holds a few hundred bytes, not a whole segment.
/// </summary>
internal sealed class OrderBook
{
    /// <summary>1,024 orders of 56 bytes a full segment: 57 KB, under the large-object threshold.</summary>
    private const int SegmentShift = 10;
    private const int SegmentMask = (1 << SegmentShift) - 1;
    private const int FirstSegmentLength = 4;

    private readonly List<Entry[]> _segments = [];
    private readonly List<string> _shopperIds = [];
    private readonly Dictionary<string, int> _shopperNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Extras> _extras = [];

    /// <summary>The highest sequence held (0: none).</summary>
    public long LastSequence { get; private set; }

    /// <summary>The order of <paramref name="sequence"/>, with its id in the sale <paramref name="saleId"/>; null when there is none.</summary>
    public FlashOrder? Get(string saleId, long sequence)
    {
        if (!Contains(sequence))
        {
            return null;
        }
        ref readonly var entry = ref Slot(sequence);
        var extras = entry.HasExtras ? _extras[sequence] : default;
        return new FlashOrder(OrderIds.ForFlashSale(saleId, sequence), sequence, _shopperIds[entry.Shopper], entry.Quantity,
            entry.Amount, entry.CreatedAt, entry.PayBy, extras.IdempotencyKey)
        {
            Status = entry.Status,
            Charging = entry.Charging,
            Referral = extras.Referral,
            ClosedCharges = extras.ClosedCharges,
        };
    }

    public bool Contains(long sequence)
    {
        if (sequence < 1 || sequence > LastSequence)
        {
            return false;
        }
        var (segment, offset) = Locate(sequence);
        return segment < _segments.Count && offset < _segments[segment].Length && _segments[segment][offset].Present;
    }

    /// <summary>The status of an order the book holds.</summary>
    public OrderStatus StatusOf(long sequence) =>
        Contains(sequence) ? Slot(sequence).Status : throw new KeyNotFoundException($"No order of sequence {sequence}.");

    /// <summary>Adds the order, or replaces the one of its sequence.</summary>
    public void Set(FlashOrder order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order.Sequence, 1);
        var (segment, offset) = Locate(order.Sequence);
        while (segment >= _segments.Count)
        {
            // Only a sale's first segment starts small: a sale with a second one is a big one.
            _segments.Add(new Entry[_segments.Count == 0 ? FirstSegmentLength : 1 << SegmentShift]);
        }
        if (offset >= _segments[segment].Length)
        {
            var entries = _segments[segment];
            Array.Resize(ref entries, Math.Min(1 << SegmentShift, (int)BitOperations.RoundUpToPowerOf2((uint)offset + 1)));
            _segments[segment] = entries;
        }
        LastSequence = Math.Max(LastSequence, order.Sequence);
        ref var entry = ref Slot(order.Sequence);
        var hasExtras = order.IdempotencyKey is not null || order.Referral is not null || order.ClosedCharges > 0;
        if (hasExtras)
        {
            _extras[order.Sequence] = new Extras(order.IdempotencyKey, order.Referral, order.ClosedCharges);
        }
        else if (entry.HasExtras)
        {
            _extras.Remove(order.Sequence);
        }
        entry = new Entry
        {
            CreatedAt = order.CreatedAt,
            PayBy = order.PayBy,
            Amount = order.Amount,
            Shopper = ShopperNumber(order.ShopperId),
            Quantity = order.Quantity,
            Status = order.Status,
            Charging = order.Charging,
            Present = true,
            HasExtras = hasExtras,
        };
    }

    /// <summary>Every order, in sequence order.</summary>
    public IEnumerable<FlashOrder> InSequence(string saleId)
    {
        for (var sequence = 1L; sequence <= LastSequence; sequence++)
        {
            if (Get(saleId, sequence) is { } order)
            {
                yield return order;
            }
        }
    }

    private static (int Segment, int Offset) Locate(long sequence) =>
        ((int)((sequence - 1) >> SegmentShift), (int)((sequence - 1) & SegmentMask));

    /// <summary>The entry of a sequence whose segment reaches it (one <see cref="Set"/> has made room for).</summary>
    private ref Entry Slot(long sequence)
    {
        var (segment, offset) = Locate(sequence);
        return ref _segments[segment][offset];
    }

    /// <summary>The shopper's number in this book, if they have an order in it.</summary>
    public bool TryGetShopper(string shopperId, out int number) => _shopperNumbers.TryGetValue(shopperId, out number);

    /// <summary>The shopper's number in this book (0, 1, 2, … in order of their first order), given on first sight.</summary>
    public int ShopperNumber(string shopperId)
    {
        if (!_shopperNumbers.TryGetValue(shopperId, out var number))
        {
            number = _shopperIds.Count;
            _shopperIds.Add(shopperId);
            _shopperNumbers.Add(shopperId, number);
        }
        return number;
    }

    /// <summary>An order without its id (its sequence) and with its shopper by number: nothing here for the collector to follow.</summary>
    private struct Entry
    {
        public DateTimeOffset CreatedAt;
        public DateTimeOffset PayBy;
        public long Amount;
        public int Shopper;
        public int Quantity;
        public OrderStatus Status;
        public bool Charging;
        /// <summary>False for a sequence not (yet) held: a gap left by a row loaded out of order.</summary>
        public bool Present;
        public bool HasExtras;
    }

    private readonly record struct Extras(string? IdempotencyKey, OrderReferral? Referral, int ClosedCharges);
}
