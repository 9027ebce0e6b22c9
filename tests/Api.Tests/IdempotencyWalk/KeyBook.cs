namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>What a keyed write must meet before its handler runs, as the <c>Idempotency-Key</c> doc comment promises.</summary>
internal abstract record KeyVerdict
{
    /// <summary>No key, or a key with no live answer: the request runs on its merits (and claims the key, if any).</summary>
    public sealed record Fresh : KeyVerdict;

    public sealed record Replay(Answer First) : KeyVerdict;

    /// <summary>The key is live for a different request.</summary>
    public sealed record Conflict : KeyVerdict;

    /// <summary>A new key past the caller's limit: refused until its oldest key expires.</summary>
    public sealed record Full(TimeSpan RetryAfter) : KeyVerdict;

    /// <summary>A key that is not 1–128 visible ASCII characters.</summary>
    public sealed record Malformed : KeyVerdict;
}

/// <summary>The model of every caller's keys: the first kept answer per caller and scope, live for a day from its claim.</summary>
internal sealed class KeyBook(int maxKeysPerCaller)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly Dictionary<(string Caller, string Scope), (string? Body, DateTimeOffset ClaimedAt, Answer Answer)> _keys = [];

    public static bool IsWellFormed(string key) => key.Length is > 0 and <= 128 && key.All(c => c is >= '!' and <= '~');

    public KeyVerdict Judge(Write write, DateTimeOffset now)
    {
        if (write.Key is null)
        {
            return new KeyVerdict.Fresh();
        }
        if (!IsWellFormed(write.Key))
        {
            return new KeyVerdict.Malformed();
        }
        if (_keys.TryGetValue((write.Caller, write.Scope), out var kept) && now - kept.ClaimedAt < Retention)
        {
            return kept.Body == write.Body ? new KeyVerdict.Replay(kept.Answer) : new KeyVerdict.Conflict();
        }
        var live = _keys.Where(k => k.Key.Caller == write.Caller && now - k.Value.ClaimedAt < Retention).Select(k => k.Value.ClaimedAt).ToList();
        if (live.Count >= maxKeysPerCaller)
        {
            var wait = live.Min() + Retention - now;
            return new KeyVerdict.Full(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds))));
        }
        return new KeyVerdict.Fresh();
    }

    /// <summary>Records the answer a fresh keyed write got, if the server keeps it.</summary>
    public void Answered(Write write, DateTimeOffset now, Answer answer)
    {
        if (write.Key is not null && answer.IsKept)
        {
            _keys[(write.Caller, write.Scope)] = (write.Body, now, answer);
        }
    }

    public int LiveKeys(string caller, DateTimeOffset now) =>
        _keys.Count(k => k.Key.Caller == caller && now - k.Value.ClaimedAt < Retention);
}
