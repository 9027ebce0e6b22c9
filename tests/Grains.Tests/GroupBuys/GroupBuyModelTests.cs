using GroupBuy.Grains.Tests.GroupBuys.Model;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// Model-based: a seeded random walk over the group-buy lifecycle, compared with a plain model of domain.md after
/// every step (see <see cref="GroupBuyWalk"/>). A failure names the seed and lists every step, so it reproduces.
/// </summary>
public sealed class GroupBuyModelTests
{
    private const int Steps = 250;

    [Theory]
    [MemberData(nameof(WalkSeeds.All), MemberType = typeof(WalkSeeds))]
    public async Task A_random_walk_of_shoppers_payments_clock_and_restarts_keeps_every_group_buy_invariant(int seed)
    {
        await using var walk = new GroupBuyWalk(seed);
        await walk.RunAsync(Steps);
    }
}
