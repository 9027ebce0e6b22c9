using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The grain index rows committed to the stage (<see cref="StagedBlock"/>) and not yet in a listed run, kept in memory
/// for reads, and merged in rounds (<see cref="MergeRounds{TRow}"/>) that write each as a sorted run
/// (<see cref="IndexRuns"/>). Each purchase lists its order under its own shopper, so index rows arrive with scattered
/// keys. A round takes every row kept so far as its generation (<see cref="PackedIndexRows"/>), and rows staged during
/// it start the next, so that the round's rows leave memory at once when it ends. A round's rows are their positions in
/// its generation.
/// </summary>
/// <remarks>
/// A row leaves memory only after the transaction that listed its run has committed, and a reader copies a key's staged
/// rows before it reads the runs, so every row committed before the read began is in one or the other. A crash during
/// a round leaves the staged rows in their blocks, to be loaded and merged again into a new run, and the unlisted run
/// is deleted. Staged rows are this process's memory: one store opens a database file at a time.
/// </remarks>
internal sealed class StagedIndexRows : MergeRounds<long>
{
    /// <summary>Staged rows that start a merge round: enough to cover the tree's pages several times in a flash sale.</summary>
    public const int DefaultRoundRows = 65_536;

    /// <summary>
    /// Rows merged with each transaction of the round (more when the transaction stages more, see
    /// <see cref="MergeRounds{TRow}.NextStep"/>): small, so that a commit carrying a chunk keeps its callers waiting little.
    /// </summary>
    public const int DefaultChunkRows = 512;

    /// <summary>Chunks of released generations, for the next (under the gate).</summary>
    private readonly Stack<byte[]> _spareChunks = new();

    /// <summary>Rows staged since the round under way started (all rows, when none is).</summary>
    private PackedIndexRows _current;

    /// <summary>The round's rows, until its last deletion: older than every row in <see cref="_current"/>.</summary>
    private PackedIndexRows? _merging;

    public StagedIndexRows(int roundRows = DefaultRoundRows, int chunkRows = DefaultChunkRows)
        : base(roundRows, chunkRows) => _current = new PackedIndexRows(_spareChunks);

    /// <summary>Takes the rows of a transaction that has committed.</summary>
    public void Committed(List<StagedIndexRow> rows)
    {
        lock (Gate)
        {
            foreach (var (_, row) in rows)
            {
                Keep(row);
            }
        }
        StartRoundWhenDue();
    }

    /// <summary>Takes a row read back from the stage at start-up, in sequence order.</summary>
    public void Load(StagedIndexRow staged)
    {
        Loaded(staged.Sequence);
        lock (Gate)
        {
            Keep(staged.Row);
        }
    }

    /// <summary>A row of the round under way, by its position: its key (<see cref="IndexKeys"/>) and payload (writer only).</summary>
    public ReadOnlySpan<byte> RoundRow(long position, out ReadOnlySpan<byte> payload) => _merging!.Row(position, out payload);

    /// <summary>The key's staged rows, the newest of each item, copied: read them before the runs.</summary>
    public List<IndexedItem> Of(string index, string key)
    {
        lock (Gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var items = new List<IndexedItem>();
            _current.AddNewest(index, key, seen, items);
            _merging?.AddNewest(index, key, seen, items);
            return items;
        }
    }

    /// <summary>
    /// The stored rows under the staged ones: a staged row replaces the stored row of its item. In no particular order,
    /// as every store answers; a sale's order rows can number millions, so nothing is sorted or copied into a table.
    /// </summary>
    public static IReadOnlyList<IndexedItem> Over(IReadOnlyList<IndexedItem> stored, List<IndexedItem> staged)
    {
        if (staged.Count == 0)
        {
            return stored;
        }
        var replaced = new HashSet<string>(staged.Select(item => item.ItemId), StringComparer.Ordinal);
        var items = new List<IndexedItem>(stored.Count + staged.Count);
        foreach (var item in stored)
        {
            if (!replaced.Contains(item.ItemId))
            {
                items.Add(item);
            }
        }
        items.AddRange(staged);
        return items;
    }

    /// <summary>
    /// The round takes every row kept so far, as a generation of its own; rows staged from now on start the next. A round
    /// started again after its sort failed takes the newer rows into its generation too.
    /// </summary>
    protected override long[] Staged()
    {
        if (_merging is null)
        {
            _merging = _current;
            _current = new PackedIndexRows(_spareChunks);
        }
        else
        {
            _current.MoveTo(_merging);
            _current.Clear();
        }
        return _merging.All();
    }

    /// <summary>The newest row of each item, in the runs' key order (the generation holds replaced rows too). Off the writer's thread.</summary>
    protected override long[] Sorted(long[] rows)
    {
        // The round's generation takes no rows while it is sorted: only a round started again would add to it.
        var round = _merging!;
        round.Sort(rows);
        var newest = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (i + 1 == rows.Length || !round.Row(rows[i + 1], out _).SequenceEqual(round.Row(rows[i], out _)))
            {
                rows[newest++] = rows[i];
            }
        }
        return rows[..newest];
    }

    /// <summary>The round's generation leaves memory whole; rows staged during the round stay for the next.</summary>
    protected override void Release(long[] rows, long end)
    {
        _merging!.Clear();
        _merging = null;
    }

    private void Keep(IndexEntry row) => _current.Keep(row.Index, row.Key, row.ItemId, row.Payload.Span);
}

/// <summary>An index row the writer stages, by the sequence it was staged at.</summary>
internal readonly record struct StagedIndexRow(long Sequence, IndexEntry Row);
