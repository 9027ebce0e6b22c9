using System.Diagnostics.Metrics;
using System.Text;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The behaviours every durable store must have, run against a real database by each subclass (SQLite file,
/// PostgreSQL server). Each test gets an empty database of its own.
/// </summary>
public abstract partial class GrainStoreBehaviours : IAsyncLifetime
{
    protected const string StateName = "cart";
    protected const string JournalName = "ledger";

    private readonly List<IDurableGrainStore> _stores = [];

    protected GrainStoreBehaviours()
    {
        Metrics = NewMetrics();
        Store = null!;
    }

    /// <summary>Counts the transactions of every store the test opens.</summary>
    protected RuntimeMetrics Metrics { get; }

    /// <summary>The test's store, opened on its empty database (schema not yet applied).</summary>
    protected IDurableGrainStore Store { get; private set; }

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await PrepareDatabaseAsync();
        Store = OpenStore();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A real meter factory, so <see cref="RuntimeMetrics.StorageTransactions"/> counts.</summary>
    public static RuntimeMetrics NewMetrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    /// <summary>Opens another store instance on the test's database; it is disposed with the test.</summary>
    protected IDurableGrainStore OpenStore()
    {
        var store = CreateStore(Metrics);
        _stores.Add(store);
        return store;
    }

    protected abstract Task PrepareDatabaseAsync();

    protected abstract IDurableGrainStore CreateStore(RuntimeMetrics metrics);

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Takes the database's write lock from another connection until disposed: the store's writer waits on its
    /// next transaction, and writes queued meanwhile gather behind it.
    /// </summary>
    protected abstract Task<IAsyncDisposable> BlockWritesAsync();

    protected static GrainId Grain(int key) => GrainId.Create("cart", key);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    /// <summary>Runs <paramref name="release"/> on dispose (ends a write block).</summary>
    protected sealed class Releaser(Func<ValueTask> release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => release();
    }
}
