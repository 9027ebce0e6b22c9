using GroupBuy.Runtime.Storage;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The grain index rows committed to <c>grain_index_staged</c> and not yet merged into <c>grain_index</c>, kept in
/// memory for reads, and the merge that moves them. Index rows arrive in commit order with scattered keys (each
/// purchase lists its order under its own shopper); written straight into the key-ordered B-tree, each would rewrite
/// a page of its own. Staged, they are appended together; merged in rounds of tens of thousands sorted by key, each
/// page of the tree takes the rows of a whole round at once.
/// </summary>
/// <remarks>
/// The writer's thread alone stages, merges and ends rounds; readers only copy a key's rows, under the lock. A row
/// leaves memory only after the transaction that merged it has committed, and a reader copies a key's staged rows
/// before it reads the tree, so every row committed before the read began is in one or the other. A crash during a
/// round leaves the staged rows in their table, to be loaded and merged again: merging a row twice writes the same
/// payload twice, and a newer row of the same item is never merged before an older one. Staged rows are this
/// process's memory: one store opens a database file at a time.
/// </remarks>
internal sealed class StagedIndexRows(int roundRows = StagedIndexRows.DefaultRoundRows, int chunkRows = StagedIndexRows.DefaultChunkRows)
{
    /// <summary>Staged rows that start a merge round: enough to cover the tree's pages several times in a flash sale.</summary>
    public const int DefaultRoundRows = 65_536;

    /// <summary>Rows merged with each transaction of the round, so that no commit waits for a whole round.</summary>
    public const int DefaultChunkRows = 2_048;

    /// <summary>A round this small is sorted on the writer's thread, in well under a millisecond.</summary>
    private const int InlineSortRows = 4_096;

    /// <summary>Staged sequences deleted with each transaction once a round is merged: deleting costs less a row than merging.</summary>
    private long DeleteStretch => chunkRows * 4L;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Index, string Key), Dictionary<string, StagedRow>> _byKey = [];
    private int _count;
    private long _lastSequence;
    private Task<Round>? _sorting;
    private Round? _round;

    /// <summary>The sequence of the next row to stage. Writer only; a sequence lost to a rollback stays unused.</summary>
    public long NextSequence() => ++_lastSequence;

    /// <summary>Takes a row read back from the staging table at start-up, in sequence order.</summary>
    public void Load(StagedRow row)
    {
        _lastSequence = Math.Max(_lastSequence, row.Sequence);
        lock (_lock)
        {
            Keep(row);
        }
    }

    /// <summary>Takes the rows of a transaction that has committed.</summary>
    public void Committed(List<StagedRow> rows)
    {
        lock (_lock)
        {
            foreach (var row in rows)
            {
                Keep(row);
            }
        }
        if (_sorting is null && _round is null && _count >= roundRows)
        {
            // Sorting tens of thousands of keys takes milliseconds: off the writer's thread, unless the round is small.
            var (staged, first, end) = Snapshot();
            _sorting = staged.Length <= InlineSortRows
                ? Task.FromResult(new Round(Sort(staged), first - 1, end))
                : Task.Run(() => new Round(Sort(staged), first - 1, end));
        }
    }

    /// <summary>The key's staged rows, copied: read them before the tree.</summary>
    public List<IndexedItem> Of(string index, string key)
    {
        lock (_lock)
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

    /// <summary>
    /// What the writer's next transaction carries of the round under way, once it is sorted: the next rows to merge, in
    /// key order; once all are merged, the next stretch of the round's staged rows to delete (nothing otherwise).
    /// </summary>
    public RoundStep NextStep()
    {
        if (_round is null && _sorting is { IsCompleted: true } sorting)
        {
            (_round, _sorting) = (sorting.Result, null);
        }
        if (_round is not { } round)
        {
            return default;
        }
        if (round.Merged < round.Rows.Length)
        {
            return new(round.Rows.AsMemory(round.Merged, Math.Min(chunkRows, round.Rows.Length - round.Merged)), 0);
        }
        // Staged rows go by stretches of sequences, oldest first, so that no commit deletes a whole round.
        return new(ReadOnlyMemory<StagedRow>.Empty, Math.Min(round.End, round.DeletedThrough + DeleteStretch));
    }

    /// <summary>The step's transaction committed. After the round's last deletion its rows leave memory.</summary>
    public void StepCommitted(RoundStep step)
    {
        if (_round is not { } round)
        {
            return;
        }
        round.Merged += step.Merge.Length;
        round.DeletedThrough = Math.Max(round.DeletedThrough, step.DeleteThrough);
        if (round.DeletedThrough < round.End)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var row in round.Rows)
            {
                // A newer row of the item, staged during the round, stays for the next one.
                if (_byKey.TryGetValue((row.Index, row.Key), out var items) && items.TryGetValue(row.ItemId, out var current) && current.Sequence <= round.End)
                {
                    items.Remove(row.ItemId);
                    _count--;
                    if (items.Count == 0)
                    {
                        _byKey.Remove((row.Index, row.Key));
                    }
                }
            }
        }
        _round = null;
    }

    /// <summary>Keeps the row as its item's newest (under the lock).</summary>
    private void Keep(StagedRow row)
    {
        if (!_byKey.TryGetValue((row.Index, row.Key), out var items))
        {
            _byKey[(row.Index, row.Key)] = items = new(StringComparer.Ordinal);
        }
        if (items.TryAdd(row.ItemId, row))
        {
            _count++;
        }
        else
        {
            items[row.ItemId] = row;
        }
    }

    /// <summary>
    /// Every staged row, taken between transactions, and the last sequence staged: every row up to it is either in the
    /// round or replaced by a newer row of its item that is, so the round's deletions remove them all.
    /// </summary>
    private (StagedRow[] Rows, long First, long End) Snapshot()
    {
        lock (_lock)
        {
            StagedRow[] rows = [.. _byKey.Values.SelectMany(items => items.Values)];
            return (rows, rows.Min(row => row.Sequence), _lastSequence);
        }
    }

    private static StagedRow[] Sort(StagedRow[] rows)
    {
        Array.Sort(rows, static (a, b) =>
        {
            var order = string.CompareOrdinal(a.Index, b.Index);
            order = order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
            return order != 0 ? order : string.CompareOrdinal(a.ItemId, b.ItemId);
        });
        return rows;
    }

    /// <summary>A round's rows in key order, how many are merged, and the staged sequences deleted so far and to delete.</summary>
    private sealed class Round(StagedRow[] rows, long deletedThrough, long end)
    {
        public StagedRow[] Rows { get; } = rows;

        public long End { get; } = end;

        public int Merged { get; set; }

        public long DeletedThrough { get; set; } = deletedThrough;
    }
}

/// <summary>What one transaction carries of a merge round: rows to merge, or staged rows to delete through a sequence (0: none).</summary>
internal readonly record struct RoundStep(ReadOnlyMemory<StagedRow> Merge, long DeleteThrough);

/// <summary>One staged grain index row.</summary>
internal sealed record StagedRow(long Sequence, string Index, string Key, string ItemId, byte[] Payload);
