using System.Runtime.InteropServices;

namespace GroupBuy.Silo.Storage;

internal static class Blob
{
    /// <summary>The bytes as an array: the backing array itself when it is exactly the payload, else a copy.</summary>
    public static byte[] ToArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
