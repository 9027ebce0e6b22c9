using GroupBuy.Grains.Orders;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// A silo as the API host builds it (<see cref="SiloHostingExtensions.AddSilo"/>, the system clock), on the
/// storage the configuration names, with warnings and errors logged to the console.
/// </summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public RuntimeMetrics Metrics => _host.Services.GetRequiredService<RuntimeMetrics>();

    public OrderLists OrderLists => _host.Services.GetRequiredService<OrderLists>();

    public static Task<BenchSilo> StartMemoryAsync() => StartAsync(new() { ["Storage:Provider"] = StorageOptions.MemoryProvider });

    public static Task<BenchSilo> StartSqliteAsync(string path) => StartAsync(new()
    {
        ["Storage:Provider"] = StorageOptions.SqliteProvider,
        ["Storage:Sqlite:Path"] = path,
    });

    public static Task<BenchSilo> StartPostgresAsync(string connectionString) => StartAsync(new()
    {
        ["Storage:Provider"] = StorageOptions.PostgresProvider,
        ["ConnectionStrings:Postgres"] = connectionString,
    });

    /// <summary>A product with exactly the sale's units and a sale live from now for an hour.</summary>
    public async Task<IFlashSaleGrain> CreateSaleAsync(string saleId, long price, int quantity, int perUserLimit)
    {
        var sku = $"sku-{saleId}";
        var product = await GrainFactory.GetGrain<IProductGrain>(sku).Create(new ProductDraft(sku, "Flash item", price, quantity, "m1"));
        if (!product.IsSuccess)
        {
            throw new InvalidOperationException($"Creating product {sku} failed: {product.Error}");
        }
        var now = DateTimeOffset.UtcNow;
        var sale = GrainFactory.GetGrain<IFlashSaleGrain>(saleId);
        var created = await sale.Create(new FlashSaleDraft(sku, price, quantity, now, now.AddHours(1), perUserLimit, "m1"));
        return created.IsSuccess ? sale : throw new InvalidOperationException($"Creating flash sale {saleId} failed: {created.Error}");
    }

    /// <summary>
    /// <paramref name="count"/> sales as <see cref="CreateSaleAsync"/> makes them, the first named <paramref name="saleId"/>
    /// and the others <c>{saleId}-{n}</c>, created 64 at a time.
    /// </summary>
    public async Task<IFlashSaleGrain[]> CreateSalesAsync(string saleId, int count, long price, int quantity, int perUserLimit)
    {
        var sales = new IFlashSaleGrain[count];
        for (var start = 0; start < count; start += 64)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(64, count - start)).Select(async n =>
                sales[n] = await CreateSaleAsync(n == 0 ? saleId : $"{saleId}-{n}", price, quantity, perUserLimit)));
        }
        return sales;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }

    private static async Task<BenchSilo> StartAsync(Dictionary<string, string?> settings)
    {
        // Its settings are in memory, so no file is watched: the watch covers every folder under the working directory and
        // would wake on each write of a database there (see the API's ConfigurationWatch).
        var builder = Host.CreateApplicationBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddSilo();
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }
}
