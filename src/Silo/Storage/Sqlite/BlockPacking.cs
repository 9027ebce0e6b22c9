using System.Buffers.Binary;
using System.IO.Compression;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// How a block (staged rows, staged events, a run's rows) is stored: the <c>packing</c> column of its table (schema
/// script 007). The writer packs every block it writes with DEFLATE at its fastest level, after the unpacked length
/// (four bytes, little-endian): rows of JSON under long, repeating keys shrink about sevenfold, for about a microsecond
/// a kilobyte, and every byte not written is also not synced, checkpointed and written again by the checkpoint. Blocks
/// written before the script stay as they are and read as they were.
/// </summary>
internal sealed class BlockPacking : IDisposable
{
    public const long Plain = 0;
    public const long Deflate = 1;

    private readonly MemoryStream _packed = new();

    /// <summary>The block packed, valid until the next call (writer only).</summary>
    public ReadOnlyMemory<byte> Pack(ReadOnlySpan<byte> block)
    {
        _packed.SetLength(0);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, block.Length);
        _packed.Write(length);
        using (var deflate = new DeflateStream(_packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(block);
        }
        return _packed.GetBuffer().AsMemory(0, (int)_packed.Length);
    }

    /// <summary>The block as written, from its stored bytes and its <c>packing</c>.</summary>
    public static byte[] Unpack(byte[] stored, long packing) =>
        IsPlain(stored, packing, out var length) ? stored : Inflate(stored, new byte[length], length);

    /// <summary>
    /// The block as written, unpacked into <paramref name="buffer"/> (made, or made larger, when it is too small), so
    /// that a reader of thousands of blocks reuses one array; a plain block is answered as stored. Valid until the
    /// buffer's next use.
    /// </summary>
    public static ArraySegment<byte> Unpack(byte[] stored, long packing, ref byte[]? buffer)
    {
        if (IsPlain(stored, packing, out var length))
        {
            return stored;
        }
        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[length];
        }
        return new ArraySegment<byte>(Inflate(stored, buffer, length), 0, length);
    }

    /// <summary>True for a block stored as written; <paramref name="length"/> is what the block unpacks to either way.</summary>
    private static bool IsPlain(byte[] stored, long packing, out int length)
    {
        if (packing == Plain)
        {
            length = stored.Length;
            return true;
        }
        if (packing != Deflate)
        {
            throw new InvalidDataException($"A block is stored with packing {packing}, which this version does not read.");
        }
        length = BinaryPrimitives.ReadInt32LittleEndian(stored);
        return false;
    }

    private static byte[] Inflate(byte[] stored, byte[] block, int length)
    {
        using var inflate = new DeflateStream(new MemoryStream(stored, sizeof(int), stored.Length - sizeof(int), writable: false), CompressionMode.Decompress);
        inflate.ReadExactly(block, 0, length);
        return block;
    }

    public void Dispose() => _packed.Dispose();
}
