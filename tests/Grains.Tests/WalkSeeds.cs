namespace GroupBuy.Grains.Tests;

/// <summary>The seeds every model-based walk runs with: fixed, so a failure reproduces from the seed it names.</summary>
public static class WalkSeeds
{
    public static TheoryData<int> All { get; } = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>The seeds the walks also take on PostgreSQL: the same store code paths, behind another provider.</summary>
    public static TheoryData<int> OnPostgres { get; } = [1, 2, 3, 4];
}
