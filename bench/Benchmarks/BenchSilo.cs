using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Benchmarks;

/// <summary>The silo every benchmark runs on: the test kit's in-process silo with memory storage and a manual clock.</summary>
internal static class BenchSilo
{
    public static Task<TestCluster> StartAsync(Action<GrainRuntimeOptions>? runtime = null) =>
        TestCluster.StartAsync(options =>
        {
            options.GrainAssemblies.Add(typeof(BenchSilo).Assembly);
            options.ConfigureRuntime = runtime;
        });
}
