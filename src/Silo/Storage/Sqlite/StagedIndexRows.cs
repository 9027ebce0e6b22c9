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
/// payload twice, and a newer row of the same item is never merged before an older one.
/// </remarks>
internal sealed class StagedIndexRows(int roundRows = StagedIndexRows.DefaultRoundRows, int chunkRows = StagedIndexRows.DefaultChunkRows)
{
    /// <summary>Staged rows that start a merge round: enough to cover the tree's pages several times in a flash sale.</summary>
    public const int DefaultRoundRows = 65_536;

    /// <summary>Rows merged with each transaction of the round, so that no commit waits for a whole round.</summary>
    public const int DefaultChunkRows = 2_048;

    /// <summary>A round this small is sorted on the writer's thread, in well under a millisecond.</summary>
    private const int InlineSortRows = 4_096;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Index, string Key), Dictionary<string, StagedRow>> _byKey = [];
    private int _count;
    private long _lastSequence;
    private Task<Round>? _sorting;
    private Round? _round;
    private int _merged;

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
            var (round, end) = Snapshot();
            _sorting = round.Length <= InlineSortRows ? Task.FromResult(new Round(Sort(round), end)) : Task.Run(() => new Round(Sort(round), end));
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

    /// <summary>The tree's rows under the staged ones: a staged row replaces the stored row of its item.</summary>
    public static IReadOnlyList<IndexedItem> Over(IReadOnlyList<IndexedItem> stored, List<IndexedItem> staged)
    {
        if (staged.Count == 0)
        {
            return stored;
        }
        var items = new Dictionary<string, IndexedItem>(StringComparer.Ordinal);
        foreach (var item in stored)
        {
            items[item.ItemId] = item;
        }
        foreach (var item in staged)
        {
            items[item.ItemId] = item;
        }
        return [.. items.Values.OrderBy(item => item.ItemId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The rows to merge in the writer's next transaction, in key order, once a round is sorted (empty otherwise);
    /// <paramref name="lastOfRound"/> says the transaction must also delete the round's staged rows.
    /// </summary>
    public ReadOnlySpan<StagedRow> NextChunk(out bool lastOfRound, out long roundEnd)
    {
        lastOfRound = false;
        roundEnd = 0;
        if (_round is null && _sorting is { IsCompleted: true } sorting)
        {
            (_round, _merged, _sorting) = (sorting.Result, 0, null);
        }
        if (_round is null)
        {
            return [];
        }
        var rows = _round.Rows;
        var chunk = rows.AsSpan(_merged, Math.Min(chunkRows, rows.Length - _merged));
        lastOfRound = _merged + chunk.Length == rows.Length;
        roundEnd = _round.End;
        return chunk;
    }

    /// <summary>The chunk's transaction committed: the next chunk follows, and after the last the round's rows leave memory.</summary>
    public void ChunkCommitted(int rows)
    {
        if (_round is null)
        {
            return;
        }
        _merged += rows;
        if (_merged < _round.Rows.Length)
        {
            return;
        }
        var end = _round.End;
        lock (_lock)
        {
            foreach (var row in _round.Rows)
            {
                // A newer row of the item, staged during the round, stays for the next one.
                if (_byKey.TryGetValue((row.Index, row.Key), out var items) && items.TryGetValue(row.ItemId, out var current) && current.Sequence <= end)
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
    /// round or replaced by a newer row of its item that is, so the round's last chunk deletes them all.
    /// </summary>
    private (StagedRow[] Rows, long End) Snapshot()
    {
        lock (_lock)
        {
            return ([.. _byKey.Values.SelectMany(items => items.Values)], _lastSequence);
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

    private sealed record Round(StagedRow[] Rows, long End);
}

/// <summary>One staged grain index row.</summary>
internal sealed record StagedRow(long Sequence, string Index, string Key, string ItemId, byte[] Payload);
