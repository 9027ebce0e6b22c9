namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The writer's part in the grain index's runs (<see cref="IndexRuns"/>): each transaction may carry a step of the
/// merge round (its rows appended to the round's run), a step of the compaction under way, and a deletion of replaced
/// blocks. Each is small, so that no commit, and no caller waiting on it, carries much of any.
/// </summary>
internal sealed partial class SqliteWriter
{
    /// <summary>Blocks of a replaced run deleted a transaction.</summary>
    private const int DropBlocks = 64;

    private readonly IndexRuns _runs;
    private readonly RunsChange _runsNow = new();
    private readonly IndexBlockBuilder _blocks;
    private readonly SqliteStatement _insertRun;
    private readonly SqliteStatement _listRun;
    private readonly SqliteStatement _unlistRun;
    private readonly SqliteStatement _deleteRun;
    private readonly SqliteStatement _insertBlock;
    private readonly SqliteStatement _deleteBlocks;

    /// <summary>One statement per compaction input, prepared as first needed.</summary>
    private readonly List<SqliteStatement> _inputBlocks = [];

    /// <summary>The last key of the block inserted last.</summary>
    private byte[]? _lastBlockKey;

    /// <summary>
    /// Carries the index rows' round's next step: rows appended to the round's run in key order, or merged rows deleted
    /// from the stage. The first deletion lists the run: it is complete, and reads may look in it.
    /// </summary>
    private RoundStep<long> MergeIndexStep()
    {
        var step = _staged.NextStep(_stagedNow.Count);
        if (!step.Merge.IsEmpty)
        {
            var run = _runs.Round?.Run ?? StartRun(level: 0);
            foreach (var position in step.Merge.Span)
            {
                _blocks.Add(_staged.RoundRow(position, out var payload), payload);
                InsertBlockWhenFull(run);
            }
            EndBlock(run);
            _runsNow.RoundRun = run;
            _runsNow.RoundRows = step.Merge.Length;
        }
        if (step.DeleteThrough > 0)
        {
            if (_runs.Round is { } round)
            {
                _listRun.Int64(0, round.Rows).Int64(1, round.Run).Execute();
                _runsNow.RoundListed = true;
            }
            _deleteStagedIndexBlocks.Int64(0, step.DeleteThrough).Execute();
            _deleteStagedIndexRows.Int64(0, step.DeleteThrough).Execute();
        }
        return step;
    }

    /// <summary>
    /// Carries the compaction's next rows: its inputs merged in key order from where the last step ended, the newest copy
    /// of each item kept. The step that exhausts the inputs lists the output and unlists the inputs.
    /// </summary>
    private void CompactionStep()
    {
        if (_runs.Compacting is not { } compaction)
        {
            return;
        }
        if (!compaction.Started)
        {
            _insertRun.Int64(0, compaction.Output).Int64(1, compaction.Level).Execute();
        }
        var cursors = new RunCursor[compaction.Inputs.Length];
        try
        {
            for (var i = 0; i < cursors.Length; i++)
            {
                if (_inputBlocks.Count <= i)
                {
                    _inputBlocks.Add(Prepare(SqliteSql.SelectBlocksAfter, "$run", "$after"));
                }
                cursors[i] = new RunCursor(_inputBlocks[i].Int64(0, compaction.Inputs[i].Run).Blob(1, compaction.After ?? []), compaction.After);
            }
            var written = 0;
            _lastBlockKey = null;
            while (written < _runs.CompactRows && RunCursor.Smallest(cursors) is { } smallest)
            {
                _blocks.Add(smallest.Key.Span, smallest.Payload.Span);
                RunCursor.Pass(cursors, smallest.Key);
                InsertBlockWhenFull(compaction.Output);
                written++;
            }
            EndBlock(compaction.Output);
            var lastWritten = _lastBlockKey ?? compaction.After;
            var done = !RunCursor.AnyLeft(cursors);
            var rows = compaction.Rows + written;
            if (done)
            {
                _listRun.Int64(0, rows).Int64(1, compaction.Output).Execute();
                foreach (var input in compaction.Inputs)
                {
                    _unlistRun.Int64(0, input.Run).Execute();
                }
            }
            _runsNow.Compaction = compaction with { After = lastWritten, Rows = rows, Started = true, Done = done };
        }
        finally
        {
            for (var i = 0; i < cursors.Length && i < _inputBlocks.Count; i++)
            {
                _inputBlocks[i].Reset();
            }
        }
    }

