using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Requests;

/// <summary>A key's request (its fingerprint), when it was claimed, and its answer once there is one.</summary>
public sealed record IdempotencyRecord(string Fingerprint, DateTimeOffset StartedAt, StoredResponse? Response);

/// <summary>A caller's earlier state, whole in one row: read once to import its live keys into the journal, then cleared.</summary>
public sealed class IdempotencyState
{
    public Dictionary<string, IdempotencyRecord> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A caller's keys, rebuilt from its journal (<see cref="IdempotencyEvent"/>) and stored whole only in its snapshots.
/// A claim forgets the keys that expired by its time, so a snapshot holds only keys that were live when it was taken.
/// </summary>
public sealed class IdempotencyKeys : IEventSourced<IdempotencyEvent>
{
    /// <summary>How long a key's answer is kept, from when the key was claimed.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>No key here was claimed before this: a lower bound, so expired keys are looked for only once it is a retention old.</summary>
    private DateTimeOffset _oldest = DateTimeOffset.MinValue;

    public Dictionary<string, IdempotencyRecord> Keys { get; set; } = new(StringComparer.Ordinal);

    public static bool IsLive(IdempotencyRecord record, DateTimeOffset now) => now - record.StartedAt < Retention;

    /// <summary>The key's record, unless it has expired by <paramref name="now"/>.</summary>
    public IdempotencyRecord? Find(string key, DateTimeOffset now) =>
        Keys.TryGetValue(key, out var record) && IsLive(record, now) ? record : null;

    /// <summary>How many keys are live at <paramref name="now"/>, and when the oldest of them was claimed.</summary>
    public (int Count, DateTimeOffset Oldest) Live(DateTimeOffset now)
    {
        var (count, oldest) = (0, DateTimeOffset.MaxValue);
        foreach (var record in Keys.Values)
        {
            if (IsLive(record, now))
            {
                count++;
                oldest = record.StartedAt < oldest ? record.StartedAt : oldest;
            }
        }
        return (count, oldest);
    }

    public void Apply(IdempotencyEvent @event)
    {
        switch (@event)
        {
            case KeyClaimed claimed:
                Forget(claimed.At);
                Keys[claimed.Key] = new IdempotencyRecord(claimed.Fingerprint, claimed.At, null);
                _oldest = claimed.At < _oldest ? claimed.At : _oldest;
                break;
            case KeyAnswered answered when Keys.TryGetValue(answered.Key, out var record):
                Keys[answered.Key] = record with { Response = answered.Response };
                break;
            case KeyReleased released:
                Keys.Remove(released.Key);
                break;
            case KeysExpired expired:
                Forget(expired.At);
                break;
            case KeysImported imported:
                foreach (var (key, record) in imported.Keys)
                {
                    Keys[key] = record;
                }
                _oldest = DateTimeOffset.MinValue;
                break;
        }
    }

    /// <summary>Drops the keys expired by <paramref name="now"/> (the event's time, so a replay drops the same ones).</summary>
    private void Forget(DateTimeOffset now)
    {
        if (now - _oldest < Retention)
        {
            return;
        }
        var oldest = DateTimeOffset.MaxValue;
        foreach (var (key, record) in Keys)
        {
            if (!IsLive(record, now))
            {
                Keys.Remove(key);
            }
            else if (record.StartedAt < oldest)
            {
                oldest = record.StartedAt;
            }
        }
        _oldest = oldest;
    }
}
