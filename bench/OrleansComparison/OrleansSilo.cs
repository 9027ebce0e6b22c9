using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.OrleansComparison;

/// <summary>An Orleans silo in this process (localhost clustering, no logging), and its grain factory for calls from here.</summary>
internal sealed class OrleansSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private OrleansSilo(IHost host) => _host = host;

    public Orleans.IGrainFactory GrainFactory => _host.Services.GetRequiredService<Orleans.IGrainFactory>();

    public static async Task<OrleansSilo> StartAsync()
    {
        var host = new HostBuilder().UseOrleans(silo => silo.UseLocalhostClustering()).Build();
        await host.StartAsync();
        return new OrleansSilo(host);
    }

    /// <summary>
    /// Starts a silo and activates the counter grain <paramref name="key"/> on it, blocking: BenchmarkDotNet's in-process
    /// toolchain starts measuring without waiting for an asynchronous set-up's task.
    /// </summary>
    public static (OrleansSilo Silo, IOrleansCounterGrain Grain) StartWithCounter(string key)
    {
        var silo = StartAsync().GetAwaiter().GetResult();
        var grain = silo.GrainFactory.GetGrain<IOrleansCounterGrain>(key);
        grain.Increment().AsTask().GetAwaiter().GetResult();
        return (silo, grain);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
