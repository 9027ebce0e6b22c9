using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Requests;

namespace GroupBuy.Grains.Requests;

/// <summary>
/// What happens to a caller's idempotency keys, as its journal keeps it: each claim, answer and release is one
/// event about one key, so a keyed write costs the same however many keys the caller holds.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(KeyClaimed), "claimed")]
[JsonDerivedType(typeof(KeyAnswered), "answered")]
[JsonDerivedType(typeof(KeyReleased), "released")]
[JsonDerivedType(typeof(KeysImported), "imported")]
[JsonDerivedType(typeof(KeysExpired), "expired")]
public abstract record IdempotencyEvent;

/// <summary>A request began under the key; applying it also forgets the keys that expired by <paramref name="At"/>.</summary>
public sealed record KeyClaimed(string Key, string Fingerprint, DateTimeOffset At) : IdempotencyEvent;

public sealed record KeyAnswered(string Key, StoredResponse Response) : IdempotencyEvent;

/// <summary>The key's request left nothing to replay: the key is free again.</summary>
public sealed record KeyReleased(string Key) : IdempotencyEvent;

/// <summary>The live keys of the caller's earlier state (a whole dictionary rewritten on every write), once, as the journal takes over.</summary>
public sealed record KeysImported(IReadOnlyDictionary<string, IdempotencyRecord> Keys) : IdempotencyEvent;

/// <summary>The keys expired by <paramref name="At"/> are forgotten: the caller's reminder sweeps them when no claim has.</summary>
public sealed record KeysExpired(DateTimeOffset At) : IdempotencyEvent;
