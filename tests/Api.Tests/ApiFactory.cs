using GroupBuy.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GroupBuy.Api.Tests;

/// <summary>The real API on a SQLite file of its own.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:Sqlite:Path", _data.File("groupbuy.db"));
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
