using System.Globalization;

namespace GroupBuy.Runtime;

/// <summary>
/// A grain's identity: its grain type (the implementation's registered name) and its key.
/// Guid keys are held as 32 hex digits and integer keys as invariant decimal text.
/// </summary>
public readonly record struct GrainId(string Type, string Key)
{
    public static GrainId Create(string type, string key) => new(type, key);

    public static GrainId Create(string type, Guid key) => new(type, key.ToString("N"));

    public static GrainId Create(string type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    public Guid GetGuidKey() => Guid.ParseExact(Key, "N");

    public long GetIntegerKey() => long.Parse(Key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary><c>type/key</c>, the form storage keys and logs use.</summary>
    public override string ToString() => $"{Type}/{Key}";
}
