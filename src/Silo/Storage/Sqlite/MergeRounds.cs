namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// Rows committed to a staging table in commit order, kept in memory for reads, and moved into their key-ordered table
/// in rounds. Rows arrive with scattered keys; written straight into a key-ordered B-tree, each would rewrite a page of
/// its own. Staged, a commit's rows are appended together; merged in rounds of tens of thousands sorted by key, each
/// page of the tree takes the rows of a whole round at once. The kinds of row (<see cref="StagedIndexRows"/>,
/// <see cref="StagedJournalEvents"/>) say how rows are kept, sorted and released; the rounds are the same.
/// </summary>
/// <remarks>
/// A round starts once the staging table spans a round's worth of sequences, with every row then in memory sorted off
/// the writer's thread. Each transaction of the writer then carries a step: a chunk of rows to merge, and once all are
/// merged, a stretch of the table's sequences to delete, oldest first, so that no commit carries a whole round. After
/// the last deletion the round's rows leave memory. The writer's thread alone keeps, merges and releases rows, under
/// <see cref="Gate"/>; readers copy under it. A row staged meanwhile (after the round's end) waits for the next round.
/// </remarks>
internal abstract class MergeRounds<TRow>(int roundRows, int chunkRows)
{
    /// <summary>A round this small is sorted on the writer's thread, in well under a millisecond.</summary>
    private const int InlineSortRows = 4_096;

    private Task<Round>? _sorting;
    private Round? _round;
    private long _lastSequence;
    private long _deletedThrough;

    /// <summary>Guards the rows kept in memory: the writer changes them under it, readers copy under it.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The sequence of the next row to stage. Writer only; a sequence lost to a rollback stays unused.</summary>
    public long NextSequence() => ++_lastSequence;

    /// <summary>
    /// What the writer's next transaction carries of the round under way, once it is sorted: the next rows to merge, in
    /// key order; once all are merged, the next stretch of the staging table to delete (nothing otherwise).
    /// </summary>
    /// <param name="stagedNow">
    /// Rows the transaction stages itself. It merges at least twice as many, so that rounds keep up with any load;
    /// otherwise a chunk, kept small so that no commit, and no caller waiting on it, carries much of a round.
    /// </param>
    public RoundStep<TRow> NextStep(int stagedNow)
    {
        if (_round is null && _sorting is { IsCompleted: true } sorting)
        {
            // A sort fails only short of memory: the round is then started again after the next commit, not lost.
            _sorting = null;
            _round = sorting.IsCompletedSuccessfully ? sorting.Result : null;
        }
        if (_round is not { } round)
        {
            return default;
        }
        var chunk = Math.Max(chunkRows, 2 * stagedNow);
        if (round.Merged < round.Rows.Length)
        {
            return new(round.Rows.AsMemory(round.Merged, Math.Min(chunk, round.Rows.Length - round.Merged)), 0);
        }
        // Deleting costs less a row than merging: four chunks' worth of staged sequences a transaction.
        return new(ReadOnlyMemory<TRow>.Empty, Math.Min(round.End, round.DeletedThrough + chunk * 4L));
    }

    /// <summary>The step's transaction committed. After the round's last deletion its rows leave memory.</summary>
    public void StepCommitted(RoundStep<TRow> step)
    {
        if (_round is not { } round)
        {
            return;
        }
        round.Merged += step.Merge.Length;
        round.DeletedThrough = Math.Max(round.DeletedThrough, step.DeleteThrough);
        _deletedThrough = round.DeletedThrough;
        if (round.DeletedThrough < round.End)
        {
            return;
        }
        lock (Gate)
        {
            Release(round.Rows, round.End);
        }
        _round = null;
    }

    /// <summary>A row staged at <paramref name="sequence"/> was read back at start-up, in sequence order: the table holds nothing older.</summary>
    protected void Loaded(long sequence)
    {
        if (_lastSequence == 0)
        {
            _deletedThrough = sequence - 1;
        }
        _lastSequence = Math.Max(_lastSequence, sequence);
    }

    /// <summary>
    /// Starts a round once the staging table spans a round's worth of sequences: rows replaced or dropped since they
    /// were staged count too, since only a round deletes them. Call between transactions, after keeping a commit's rows.
    /// </summary>
    protected void StartRoundWhenDue()
    {
        if (_sorting is not null || _round is not null || _lastSequence - _deletedThrough < roundRows)
        {
            return;
        }
        TRow[] rows;
        lock (Gate)
        {
            rows = Staged();
        }
        // Every row staged through _lastSequence is in the round, or no longer wanted (replaced by a row that is, or
        // covered by a snapshot): the round's deletions remove them all.
        var (from, end) = (_deletedThrough, _lastSequence);
        // Sorting tens of thousands of keys takes milliseconds: off the writer's thread, unless the round is small.
        _sorting = rows.Length <= InlineSortRows
            ? Task.FromResult(new Round(Sorted(rows), from, end))
            : Task.Run(() => new Round(Sorted(rows), from, end));
    }

    /// <summary>Every row kept in memory (under the gate).</summary>
    protected abstract TRow[] Staged();

    /// <summary>The rows in the order of the table they merge into.</summary>
    protected abstract TRow[] Sorted(TRow[] rows);

    /// <summary>The round's rows, merged and deleted from the staging table, leave memory, unless replaced by newer ones (under the gate).</summary>
    protected abstract void Release(TRow[] rows, long end);

    /// <summary>A round's rows in key order, how many are merged, and the staged sequences deleted so far and to delete.</summary>
    private sealed class Round(TRow[] rows, long deletedThrough, long end)
    {
        public TRow[] Rows { get; } = rows;

        public long End { get; } = end;

        public int Merged { get; set; }

        public long DeletedThrough { get; set; } = deletedThrough;
    }
}

/// <summary>What one transaction carries of a merge round: rows to merge, or staged rows to delete through a sequence (0: none).</summary>
internal readonly record struct RoundStep<TRow>(ReadOnlyMemory<TRow> Merge, long DeleteThrough);
