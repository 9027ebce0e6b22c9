using GroupBuy.Runtime.Invocation;

namespace GroupBuy.Runtime.Catalog;

/// <summary>
/// A call that could not run inline: it waits in an activation's queue, or it started inline and then
/// awaited. It completes its caller's task and tells the activation when the grain's work is done.
/// </summary>
internal abstract class Request(GrainMethodOptions options, long calledAt)
{
    public GrainMethodOptions Options { get; } = options;

    /// <summary>When the caller made the call (TimeProvider timestamp); the response timeout counts from here.</summary>
    public long CalledAt { get; } = calledAt;

    public abstract string Name { get; }

    /// <summary>Work of this activation only (a timer tick): dropped, not sent on, when the activation goes.</summary>
    public bool StaysWithActivation { get; init; }

    /// <summary>Made from inside a grain's turn: the grain waits for the answer, and may be what a call in flight here awaits.</summary>
    public bool FromGrain { get; init; }

    /// <summary>The request posted before it in the activation's inbox (<see cref="Activation.TryPost"/>); null once moved to a queue.</summary>
    internal Request? Posted;

    /// <summary>How many requests the inbox held with this one on top, so a post can see the queue's bound without the lock.</summary>
    internal int PostedDepth;

    /// <summary>The caller has its answer (a result, a failure, or a timeout).</summary>
    public abstract bool IsAnswered { get; }

    /// <summary>
    /// Runs the method inside the activation's turn. True when it completed there and its caller has the answer: the
    /// activation then ends the request itself, under the lock it takes next anyway; false when the grain awaited.
    /// </summary>
    public abstract bool Run(Activation activation);

    /// <summary>Answers the caller with a failure, unless it already has an answer.</summary>
    public abstract void Fail(Exception exception);
}

internal sealed class Request<TMethod, TResult>(TMethod method, long calledAt) : Request(method.Options, calledAt)
    where TMethod : struct, IGrainMethod<TResult>
{
    private readonly TaskCompletionSource<TResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Activation? _activation;
    private ValueTask<TResult> _running;

    public Task<TResult> Task => _answer.Task;

    public override string Name => method.Name;

    public override bool IsAnswered => _answer.Task.IsCompleted;

    public override bool Run(Activation activation)
    {
        ValueTask<TResult> running;
        try
        {
            running = method.Invoke(activation.Grain);
        }
        catch (Exception exception)
        {
            running = ValueTask.FromException<TResult>(exception);
        }
        if (running.IsCompleted)
        {
            Answer(running);
            return true;
        }
        Track(activation, running);
        return false;
    }

    /// <summary>
    /// Follows grain work that awaited to its end; used as well for calls that started inline and went async. Both
    /// callers handle work that completed at once themselves.
    /// </summary>
    public void Track(Activation activation, ValueTask<TResult> running)
    {
        _activation = activation;
        _running = running;
        activation.TrackRunning(this);
        // The continuation only answers the caller; it need not return to the grain's turn.
        running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnRunningCompleted);
    }

    private void OnRunningCompleted()
    {
        var activation = _activation!;
        Answer(_running);
        _running = default;
        _activation = null;
        activation.RequestCompleted(this);
    }

    private void Answer(ValueTask<TResult> completed)
    {
        try
        {
            // Completed here, so reading the result does not block.
            _answer.TrySetResult(completed.Result);
        }
        catch (OperationCanceledException canceled)
        {
            _answer.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception exception)
        {
            _answer.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _answer.TrySetException(exception);
}
