using GroupBuy.Runtime;

namespace GroupBuy.Silo.Storage;

/// <summary>Argument checks shared by the stores' reads and writes.</summary>
internal static class StorageArguments
{
    public static void CheckName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        CheckText(name, parameterName);
    }

    public static void CheckGrain(GrainId grainId, string parameterName)
    {
        if (string.IsNullOrEmpty(grainId.Type) || grainId.Key is null)
        {
            throw new ArgumentException("The grain id has no type or no key.", parameterName);
        }
        CheckText(grainId.Type, parameterName);
        CheckText(grainId.Key, parameterName);
    }

    public static void CheckVersion(long version, string parameterName) =>
        ArgumentOutOfRangeException.ThrowIfNegative(version, parameterName);

    private static void CheckText(string text, string parameterName)
    {
        // PostgreSQL text cannot hold NUL, and SQLite would cut the key at it.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Names and keys cannot contain a NUL character.", parameterName);
        }
    }
}
