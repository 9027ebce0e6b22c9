using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// Model-based: a seeded random walk of purchases, payments, gateway failures, clock advances and restarts on
/// SQLite, and on PostgreSQL for a few seeds, each answer and the sales' totals checked against a plain model of the
/// domain spec after every step (see <see cref="FlashSaleWalk"/>). A failure names the seed and prints the walk's log.
/// </summary>
public sealed class FlashSaleModelTests(PostgresFixture postgres)
{
    private const int Steps = 250;

    [Theory]
    [MemberData(nameof(WalkSeeds.All), MemberType = typeof(WalkSeeds))]
    public async Task A_random_walk_over_flash_sales_keeps_to_the_model_of_the_domain(Store store, int seed)
    {
        await using var walk = new FlashSaleWalk(seed, store, postgres);
        await walk.RunAsync(Steps);
    }
}
