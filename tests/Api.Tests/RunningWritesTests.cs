using GroupBuy.Api.Common;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Tests;

/// <summary>The wait of a retry for its first attempt: handed the answer, freed when the attempt ends, bounded, cancellable.</summary>
public sealed class RunningWritesTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RunningWrites _writes;

    public RunningWritesTests() =>
        _writes = new RunningWrites(_clock, Options.Create(new GrainRuntimeOptions { ResponseTimeout = TimeSpan.FromSeconds(30) }), NullLogger<RunningWrites>.Instance);

    [Fact]
    public async Task A_finished_attempt_hands_its_answer_to_its_waiters_and_leaves_the_request_free()
    {
        Assert.True(_writes.TryStart("r", out var mine));
        Assert.False(_writes.TryStart("r", out var first));
        var waiting = _writes.WaitAsync(first, _writes.Now(), "/r", ApiClient.Token);
        var answer = new StoredResponse(204, null, null, null);

        _writes.Finish("r", mine, answer);

        Assert.Same(answer, await waiting);
        Assert.True(_writes.TryStart("r", out _));
    }

    [Fact]
    public async Task A_wait_lasts_no_longer_than_a_grain_call_may()
    {
        Assert.True(_writes.TryStart("r", out _));
        Assert.False(_writes.TryStart("r", out var first));
        var waiting = _writes.WaitAsync(first, _writes.Now(), "/r", ApiClient.Token);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(waiting.IsCompleted);
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
    }

    [Fact]
    public async Task A_waiter_whose_client_goes_away_stops_waiting()
    {
        Assert.True(_writes.TryStart("r", out _));
        Assert.False(_writes.TryStart("r", out var first));
        using var aborted = new CancellationTokenSource();
        var waiting = _writes.WaitAsync(first, _writes.Now(), "/r", aborted.Token);

        await aborted.CancelAsync();

        Assert.True(waiting.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
