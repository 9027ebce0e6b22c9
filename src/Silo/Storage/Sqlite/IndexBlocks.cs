using System.Buffers.Binary;
using System.Text;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>One grain index row as runs hold it.</summary>
internal readonly record struct IndexRow(string Index, string Key, string ItemId, byte[] Payload)
{
    /// <summary>The runs' order: index, key, then item id, each ordinal.</summary>
    public static int Compare(in IndexRow a, in IndexRow b)
    {
        var order = string.CompareOrdinal(a.Index, b.Index);
        order = order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
        return order != 0 ? order : string.CompareOrdinal(a.ItemId, b.ItemId);
    }
}

/// <summary>
/// The keys a run's blocks are found by. Each string is written as UTF-16 big-endian, so that SQLite's byte order of
/// blobs is the ordinal order the runs are sorted in, and the parts are separated by a zero code unit, which no name,
/// key or id holds, so that a key's rows sort before those of any longer key it begins.
/// </summary>
internal static class IndexKeys
{
    public static byte[] Of(in IndexRow row) => Encode(row.Index, row.Key, row.ItemId, '\0');

    /// <summary>[From, To): every row of the key sorts inside, every other row outside.</summary>
    public static (byte[] From, byte[] To) Range(string index, string key) => (Encode(index, key, "", '\0'), Encode(index, key, "", '\u0001'));

    private static byte[] Encode(string index, string key, string itemId, char separatorAfterKey)
    {
        var bytes = new byte[2 * (index.Length + key.Length + itemId.Length + 2)];
        var at = Write(bytes, 0, index);
        at = Write(bytes, at, "\0");
        at = Write(bytes, at, key);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), separatorAfterKey);
        Write(bytes, at + 2, itemId);
        return bytes;
    }

    private static int Write(byte[] bytes, int at, string text)
    {
        foreach (var unit in text)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), unit);
            at += 2;
        }
        return at;
    }
}

/// <summary>
/// Packs rows, given in key order, into a run's blocks of about <c>targetBytes</c> each: small enough to fit a 4 KB
/// page with their keys, so that a read of one key decodes little. Each row is its three strings (length-prefixed
/// UTF-8) and its payload, in <see cref="BinaryWriter"/>'s encoding.
/// </summary>
internal sealed class IndexBlockBuilder(int targetBytes) : IDisposable
{
    public const int DefaultTargetBytes = 3_600;

    private readonly MemoryStream _buffer = new();
    private BinaryWriter? _writer;
    private IndexRow _first;
    private IndexRow _last;

    public int Count { get; private set; }

    /// <summary>The block has reached its size: take it before adding more.</summary>
    public bool Full => _buffer.Length >= targetBytes;

    public void Add(in IndexRow row)
    {
        _writer ??= new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true);
        _writer.Write(row.Index);
        _writer.Write(row.Key);
        _writer.Write(row.ItemId);
        _writer.Write7BitEncodedInt(row.Payload.Length);
        _writer.Write(row.Payload);
        _first = Count == 0 ? row : _first;
        _last = row;
        Count++;
    }

    /// <summary>The block's keys and bytes (valid until the next <see cref="Add"/>); the builder then starts a new block.</summary>
    public (byte[] FirstKey, byte[] LastKey, ReadOnlyMemory<byte> Rows, int Count) Take()
    {
        var block = (IndexKeys.Of(_first), IndexKeys.Of(_last), _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), Count);
        _buffer.SetLength(0);
        Count = 0;
        return block;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _buffer.Dispose();
    }

    /// <summary>A block's rows, in key order.</summary>
    public static List<IndexRow> Rows(byte[] block)
    {
        var rows = new List<IndexRow>();
        using var reader = new BinaryReader(new MemoryStream(block, writable: false), Encoding.UTF8);
        while (reader.BaseStream.Position < block.Length)
        {
            rows.Add(new IndexRow(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadBytes(reader.Read7BitEncodedInt())));
        }
        return rows;
    }
}
