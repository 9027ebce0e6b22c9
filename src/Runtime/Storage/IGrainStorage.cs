namespace GroupBuy.Runtime.Storage;

/// <summary>A stored state: its serialized payload (null after a clear) and its version, which is the ETag.</summary>
public sealed record StoredState(byte[]? Payload, long Version);

/// <summary>
/// Keeps grain states, shaped like Orleans' ADO.NET storage table: one row per grain type + key + state
/// name with a payload and an integer version. Every write is version-checked; a provider may batch
/// concurrent writes from many grains into one transaction (group commit) but completes each caller
/// only after its own row has committed.
/// A store may keep the payload buffers it is handed rather than copy them: a caller must not change a buffer
/// after passing it.
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored state, or null when nothing was ever written.</summary>
    Task<StoredState?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the payload if the stored version equals <paramref name="expectedVersion"/> (0: no row yet) and
    /// returns the new version; otherwise throws <see cref="InconsistentStateException"/>.
    /// </summary>
    Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(stateName, grainId, payload, expectedVersion, [], cancellationToken);

    /// <summary>Writes as above and, in the same commit, upserts <paramref name="index"/>'s rows; a version conflict writes nothing.</summary>
    Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the payload but keeps the row and advances its version, so a stale writer still fails.
    /// Returns the new version.
    /// </summary>
    Task<long> ClearAsync(string stateName, GrainId grainId, long expectedVersion, CancellationToken cancellationToken);
}
