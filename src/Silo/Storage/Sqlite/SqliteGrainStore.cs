using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The embedded store: grain states, journals and reminders in one SQLite file, write-ahead logged; a commit is
/// durable once its log is synced (<see cref="WalFile"/>) before its callers are answered. Every write goes through one dedicated writer connection and
/// is group-committed with the writes waiting beside it; reads run on pooled connections beside the writer. Journal
/// events and grain index rows are staged in commit order and merged in large rounds: events into their key-ordered
/// table (<see cref="StagedJournalEvents"/>), index rows as sorted runs compacted by levels (<see cref="StagedIndexRows"/>,
/// <see cref="IndexRuns"/>). Since staged rows live in this process's memory, the
/// store holds a lock file beside the database while it is open: a second store on the same file, in this process or
/// another, reports the store unavailable until the first is disposed or its process ends.
/// </summary>
public sealed partial class SqliteGrainStore : GroupCommittedStore, IDurableGrainStore
{
    private const string ProviderName = "sqlite";
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SchemaGate _schema;
    private readonly StagedIndexRows _staged;
    private readonly StagedJournalEvents _journals;
    private readonly IndexRuns _runs;
    private readonly Action? _afterCommit; // a test's fault, run part-way through each commit's bookkeeping
    private SqliteWriter? _writer; // used by the commit loop only
    private volatile Exception? _broken; // a commit its memory could not take: the store refuses everything until restarted
    private volatile WalFile? _wal; // the writer's log, synced by the commit queue's flusher
    private volatile Exception? _unsyncedClose; // a closed writer's log could not be synced: nothing it wrote is sure
    private readonly Lock _fileLockGate = new();
    private FileStream? _fileLock;
    private int _disposed;

    /// <param name="path">The database file; created with its folder when missing.</param>
    /// <param name="metrics">Counts each group-commit transaction.</param>
    /// <param name="timeProvider">Stamps modification times.</param>
    /// <param name="logger">Logs schema set-up and failed batches.</param>
    public SqliteGrainStore(string path, RuntimeMetrics metrics, TimeProvider timeProvider, ILogger<SqliteGrainStore> logger)
        : this(path, metrics, timeProvider, logger, new StagedIndexRows(), new StagedJournalEvents(), new IndexRuns())
    {
    }

