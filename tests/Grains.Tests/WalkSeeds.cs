namespace GroupBuy.Grains.Tests;

/// <summary>
/// The stores and seeds every model-based walk runs with: fixed, so a failure reproduces from the store and seed it
/// names.
/// </summary>
public static class WalkSeeds
{
    private static readonly int[] Seeds = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>Seeds walked again on PostgreSQL: the same grains and store code paths, behind the other provider.</summary>
    private const int SeedsOnPostgres = 4;

    public static TheoryData<Store, int> All { get; } =
        [.. Seeds.Select(seed => (Store.Sqlite, seed)), .. Seeds.Take(SeedsOnPostgres).Select(seed => (Store.Postgres, seed))];
}
