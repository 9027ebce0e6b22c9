using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Pages.Tests;

/// <summary>The real server on a SQLite file of its own, on a real Kestrel port so a browser can reach it.</summary>
public sealed class PagesFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new();

    /// <summary>When set before the server starts, the whole server runs on this clock.</summary>
    public ManualTimeProvider? Clock { get; init; }

    /// <summary>When set, a filter every hub call goes through first (to make the hub refuse on cue).</summary>
    public IHubFilter? HubFilter { get; init; }

    /// <summary>The file the server logs to (see <see cref="ServerLog"/>).</summary>
    public required string LogPath { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:Sqlite:Path", _data.File("groupbuy.db"));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(new ServerLog(LogPath))
            .AddFilter<ServerLog>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
        if (HubFilter is { } filter)
        {
            builder.ConfigureTestServices(services => services.Configure<HubOptions>(options => options.AddFilter(filter)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }
}
