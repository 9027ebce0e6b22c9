using GroupBuy.TestSupport;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// Model-based: a seeded random walk of joins, departures, posts, reads, chains and their entries, payments, clock
/// advances, concurrent bursts and restarts (graceful and crashes, some in the middle of posts or entries) on SQLite
/// (and on PostgreSQL for a few seeds), each answer and the groups and chains checked against a plain model of the domain spec after every step
/// (see <see cref="ChatWalk"/>). A failure names the seed and prints the walk's log.
/// </summary>
public sealed class ChatModelTests(PostgresFixture postgres)
{
    private const int Steps = 250;

    [Theory]
    [MemberData(nameof(WalkSeeds.All), MemberType = typeof(WalkSeeds))]
    public async Task A_random_walk_over_group_chats_and_chains_keeps_to_the_model_of_the_domain(Store store, int seed)
    {
        await using var walk = new ChatWalk(seed, store, postgres);
        await walk.RunAsync(Steps);
    }
}
