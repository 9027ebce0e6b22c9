namespace GroupBuy.Runtime;

/// <summary>Requests of this grain may interleave at awaits (Orleans' <c>[Reentrant]</c>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>This interface method interleaves with any other request (Orleans' <c>[AlwaysInterleave]</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>This interface method changes nothing and interleaves with other read-only requests.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Names the grain type in identities and storage; by default the class name, kebab-cased, without "Grain".</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>How long an activation of this class may stay idle before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    public double Minutes { get; init; }

    public double Seconds { get; init; }

    public TimeSpan Age => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
}

/// <summary>
/// On a grain constructor parameter of type <see cref="IPersistentState{TState}"/> or
/// <see cref="IJournaledState{TState, TEvent}"/>: the state's name and the storage that keeps it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorage) : Attribute
{
    public const string DefaultStorage = "Default";

    public string StateName { get; } = stateName;

    public string StorageName { get; } = storageName;
}
