using GroupBuy.Runtime;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Data.Sqlite;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The one connection every SQLite write goes through, with its statements prepared once. A batch runs in a
/// single <c>BEGIN IMMEDIATE</c> transaction; each write is checked on its own and a failed check only records
/// that write's conflict (and skips its grain index rows), so the rest of the batch still commits. Journal events and
/// grain index rows are staged, one packed row of each kind a transaction (<see cref="StagedBlock"/>), and each
/// transaction carries the next step of their merge rounds when one is under way (<see cref="MergeRounds{TRow}"/>),
/// and of the index runs' compaction (<see cref="IndexRuns"/>).
/// </summary>
internal sealed partial class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteStatement> _statements = [];
    private readonly SqliteStatement _insertState;
    private readonly SqliteStatement _updateState;
    private readonly SqliteStatement _selectJournalVersion;
    private readonly SqliteStatement _insertEvent;
    private readonly SqliteStatement _insertStagedEvents;
    private readonly SqliteStatement _deleteStagedEventBlocks;
    private readonly SqliteStatement _deleteStagedEvents;
    private readonly SqliteStatement _upsertSnapshot;
    private readonly SqliteStatement _deleteCoveredEvents;
    private readonly SqliteStatement _insertStagedIndexRows;
    private readonly SqliteStatement _deleteStagedIndexBlocks;
    private readonly SqliteStatement _deleteStagedIndexRows;
    private readonly SqliteStatement _upsertReminder;
    private readonly SqliteStatement _deleteReminder;

    private readonly StagedIndexRows _staged;
    private readonly StagedJournalEvents _journals;
    private readonly List<StagedIndexRow> _stagedNow = [];
    private readonly List<StagedEvent> _eventsNow = [];
    private readonly StagedBlock _block = new();
    private readonly BlockPacking _packing = new();
    private readonly Dictionary<JournalKey, long> _versionsNow = [];
    private readonly Dictionary<JournalKey, long> _snapshotsNow = [];

    /// <summary>Runs after each commit, part-way through taking it into memory (tests fail it there).</summary>
    private readonly Action? _afterCommit;

    private SqliteWriter(SqliteConnection connection, StagedIndexRows staged, StagedJournalEvents journals, IndexRuns runs, Action? afterCommit)
    {
        _connection = connection;
        _afterCommit = afterCommit;
        _staged = staged;
        _journals = journals;
        _runs = runs;
        try
        {
            _insertState = Prepare(SqliteSql.InsertState, "$type", "$key", "$name", "$payload", "$now");
            _updateState = Prepare(SqliteSql.UpdateState, "$type", "$key", "$name", "$payload", "$now", "$expected");
            _selectJournalVersion = Prepare(SqliteSql.SelectJournalVersion, "$type", "$key", "$name");
            _insertEvent = Prepare(SqliteSql.InsertEvent, "$type", "$key", "$name", "$version", "$payload");
            _insertStagedEvents = Prepare(SqliteSql.InsertStagedEventBlock, "$last", "$count", "$events", "$packing");
            _deleteStagedEventBlocks = Prepare(SqliteSql.DeleteStagedEventBlocks, "$last");
            _deleteStagedEvents = Prepare(SqliteSql.DeleteStagedEvents, "$last");
            _upsertSnapshot = Prepare(SqliteSql.UpsertSnapshot, "$type", "$key", "$name", "$version", "$payload", "$now");
            _deleteCoveredEvents = Prepare(SqliteSql.DeleteCoveredEvents, "$type", "$key", "$name", "$version");
            _insertStagedIndexRows = Prepare(SqliteSql.InsertStagedIndexBlock, "$last", "$count", "$rows", "$packing");
            _deleteStagedIndexBlocks = Prepare(SqliteSql.DeleteStagedIndexBlocks, "$last");
            _deleteStagedIndexRows = Prepare(SqliteSql.DeleteStagedIndexRows, "$last");
            _insertRun = Prepare(SqliteSql.InsertRun, "$run", "$level");
            _listRun = Prepare(SqliteSql.ListRun, "$rows", "$run");
            _unlistRun = Prepare(SqliteSql.UnlistRun, "$run");
            _deleteRun = Prepare(SqliteSql.DeleteRun, "$run");
            _insertBlock = Prepare(SqliteSql.InsertBlock, "$run", "$first", "$last", "$count", "$rows", "$packing");
            _deleteBlocks = Prepare(SqliteSql.DeleteBlocks, "$run", "$count");
            _blocks = new IndexBlockBuilder(runs.BlockBytes);
            _upsertReminder = Prepare(SqliteSql.UpsertReminder, "$type", "$key", "$name", "$due", "$period");
            _deleteReminder = Prepare(SqliteSql.DeleteReminder, "$type", "$key", "$name");
        }
        catch
        {
            // Open closes the connection; the statements prepared on it so far must be finalized first, or the closed
            // connection stays open underneath, with the database and its log, until the garbage collector finalizes them.
            ReleaseStatements();
            throw;
        }
    }

    public static SqliteWriter Open(string connectionString, int busyTimeoutMilliseconds, StagedIndexRows staged, StagedJournalEvents journals,
        IndexRuns runs, Action? afterCommit = null)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode";
            var wal = string.Equals(pragmas.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
            // An acknowledged write must survive a power cut. In WAL mode the store syncs the log itself after each
            // commit (WalFile), off the writer's thread; in any other mode every commit syncs (FULL).
            pragmas.CommandText = $"PRAGMA synchronous = {(wal ? "NORMAL" : "FULL")}; PRAGMA busy_timeout = {busyTimeoutMilliseconds};";
            pragmas.ExecuteNonQuery();
            return new SqliteWriter(connection, staged, journals, runs, afterCommit) { SyncsLogApart = wal };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>True when a commit leaves its log unsynced, for the store to sync with <see cref="WalFile"/>.</summary>
    public bool SyncsLogApart { get; private init; }

    /// <summary>
    /// Runs the batch in one transaction, recording each write's outcome, and commits. A failure once the transaction
    /// has committed, while the staged rows and runs in memory take it, is a <see cref="CommittedNotKeptException"/>.
    /// </summary>
    public void Commit(CommitBatch<StorageWrite> batch, DateTimeOffset now)
    {
        _stagedNow.Clear();
        _eventsNow.Clear();
        _runsNow.Clear();
        _versionsNow.Clear();
        _snapshotsNow.Clear();
        using var transaction = _connection.BeginTransaction(deferred: false);
        var nowMicroseconds = SqliteTime.ToMicroseconds(now);
        for (var index = 0; index < batch.Count; index++)
        {
            switch (batch[index])
            {
                case StateWrite write:
                    WriteState(batch, index, write, nowMicroseconds);
                    break;
                case EventsAppend append:
                    AppendEvents(batch, index, append);
                    break;
                case SnapshotWrite snapshot:
                    WriteSnapshot(batch, index, snapshot, nowMicroseconds);
                    break;
                case ReminderUpsert upsert:
                    var entry = upsert.Entry;
                    Key(_upsertReminder, entry.GrainId, entry.Name).Int64(3, SqliteTime.ToMicroseconds(entry.DueAt))
                        .Int64OrNull(4, entry.Period is { } period ? (long)period.TotalMilliseconds : null).Execute();
                    batch.Succeeded(index);
                    break;
                case ReminderRemoval removal:
                    Key(_deleteReminder, removal.GrainId, removal.Name).Execute();
                    batch.Succeeded(index);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown storage write {batch[index].GetType().Name}.");
            }
        }
        StageBlocks();
        var eventsStep = MergeEventsStep();
        var indexStep = MergeIndexStep();
        CompactionStep();
        DropStep();
        transaction.Commit();
        try
        {
            // The file holds the transaction now; the memory that reads and the next version checks go by must follow.
            _journals.Committed(_eventsNow, _snapshotsNow);
            _afterCommit?.Invoke();
            _journals.StepCommitted(eventsStep);
            _staged.Committed(_stagedNow);
            _staged.StepCommitted(indexStep);
            _runs.Committed(_runsNow);
        }
        catch (Exception exception)
        {
            throw new CommittedNotKeptException(exception);
        }
    }

    public void Dispose()
    {
        // Every statement is finalized before its connection closes.
        ReleaseStatements();
        _connection.Dispose();
    }

    /// <summary>Finalizes the prepared statements and returns the packing buffers: all the writer holds but its connection.</summary>
    private void ReleaseStatements()
    {
        foreach (var statement in _statements)
        {
            statement.Dispose();
        }
        _statements.Clear();
        _block.Dispose();
        _packing.Dispose();
    }

    private void WriteState(CommitBatch<StorageWrite> batch, int index, StateWrite write, long now)
    {
        var changed = write.ExpectedVersion == 0
            ? Key(_insertState, write.GrainId, write.StateName).Blob(3, write.Payload).Int64(4, now).Execute()
            : Key(_updateState, write.GrainId, write.StateName).Blob(3, write.Payload).Int64(4, now).Int64(5, write.ExpectedVersion).Execute();
        if (changed == 1)
        {
            StageIndexRows(write.Index);
            batch.Succeeded(index, write.NewVersion);
        }
        else
        {
            batch.Conflicted(index, write.ConflictMessage);
        }
    }

    private void AppendEvents(CommitBatch<StorageWrite> batch, int index, EventsAppend append)
    {
        var journal = new JournalKey(append.GrainId.Type, append.GrainId.Key, append.JournalName);
        var expected = append.ExpectedVersion;
        if (JournalVersion(journal) != expected)
        {
            batch.Conflicted(index, append.ConflictMessage);
            return;
        }
        for (var i = 0; i < append.Events.Count; i++)
        {
            _eventsNow.Add(new StagedEvent(_journals.NextSequence(), journal, expected + i + 1, append.Events[i].ToArray()));
        }
        _versionsNow[journal] = expected + append.Events.Count;
        StageIndexRows(append.Index);
        batch.Succeeded(index, expected + append.Events.Count);
    }

    /// <summary>The journal's version as this transaction sees it: its appends so far, its staged events, or its tables.</summary>
    private long JournalVersion(JournalKey journal) =>
        _versionsNow.TryGetValue(journal, out var version) ? version
        : _journals.VersionOf(journal)
        ?? _selectJournalVersion.Text(0, journal.Type).Text(1, journal.Key).Text(2, journal.Name).ScalarInt64();

    /// <summary>Runs only once the write carrying the rows passed its version check, in the same transaction.</summary>
    private void StageIndexRows(IReadOnlyList<IndexEntry> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            _stagedNow.Add(new StagedIndexRow(_staged.NextSequence(), rows[i]));
        }
    }

    /// <summary>The transaction's staged events and index rows, one packed row of each kind (none when it staged none).</summary>
    private void StageBlocks()
    {
        if (_eventsNow.Count > 0)
        {
            _block.Clear();
            foreach (var staged in _eventsNow)
            {
                _block.Add(staged);
            }
            Packed(_insertStagedEvents.Int64(0, _eventsNow[^1].Sequence).Int64(1, _block.Count), 2, _block.Bytes.Span).Execute();
        }
        if (_stagedNow.Count > 0)
        {
            _block.Clear();
            foreach (var row in _stagedNow)
            {
                _block.Add(row);
            }
            Packed(_insertStagedIndexRows.Int64(0, _stagedNow[^1].Sequence).Int64(1, _block.Count), 2, _block.Bytes.Span).Execute();
        }
    }

    /// <summary>Carries the events' round's next step: events merged into their table in journal order, or merged events deleted from the stage.</summary>
    private RoundStep<StagedEvent> MergeEventsStep()
    {
        var step = _journals.NextStep(_eventsNow.Count);
        foreach (var staged in step.Merge.Span)
        {
            // A snapshot covers it, committed or in this transaction: its events are gone from the table, or going.
            if (staged.Covered || (_snapshotsNow.TryGetValue(staged.Journal, out var snapshot) && staged.Version <= snapshot))
            {
                continue;
            }
            _insertEvent.Text(0, staged.Journal.Type).Text(1, staged.Journal.Key).Text(2, staged.Journal.Name)
                .Int64(3, staged.Version).Blob(4, staged.Payload).Execute();
        }
        if (step.DeleteThrough > 0)
        {
            _deleteStagedEventBlocks.Int64(0, step.DeleteThrough).Execute();
            _deleteStagedEvents.Int64(0, step.DeleteThrough).Execute();
        }
        return step;
    }

    private void WriteSnapshot(CommitBatch<StorageWrite> batch, int index, SnapshotWrite snapshot, long now)
    {
        var journal = new JournalKey(snapshot.GrainId.Type, snapshot.GrainId.Key, snapshot.JournalName);
        // Refused when the journal has not reached the snapshot's version, or already holds a later snapshot.
        if (snapshot.Version <= JournalVersion(journal)
            && Key(_upsertSnapshot, snapshot.GrainId, snapshot.JournalName).Int64(3, snapshot.Version).Blob(4, snapshot.Payload).Int64(5, now).Execute() == 1)
        {
            Key(_deleteCoveredEvents, snapshot.GrainId, snapshot.JournalName).Int64(3, snapshot.Version).Execute();
            _snapshotsNow[journal] = Math.Max(snapshot.Version, _snapshotsNow.GetValueOrDefault(journal));
            StageIndexRows(snapshot.Index);
            batch.Succeeded(index, snapshot.Version);
        }
        else
        {
            batch.Conflicted(index, snapshot.ConflictMessage);
        }
    }

    /// <summary>Binds <paramref name="block"/>, packed, at <paramref name="parameter"/> and its packing at the next.</summary>
    private SqliteStatement Packed(SqliteStatement statement, int parameter, ReadOnlySpan<byte> block) =>
        statement.Blob(parameter, _packing.Pack(block)).Int64(parameter + 1, BlockPacking.Deflate);

    /// <summary>Binds the first three parameters every grain-keyed statement starts with: type, key and name.</summary>
    private static SqliteStatement Key(SqliteStatement statement, GrainId grainId, string name) =>
        statement.Text(0, grainId.Type).Text(1, grainId.Key).Text(2, name);

    private SqliteStatement Prepare(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var statement = SqliteStatement.Prepare(_connection, sql, parameterNames);
        _statements.Add(statement);
        return statement;
    }
}

/// <summary>
/// A transaction committed, but the writer's memory (staged events and index rows, merge rounds, index runs) failed
/// part-way through taking it: memory and file no longer agree, and only loading the file again can make them.
/// </summary>
internal sealed class CommittedNotKeptException(Exception inner)
    : Exception($"A transaction committed, but the store's memory could not take it: {inner.Message}", inner);
