namespace GroupBuy.Runtime;

/// <summary>An activation's request queue is full; the caller should back off and retry.</summary>
public sealed class GrainOverloadedException(GrainId grainId, int queueLimit)
    : Exception($"Grain {grainId} is overloaded: {queueLimit} requests are already waiting.")
{
    public GrainId GrainId { get; } = grainId;
}

/// <summary>A write carried a stale version: another writer changed the state first. Nothing is retried.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message) : base(message)
    {
    }

    public InconsistentStateException(string message, Exception inner) : base(message, inner)
    {
    }

    public InconsistentStateException()
    {
    }
}

/// <summary>The storage could not be reached or failed; the write's outcome is not acknowledged.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
