using GroupBuy.Runtime.Catalog;
using GroupBuy.Runtime.Diagnostics;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Invocation;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBuy.Runtime;

/// <summary>
/// The silo's runtime: the entry to the call path for generated references, and the services an
/// activation needs (catalog, clock, options, metrics, reminders).
/// </summary>
public sealed class GrainRuntime : IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _shutdownLock = new();
    private volatile bool _refusing;
    private bool _disposed;

    internal GrainRuntime(
        IServiceProvider services,
        GrainTypeRegistry types,
        IOptions<GrainRuntimeOptions> options,
        TimeProvider timeProvider,
        RuntimeMetrics metrics,
        ILogger<GrainRuntime> logger)
    {
        Services = services;
        Types = types;
        Options = options.Value;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Log = new RuntimeLog(logger);
        Catalog = new ActivationCatalog(this);
        Timeouts = new CallTimeouts(this);
        GrainFactory = new GrainFactory(this);
        Reminders = new ReminderService(this);
        ShutdownToken = _shutdown.Token;
    }

    public IGrainFactory GrainFactory { get; }

    internal IServiceProvider Services { get; }

    internal GrainTypeRegistry Types { get; }

    internal GrainRuntimeOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    internal RuntimeMetrics Metrics { get; }

    internal RuntimeLog Log { get; }

    internal ActivationCatalog Catalog { get; }

    internal CallTimeouts Timeouts { get; }

    internal ReminderService Reminders { get; }

    internal CancellationToken ShutdownToken { get; }

    internal bool IsStopping => _refusing || ShutdownToken.IsCancellationRequested;

    internal ValueTask<TResult> InvokeAsync<TMethod, TResult>(GrainReference target, TMethod method)
        where TMethod : struct, IGrainMethod<TResult>
    {
        if (_refusing)
        {
            // A stopped or crashed silo answers nothing, even through references cached before it went.
            return ValueTask.FromException<TResult>(new ObjectDisposedException(nameof(GrainRuntime), "The silo has stopped."));
        }
        while (true)
        {
            var activation = target.CachedActivation;
            if (activation is null || activation.IsDefunct)
            {
                if (IsStopping)
                {
                    return ValueTask.FromException<TResult>(new ObjectDisposedException(nameof(GrainRuntime), "The silo is stopping."));
                }
                target.CachedActivation = activation = Catalog.GetOrAdd(target.GrainId);
            }
            activation.Touched = true;
            if (activation.LooksBusy)
            {
                // Likely to wait: the request is made first and posted without the lock, or else admitted or queued under one.
                var waiting = NewRequest<TMethod, TResult>(method);
                if (activation.TryPost(waiting))
                {
                    return new ValueTask<TResult>(waiting.Task);
                }
                switch (activation.EnterOrEnqueue(waiting))
                {
                    case Admission.Inline:
                        return activation.RunInline<TMethod, TResult>(method);
                    case Admission.Queue:
                        return new ValueTask<TResult>(waiting.Task);
                }
            }
            else
            {
                switch (activation.TryEnterInline(method.Options))
                {
                    case Admission.Inline:
                        return activation.RunInline<TMethod, TResult>(method);
                    case Admission.Activate:
                        return activation.ActivateInline<TMethod, TResult>(method);
                    case Admission.Queue:
                        var request = NewRequest<TMethod, TResult>(method);
                        if (activation.TryEnqueue(request))
                        {
                            return new ValueTask<TResult>(request.Task);
                        }
                        break;
                }
            }
            target.CachedActivation = null;
        }
    }

    private Request<TMethod, TResult> NewRequest<TMethod, TResult>(TMethod method)
        where TMethod : struct, IGrainMethod<TResult> =>
        new(method, TimeProvider.GetTimestamp()) { FromGrain = SynchronizationContext.Current is Activation };

    internal ValueTask InvokeAsync<TMethod>(GrainReference target, TMethod method)
        where TMethod : struct, IGrainMethod
    {
        var result = InvokeAsync<VoidMethod<TMethod>, VoidResult>(target, new VoidMethod<TMethod>(method));
        return result.IsCompletedSuccessfully ? default : new ValueTask(result.AsTask());
    }

    /// <summary>Calls a grain by identity (reminders): the same path as a reference's call.</summary>
    internal ValueTask<TResult> InvokeAsync<TMethod, TResult>(GrainId grainId, TMethod method)
        where TMethod : struct, IGrainMethod<TResult> =>
        InvokeAsync<TMethod, TResult>(new IdentityReference(grainId, this), method);

    /// <summary>Sends a request left behind by a deactivated activation to the grain's next activation.</summary>
    internal void Redispatch(GrainId grainId, Request request)
    {
        while (!IsStopping)
        {
            if (Catalog.GetOrAdd(grainId).TryEnqueue(request))
            {
                return;
            }
        }
        request.Fail(new ObjectDisposedException(nameof(GrainRuntime), "The silo is stopping."));
    }

    internal void Start()
    {
        Catalog.Start();
        Timeouts.Start();
    }

    /// <summary>Stops accepting calls and deactivates every activation (their <c>OnDeactivateAsync</c> runs).</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Reminders.StopAsync(cancellationToken);
            await Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping."), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivation is best effort, as in Orleans: the host's stop timeout wins, and what stayed is named.
            Log.ShutdownIncomplete(Catalog.Count, string.Join(", ", Catalog.Sample(5)));
        }
        CancelShutdown();
        Catalog.Stop();
        Timeouts.Stop();
    }

    /// <summary>Stops everything at once without deactivating grains, as a crash would (the test kit's crash restart).</summary>
    internal void Abandon()
    {
        CancelShutdown();
        Reminders.Stop();
        Catalog.Stop();
        Timeouts.Stop();
    }

    /// <summary>The container may dispose the runtime while a timed-out stop is still finishing: both paths are safe.</summary>
    public void Dispose()
    {
        lock (_shutdownLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _refusing = true;
            _shutdown.Cancel();
            _shutdown.Dispose();
        }
    }

    private void CancelShutdown()
    {
        lock (_shutdownLock)
        {
            _refusing = true;
            if (!_disposed)
            {
                _shutdown.Cancel();
            }
        }
    }

    private readonly struct VoidResult;

    /// <summary>Adapts a method without a result to the one call path; allocates only when the grain awaits.</summary>
    private readonly struct VoidMethod<TMethod>(TMethod method) : IGrainMethod<VoidResult>
        where TMethod : struct, IGrainMethod
    {
        public GrainMethodOptions Options => method.Options;

        public string Name => method.Name;

        public ValueTask<VoidResult> Invoke(object grain)
        {
            var running = method.Invoke(grain);
            return running.IsCompletedSuccessfully ? default : new ValueTask<VoidResult>(AwaitAsync(running));
        }

        private static async Task<VoidResult> AwaitAsync(ValueTask running)
        {
            // Nothing of the grain runs after this await, so it need not return to the turn.
            await running.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>A reference with no interface, for calls the runtime itself makes.</summary>
    private sealed class IdentityReference(GrainId grainId, GrainRuntime runtime) : GrainReference(grainId, runtime);
}
