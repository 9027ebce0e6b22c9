using System.Text;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// A transaction's staged rows of one kind, packed into one blob: the writer inserts one row into a staging table per
/// commit rather than one per index row or event, which is most of what staging costs. Each row is its sequence, its
/// strings (length-prefixed UTF-8) and its payload, in <see cref="BinaryWriter"/>'s encoding. Start-up unpacks them.
/// </summary>
internal sealed class StagedBlock : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _writer;

    public StagedBlock() => _writer = new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true);

    /// <summary>The rows packed since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The packed bytes, valid until the next change.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);

    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }

    public void Clear()
    {
        _buffer.SetLength(0);
        Count = 0;
    }

    public void Add(StagedIndexRow staged)
    {
        var row = staged.Row;
        _writer.Write7BitEncodedInt64(staged.Sequence);
        _writer.Write(row.Index);
        _writer.Write(row.Key);
        _writer.Write(row.ItemId);
        WritePayload(row.Payload.Span);
        Count++;
    }

    public void Add(StagedEvent staged)
    {
        _writer.Write7BitEncodedInt64(staged.Sequence);
        _writer.Write(staged.Journal.Type);
        _writer.Write(staged.Journal.Key);
        _writer.Write(staged.Journal.Name);
        _writer.Write7BitEncodedInt64(staged.Version);
        WritePayload(staged.Payload);
        Count++;
    }

    public static IEnumerable<StagedIndexRow> Rows(byte[] block)
    {
        using var reader = new BinaryReader(new MemoryStream(block, writable: false), Encoding.UTF8);
        while (reader.BaseStream.Position < block.Length)
        {
            var sequence = reader.Read7BitEncodedInt64();
            yield return new StagedIndexRow(sequence, new IndexEntry(reader.ReadString(), reader.ReadString(), reader.ReadString(), ReadPayload(reader)));
        }
    }

    public static IEnumerable<StagedEvent> Events(byte[] block)
    {
        using var reader = new BinaryReader(new MemoryStream(block, writable: false), Encoding.UTF8);
        while (reader.BaseStream.Position < block.Length)
        {
            var sequence = reader.Read7BitEncodedInt64();
            var journal = new JournalKey(reader.ReadString(), reader.ReadString(), reader.ReadString());
            yield return new StagedEvent(sequence, journal, reader.Read7BitEncodedInt64(), ReadPayload(reader));
        }
    }

    private void WritePayload(ReadOnlySpan<byte> payload)
    {
        _writer.Write7BitEncodedInt(payload.Length);
        _writer.Write(payload);
    }

    private static byte[] ReadPayload(BinaryReader reader) => reader.ReadBytes(reader.Read7BitEncodedInt());
}
