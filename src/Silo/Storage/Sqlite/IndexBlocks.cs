using System.Text;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The order runs are sorted in, and the keys their blocks are found by. A row's key is its index name and key, each
/// followed by a zero byte (which no name, key or id holds), then its item id, in UTF-8: compared as bytes, as SQLite
/// compares blobs and compaction compares rows without decoding them, that is the order of the three strings' code
/// points, part by part. A round's staged rows are kept in this encoding (<see cref="PackedIndexRows"/>) and sorted as
/// bytes too.
/// </summary>
internal static class IndexKeys
{
    public static byte[] Of(string index, string key, string itemId)
    {
        var bytes = new byte[Length(index, key, itemId)];
        Write(bytes, index, key, itemId);
        return bytes;
    }

    public static int Length(string index, string key, string itemId) =>
        Encoding.UTF8.GetByteCount(index) + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(itemId) + 2;

    /// <summary>[From, To): the keys of every row under <paramref name="key"/>, and of no other.</summary>
    public static (byte[] From, byte[] To) Range(string index, string key)
    {
        var from = Of(index, key, "");
        var to = (byte[])from.Clone();
        to[^1] = 1;
        return (from, to);
    }

    /// <summary>Writes the key into <paramref name="destination"/>; answers its length.</summary>
    public static int Write(Span<byte> destination, string index, string key, string itemId)
    {
        var length = Encoding.UTF8.GetBytes(index, destination);
        destination[length++] = 0;
        length += Encoding.UTF8.GetBytes(key, destination[length..]);
        destination[length++] = 0;
        return length + Encoding.UTF8.GetBytes(itemId, destination[length..]);
    }

    /// <summary>The index, key and item id a key was written from.</summary>
    public static (string Index, string Key, string ItemId) Split(ReadOnlySpan<byte> bytes)
    {
        var first = bytes.IndexOf((byte)0);
        var second = first + 1 + bytes[(first + 1)..].IndexOf((byte)0);
        return (Encoding.UTF8.GetString(bytes[..first]), Encoding.UTF8.GetString(bytes[(first + 1)..second]), Encoding.UTF8.GetString(bytes[(second + 1)..]));
    }
}

/// <summary>
/// Packs rows, given in key order, into a run's blocks of about <c>targetBytes</c> each: small enough to fit a 4 KB
/// page with their keys, so that a read of one key decodes little. Each row is its key (<see cref="IndexKeys"/>) and its
/// payload, each prefixed by its length.
/// </summary>
internal sealed class IndexBlockBuilder(int targetBytes)
{
    public const int DefaultTargetBytes = 3_600;

    private byte[] _buffer = new byte[targetBytes * 2];
    private int _length;
    private int _lastKeyAt;
    private int _lastKeyLength;
    private byte[]? _firstKey;

    public int Count { get; private set; }

    /// <summary>The block has reached its size: take it before adding more.</summary>
    public bool Full => _length >= targetBytes;

    /// <summary>Adds a row by its key (<see cref="IndexKeys"/>) and payload.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload)
    {
        Reserve(key.Length + payload.Length + 10);
        var keyAt = _length + WriteLength(key.Length);
        key.CopyTo(_buffer.AsSpan(keyAt));
        Added(keyAt, key.Length);
        AppendBytes(payload);
    }

    /// <summary>The block's first and last keys and its bytes (valid until the next <c>Add</c>); the builder then starts a new block.</summary>
    public (byte[] FirstKey, byte[] LastKey, ReadOnlyMemory<byte> Rows, int Count) Take()
    {
        var block = (_firstKey!, _buffer.AsSpan(_lastKeyAt, _lastKeyLength).ToArray(), _buffer.AsMemory(0, _length), Count);
        (_length, Count, _firstKey) = (0, 0, null);
        return block;
    }

    /// <summary>The key just written at <paramref name="keyAt"/> is the block's last (and maybe first).</summary>
    private void Added(int keyAt, int keyLength)
    {
        _firstKey ??= _buffer.AsSpan(keyAt, keyLength).ToArray();
        (_lastKeyAt, _lastKeyLength) = (keyAt, keyLength);
        _length = keyAt + keyLength;
        Count++;
    }

    private void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        _length += WriteLength(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes the length as 7-bit groups, low first, the high bit saying more follow; answers the bytes written.</summary>
    private int WriteLength(int length)
    {
        var written = 0;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _buffer[_length + written++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length + written++] = (byte)value;
        return written;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }
}

/// <summary>
/// Walks a block's rows without copying them: each row's key and payload are slices of the block, which is the first
/// <c>length</c> bytes of the array (all of it unless given).
/// </summary>
internal struct IndexBlockReader(byte[] block, int length)
{
    private int _at;

    public IndexBlockReader(byte[] block)
        : this(block, block.Length)
    {
    }

    public readonly byte[] Block => block;

    /// <summary>The next row's key and payload, as offsets into <see cref="Block"/>.</summary>
    public bool Next(out (int At, int Length) key, out (int At, int Length) payload)
    {
        if (_at >= length)
        {
            key = payload = default;
            return false;
        }
        key = Slice();
        payload = Slice();
        return true;
    }

    /// <summary>
    /// The item ids and payloads of the rows whose keys begin with <paramref name="prefix"/>, in the first
    /// <paramref name="length"/> bytes of <paramref name="block"/>: read as the caller goes, so the block must stay as it
    /// is until the last is taken.
    /// </summary>
    public static IEnumerable<(string ItemId, byte[] Payload)> RowsUnder(byte[] block, int length, byte[] prefix)
    {
        var reader = new IndexBlockReader(block, length);
        while (reader.Next(out var key, out var payload))
        {
            if (block.AsSpan(key.At, key.Length).StartsWith(prefix))
            {
                yield return (Encoding.UTF8.GetString(block, key.At + prefix.Length, key.Length - prefix.Length), block.AsSpan(payload.At, payload.Length).ToArray());
            }
        }
    }

    private (int At, int Length) Slice()
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var part = block[_at++];
            length |= (part & 0x7F) << shift;
            if (part < 0x80)
            {
                break;
            }
        }
        var slice = (_at, length);
        _at += length;
        return slice;
    }
}
