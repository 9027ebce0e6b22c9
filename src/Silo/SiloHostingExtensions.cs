using GroupBuy.Grains;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.Silo;

/// <summary>Registers the silo: the grain runtime and the storage chosen by configuration.</summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddSilo(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var provider = builder.Configuration[$"{StorageOptions.Section}:Provider"] ?? StorageOptions.SqliteProvider;
        switch (provider)
        {
            case StorageOptions.PostgresProvider:
                var connectionString = builder.Configuration.GetConnectionString("Postgres")
                    ?? throw new InvalidOperationException("Storage:Provider is postgres but ConnectionStrings:Postgres is not set.");
                services.AddPostgresGrainStorage(connectionString);
                break;
            case StorageOptions.MemoryProvider:
                services.AddMemoryGrainStorage();
                services.AddSingleton<IStorageProbe, MemoryProbe>();
                break;
            default:
                var path = builder.Configuration[$"{StorageOptions.Section}:Sqlite:Path"] ?? new SqliteStorageOptions().Path;
                services.AddSqliteGrainStorage(path);
                break;
        }
        services.AddGrainRuntime(GrainAssemblies.All);
        services.AddCommerceGrains();
        return builder;
    }

    private sealed class MemoryProbe : IStorageProbe
    {
        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
