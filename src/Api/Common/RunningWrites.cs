using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Common;

/// <summary>
/// The keyed writes under way in this process, so that a retry arriving while its first attempt still runs waits
/// for that attempt's answer instead of being refused. The silo runs in this process, so every request for a
/// caller's key passes here. An entry lives exactly as long as the request that runs it (it is removed when that
/// request ends, however it ends), so the map never holds more than the writes under way.
/// </summary>
internal sealed partial class RunningWrites(TimeProvider time, IOptions<GrainRuntimeOptions> runtime, ILogger<RunningWrites> logger)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StoredResponse?>> _running = new(StringComparer.Ordinal);

    /// <summary>A timestamp to count a wait from (<see cref="WaitAsync"/>).</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>True when this request now runs <paramref name="request"/>; false when <paramref name="attempt"/> already runs it.</summary>
    public bool TryStart(string request, out TaskCompletionSource<StoredResponse?> attempt)
    {
        var mine = new TaskCompletionSource<StoredResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
        attempt = _running.GetOrAdd(request, mine);
        return ReferenceEquals(attempt, mine);
    }

    /// <summary>Ends an attempt this request started; its waiters get <paramref name="answer"/>, null when there is none to replay.</summary>
    public void Finish(string request, TaskCompletionSource<StoredResponse?> attempt, StoredResponse? answer)
    {
        _running.TryRemove(new KeyValuePair<string, TaskCompletionSource<StoredResponse?>>(request, attempt));
        attempt.TrySetResult(answer);
    }

    /// <summary>
    /// The answer of an attempt another request runs, null when it left none to replay. The wait is bounded as a
    /// grain call is (the runtime's response timeout, counted from <paramref name="since"/>): past it,
    /// <see cref="TimeoutException"/>.
    /// </summary>
    public Task<StoredResponse?> WaitAsync(TaskCompletionSource<StoredResponse?> attempt, long since, string route, CancellationToken cancellationToken)
    {
        WaitingForFirstAttempt(route);
        var left = runtime.Value.ResponseTimeout - time.GetElapsedTime(since);
        return attempt.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A retry of {Route} waits for its first attempt, still under way")]
    private partial void WaitingForFirstAttempt(string route);
}
