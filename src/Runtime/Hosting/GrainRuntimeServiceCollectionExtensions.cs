using System.Reflection;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Invocation;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBuy.Runtime.Hosting;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime (Orleans' <c>UseOrleans</c>): the grains and grain interfaces of the given
    /// assemblies, the grain factory, live topics, and a hosted service that starts and stops the silo.
    /// Storage is added separately, under the name grains ask for (<see cref="PersistentStateAttribute.DefaultStorage"/>).
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, params Assembly[] grainAssemblies)
    {
        services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton(_ => new GrainTypeRegistry(GrainCodeRegistry.FromAssemblies(grainAssemblies)));
        services.TryAddSingleton(sp => new GrainRuntime(
            sp,
            sp.GetRequiredService<GrainTypeRegistry>(),
            sp.GetRequiredService<IOptions<GrainRuntimeOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RuntimeMetrics>(),
            sp.GetRequiredService<ILogger<GrainRuntime>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<GrainRuntime>().GrainFactory);
        services.TryAddSingleton<ILiveTopics, LiveTopics>();
        services.AddHostedService<SiloLifecycle>();
        return services;
    }

    /// <summary>Keeps grain state, journals and reminders in memory (tests, or a throwaway run).</summary>
    public static IServiceCollection AddMemoryGrainStorage(this IServiceCollection services, MemoryGrainStorage? storage = null, string name = PersistentStateAttribute.DefaultStorage)
    {
        var instance = storage ?? new MemoryGrainStorage();
        services.AddKeyedSingleton<IGrainStorage>(name, instance);
        services.AddKeyedSingleton<IJournalStorage>(name, instance);
        services.AddKeyedSingleton<IGrainIndex>(name, instance);
        services.TryAddSingleton<IReminderTable>(instance);
        services.TryAddSingleton<IGrainIndex>(instance);
        services.TryAddSingleton(instance);
        return services;
    }

    /// <summary>Starts the silo with the host and deactivates every grain when the host stops.</summary>
    private sealed class SiloLifecycle(GrainRuntime runtime) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            runtime.Start();
            await runtime.Reminders.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
    }
}
