using System.Buffers;
using System.Text;
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

    private static bool Utf16Valid(string text)
    {
        for (var at = 0; at < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(at), out _, out var used) != OperationStatus.Done)
            {
                return false;
            }
            at += used;
        }
        return true;
    }

    private static void CheckText(string text, string parameterName)
    {
        // PostgreSQL text cannot hold NUL, and SQLite would cut the key at it.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Names and keys cannot contain a NUL character.", parameterName);
        }
        // Stored as UTF-8 (SQLite's index keys, PostgreSQL text), a lone surrogate would become U+FFFD and two keys one.
        if (text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !Utf16Valid(text))
        {
            throw new ArgumentException("Names and keys must be valid UTF-16: a surrogate is not paired.", parameterName);
        }
    }
}
