using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Silo.Storage.Postgres;
using GroupBuy.Silo.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// Registers a durable store as the silo's storage: <see cref="IGrainStorage"/>, <see cref="IJournalStorage"/> and
/// <see cref="IGrainIndex"/> keyed by the default storage name, <see cref="IGrainIndex"/> unkeyed too,
/// <see cref="IReminderTable"/> and <see cref="IStorageProbe"/>, all one instance.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The embedded SQLite store on <paramref name="path"/> (created when missing).</summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return services.AddGrainStore(sp => new SqliteGrainStore(
            path, sp.GetRequiredService<RuntimeMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteGrainStore>>()));
    }

    /// <summary>The PostgreSQL store on <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return services.AddGrainStore(sp => new PostgresGrainStore(
            connectionString, sp.GetRequiredService<RuntimeMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresGrainStore>>()));
    }

    private static IServiceCollection AddGrainStore<TStore>(this IServiceCollection services, Func<IServiceProvider, TStore> create)
        where TStore : class, IDurableGrainStore
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton(TimeProvider.System);

        const string name = PersistentStateAttribute.DefaultStorage;
        services.AddSingleton(create);
        services.AddKeyedSingleton<IGrainStorage>(name, static (sp, _) => sp.GetRequiredService<TStore>());
        services.AddKeyedSingleton<IJournalStorage>(name, static (sp, _) => sp.GetRequiredService<TStore>());
        services.AddKeyedSingleton<IGrainIndex>(name, static (sp, _) => sp.GetRequiredService<TStore>());
        services.AddSingleton<IGrainIndex>(static sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStorageProbe>(static sp => sp.GetRequiredService<TStore>());
        return services;
    }
}
