using GroupBuy.Silo.Storage.Sqlite;
using GroupBuy.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// One SQLite file, opened and reopened by stores whose merge rounds the test sizes, and read behind their back to
/// count what is merged and what is still staged.
/// </summary>
public abstract class SqliteStagingTestBase : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<SqliteGrainStore> _stores = [];

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected string DatabasePath => _directory.File("staged.db");

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A store on the file; the test disposes it to reopen the file, or leaves it to the end. <paramref name="afterCommit"/>
    /// runs after each commit, part-way through the store taking it into memory.
    /// </summary>
    private protected SqliteGrainStore Open(StagedIndexRows indexRows, StagedJournalEvents journalEvents, IndexRuns? runs = null, Action? afterCommit = null)
    {
        var store = new SqliteGrainStore(DatabasePath, GrainStoreBehaviours.NewMetrics(), TimeProvider.System,
            NullLogger<SqliteGrainStore>.Instance, indexRows, journalEvents, runs ?? new IndexRuns(), afterCommit);
        _stores.Add(store);
        return store;
    }

    /// <summary>The values of one row of scalar subqueries, e.g. <c>SELECT (SELECT count(*) FROM t), …</c>.</summary>
    protected async Task<long[]> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        await reader.ReadAsync(Cancellation);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64)];
    }
}
