using GroupBuy.Grains.Common;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime.Testing;
using GroupBuy.Silo.Storage;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests;

/// <summary>Where a test's silo keeps its state.</summary>
public enum Store
{
    Memory,
    Sqlite,
    Postgres,
}

/// <summary>A test silo hosting the commerce grains, with a manual clock and the simulated payment gateway.</summary>
public static class CommerceSilo
{
    /// <summary>The shared payment window of the tests: five minutes, as in production.</summary>
    public static readonly TimeSpan PaymentWindow = TimeSpan.FromMinutes(5);

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts a silo on the given store. SQLite uses a file in <paramref name="folder"/>; PostgreSQL a database of
    /// its own on the test server. The payment gateway outlives restarts, as an external gateway would.
    /// </summary>
    public static async Task<TestCluster> StartAsync(Store store = Store.Memory, TempDirectory? folder = null, PostgresFixture? postgres = null, Action<IServiceCollection>? services = null)
    {
        var gateway = new SimulatedPaymentGateway(TimeProvider.System);
        string? connectionString = store == Store.Postgres
            ? await (postgres ?? throw new ArgumentNullException(nameof(postgres))).Server.CreateDatabaseAsync(Token)
            : null;
        var silo = await TestCluster.StartAsync(options =>
        {
            options.GrainAssemblies.AddRange(GrainAssemblies.All);
            options.UseMemoryStorage = store == Store.Memory;
            options.ConfigureServices = s =>
            {
                s.AddCommerceGrains();
                s.Configure<OrderOptions>(o => o.PaymentWindow = PaymentWindow);
                s.AddSingleton(gateway);
                switch (store)
                {
                    case Store.Sqlite:
                        s.AddSqliteGrainStorage((folder ?? throw new ArgumentNullException(nameof(folder))).File("grains.db"));
                        break;
                    case Store.Postgres:
                        s.AddPostgresGrainStorage(connectionString!);
                        break;
                }
                services?.Invoke(s);
            };
        }, Token);
        return silo;
    }

    public static SimulatedPaymentGateway Gateway(this TestCluster silo) => silo.Services.GetRequiredService<SimulatedPaymentGateway>();

    /// <summary>The shopper's order list, ids only, newest first.</summary>
    public static async Task<List<string>> ListedFor(this TestCluster silo, string shopperId) =>
        [.. (await silo.Services.GetRequiredService<OrderLists>().OfShopperAsync(shopperId, Token)).Select(o => o.OrderId)];

    /// <summary>The leader's referred orders, ids only, newest first.</summary>
    public static async Task<List<string>> ReferredBy(this TestCluster silo, string leaderId) =>
        [.. (await silo.Services.GetRequiredService<OrderLists>().ReferredByAsync(leaderId, Token)).Select(o => o.OrderId)];
}