    /// <summary>Deletes the next blocks of a replaced (or abandoned) run, and the run once none is left.</summary>
    private void DropStep()
    {
        if (_runs.Dropping is not { } run)
        {
            return;
        }
        if (_deleteBlocks.Int64(0, run).Int64(1, DropBlocks).Execute() < DropBlocks)
        {
            _deleteRun.Int64(0, run).Execute();
            _runsNow.Dropped = true;
        }
    }

    /// <summary>A new run, unlisted until complete: a crash before then leaves it to be deleted after the next start.</summary>
    private long StartRun(int level)
    {
        var run = _runs.NextRun();
        _insertRun.Int64(0, run).Int64(1, level).Execute();
        return run;
    }

    private void InsertBlockWhenFull(long run)
    {
        if (_blocks.Full)
        {
            InsertBlock(run);
        }
    }

    /// <summary>Writes the rows added since the last full block (blocks never span transactions).</summary>
    private void EndBlock(long run)
    {
        if (_blocks.Count > 0)
        {
            InsertBlock(run);
        }
    }

    private void InsertBlock(long run)
    {
        var (first, last, rows, count) = _blocks.Take();
        _lastBlockKey = last;
        Packed(_insertBlock.Int64(0, run).Blob(1, first).Blob(2, last).Int64(3, count), 4, rows.Span).Execute();
    }

    /// <summary>One compaction input, read block by block from the first row after where the last step ended.</summary>
    private sealed class RunCursor(SqliteStatement blocks, byte[]? after)
    {
        private IndexBlockReader _reader = new([]);
        private (int At, int Length) _key;
        private (int At, int Length) _payload;
        private bool _hasRow;
        private bool _ended;

        private ReadOnlySpan<byte> Key => _reader.Block.AsSpan(_key.At, _key.Length);

        /// <summary>The smallest row of any cursor: the first cursor's (the newest run's) of equal keys.</summary>
        public static (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Payload)? Smallest(RunCursor[] cursors)
        {
            RunCursor? smallest = null;
            foreach (var cursor in cursors)
            {
                if (cursor.Peek() && (smallest is null || cursor.Key.SequenceCompareTo(smallest.Key) < 0))
                {
                    smallest = cursor;
                }
            }
            return smallest is null ? null
                : (smallest._reader.Block.AsMemory(smallest._key.At, smallest._key.Length), smallest._reader.Block.AsMemory(smallest._payload.At, smallest._payload.Length));
        }

        /// <summary>Moves every cursor past <paramref name="key"/>: the row taken, and its older copies.</summary>
        public static void Pass(RunCursor[] cursors, ReadOnlyMemory<byte> key)
        {
            foreach (var cursor in cursors)
            {
                if (cursor.Peek() && cursor.Key.SequenceEqual(key.Span))
                {
                    cursor._hasRow = false;
                }
            }
        }

        public static bool AnyLeft(RunCursor[] cursors) => cursors.Any(cursor => cursor.Peek());

        private bool Peek()
        {
            while (!_hasRow && !_ended)
            {
                if (_reader.Next(out _key, out _payload))
                {
                    // The first block may begin with rows an earlier step wrote.
                    _hasRow = after is null || Key.SequenceCompareTo(after) > 0;
                }
                else if (blocks.Read())
                {
                    _reader = new IndexBlockReader(BlockPacking.Unpack(blocks.BlobColumn(0), blocks.Int64Column(1)));
                }
                else
                {
                    _ended = true;
                }
            }
            return _hasRow;
        }
    }
}
