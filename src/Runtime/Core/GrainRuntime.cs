using GroupBuy.Runtime.Invocation;

namespace GroupBuy.Runtime;

/// <summary>The silo's runtime as generated references see it: the entry to the call path.</summary>
public sealed partial class GrainRuntime
{
    internal ValueTask<TResult> InvokeAsync<TMethod, TResult>(GrainReference target, TMethod method)
        where TMethod : struct, IGrainMethod<TResult> => throw new NotImplementedException();

    internal ValueTask InvokeAsync<TMethod>(GrainReference target, TMethod method)
        where TMethod : struct, IGrainMethod => throw new NotImplementedException();
}
