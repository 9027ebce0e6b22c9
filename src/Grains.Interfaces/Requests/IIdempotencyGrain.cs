using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Requests;

/// <summary>
/// A write's first answer, kept so a retry with the same key gets it again; <see cref="ContentType"/> and
/// <see cref="Body"/> are null for an answer without a body (204).
/// </summary>
public sealed record StoredResponse(int Status, string? Location, string? ContentType, string? Body);

/// <summary>
/// What <see cref="IIdempotencyGrain.Begin"/> says: go ahead (<see cref="Started"/>), here is the first answer
/// (<see cref="Replay"/>), or the key is in use by a request still running or by a different request. A caller
/// that already holds as many live keys as it may is refused a new one until <see cref="RetryAfter"/> has passed
/// (the oldest key expires then).
/// </summary>
public sealed record IdempotencyClaim(bool Started, StoredResponse? Replay, string? Refusal, TimeSpan? RetryAfter = null)
{
    public const string DifferentRequest = "This Idempotency-Key was used for a different request.";

    public const string StillRunning = "A request with this Idempotency-Key is still being processed.";

    public static string TooManyKeys(int limit) =>
        $"This caller already holds {limit} Idempotency-Keys, the most kept at once; a new key is taken once the oldest expires (see Retry-After), and requests without a key are not limited by this.";
}

/// <summary>
/// One caller's idempotency keys (key: user id). A key is bound to one request (route + body fingerprint);
/// its answer is kept for a day. A claim left by a request that never finished can be retaken after a minute.
/// A caller holds a bounded number of live keys; each claim, answer and release costs one small write.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    Task<IdempotencyClaim> Begin(string key, string fingerprint);

    /// <summary>The key's kept answer when it was for this request, without claiming anything (a rate-limited route asks first).</summary>
    [ReadOnly]
    Task<StoredResponse?> Answered(string key, string fingerprint);

    /// <summary>Keeps the answer for replays; an answer too large to keep releases the key instead, so a retry runs afresh.</summary>
    Task Complete(string key, string fingerprint, StoredResponse response);

    /// <summary>Forgets a claim whose request failed without an answer worth replaying.</summary>
    Task Abandon(string key, string fingerprint);
}
