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

    public static TheoryData<int> Seeds { get; } = [1, 2, 3, 4];

    public static TheoryData<int> SeedsOnPostgres { get; } = [1, 2];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_random_walk_of_keyed_writes_keeps_every_answer_to_the_idempotency_contract(int seed)
    {
        await using var server = new WalkServer();
        var walk = new IdempotencyWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(Steps));
    }

    [Theory]
    [MemberData(nameof(SeedsOnPostgres))]
    public async Task The_same_walk_on_PostgreSQL_keeps_every_answer_to_the_contract(int seed)
    {
        await using var server = new WalkServer(await postgres.Server.CreateDatabaseAsync(ApiClient.Token));
        var walk = new IdempotencyWalk(server, seed);
        await SeededWalk.RunAsync(seed, walk.Log, () => walk.RunAsync(Steps));
    }
}
