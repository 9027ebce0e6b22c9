using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>
/// Model-based: flash sales and group-buy campaigns sharing one product's stock (and a second product), on SQLite
/// (and on PostgreSQL for a few seeds), compared with plain models of domain.md after every step (see <see cref="SharedStockWalk"/>). A failure names the seed and
/// lists every step, so it reproduces.
/// </summary>
public sealed class SharedStockModelTests(PostgresFixture postgres)
{
    private const int Steps = 200;

    [Theory]
    [MemberData(nameof(WalkSeeds.All), MemberType = typeof(WalkSeeds))]
    public async Task Flash_sales_and_group_buys_sharing_a_product_keep_its_stock_whole_through_restocks_clock_and_restarts(Store store, int seed)
    {
        await using var walk = new SharedStockWalk(seed, store, postgres);
        await walk.RunAsync(Steps);
    }
}
