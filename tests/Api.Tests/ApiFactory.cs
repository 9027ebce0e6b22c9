using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>The real API on a SQLite file of its own.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new();

    /// <summary>When set before the server starts, the whole server runs on this clock instead of the system's.</summary>
    public ManualTimeProvider? Clock { get; set; }

    /// <summary>Configuration set before the server starts (on top of the defaults above).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>When set before the server starts, replaces services (test doubles for the payment gateway or the outbox).</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:Sqlite:Path", _data.File("groupbuy.db"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
        if (TestServices is { } testServices)
        {
            builder.ConfigureTestServices(testServices);
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
