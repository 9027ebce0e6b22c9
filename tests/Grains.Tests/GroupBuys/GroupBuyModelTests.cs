using GroupBuy.Grains.Tests.GroupBuys.Model;
using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// Model-based: a seeded random walk over the group-buy lifecycle on SQLite (and on PostgreSQL for a few seeds),
/// compared with a plain model of domain.md after every step (see <see cref="GroupBuyWalk"/>). A failure names the
/// seed and lists every step, so it reproduces.
/// </summary>
public sealed class GroupBuyModelTests(PostgresFixture postgres)
{
    private const int Steps = 250;

    [Theory]
    [MemberData(nameof(WalkSeeds.All), MemberType = typeof(WalkSeeds))]
    public async Task A_random_walk_of_shoppers_payments_clock_and_restarts_keeps_every_group_buy_invariant(Store store, int seed)
    {
        await using var walk = new GroupBuyWalk(seed, store, postgres);
        await walk.RunAsync(Steps);
    }
}
