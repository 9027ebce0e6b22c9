using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>The live hub's server for the walk: rate limits out of the way, so every step's request is answered on its merits.</summary>
public class LiveWalkServer : LiveServer
{
    public override ValueTask InitializeAsync()
    {
        Factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        Factory.Settings["RateLimits:ChatBurst"] = "100000";
        return base.InitializeAsync();
    }
}

/// <summary>The walk's server on PostgreSQL, the store a deployment of several servers runs on, with a server of its own.</summary>
public sealed class PostgresLiveWalkServer : LiveWalkServer
{
    private PostgresServer? _postgres;

    public override async ValueTask InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(CancellationToken.None);
        Factory.Settings["Storage:Provider"] = "postgres";
        Factory.Settings["ConnectionStrings:Postgres"] = await _postgres.CreateDatabaseAsync(CancellationToken.None);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

/// <summary>
/// Model-based: a seeded random walk of watches, unwatches, races between them on one connection, dropped
/// connections and the HTTP changes that move the watched topics, every connection's pushes checked against the
/// contract after every step (see <see cref="LiveHubWalk"/>). A failure names the seed and prints the walk's log.
/// </summary>
public sealed class LiveHubModelTests(LiveWalkServer server) : IClassFixture<LiveWalkServer>
{
    public static TheoryData<int> Seeds { get; } = [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_random_walk_of_watches_and_changes_keeps_every_connection_to_the_live_contract(int seed)
    {
        var walk = new LiveHubWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(LiveHubWalk.Steps));
    }
}

/// <summary>The same walk with the grains stored in PostgreSQL: activations, journals and indexes load from it.</summary>
public sealed class LiveHubPostgresModelTests(PostgresLiveWalkServer server) : IClassFixture<PostgresLiveWalkServer>
{
    public static TheoryData<int> Seeds { get; } = [5, 6];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_random_walk_of_watches_and_changes_on_PostgreSQL_keeps_every_connection_to_the_live_contract(int seed)
    {
        var walk = new LiveHubWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(LiveHubWalk.Steps));
    }
}
