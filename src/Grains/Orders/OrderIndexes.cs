using GroupBuy.Grains.Common;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// The grain indexes that list orders across every sale and team: by shopper (their order list) and by the group
/// leader who referred them (their commissions). Rows are written by the grain that owns the order, in the same
/// commit as the order itself, so a list never misses an acknowledged order nor shows one that was not.
/// </summary>
/// <remarks>
/// A row is keyed by the order's id, which names its owner (<see cref="OrderIds"/>), so it stores only what the key does
/// not say: when the order was made, for the newest-first order, in a few bytes of its own (<see cref="ListedOrderRows"/>).
/// Every purchase writes a row and every round of the store moves it, so each byte left out is left out several times.
/// Rows written before hold JSON, the whole <see cref="OrderRef"/> or <c>{"createdAt":…}</c>, and read the same.
/// </remarks>
public static class OrderIndexes
{
    public const string ByShopper = "orders-by-shopper";
    public const string ByLeader = "orders-by-leader";

    /// <summary>Lists the order for its shopper, and for the leader who referred it, with the owner's next commit.</summary>
    public static void List(IIndexWriter owner, string shopperId, OrderReferral? referral, OrderRef order)
    {
        var row = new ListedOrder(order.CreatedAt);
        owner.AddToIndex(ByShopper, shopperId, order.OrderId, row, ListedOrderRows.Format);
        if (referral is not null)
        {
            owner.AddToIndex(ByLeader, referral.LeaderId, order.OrderId, row, ListedOrderRows.Format);
        }
    }

    /// <summary>The orders listed under <paramref name="key"/> of <paramref name="index"/>, in no particular order.</summary>
    public static async Task<IEnumerable<OrderRef>> ReadAsync(IGrainIndex grainIndex, string index, string key, CancellationToken cancellationToken)
    {
        var rows = await grainIndex.ReadIndexAsync(index, key, cancellationToken);
        return rows.Select(row => Listed(row.ItemId, ListedOrderRows.Decode(row)));
    }

    /// <summary>The order a row lists: its owner from its id (<see cref="OrderIds.Stored"/>), its time from the row.</summary>
    private static OrderRef Listed(string orderId, ListedOrder listed) =>
        OrderIds.Stored(orderId, listed.CreatedAt) ?? throw new InvalidDataException($"Index row {orderId} names no order's owner.");

    /// <summary>What a row says: the order's time.</summary>
    private readonly record struct ListedOrder(DateTimeOffset CreatedAt);

    /// <summary>A row's bytes: the time as <see cref="CompactRowWriter.Time"/> writes it, after the version byte.</summary>
    private sealed class ListedOrderRows : IndexRowFormat<ListedOrder>
    {
        public static readonly ListedOrderRows Format = new();

        public override byte[] Encode(ListedOrder listed)
        {
            var row = CompactRowWriter.Start();
            row.Time(listed.CreatedAt);
            return row.ToArray();
        }

        /// <summary>The row's order time, from any of the shapes rows were written in; a malformed row is refused.</summary>
        public static ListedOrder Decode(IndexedItem row) =>
            CompactRows.IsJson(row)
                ? row.FromJson<ListedOrder>()
                : CompactRows.Read(row, static (string _, ref CompactRowReader reader) => new ListedOrder(reader.Time()));
    }
}
