using System.IO.Compression;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// How a block (staged rows, staged events, a run's rows) is stored: the <c>packing</c> column of its table (schema
/// script 007). The writer packs every block it writes with DEFLATE at its fastest level, after the unpacked length:
/// rows of JSON under long, repeating keys shrink about sevenfold, for about a microsecond a kilobyte, and every byte
/// not written is also not synced, checkpointed and written again by the checkpoint. Blocks written before the script
/// stay as they are and read as they were.
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
        Span<byte> length = stackalloc byte[5];
        var written = 0;
        for (var rest = (uint)block.Length; ; rest >>= 7)
        {
            length[written++] = (byte)(rest < 0x80 ? rest : (rest & 0x7F) | 0x80);
            if (rest < 0x80)
            {
                break;
            }
        }
        _packed.Write(length[..written]);
        using (var deflate = new DeflateStream(_packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(block);
        }
        return _packed.GetBuffer().AsMemory(0, (int)_packed.Length);
    }

    /// <summary>The block as written, from its stored bytes and its <c>packing</c>.</summary>
    public static byte[] Unpack(byte[] stored, long packing)
    {
        if (packing == Plain)
        {
            return stored;
        }
        if (packing != Deflate)
        {
            throw new InvalidDataException($"A block is stored with packing {packing}, which this version does not read.");
        }
        var at = 0;
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var part = stored[at++];
            length |= (part & 0x7F) << shift;
            if (part < 0x80)
            {
                break;
            }
        }
        var block = new byte[length];
        using var inflate = new DeflateStream(new MemoryStream(stored, at, stored.Length - at, writable: false), CompressionMode.Decompress);
        inflate.ReadExactly(block);
        return block;
    }

    public void Dispose() => _packed.Dispose();
}
