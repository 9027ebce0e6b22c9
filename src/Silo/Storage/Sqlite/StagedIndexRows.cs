using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The grain index rows committed to <c>grain_index_staged</c> and not yet merged into <c>grain_index</c>, the newest
/// row of each item kept in memory for reads, and merged in rounds (<see cref="MergeRounds{TRow}"/>). Each purchase
/// lists its order under its own shopper, so index rows arrive with scattered keys.
/// </summary>
/// <remarks>
/// A row leaves memory only after the transaction that merged it has committed, and a reader copies a key's staged rows
/// before it reads the tree, so every row committed before the read began is in one or the other. A crash during a
/// round leaves the staged rows in their table, to be loaded and merged again: merging a row twice writes the same
/// payload twice, and a newer row of the same item is never merged before an older one. Staged rows are this
/// process's memory: one store opens a database file at a time.
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

    private readonly Dictionary<(string Index, string Key), Dictionary<string, StagedRow>> _byKey = [];

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

    /// <summary>The key's staged rows, copied: read them before the tree.</summary>
    public List<IndexedItem> Of(string index, string key)
    {
        lock (Gate)
        {
            return _byKey.TryGetValue((index, key), out var items)
                ? [.. items.Values.Select(row => new IndexedItem(row.ItemId, row.Payload))]
                : [];
        }
    }

    /// <summary>
    /// The tree's rows under the staged ones: a staged row replaces the stored row of its item. In no particular order,
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

    protected override StagedRow[] Staged() => [.. _byKey.Values.SelectMany(items => items.Values)];

    protected override StagedRow[] Sorted(StagedRow[] rows)
    {
        Array.Sort(rows, static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Index, b.Index);
            order = order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
            return order != 0 ? order : string.CompareOrdinal(a.ItemId, b.ItemId);
        });
        return rows;
    }

    protected override void Release(StagedRow[] rows, long end)
    {
        foreach (var row in rows)
        {
            // A newer row of the item, staged during the round, stays for the next one.
            if (_byKey.TryGetValue((row.Index, row.Key), out var items) && items.TryGetValue(row.ItemId, out var current) && current.Sequence <= end)
            {
                items.Remove(row.ItemId);
                if (items.Count == 0)
                {
                    _byKey.Remove((row.Index, row.Key));
                }
            }
        }
    }

    /// <summary>Keeps the row as its item's newest (under the gate).</summary>
    protected override void Keep(StagedRow row)
    {
        if (!_byKey.TryGetValue((row.Index, row.Key), out var items))
        {
            _byKey[(row.Index, row.Key)] = items = new(StringComparer.Ordinal);
        }
        items[row.ItemId] = row;
    }
}

/// <summary>One staged grain index row.</summary>
internal sealed record StagedRow(long Sequence, string Index, string Key, string ItemId, byte[] Payload) : IStagedRow;
