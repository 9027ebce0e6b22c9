using GroupBuy.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.Silo.Tests;

public sealed class StorageProbeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Postgres_probe_reaches_a_real_server()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        using var host = BuildHost(new() { ["Storage:Provider"] = "postgres", ["ConnectionStrings:Postgres"] = connectionString });

        await host.Services.GetRequiredService<IStorageProbe>().PingAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Sqlite_probe_creates_the_database_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("nested/groupbuy.db");
        using var host = BuildHost(new() { ["Storage:Sqlite:Path"] = path });

        await host.Services.GetRequiredService<IStorageProbe>().PingAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(path));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSilo();
        return builder.Build();
    }
}
