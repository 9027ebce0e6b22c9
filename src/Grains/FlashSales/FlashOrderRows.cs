using System.Buffers;
using System.Buffers.Binary;
using System.Text;
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
/// The layout, after its first byte <see cref="Version1"/>: sequence, shopper id, quantity, amount, the creation time
/// (UTC ticks, then the offset in minutes), the pay-by time (ticks after creation, then its offset), status, flags,
/// closed charges, then the idempotency key and the referral when the flags say so. Integers are 7-bit encoded, strings
/// UTF-8 after their length. Rows written before hold the order as JSON, and read the same: JSON starts with <c>{</c>.
/// </remarks>
public sealed class FlashOrderRows : IndexRowFormat<FlashOrder>
{
    public static readonly FlashOrderRows Format = new();

    private const byte Version1 = 1;
    private const byte Json = (byte)'{';

    [Flags]
    private enum Parts : byte
    {
        None = 0,
        Charging = 1,
        IdempotencyKey = 2,
        Referral = 4,
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public override byte[] Encode(FlashOrder order)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var parts = (order.Charging ? Parts.Charging : Parts.None)
            | (order.IdempotencyKey is null ? Parts.None : Parts.IdempotencyKey)
            | (order.Referral is null ? Parts.None : Parts.Referral);
        var row = new RowWriter(buffer);
        row.Byte(Version1);
        row.Integer(order.Sequence);
        row.Text(order.ShopperId);
        row.Integer(order.Quantity);
        row.Integer(order.Amount);
        row.Integer(order.CreatedAt.UtcTicks);
        row.Integer((long)order.CreatedAt.Offset.TotalMinutes);
        row.Integer(order.PayBy.UtcTicks - order.CreatedAt.UtcTicks);
        row.Integer((long)order.PayBy.Offset.TotalMinutes);
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
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The order a row holds, whichever of the two forms it was written in.</summary>
    public static FlashOrder Decode(IndexedItem row)
    {
        if (row.Payload is [Json, ..])
        {
            return row.FromJson<FlashOrder>() ?? throw new InvalidDataException($"The row of order {row.ItemId} holds no order.");
        }
        if (row.Payload is not [Version1, ..])
        {
            throw new InvalidDataException($"The row of order {row.ItemId} is of a format this version does not read.");
        }
        try
        {
            var reader = new RowReader(row.Payload.AsSpan(1));
            var sequence = reader.Integer();
            var shopperId = reader.Text();
            var quantity = checked((int)reader.Integer());
            var amount = reader.Integer();
            var createdTicks = reader.Integer();
            var createdAt = new DateTimeOffset(createdTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.Integer()));
            var payByTicks = createdTicks + reader.Integer();
            var payBy = new DateTimeOffset(payByTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.Integer()));
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
            reader.End();
            return new FlashOrder(row.ItemId, sequence, shopperId, quantity, amount, createdAt, payBy, key)
            {
                Status = status,
                Charging = parts.HasFlag(Parts.Charging),
                ClosedCharges = closedCharges,
                Referral = referral,
            };
        }
        catch (Exception exception) when (exception is ArgumentException or OverflowException or FormatException)
        {
            throw new InvalidDataException($"The row of order {row.ItemId} is malformed: {exception.Message}", exception);
        }
    }

    private readonly ref struct RowWriter(ArrayBufferWriter<byte> buffer)
    {
        public void Byte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }

        /// <summary>Seven bits a byte, zigzagged so that a small negative number stays small.</summary>
        public void Integer(long value)
        {
            var bits = (ulong)((value << 1) ^ (value >> 63));
            var span = buffer.GetSpan(10);
            var length = 0;
            for (; bits >= 0x80; bits >>= 7)
            {
                span[length++] = (byte)(bits | 0x80);
            }
            span[length++] = (byte)bits;
            buffer.Advance(length);
        }

        public void Text(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Integer(length);
            buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
        }

        public void Decimal(decimal value)
        {
            Span<int> parts = stackalloc int[4];
            decimal.GetBits(value, parts);
            var span = buffer.GetSpan(16);
            for (var i = 0; i < 4; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], parts[i]);
            }
            buffer.Advance(16);
        }
    }

    /// <summary>Reads a row back; a row cut short or overlong is malformed.</summary>
    private ref struct RowReader(ReadOnlySpan<byte> row)
    {
        private ReadOnlySpan<byte> _rest = row;

        public byte Byte() => Take(1)[0];

        public long Integer()
        {
            ulong bits = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var next = Byte();
                bits |= (ulong)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return (long)(bits >> 1) ^ -(long)(bits & 1);
                }
            }
            throw new FormatException("An integer runs past ten bytes.");
        }

        public string Text()
        {
            var length = Integer();
            return length < 0 || length > _rest.Length
                ? throw new FormatException("A text runs past the row.")
                : Encoding.UTF8.GetString(Take((int)length));
        }

        public decimal Decimal()
        {
            var bytes = Take(16);
            Span<int> parts = stackalloc int[4];
            for (var i = 0; i < 4; i++)
            {
                parts[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
            }
            return new decimal(parts);
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new FormatException($"{_rest.Length} bytes follow the order.");
            }
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _rest.Length)
            {
                throw new FormatException("The row ends early.");
            }
            var taken = _rest[..length];
            _rest = _rest[length..];
            return taken;
        }
    }
}
