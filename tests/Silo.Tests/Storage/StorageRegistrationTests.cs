using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage;
using GroupBuy.Silo.Storage.Postgres;
using GroupBuy.Silo.Storage.Sqlite;
using GroupBuy.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.Silo.Tests.Storage;

public sealed class StorageRegistrationTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sqlite_provider_serves_every_storage_contract_from_one_store()
    {
        using var temp = new TempDirectory();
        using var host = BuildHost(new() { ["Storage:Provider"] = "sqlite", ["Storage:Sqlite:Path"] = temp.File("groupbuy.db") });

        var store = AssertOneStore(host.Services);

        Assert.IsType<SqliteGrainStore>(store);
        Assert.Equal(1, await store.WriteAsync("cart", GrainId.Create("cart", 1), "x"u8.ToArray(), 0, Cancellation));
    }

    [Fact]
    public async Task The_postgres_provider_serves_every_storage_contract_from_one_store()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync(Cancellation);
        using var host = BuildHost(new() { ["Storage:Provider"] = "postgres", ["ConnectionStrings:Postgres"] = connectionString });

        var store = AssertOneStore(host.Services);

        Assert.IsType<PostgresGrainStore>(store);
        Assert.Equal(1, await store.WriteAsync("cart", GrainId.Create("cart", 1), "x"u8.ToArray(), 0, Cancellation));
    }

    [Fact]
    public async Task A_bare_service_collection_gets_what_the_store_needs()
    {
        using var temp = new TempDirectory();
        var services = new ServiceCollection().AddSqliteGrainStorage(temp.File("groupbuy.db"));
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorage);

        Assert.Equal(1, await storage.WriteAsync("cart", GrainId.Create("cart", 1), "x"u8.ToArray(), 0, Cancellation));
    }

    private static IGrainStorage AssertOneStore(IServiceProvider services)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorage);
        Assert.Same(storage, services.GetRequiredKeyedService<IJournalStorage>(PersistentStateAttribute.DefaultStorage));
        Assert.Same(storage, services.GetRequiredKeyedService<IGrainIndex>(PersistentStateAttribute.DefaultStorage));
        Assert.Same(storage, services.GetRequiredService<IGrainIndex>());
        Assert.Same(storage, services.GetRequiredService<IReminderTable>());
        Assert.Same(storage, services.GetRequiredService<IStorageProbe>());
        return storage;
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSilo();
        return builder.Build();
    }
}
