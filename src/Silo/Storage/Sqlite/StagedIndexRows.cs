using System.Runtime.InteropServices;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The grain index rows committed to the stage (<see cref="StagedBlock"/>) and not yet in a listed run, kept in memory
/// for reads, and merged in rounds (<see cref="MergeRounds{TRow}"/>) that write each as a sorted run
/// (<see cref="IndexRuns"/>). Each purchase lists its order under its own shopper, so index rows arrive with scattered
/// keys. A round takes every row kept so far as its generation, and rows staged during it start the next, so that the
/// round's rows leave memory at once when it ends.
/// </summary>
/// <remarks>
/// A row leaves memory only after the transaction that listed its run has committed, and a reader copies a key's staged
/// rows before it reads the runs, so every row committed before the read began is in one or the other. A crash during
/// a round leaves the staged rows in their blocks, to be loaded and merged again into a new run, and the unlisted run
/// is deleted. Staged rows are this process's memory: one store opens a database file at a time.
/// </remarks>
internal sealed class StagedIndexRows(int roundRows = StagedIndexRows.DefaultRoundRows, int chunkRows = StagedIndexRows.DefaultChunkRows)
    : MergeRounds<StagedRow>(roundRows, chunkRows)
{
    /// <summary>Staged rows that start a merge round: enough to cover the tree's pages several times in a flash sale.</summary>
    public const int DefaultRoundRows = 65_536;

    /// <summary>
    /// Rows merged with each transaction of the round (more when the transaction stages more, see
    /// <see cref="MergeRounds{TRow}.NextStep"/>): small, so that a commit carrying a chunk keeps its callers waiting little.
    /// </summary>
    public const int DefaultChunkRows = 512;

    /// <summary>Rows staged since the round under way started (all rows, when none is).</summary>
    private Generation _current = new();

    /// <summary>The round's rows, until its last deletion: older than every row in <see cref="_current"/>.</summary>
    private Generation? _merging;

    /// <summary>Takes the rows of a transaction that has committed.</summary>
    public void Committed(List<StagedRow> rows)
    {
        lock (Gate)
        {
            foreach (var row in rows)
            {
                Keep(row);
            }
        }
        StartRoundWhenDue();
    }

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
    protected override StagedRow[] Staged()
    {
        if (_merging is null)
        {
            _merging = _current;
        }
        else
        {
            _current.MoveTo(_merging);
        }
        _current = new Generation();
        return _merging.All();
    }

    /// <summary>The newest row of each item, in the runs' key order (the generation holds replaced rows too).</summary>
    protected override StagedRow[] Sorted(StagedRow[] rows)
    {
        Array.Sort(rows, static (a, b) =>
        {
            var order = IndexKeys.Compare(a.Index, b.Index);
            order = order != 0 ? order : IndexKeys.Compare(a.Key, b.Key);
            order = order != 0 ? order : IndexKeys.Compare(a.ItemId, b.ItemId);
            return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
        });
        var newest = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var last = i + 1 == rows.Length || rows[i + 1].ItemId != rows[i].ItemId || rows[i + 1].Key != rows[i].Key || rows[i + 1].Index != rows[i].Index;
            if (last)
            {
                rows[newest++] = rows[i];
            }
        }
        return rows[..newest];
    }

    /// <summary>The round's generation leaves memory whole; rows staged during the round stay for the next.</summary>
    protected override void Release(StagedRow[] rows, long end) => _merging = null;

    protected override void Keep(StagedRow row) => _current.Keep(row);

    /// <summary>
    /// Rows in staging order, and for each key its newest row, which links to the key's earlier rows: one table entry a
    /// key and nothing allocated a row, since a flash sale stages rows for tens of thousands of keys a round.
    /// </summary>
    private sealed class Generation
    {
        private readonly List<StagedRow> _rows = [];
        private readonly Dictionary<(string Index, string Key), StagedRow> _newestOfKey = [];

        public void Keep(StagedRow row)
        {
            ref var newest = ref CollectionsMarshal.GetValueRefOrAddDefault(_newestOfKey, (row.Index, row.Key), out _);
            row.EarlierOfKey = newest;
            newest = row;
            _rows.Add(row);
        }

        public StagedRow[] All() => [.. _rows];

        /// <summary>Appends this generation's rows, newer, to <paramref name="older"/>.</summary>
        public void MoveTo(Generation older)
        {
            foreach (var row in _rows)
            {
                older.Keep(row);
            }
        }

        /// <summary>Adds the key's rows of items not in <paramref name="seen"/> yet, newest first.</summary>
        public void AddNewest(string index, string key, HashSet<string> seen, List<IndexedItem> items)
        {
            for (var row = _newestOfKey.GetValueOrDefault((index, key)); row is not null; row = row.EarlierOfKey)
            {
                if (seen.Add(row.ItemId))
                {
                    items.Add(new IndexedItem(row.ItemId, row.Payload));
                }
            }
        }
    }
}

/// <summary>One staged grain index row; <see cref="EarlierOfKey"/> links the rows of its key in memory (under the gate).</summary>
internal sealed class StagedRow(long sequence, string index, string key, string itemId, byte[] payload) : IStagedRow
{
    public long Sequence { get; } = sequence;

    public string Index { get; } = index;

    public string Key { get; } = key;

    public string ItemId { get; } = itemId;

    public byte[] Payload { get; } = payload;

    public StagedRow? EarlierOfKey { get; set; }
}
