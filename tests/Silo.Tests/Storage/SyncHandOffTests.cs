using GroupBuy.Silo.Storage.GroupCommit;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>The hand-off from the commit loop to the syncing thread: what a take returns, and when a blocked taker wakes.</summary>
public sealed class SyncHandOffTests
{
    /// <summary>Guards a take that should wake: a lost wake-up fails the test instead of hanging the run.</summary>
    private static readonly TimeSpan WakeGuard = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void A_take_moves_everything_queued_in_order()
    {
        var handOff = new SyncHandOff<int>();
        handOff.Add(1);
        handOff.Add(2);
        handOff.Add(3);
        var taken = new List<int>();

        Assert.True(handOff.TakeAll(taken));

        Assert.Equal([1, 2, 3], taken);
        handOff.Add(4);
        taken.Clear();
        Assert.True(handOff.TakeAll(taken));
        Assert.Equal([4], taken);
    }

    [Fact]
    public async Task A_taker_waiting_on_an_empty_hand_off_wakes_for_the_next_item()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handOff = new SyncHandOff<int> { Waiting = () => waiting.TrySetResult() };
        var taken = new List<int>();
        var taker = Task.Factory.StartNew(() => handOff.TakeAll(taken), Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await waiting.Task.WaitAsync(WakeGuard, Cancellation);

        handOff.Add(7);

        Assert.True(await taker.WaitAsync(WakeGuard, Cancellation));
        Assert.Equal([7], taken);
    }

    [Fact]
    public async Task Completing_lets_the_taker_finish_what_is_queued_and_then_stops_it()
    {
        var handOff = new SyncHandOff<int>();
        handOff.Add(1);
        handOff.Complete();
        var taken = new List<int>();

        Assert.True(handOff.TakeAll(taken));
        Assert.Equal([1], taken);
        Assert.False(handOff.TakeAll(taken));

        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = new SyncHandOff<int> { Waiting = () => waiting.TrySetResult() };
        var taker = Task.Factory.StartNew(() => blocked.TakeAll([]), Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await waiting.Task.WaitAsync(WakeGuard, Cancellation);
        blocked.Complete();
        Assert.False(await taker.WaitAsync(WakeGuard, Cancellation));
    }
}
