using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Requests;

public sealed record IdempotencyRecord(string Fingerprint, DateTimeOffset StartedAt, StoredResponse? Response);

public sealed class IdempotencyState
{
    public Dictionary<string, IdempotencyRecord> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Keeps a caller's idempotency keys; non-reentrant, so two retries of one key are decided one after the other.</summary>
public sealed class IdempotencyGrain(TimeProvider time, [PersistentState("idempotency")] IPersistentState<IdempotencyState> keys) : Grain, IIdempotencyGrain
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    public async Task<IdempotencyClaim> Begin(string key, string fingerprint)
    {
        var now = time.GetUtcNow();
        Forget(now);
        if (keys.State.Keys.TryGetValue(key, out var record))
        {
            if (record.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(false, null, IdempotencyClaim.DifferentRequest);
            }
            if (record.Response is not null)
            {
                return new IdempotencyClaim(false, record.Response, null);
            }
            if (now - record.StartedAt < AbandonedAfter)
            {
                return new IdempotencyClaim(false, null, IdempotencyClaim.StillRunning);
            }
        }
        keys.State.Keys[key] = new IdempotencyRecord(fingerprint, now, null);
        await keys.WriteStateAsync();
        return new IdempotencyClaim(true, null, null);
    }

    public async Task Complete(string key, string fingerprint, StoredResponse response)
    {
        if (keys.State.Keys.TryGetValue(key, out var record) && record.Fingerprint == fingerprint)
        {
            keys.State.Keys[key] = record with { Response = response };
            await keys.WriteStateAsync();
        }
    }

    public async Task Abandon(string key, string fingerprint)
    {
        if (keys.State.Keys.TryGetValue(key, out var record) && record.Fingerprint == fingerprint && record.Response is null)
        {
            keys.State.Keys.Remove(key);
            await keys.WriteStateAsync();
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, record) in keys.State.Keys)
        {
            if (now - record.StartedAt > Retention)
            {
                keys.State.Keys.Remove(key);
            }
        }
    }
}
