using System.Text;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBuy.Grains.Requests;

/// <summary>
/// Keeps a caller's idempotency keys; non-reentrant, so two retries of one key are decided one after the other. The
/// keys are journaled: a claim, an answer or a release appends one event about one key, and snapshots (which hold
/// only live keys) drop the events before them, so a keyed write costs the same however many keys the caller holds.
/// A caller holds at most <see cref="IdempotencyOptions.MaxKeysPerCaller"/> live keys: past that a new key is
/// refused until the oldest expires, rather than dropping a live key whose retry must still replay. A reminder set
/// for when the oldest key expires sweeps the caller's keys even if it never comes back: once none is left, a snapshot
/// of no keys replaces the journal's events, and the caller leaves nothing else stored.
/// </summary>
public sealed class IdempotencyGrain(
    TimeProvider time,
    IOptions<IdempotencyOptions> options,
    ILogger<IdempotencyGrain> logger,
    [PersistentState("keys")] IJournaledState<IdempotencyKeys, IdempotencyEvent> keys,
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> earlier) : Grain, IIdempotencyGrain, IRemindable
{
    private const string ExpiryReminder = "expire-keys";
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    private IdempotencyKeys State => keys.State;

    /// <summary>A caller stored before the keys were journaled brings its live keys across, once, and its old row is cleared.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!earlier.RecordExists)
        {
            return;
        }
        if (keys.Version == 0)
        {
            var now = time.GetUtcNow();
            var live = earlier.State.Keys.Where(k => IdempotencyKeys.IsLive(k.Value, now)).ToDictionary(StringComparer.Ordinal);
            keys.Raise(new KeysImported(live));
            await keys.ConfirmAsync(cancellationToken);
            if (live.Count > 0)
            {
                await ArmExpiryAsync(live.Values.Min(k => k.StartedAt) + IdempotencyKeys.Retention);
            }
        }
        await earlier.ClearStateAsync(cancellationToken);
    }

    public async Task<IdempotencyClaim> Begin(string key, string fingerprint)
    {
        var now = time.GetUtcNow();
        if (State.Find(key, now) is { } record)
        {
            if (record.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(false, null, IdempotencyClaim.DifferentRequest);
            }
            if (record.Response is not null)
            {
                await DurableAsync();
                return new IdempotencyClaim(false, record.Response, null);
            }
            if (now - record.StartedAt < AbandonedAfter)
            {
                return new IdempotencyClaim(false, null, IdempotencyClaim.StillRunning);
            }
            // A claim its request left behind long ago: retaken below, as the same key, not a new one.
        }
        else if (Full(now) is { } retryAfter)
        {
            logger.KeyLimitReached(GrainId.Key, options.Value.MaxKeysPerCaller, retryAfter);
            return new IdempotencyClaim(false, null, IdempotencyClaim.TooManyKeys(options.Value.MaxKeysPerCaller), retryAfter);
        }
        keys.Raise(new KeyClaimed(key, fingerprint, now));
        await DurableAsync();
        await ArmExpiryAsync(now + IdempotencyKeys.Retention);
        return new IdempotencyClaim(true, null, null);
    }

    /// <summary>Forgets the keys that have expired; sets the reminder again for the oldest left, or rests once none is.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }
        var now = time.GetUtcNow();
        var (live, oldest) = State.Live(now);
        if (live < State.Keys.Count)
        {
            keys.Raise(new KeysExpired(now));
            await DurableAsync();
        }
        if (live > 0)
        {
            await RegisterOrUpdateReminder(ExpiryReminder, oldest + IdempotencyKeys.Retention);
            return;
        }
        await keys.TakeSnapshotAsync();
        DeactivateOnIdle();
    }

    public async Task<StoredResponse?> Answered(string key, string fingerprint)
    {
        if (State.Find(key, time.GetUtcNow()) is { Response: { } response } record && record.Fingerprint == fingerprint)
        {
            await DurableAsync();
            return response;
        }
        return null;
    }

    public async Task Complete(string key, string fingerprint, StoredResponse response)
    {
        if (!keys.State.Keys.TryGetValue(key, out var record) || record.Fingerprint != fingerprint || record.Response is not null)
        {
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(response.Body ?? "") + Encoding.UTF8.GetByteCount(response.Location ?? "");
        if (bytes > options.Value.MaxStoredResponseBytes)
        {
            logger.AnswerNotKept(GrainId.Key, bytes, options.Value.MaxStoredResponseBytes);
            keys.Raise(new KeyReleased(key));
        }
        else
        {
            keys.Raise(new KeyAnswered(key, response));
        }
        await DurableAsync();
    }

    public async Task Abandon(string key, string fingerprint)
    {
        if (keys.State.Keys.TryGetValue(key, out var record) && record.Fingerprint == fingerprint && record.Response is null)
        {
            keys.Raise(new KeyReleased(key));
            await DurableAsync();
        }
    }

    /// <summary>When the caller may take a new key, if it holds as many live keys as it may now: once its oldest expires.</summary>
    private TimeSpan? Full(DateTimeOffset now)
    {
        var limit = options.Value.MaxKeysPerCaller;
        if (State.Keys.Count < limit)
        {
            return null;
        }
        var (count, oldest) = State.Live(now);
        return count < limit ? null : oldest + IdempotencyKeys.Retention - now;
    }

    /// <summary>
    /// Sets the sweep's reminder if none is due: one write a sweep, not one a claim, since a set reminder is due no later
    /// than the newest key expires. One already due has fired (it is removed once its sweep is done), so it is set again.
    /// The claim stands if this fails; the caller's next claim tries again.
    /// </summary>
    private async Task ArmExpiryAsync(DateTimeOffset dueAt)
    {
        if (GetReminder(ExpiryReminder) is { } set && set.DueAt > time.GetUtcNow())
        {
            return;
        }
        try
        {
            await RegisterOrUpdateReminder(ExpiryReminder, dueAt);
        }
        catch (Exception exception)
        {
            logger.ExpiryNotArmed(exception, GrainId.Key);
        }
    }

    /// <summary>Every event raised so far made durable; a failed append drops this activation, and the next reloads the stored truth.</summary>
    private async Task DurableAsync()
    {
        if (keys.ConfirmedVersion != keys.Version)
        {
            await keys.ConfirmAsync();
        }
    }
}
