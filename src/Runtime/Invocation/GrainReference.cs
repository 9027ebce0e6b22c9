namespace GroupBuy.Runtime.Invocation;

/// <summary>
/// Base of the typed references the source generator writes for every grain interface. A reference is
/// cheap, equal by identity, and may be held anywhere; it remembers the activation it last reached.
/// </summary>
public abstract class GrainReference : IEquatable<GrainReference>
{
    private readonly GrainRuntime _runtime;

    protected GrainReference(GrainId grainId, GrainRuntime runtime)
    {
        GrainId = grainId;
        _runtime = runtime;
    }

    public GrainId GrainId { get; }

    /// <summary>The activation this reference last reached; the runtime revalidates it on every call.</summary>
    internal Catalog.Activation? CachedActivation { get; set; }

    protected ValueTask<TResult> InvokeAsync<TMethod, TResult>(TMethod method)
        where TMethod : struct, IGrainMethod<TResult> =>
        _runtime.InvokeAsync<TMethod, TResult>(this, method);

    protected ValueTask InvokeAsync<TMethod>(TMethod method)
        where TMethod : struct, IGrainMethod =>
        _runtime.InvokeAsync(this, method);

    public bool Equals(GrainReference? other) => other is not null && GrainId == other.GrainId;

    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => GrainId.ToString();
}
