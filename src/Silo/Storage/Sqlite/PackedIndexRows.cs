using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// One generation of staged index rows (<see cref="StagedIndexRows"/>), packed end to end into large byte chunks. A round
/// holds tens of thousands of rows for as long as a flash sale takes to stage them: as objects, each would live just
/// long enough for the collector to copy it through every generation. Packed, there is nothing per row to copy or trace.
/// </summary>
/// <remarks>
/// A row is its key's previous row (a position, or -1), the lengths of its key and payload, then its key in
/// <see cref="IndexKeys"/>' encoding and its payload. A position is the chunk's number and the offset in it, so positions
/// rise in staging order. Each index key maps to its newest row, which links back to the key's earlier ones. The
/// writer alone adds rows, under <see cref="StagedIndexRows"/>' gate; readers copy under it.
/// </remarks>
internal sealed partial class PackedIndexRows(Stack<byte[]> spareChunks)
{
    /// <summary>Chunks are large, so that they are few, and reused (the spare chunks given): never collected while rounds go on.</summary>
    public const int ChunkBytes = 1 << 20;

    private const int HeaderBytes = sizeof(long) + 2 * sizeof(int);

    private readonly List<byte[]> _chunks = [];
    private readonly List<long> _positions = [];
    private readonly Dictionary<(string Index, string Key), long> _newestOfKey = [];
    private int _used;

    public int Count => _positions.Count;

    public void Keep(string index, string key, string itemId, ReadOnlySpan<byte> payload)
    {
        var keyLength = IndexKeys.Length(index, key, itemId);
        var row = Reserve(HeaderBytes + keyLength + payload.Length, out var position);
        ref var newest = ref CollectionsMarshal.GetValueRefOrAddDefault(_newestOfKey, (index, key), out var known);
        BinaryPrimitives.WriteInt64LittleEndian(row, known ? newest : -1);
        BinaryPrimitives.WriteInt32LittleEndian(row[sizeof(long)..], keyLength);
        BinaryPrimitives.WriteInt32LittleEndian(row[(sizeof(long) + sizeof(int))..], payload.Length);
        IndexKeys.Write(row[HeaderBytes..], index, key, itemId);
        payload.CopyTo(row[(HeaderBytes + keyLength)..]);
        newest = position;
        _positions.Add(position);
    }

    /// <summary>Every row's position, in staging order.</summary>
    public long[] All() => [.. _positions];

    /// <summary>The row's key (<see cref="IndexKeys"/>) and payload, valid until the generation is cleared.</summary>
    public ReadOnlySpan<byte> Row(long position, out ReadOnlySpan<byte> payload) => Row(position, out payload, out _);

    /// <summary>Orders rows by key, and rows of one item oldest first.</summary>
    public int Compare(long a, long b)
    {
        var order = Row(a, out _).SequenceCompareTo(Row(b, out _));
        return order != 0 ? order : a.CompareTo(b);
    }

    /// <summary>Appends this generation's rows, newer, to <paramref name="older"/>.</summary>
    public void MoveTo(PackedIndexRows older)
    {
        foreach (var position in _positions)
        {
            var (index, key, itemId) = IndexKeys.Split(Row(position, out var payload));
            older.Keep(index, key, itemId, payload);
        }
    }

    /// <summary>Adds the key's rows of items not in <paramref name="seen"/> yet, newest first.</summary>
    public void AddNewest(string index, string key, HashSet<string> seen, List<IndexedItem> items)
    {
        if (!_newestOfKey.TryGetValue((index, key), out var position))
        {
            return;
        }
        var prefix = IndexKeys.Length(index, key, "");
        while (position >= 0)
        {
            var itemId = Encoding.UTF8.GetString(Row(position, out var payload, out position)[prefix..]);
            if (seen.Add(itemId))
            {
                items.Add(new IndexedItem(itemId, payload.ToArray()));
            }
        }
    }

    /// <summary>Forgets every row and hands the chunks back for the next generations.</summary>
    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            if (chunk.Length == ChunkBytes)
            {
                spareChunks.Push(chunk);
            }
        }
        _chunks.Clear();
        _positions.Clear();
        _newestOfKey.Clear();
        _used = 0;
    }

    private ReadOnlySpan<byte> Row(long position, out ReadOnlySpan<byte> payload, out long earlierOfKey)
    {
        var row = _chunks[(int)(position >> 32)].AsSpan((int)position);
        earlierOfKey = BinaryPrimitives.ReadInt64LittleEndian(row);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(row[sizeof(long)..]);
        payload = row.Slice(HeaderBytes + keyLength, BinaryPrimitives.ReadInt32LittleEndian(row[(sizeof(long) + sizeof(int))..]));
        return row.Slice(HeaderBytes, keyLength);
    }

    /// <summary>Room for a row of <paramref name="bytes"/> at the end of the last chunk, or of a new one.</summary>
    private Span<byte> Reserve(int bytes, out long position)
    {
        if (_chunks.Count == 0 || _used + bytes > _chunks[^1].Length)
        {
            _chunks.Add(bytes > ChunkBytes ? new byte[bytes]
                : spareChunks.TryPop(out var spare) ? spare
                : GC.AllocateUninitializedArray<byte>(ChunkBytes));
            _used = 0;
        }
        position = ((long)(_chunks.Count - 1) << 32) | (uint)_used;
        var row = _chunks[^1].AsSpan(_used, bytes);
        _used += bytes;
        return row;
    }
}
