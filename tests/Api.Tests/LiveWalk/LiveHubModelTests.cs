namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>The live hub's server for the walk: rate limits out of the way, so every step's request is answered on its merits.</summary>
public sealed class LiveWalkServer : LiveServer
{
    public override ValueTask InitializeAsync()
    {
        Factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        Factory.Settings["RateLimits:ChatBurst"] = "100000";
        return base.InitializeAsync();
    }
}

/// <summary>
/// Model-based: a seeded random walk of watches, unwatches, races between them on one connection, dropped
/// connections and the HTTP changes that move the watched topics, every connection's pushes checked against the
/// contract after every step (see <see cref="LiveHubWalk"/>). A failure names the seed and prints the walk's log.
/// </summary>
public sealed class LiveHubModelTests(LiveWalkServer server) : IClassFixture<LiveWalkServer>
{
    private const int Steps = 80;

    public static TheoryData<int> Seeds { get; } = [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_random_walk_of_watches_and_changes_keeps_every_connection_to_the_live_contract(int seed)
    {
        var walk = new LiveHubWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(Steps));
    }
}
