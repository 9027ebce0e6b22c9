using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>Starts a test cluster with this assembly's grains and a fresh probe.</summary>
internal static class TestSilo
{
    public static Task<TestCluster> StartAsync(Probe probe, Action<GrainRuntimeOptions>? runtime = null, Action<IServiceCollection>? services = null, bool memoryStorage = true) =>
        TestCluster.StartAsync(options =>
        {
            options.GrainAssemblies.Add(typeof(TestSilo).Assembly);
            options.ConfigureRuntime = runtime;
            options.UseMemoryStorage = memoryStorage;
            options.ConfigureServices = s =>
            {
                s.AddSingleton(probe);
                services?.Invoke(s);
            };
        }, TestContext.Current.CancellationToken);

    public static CancellationToken Token => TestContext.Current.CancellationToken;
}
