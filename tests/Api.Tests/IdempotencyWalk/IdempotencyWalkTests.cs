using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// Model-based: a seeded random walk of keyed writes over the real API (see <see cref="IdempotencyWalk"/>), each
/// seed on a server, SQLite file (or PostgreSQL database, for a few seeds) and manual clock of its own. A failure
/// names the seed and prints the walk's log.
/// </summary>
public sealed class IdempotencyWalkTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Steps = 120;

    /// <summary>Seeds 1–4 on a SQLite file, and 1–2 again on a PostgreSQL database.</summary>
    public static TheoryData<bool, int> Runs { get; } = [(false, 1), (false, 2), (false, 3), (false, 4), (true, 1), (true, 2)];

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task A_random_walk_of_keyed_writes_keeps_every_answer_to_the_idempotency_contract(bool onPostgres, int seed)
    {
        await using var server = new WalkServer(onPostgres ? await postgres.Server.CreateDatabaseAsync(ApiClient.Token) : null);
        var walk = new IdempotencyWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(Steps));
    }
}
