using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>The live hub's server for the walk: rate limits out of the way, so every step's request is answered on its merits.</summary>
public sealed class LiveWalkServer : LiveServer
{
    /// <summary>A PostgreSQL database to keep the server's grains in; without one, the factory's SQLite file.</summary>
    public string? Postgres { get; init; }

    public override ValueTask InitializeAsync()
    {
        Factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        Factory.Settings["RateLimits:ChatBurst"] = "100000";
        if (Postgres is not null)
        {
            Factory.Settings["Storage:Provider"] = "postgres";
            Factory.Settings["ConnectionStrings:Postgres"] = Postgres;
        }
        return base.InitializeAsync();
    }
}

/// <summary>
/// Model-based: a seeded random walk of watches, unwatches, races between them on one connection, dropped
/// connections and the HTTP changes that move the watched topics, every connection's pushes checked against the
/// contract after every step (see <see cref="LiveHubWalk"/>). A failure names the seed and prints the walk's log.
/// </summary>
public sealed class LiveHubModelTests(LiveWalkServer server, PostgresFixture postgres)
    : IClassFixture<LiveWalkServer>, IClassFixture<PostgresFixture>
{
    private const int Steps = 80;

    /// <summary>Seeds 1–4 on the class's server and its SQLite file, and 1–2 again on a PostgreSQL database of their own.</summary>
    public static TheoryData<bool, int> Runs { get; } = [(false, 1), (false, 2), (false, 3), (false, 4), (true, 1), (true, 2)];

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task A_random_walk_of_watches_and_changes_keeps_every_connection_to_the_live_contract(bool onPostgres, int seed)
    {
        if (!onPostgres)
        {
            await WalkAsync(server, seed);
            return;
        }
        await using var own = new LiveWalkServer { Postgres = await postgres.Server.CreateDatabaseAsync(ApiClient.Token) };
        await own.InitializeAsync();
        await WalkAsync(own, seed);
    }

    private static async Task WalkAsync(LiveWalkServer on, int seed)
    {
        var walk = new LiveHubWalk(on, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(Steps));
    }
}
