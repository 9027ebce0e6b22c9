using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The grain index's sorted runs on disk (schema script 006) and the work under way on them: the merge round's run being
/// written, one compaction, and replaced runs whose blocks are being deleted. A merge round writes its rows as a new
/// run of level 0; once a level holds <c>fanIn</c> runs they are compacted into one run of the next level, so every row
/// is rewritten about once a level, always sequentially, and a read looks in a few runs a level.
/// </summary>
/// <remarks>
/// The store keeps this across writer connections. The writer changes it only after the transaction that carried the
/// change committed (<see cref="Committed"/>), so a rolled-back transaction leaves it as the file has it. A run is
/// listed, and read, only once complete; compaction lists its output and unlists its inputs in one transaction. A run
/// left unlisted by a crash, being written or being deleted, is deleted after the next start.
/// </remarks>
internal sealed class IndexRuns(int fanIn = IndexRuns.DefaultFanIn, int compactRows = IndexRuns.DefaultCompactRows,
    int blockBytes = IndexBlockBuilder.DefaultTargetBytes)
{
    /// <summary>
    /// Runs of one level that are compacted into one of the next. Eight rewrite a row fewer times than four (P3 on SQLite
    /// made a quarter more purchases); a read looks in up to seven runs a level.
    /// </summary>
    public const int DefaultFanIn = 8;

    /// <summary>Rows a transaction carries of a compaction: a few dozen blocks.</summary>
    public const int DefaultCompactRows = 1_024;

    private readonly List<ListedRun> _listed = [];
    private readonly Queue<long> _dropping = new();
    private long _lastRun;

    public int FanIn { get; } = fanIn;

    public int CompactRows { get; } = compactRows;

    public int BlockBytes { get; } = blockBytes;

    /// <summary>The merge round's run being written: its number and the rows committed to it.</summary>
    public (long Run, long Rows)? Round { get; private set; }

    public Compaction? Compacting { get; private set; }

    /// <summary>The replaced (or abandoned) run whose blocks are deleted next.</summary>
    public long? Dropping => _dropping.Count > 0 ? _dropping.Peek() : null;

    /// <summary>A new run's number: higher than any before, so the newer of two runs of a level is the higher.</summary>
    public long NextRun() => ++_lastRun;

    /// <summary>At start-up: the listed runs, and the unlisted ones to delete.</summary>
    public void Load(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = SqliteSql.SelectRuns;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var run = reader.GetInt64(0);
            _lastRun = Math.Max(_lastRun, run);
            if (reader.GetInt64(3) == 1)
            {
                _listed.Add(new ListedRun(run, reader.GetInt32(1), reader.GetInt64(2)));
            }
            else
            {
                _dropping.Enqueue(run);
            }
        }
        StartCompactionWhenDue();
    }

    /// <summary>Applies what a committed transaction did to the runs.</summary>
    public void Committed(RunsChange change)
    {
        if (change.RoundRun is { } run)
        {
            Round = (run, (Round?.Rows ?? 0) + change.RoundRows);
        }
        if (change.RoundListed && Round is { } round)
        {
            _listed.Add(new ListedRun(round.Run, 0, round.Rows));
            Round = null;
        }
        if (change.Compaction is { } compaction)
        {
            Compacting = compaction;
            if (compaction.Done)
            {
                foreach (var input in compaction.Inputs)
                {
                    _listed.Remove(input);
                    _dropping.Enqueue(input.Run);
                }
                _listed.Add(new ListedRun(compaction.Output, compaction.Level, compaction.Rows));
                Compacting = null;
            }
        }
        if (change.Dropped)
        {
            _dropping.Dequeue();
        }
        if (change.RoundListed || change.Compaction is { Done: true })
        {
            StartCompactionWhenDue();
        }
    }

    /// <summary>Compacts the lowest level that holds <see cref="FanIn"/> runs, unless a compaction is under way.</summary>
    private void StartCompactionWhenDue()
    {
        if (Compacting is not null)
        {
            return;
        }
        foreach (var level in _listed.Select(run => run.Level).Distinct().Order())
        {
            var runs = _listed.Where(run => run.Level == level).OrderByDescending(run => run.Run).ToArray();
            if (runs.Length >= FanIn)
            {
                Compacting = new Compaction(runs, NextRun(), level + 1, After: null, Rows: 0, Started: false, Done: false);
                return;
            }
        }
    }
}

/// <summary>A complete run that reads look in.</summary>
internal readonly record struct ListedRun(long Run, int Level, long Rows);

/// <summary>
/// Runs of one level merged into <see cref="Output"/> of the next: <see cref="Inputs"/> newest first (the newest row of
/// an item wins), and the progress committed so far: the key of the last row written (<see cref="After"/>) and the rows
/// written.
/// </summary>
internal sealed record Compaction(ListedRun[] Inputs, long Output, int Level, byte[]? After, long Rows, bool Started, bool Done);

/// <summary>What one transaction did to the runs, applied once it commits.</summary>
internal sealed class RunsChange
{
    /// <summary>The round's run the transaction wrote blocks to, and how many rows.</summary>
    public long? RoundRun { get; set; }

    public long RoundRows { get; set; }

    /// <summary>The round's run was listed.</summary>
    public bool RoundListed { get; set; }

    /// <summary>The compaction's progress, when the transaction carried a step of it.</summary>
    public Compaction? Compaction { get; set; }

    /// <summary>The last blocks of the run being dropped were deleted.</summary>
    public bool Dropped { get; set; }

    public void Clear()
    {
        (RoundRun, RoundRows, RoundListed, Compaction, Dropped) = (null, 0, false, null, false);
    }
}
