namespace GroupBuy.Runtime.Invocation;

/// <summary>How a request may interleave with others on the same activation.</summary>
[Flags]
public enum GrainMethodOptions
{
    None = 0,
    AlwaysInterleave = 1,
    ReadOnly = 2,
}

/// <summary>
/// One call of one grain interface method with its arguments, generated as a struct per method so the
/// call path neither boxes nor reflects. <see cref="Invoke"/> runs inside the target's turn.
/// </summary>
public interface IGrainMethod<TResult>
{
    GrainMethodOptions Options { get; }

    /// <summary><c>Interface.Method</c>, for diagnostics.</summary>
    string Name { get; }

    ValueTask<TResult> Invoke(object grain);
}

/// <summary>A call of a method that returns no value.</summary>
public interface IGrainMethod
{
    GrainMethodOptions Options { get; }

    string Name { get; }

    ValueTask Invoke(object grain);
}
