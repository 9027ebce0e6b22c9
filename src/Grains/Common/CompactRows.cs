using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Grains.Common;

/// <summary>
/// Index rows in a compact form of a grain's own (<see cref="IndexRowFormat{TItem}"/>): a version byte, then the fields
/// as <see cref="CompactRowWriter"/> writes them. Rows written before as JSON start with <c>{</c>, which no version is.
/// </summary>
internal static class CompactRows
{
    public const byte Version1 = 1;

    /// <summary>The row was written as JSON, before its item had a compact form.</summary>
    public static bool IsJson(IndexedItem row) => row.Payload is [(byte)'{', ..];

    /// <summary>
    /// Reads a compact row whole with <paramref name="read"/>: a row of another version, cut short, overlong or holding
    /// a value out of range is refused (<see cref="InvalidDataException"/>), never read as some other item.
    /// </summary>
    public static TItem Read<TItem>(IndexedItem row, ReadRow<TItem> read)
    {
        if (row.Payload is not [Version1, ..])
        {
            throw new InvalidDataException($"Index row {row.ItemId} is of a format this version does not read.");
        }
        try
        {
            var reader = new CompactRowReader(row.Payload.AsSpan(1));
            var item = read(row.ItemId, ref reader);
            reader.End();
            return item;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"Index row {row.ItemId} is malformed: {exception.Message}", exception);
        }
    }
}

/// <summary>Reads one compact row's fields, after its version byte; the row's item id comes along (rows leave it out).</summary>
internal delegate TItem ReadRow<out TItem>(string itemId, ref CompactRowReader reader);

/// <summary>
/// Writes the compact index rows of a grain's own format (<c>IndexRowFormat</c>): integers 7 bits a byte, zigzagged so
/// that a small negative number stays small, strings as UTF-8 after their length, decimals as their four 32-bit parts.
/// </summary>
internal readonly ref struct CompactRowWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly ArrayBufferWriter<byte> _buffer;

    private CompactRowWriter(ArrayBufferWriter<byte> buffer) => _buffer = buffer;

    /// <summary>
    /// A writer over this thread's buffer, emptied and given the version byte (<see cref="CompactRows.Version1"/>): a row
    /// is written whole, then copied out by <see cref="ToArray"/>.
    /// </summary>
    public static CompactRowWriter Start()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var row = new CompactRowWriter(buffer);
        row.Byte(CompactRows.Version1);
        return row;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Integer(long value)
    {
        var bits = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        var length = 0;
        for (; bits >= 0x80; bits >>= 7)
        {
            span[length++] = (byte)(bits | 0x80);
        }
        span[length++] = (byte)bits;
        _buffer.Advance(length);
    }

    public void Text(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Integer(length);
        _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
    }

    public void Decimal(decimal value)
    {
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(value, parts);
        var span = _buffer.GetSpan(16);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], parts[i]);
        }
        _buffer.Advance(16);
    }

    /// <summary>An instant as its UTC ticks, then its offset in minutes.</summary>
    public void Time(DateTimeOffset value)
    {
        Integer(value.UtcTicks);
        Integer((long)value.Offset.TotalMinutes);
    }

    /// <summary>An instant as the ticks since <paramref name="earlier"/> (a small number), then its offset in minutes.</summary>
    public void TimeAfter(DateTimeOffset value, DateTimeOffset earlier)
    {
        Integer(value.UtcTicks - earlier.UtcTicks);
        Integer((long)value.Offset.TotalMinutes);
    }
}

/// <summary>Reads what <see cref="CompactRowWriter"/> wrote; a row cut short or overlong throws <see cref="FormatException"/>.</summary>
internal ref struct CompactRowReader(ReadOnlySpan<byte> row)
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

    /// <summary>An instant written by <see cref="CompactRowWriter.Time"/>; out of range throws <see cref="ArgumentException"/>.</summary>
    public DateTimeOffset Time() => At(Integer());

    /// <summary>An instant written by <see cref="CompactRowWriter.TimeAfter"/> with the same <paramref name="earlier"/>.</summary>
    public DateTimeOffset TimeAfter(DateTimeOffset earlier) => At(earlier.UtcTicks + Integer());

    /// <summary>The instant at <paramref name="utcTicks"/>, in the offset that follows them in the row.</summary>
    private DateTimeOffset At(long utcTicks) => new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(Integer()));

    /// <summary>Every byte of the row has been read (<see cref="CompactRows.Read"/> asks).</summary>
    public readonly void End()
    {
        if (!_rest.IsEmpty)
        {
            throw new FormatException($"{_rest.Length} bytes follow the row's last field.");
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
