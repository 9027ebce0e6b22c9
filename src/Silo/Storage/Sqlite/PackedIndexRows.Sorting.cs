using System.Buffers.Binary;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// A round's sort. Its keys share long stretches (an index's name, a sale's id, an id's fixed start), so comparing them
/// whole spends most of each comparison on bytes every row has. Each row is ordered first by its index, then by the 16
/// bytes of its key that follow what every row of that index shares, read as two big-endian integers (a key that ends
/// sooner is padded with zeros, which never orders it after a longer one); only rows equal on all three are compared
/// whole (<see cref="Compare"/>).
/// </summary>
internal sealed partial class PackedIndexRows
{
    private const int TellingBytes = 2 * sizeof(ulong);

    /// <summary>Sorts the positions as <see cref="Compare"/> orders them.</summary>
    public void Sort(long[] positions)
    {
        var indexes = new List<IndexShare>();
        var indexOf = new int[positions.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            indexOf[i] = Share(indexes, Row(positions[i], out _));
        }
        var ranks = Ranks(indexes);
        var keys = new SortKey[positions.Length];
        Span<byte> telling = stackalloc byte[TellingBytes];
        for (var i = 0; i < positions.Length; i++)
        {
            var index = indexes[indexOf[i]];
            var key = Row(positions[i], out _);
            var bytes = key[Math.Min(key.Length, index.Name.Length + 1 + index.Shared)..];
            telling.Clear();
            bytes[..Math.Min(bytes.Length, TellingBytes)].CopyTo(telling);
            keys[i] = new SortKey(ranks[indexOf[i]], BinaryPrimitives.ReadUInt64BigEndian(telling), BinaryPrimitives.ReadUInt64BigEndian(telling[sizeof(ulong)..]), positions[i]);
        }
        keys.AsSpan().Sort(new SortKeyOrder(this));
        for (var i = 0; i < keys.Length; i++)
        {
            positions[i] = keys[i].Position;
        }
    }

    /// <summary>The key's index among those seen so far (added when new), narrowing what its rows share to what this key shares too.</summary>
    private static int Share(List<IndexShare> indexes, ReadOnlySpan<byte> key)
    {
        var nameLength = key.IndexOf((byte)0);
        var name = key[..nameLength];
        var rest = key[(nameLength + 1)..];
        for (var i = 0; i < indexes.Count; i++)
        {
            if (name.SequenceEqual(indexes[i].Name))
            {
                indexes[i] = indexes[i] with { Shared = Math.Min(indexes[i].Shared, rest.CommonPrefixLength(indexes[i].First)) };
                return i;
            }
        }
        indexes.Add(new IndexShare(name.ToArray(), rest.ToArray(), rest.Length));
        return indexes.Count - 1;
    }

    /// <summary>Each index's rank in the order of the names' bytes, which is the order of the keys they start.</summary>
    private static int[] Ranks(List<IndexShare> indexes)
    {
        var byName = Enumerable.Range(0, indexes.Count).ToArray();
        Array.Sort(byName, (a, b) => indexes[a].Name.AsSpan().SequenceCompareTo(indexes[b].Name));
        var ranks = new int[indexes.Count];
        for (var rank = 0; rank < byName.Length; rank++)
        {
            ranks[byName[rank]] = rank;
        }
        return ranks;
    }

    /// <summary>An index of the round: its name, the rest of its first row's key, and how much of that every row of it shares.</summary>
    private readonly record struct IndexShare(byte[] Name, byte[] First, int Shared);

    /// <summary>Where a row sorts: its index's rank, the 16 bytes of its key that tell it from the others, then its position.</summary>
    private readonly record struct SortKey(int Index, ulong High, ulong Low, long Position);

    /// <summary>Orders sort keys as whole rows order: rows equal on their integers are compared whole.</summary>
    private readonly struct SortKeyOrder(PackedIndexRows rows) : IComparer<SortKey>
    {
        public int Compare(SortKey a, SortKey b) =>
            a.Index != b.Index ? a.Index.CompareTo(b.Index)
            : a.High != b.High ? a.High.CompareTo(b.High)
            : a.Low != b.Low ? a.Low.CompareTo(b.Low)
            : rows.Compare(a.Position, b.Position);
    }
}
