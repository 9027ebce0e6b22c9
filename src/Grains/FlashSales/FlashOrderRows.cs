using GroupBuy.Grains.Common;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Grains.FlashSales;

/// <summary>
/// How a sale's order is stored in its row (<see cref="FlashSaleLedger.OrderRows"/>): a few dozen bytes of its own
/// format rather than some 300 of JSON. Every order gets a row, a hot sale millions of them, and each byte is packed,
/// merged, synced and, when the sale wakes after a restart, read back before its first call is served. The row's item
/// id is the order's id, so the row leaves it out.
/// </summary>
/// <remarks>
/// The layout, after its version byte (<see cref="CompactRows"/>): sequence, shopper id, quantity, amount, the creation time
/// (UTC ticks, then the offset in minutes), the pay-by time (ticks after creation, then its offset), status, flags,
/// closed charges, then the idempotency key and the referral when the flags say so, as <see cref="CompactRowWriter"/>
/// writes them. Rows written before hold the order as JSON, and read the same: JSON starts with <c>{</c>.
/// </remarks>
public sealed class FlashOrderRows : IndexRowFormat<FlashOrder>
{
    public static readonly FlashOrderRows Format = new();

    [Flags]
    private enum Parts : byte
    {
        None = 0,
        Charging = 1,
        IdempotencyKey = 2,
        Referral = 4,
    }

    public override byte[] Encode(FlashOrder order)
    {
        var parts = (order.Charging ? Parts.Charging : Parts.None)
            | (order.IdempotencyKey is null ? Parts.None : Parts.IdempotencyKey)
            | (order.Referral is null ? Parts.None : Parts.Referral);
        var row = CompactRowWriter.Start();
        row.Integer(order.Sequence);
        row.Text(order.ShopperId);
        row.Integer(order.Quantity);
        row.Integer(order.Amount);
        row.Time(order.CreatedAt);
        row.TimeAfter(order.PayBy, order.CreatedAt);
        row.Byte((byte)order.Status);
        row.Byte((byte)parts);
        row.Integer(order.ClosedCharges);
        if (order.IdempotencyKey is { } key)
        {
            row.Text(key);
        }
        if (order.Referral is { } referral)
        {
            row.Text(referral.GroupId);
            row.Text(referral.LeaderId);
            row.Decimal(referral.Rate);
            row.Integer(referral.Commission);
        }
        return row.ToArray();
    }

    /// <summary>The order a row holds, whichever of the two forms it was written in.</summary>
    public static FlashOrder Decode(IndexedItem row) =>
        CompactRows.IsJson(row)
            ? row.FromJson<FlashOrder>() ?? throw new InvalidDataException($"Index row {row.ItemId} holds no order.")
            : CompactRows.Read(row, Read);

    private static FlashOrder Read(string orderId, ref CompactRowReader reader)
    {
        var sequence = reader.Integer();
        var shopperId = reader.Text();
        var quantity = checked((int)reader.Integer());
        var amount = reader.Integer();
        var createdAt = reader.Time();
        var payBy = reader.TimeAfter(createdAt);
        var status = (OrderStatus)reader.Byte();
        if (!Enum.IsDefined(status))
        {
            throw new FormatException($"No order status is numbered {(int)status}.");
        }
        var parts = (Parts)reader.Byte();
        var closedCharges = checked((int)reader.Integer());
        var key = parts.HasFlag(Parts.IdempotencyKey) ? reader.Text() : null;
        var referral = parts.HasFlag(Parts.Referral)
            ? new OrderReferral(reader.Text(), reader.Text(), reader.Decimal(), reader.Integer())
            : null;
        return new FlashOrder(orderId, sequence, shopperId, quantity, amount, createdAt, payBy, key)
        {
            Status = status,
            Charging = parts.HasFlag(Parts.Charging),
            ClosedCharges = closedCharges,
            Referral = referral,
        };
    }
}