    /// <summary>
    /// As the public constructor, with the merge rounds and the index runs sized by the caller (tests size them small), and
    /// <paramref name="afterCommit"/> run after each commit, part-way through taking it into memory (tests throw from it).
    /// </summary>
    internal SqliteGrainStore(string path, RuntimeMetrics metrics, TimeProvider timeProvider, ILogger<SqliteGrainStore> logger,
        StagedIndexRows staged, StagedJournalEvents journals, IndexRuns runs, Action? afterCommit = null)
        : base(ProviderName, metrics, logger, flushesAfterCommit: true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        Path = System.IO.Path.GetFullPath(path);
        // A folder made here is synced into the one above it: SQLite syncs only the folder of the files it creates.
        DirectorySync.Create(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        _readConnectionString = connection.ToString();
        connection.Pooling = false;
        _writeConnectionString = connection.ToString();
        _timeProvider = timeProvider;
        _logger = logger;
        _staged = staged;
        _journals = journals;
        _runs = runs;
        _afterCommit = afterCommit;
        _schema = new SchemaGate(_ => ApplySchema());
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(cancellationToken);

    /// <summary>Commits the writes already queued, then closes the writer and the pooled readers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await Writes.DisposeAsync().ConfigureAwait(false);
        CloseWriter();
        lock (_fileLockGate)
        {
            _fileLock?.Dispose();
            _fileLock = null;
        }
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    private protected override async Task CommitAsync(CommitBatch<StorageWrite> batch)
    {
        ThrowIfBroken();
        await _schema.EnsureAsync(CancellationToken.None).ConfigureAwait(false);
        if (_writer is null)
        {
            _writer = SqliteWriter.Open(_writeConnectionString, BusyTimeoutMilliseconds, _staged, _journals, _runs, _afterCommit);
            _wal = _writer.SyncsLogApart ? new WalFile(Path) : null;
        }
        try
        {
            _writer.Commit(batch, _timeProvider.GetUtcNow());
        }
        catch (CommittedNotKeptException exception)
        {
            // The file holds the transaction, the memory only part of it: reads would miss committed rows, version checks
            // would pass stale writes, and merge rounds would delete staged rows never merged. Nothing more is served;
            // a restart loads the file again. Set before the writer closes, so no read or batch slips in between.
            _broken = exception;
            StorageLog.SqliteCommitNotKept(_logger, Path, exception.InnerException!);
            try
            {
                CloseWriter(); // syncs the log: what committed, this transaction included, is there after the restart
            }
            catch (Exception closing)
            {
                throw Unavailable(new AggregateException(exception, closing));
            }
            throw Unavailable(exception);
        }
        catch
        {
            // The transaction rolled back with the failure; a fresh connection is the safe start for the next batch.
            CloseWriter();
            throw;
        }
    }

    private protected override void Flush()
    {
        // The log is read before the failure: a writer is closed (its log synced, or the failure recorded) before
        // the field is cleared.
        var wal = _wal;
        if (_unsyncedClose is { } failure)
        {
            throw new IOException("The write-ahead log could not be synced as its writer closed.", failure);
        }
        wal?.Sync();
    }

    /// <summary>Syncs the writer's log, so everything it committed is durable, then closes it.</summary>
    private void CloseWriter()
    {
        try
        {
            _wal?.Dispose();
        }
        catch (Exception exception)
        {
            _unsyncedClose ??= exception;
            throw;
        }
        finally
        {
            _wal = null;
            _writer?.Dispose();
            _writer = null;
        }
    }

    /// <summary>Why loading the staged data failed part-way, if it did: the store then refuses to load again.</summary>
    private Exception? _loadFailure;

    private Task ApplySchema()
    {
        lock (_fileLockGate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            _fileLock ??= LockFile();
        }
        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        // WAL is a property of the file: set once, it lets readers run beside the writer.
        Execute(connection, null, $"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, SqliteSql.CreateSchemaVersion);
        var applied = new HashSet<long>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = SqliteSql.SelectSchemaVersions;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt64(0));
            }
        }
        foreach (var script in SchemaScript.Load("Sqlite"))
        {
            if (applied.Contains(script.Version))
            {
                continue;
            }
            Execute(connection, transaction, script.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = SqliteSql.InsertSchemaVersion;
            record.Parameters.AddWithValue("$version", script.Version);
            record.Parameters.AddWithValue("$script", script.Name);
            record.Parameters.AddWithValue("$now", SqliteTime.ToMicroseconds(_timeProvider.GetUtcNow()));
            record.ExecuteNonQuery();
            StorageLog.SchemaScriptApplied(_logger, ProviderName, script.Name);
        }
        transaction.Commit();
        if (_loadFailure is not null)
        {
            // Loading is not repeatable: a second load would add the staged events it already holds again, and a
            // grain would apply them twice. A store whose load failed part-way stays unavailable until a restart.
            throw Unavailable(_loadFailure);
        }
        try
        {
            LoadStagedJournalEvents(connection);
            LoadStagedIndexRows(connection);
            _runs.Load(connection);
        }
        catch (Exception exception)
        {
            _loadFailure = exception;
            throw Unavailable(exception);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the lock file beside the database, held until the store is disposed: the operating system releases it when
    /// the process ends, however it ends.
    /// </summary>
    private FileStream LockFile()
    {
        var lockPath = Path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new StorageUnavailableException(
                $"The SQLite database {Path} is open in another store (its lock file {lockPath} is held): a file is opened by one process at a time.", exception);
        }
    }

    /// <summary>
    /// The journal events staged and not merged when the store last closed (or crashed), but those a snapshot covers:
    /// events staged one by one (before script 005) first, then the blocks, all in sequence order.
    /// </summary>
    private void LoadStagedJournalEvents(SqliteConnection connection)
    {
        Execute(connection, null, SqliteSql.DeleteCoveredStagedEvents);
        using (var select = connection.CreateCommand())
        {
            select.CommandText = SqliteSql.SelectStagedEvents;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var journal = new JournalKey(reader.GetString(1), reader.GetString(2), reader.GetString(3));
                _journals.Load(new StagedEvent(reader.GetInt64(0), journal, reader.GetInt64(4), reader.GetFieldValue<byte[]>(5)));
            }
        }
        var snapshots = new Dictionary<JournalKey, long>();
        using var blocks = connection.CreateCommand();
        blocks.CommandText = SqliteSql.SelectStagedEventBlocks;
        using var blockReader = blocks.ExecuteReader();
        while (blockReader.Read())
        {
            foreach (var staged in StagedBlock.Events(BlockPacking.Unpack(blockReader.GetFieldValue<byte[]>(0), blockReader.GetInt64(1))))
            {
                if (!snapshots.TryGetValue(staged.Journal, out var snapshot))
                {
                    snapshots[staged.Journal] = snapshot = SnapshotVersion(connection, staged.Journal);
                }
                // A covered event still counts towards the rounds, which delete its block, but is never merged.
                staged.Covered = staged.Version <= snapshot;
                _journals.Load(staged);
            }
        }
    }

    private static long SnapshotVersion(SqliteConnection connection, JournalKey journal)
    {
        using var select = connection.CreateCommand();
        select.CommandText = SqliteSql.SelectSnapshotVersion;
        select.Parameters.AddWithValue("$type", journal.Type);
        select.Parameters.AddWithValue("$key", journal.Key);
        select.Parameters.AddWithValue("$name", journal.Name);
        return select.ExecuteScalar() is long version ? version : 0;
    }

    /// <summary>
    /// The index rows staged and not merged when the store last closed (or crashed), back in memory for reads: rows
    /// staged one by one (before script 005) first, then the blocks, all in sequence order.
    /// </summary>
    private void LoadStagedIndexRows(SqliteConnection connection)
    {
        using (var select = connection.CreateCommand())
        {
            select.CommandText = SqliteSql.SelectStagedIndexRows;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                _staged.Load(new StagedIndexRow(reader.GetInt64(0), new IndexEntry(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4))));
            }
        }
        using var blocks = connection.CreateCommand();
        blocks.CommandText = SqliteSql.SelectStagedIndexBlocks;
        using var blockReader = blocks.ExecuteReader();
        while (blockReader.Read())
        {
            foreach (var row in StagedBlock.Rows(BlockPacking.Unpack(blockReader.GetFieldValue<byte[]>(0), blockReader.GetInt64(1))))
            {
                _staged.Load(row);
            }
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The schema applied and the staged index rows loaded, once; a file that fails reads as unavailable.</summary>
    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        ThrowIfBroken();
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SqliteException or InvalidDataException)
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>Refuses every operation once a commit could not be taken into memory (<see cref="CommittedNotKeptException"/>).</summary>
    private void ThrowIfBroken()
    {
        if (_broken is { } broken)
        {
            throw new StorageUnavailableException(
                $"The SQLite database {Path} is unavailable until a restart: {broken.Message}", broken);
        }
    }

    private StorageUnavailableException Unavailable(Exception exception) =>
        new($"The SQLite database {Path} failed: {exception.Message}", exception);
}
