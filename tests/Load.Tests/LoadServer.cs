using GroupBuy.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GroupBuy.Load.Tests;

/// <summary>
/// The real API on a real Kestrel port and a SQLite file of its own, as the load tool meets any server: over HTTP
/// and WebSockets, by URL. Per-shopper rate limits stay at their defaults (the scenarios retry what they refuse).
/// </summary>
public sealed class LoadServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public Uri Address => ClientOptions.BaseAddress;

    /// <summary>Where the runs' reports go; removed with the server.</summary>
    public string Reports => _data.File("reports");

    public ValueTask InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:Sqlite:Path", _data.File("groupbuy.db"));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }
}
