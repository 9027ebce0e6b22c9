using GroupBuy.Runtime;
using GroupBuy.Silo.Storage.GroupCommit;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// The group-commit queue on its own, with a scripted committer that can hold its first transaction open:
/// what gathers into which batch, and when each caller is released.
/// </summary>
public sealed class CommitQueueTests : IAsyncDisposable
{
    private readonly ScriptedCommitter _committer = new();
    private readonly Runtime.Diagnostics.RuntimeMetrics _metrics = GrainStoreBehaviours.NewMetrics();
    private readonly CommitQueue<string> _queue;

    public CommitQueueTests() => _queue = NewQueue(CommitQueue<string>.DefaultMaxBatchSize);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        _committer.ReleaseFirstBatch();
        return _queue.DisposeAsync();
    }

    [Fact]
    public async Task A_caller_is_released_only_after_its_batch_committed()
    {
        var write = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;

        Assert.False(write.IsCompleted);
        Assert.Equal(0, _metrics.StorageTransactions);

        _committer.ReleaseFirstBatch();
        Assert.Equal(1, await write);
        Assert.Equal(1, _metrics.StorageTransactions);
    }

    [Fact]
    public async Task The_time_a_transaction_is_open_counts_as_the_stores_busy_time()
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var write = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        Assert.Equal(TimeSpan.Zero, _metrics.StorageBusyTime);

        _committer.ReleaseFirstBatch();
        await write;

        Assert.InRange(_metrics.StorageBusyTime, TimeSpan.FromTicks(1), wall.Elapsed);
    }

    [Fact]
    public async Task Writes_arriving_during_a_commit_gather_into_the_next_batch()
    {
        var first = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        string[] writes = ["bb", "ccc", "dddd"];
        var later = writes.Select(write => _queue.EnqueueAsync(write, Cancellation)).ToArray();

        _committer.ReleaseFirstBatch();

        long[] expected = [1, 2, 3, 4];
        Assert.Equal(expected, await Task.WhenAll([first, .. later]));
        Assert.Equal([["a"], ["bb", "ccc", "dddd"]], _committer.Batches);
        Assert.Equal(2, _metrics.StorageTransactions);
    }

    [Fact]
    public async Task A_batch_takes_at_most_the_configured_number_of_writes()
    {
        await using var queue = NewQueue(maxBatchSize: 4);
        var first = queue.EnqueueAsync("first", Cancellation);
        await _committer.FirstBatchStarted;
        var later = Enumerable.Range(0, 10).Select(i => queue.EnqueueAsync($"w{i}", Cancellation)).ToArray();

        _committer.ReleaseFirstBatch();
        await Task.WhenAll([first, .. later]);

        Assert.Equal([1, 4, 4, 2], _committer.Batches.Select(batch => batch.Length));
    }

    [Fact]
    public async Task Writes_prepared_away_before_the_transaction_are_settled_or_failed_on_their_own_and_the_rest_commits()
    {
        _committer.ReleaseFirstBatch();
        var broken = new InvalidOperationException("cannot be written");
        await using var queue = new CommitQueue<string>(_committer.CommitAsync, "test", _metrics, NullLogger.Instance, prepare: batch =>
        {
            for (var i = batch.Count - 1; i >= 0; i--)
            {
                switch (batch[i])
                {
                    case "nothing": batch.SettleWithoutWrite(i); break;
                    case "broken": batch.FailWithoutWrite(i, broken); break;
                    case "promised": batch.Replace(i, "kept"); break;
                }
            }
        });

        var nothing = queue.EnqueueAsync("nothing", Cancellation);
        var failed = queue.EnqueueAsync("broken", Cancellation);
        var promised = queue.EnqueueAsync("promised", Cancellation);

        Assert.Equal(0, await nothing);
        Assert.Same(broken, await Assert.ThrowsAsync<InvalidOperationException>(() => failed));
        Assert.Equal(4, await promised);
        Assert.Equal(0, await queue.EnqueueAsync("nothing", Cancellation));
        Assert.Equal(["kept"], _committer.Batches.SelectMany(batch => batch));
        Assert.DoesNotContain(_committer.Batches, batch => batch.Length == 0);   // nothing left to write: no transaction
        Assert.Equal(_committer.Batches.Count, _metrics.StorageTransactions);
    }

    [Fact]
    public async Task A_version_conflict_fails_only_its_own_caller()
    {
        var first = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        var before = _queue.EnqueueAsync("bb", Cancellation);
        var stale = _queue.EnqueueAsync("stale", Cancellation);
        var after = _queue.EnqueueAsync("dddd", Cancellation);

        _committer.ReleaseFirstBatch();

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        long[] expected = [1, 2, 4];
        Assert.Equal(expected, await Task.WhenAll(first, before, after));
        Assert.Equal(["bb", "stale", "dddd"], _committer.Batches[1]);
    }

    [Fact]
    public async Task A_failed_commit_fails_every_caller_in_its_batch_and_the_next_batch_still_commits()
    {
        var first = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        var innocent = _queue.EnqueueAsync("bb", Cancellation);
        var failing = _queue.EnqueueAsync("fail", Cancellation);

        _committer.ReleaseFirstBatch();
        await first;

        var innocentFailure = await Assert.ThrowsAsync<StorageUnavailableException>(() => innocent);
        var failingFailure = await Assert.ThrowsAsync<StorageUnavailableException>(() => failing);
        Assert.IsType<IOException>(innocentFailure.InnerException);
        Assert.IsType<IOException>(failingFailure.InnerException);
        Assert.Equal(5, await _queue.EnqueueAsync("later", Cancellation));
        Assert.Equal(2, _metrics.StorageTransactions);
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_never_reaches_a_transaction()
    {
        var first = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        using var cancellation = new CancellationTokenSource();
        var cancelled = _queue.EnqueueAsync("cancelled", cancellation.Token);
        var kept = _queue.EnqueueAsync("kept", Cancellation);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _committer.ReleaseFirstBatch();

        await Task.WhenAll(first, kept);
        Assert.Equal([["a"], ["kept"]], _committer.Batches);
    }

    [Fact]
    public async Task Cancelling_after_the_write_was_batched_does_not_abandon_it()
    {
        using var cancellation = new CancellationTokenSource();
        var write = _queue.EnqueueAsync("abc", cancellation.Token);
        await _committer.FirstBatchStarted;

        await cancellation.CancelAsync();
        _committer.ReleaseFirstBatch();

        Assert.Equal(3, await write);
    }

    [Fact]
    public async Task Disposing_commits_what_is_queued_and_then_refuses_new_writes()
    {
        var first = _queue.EnqueueAsync("a", Cancellation);
        await _committer.FirstBatchStarted;
        var queued = _queue.EnqueueAsync("bb", Cancellation);

        var disposing = _queue.DisposeAsync();
        _committer.ReleaseFirstBatch();
        await disposing;

        long[] expected = [1, 2];
        Assert.Equal(expected, await Task.WhenAll(first, queued));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _queue.EnqueueAsync("late", Cancellation));
    }

    [Fact]
    public async Task With_a_flush_callers_wait_for_a_sync_after_their_commit_while_the_next_batch_commits()
    {
        _committer.ReleaseFirstBatch();
        using var flusher = new ScriptedFlusher();
        await using var queue = new CommitQueue<string>(_committer.CommitAsync, "test", _metrics, NullLogger.Instance, flush: flusher.Flush);
        using var release = flusher.ReleasedAtTheEnd();   // disposed first: a failed assertion must not leave the queue's disposal waiting

        var first = queue.EnqueueAsync("a", Cancellation);
        await flusher.FirstFlushStarted;
        var second = queue.EnqueueAsync("bb", Cancellation);
        await _committer.WhenCommitted(2);

        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, _metrics.StorageTransactions);   // both committed; neither is synced yet

        flusher.ReleaseFirstFlush();
        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
        Assert.Equal(2, flusher.Flushes);   // the second batch committed after the first sync began, so it needed its own
    }

    [Fact]
    public async Task A_failed_flush_fails_its_callers_and_every_later_write()
    {
        _committer.ReleaseFirstBatch();
        await using var queue = new CommitQueue<string>(_committer.CommitAsync, "test", _metrics, NullLogger.Instance,
            flush: () => throw new IOException("the log could not be synced"));

        var unsynced = await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.EnqueueAsync("a", Cancellation));
        var later = await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.EnqueueAsync("bb", Cancellation));

        Assert.IsType<IOException>(unsynced.InnerException);
        Assert.IsType<IOException>(later.InnerException);
        Assert.Equal([["a"]], _committer.Batches);   // nothing more was committed once the log could not be synced
    }

    [Fact]
    public async Task Disposing_waits_for_the_last_flush()
    {
        _committer.ReleaseFirstBatch();
        using var flusher = new ScriptedFlusher();
        var queue = new CommitQueue<string>(_committer.CommitAsync, "test", _metrics, NullLogger.Instance, flush: flusher.Flush);
        var write = queue.EnqueueAsync("a", Cancellation);
        await flusher.FirstFlushStarted;

        var disposing = queue.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);

        flusher.ReleaseFirstFlush();
        await disposing;
        Assert.True(write.IsCompletedSuccessfully);   // released by the flush that disposing waited for
        Assert.Equal(1, await write);
    }

    private CommitQueue<string> NewQueue(int maxBatchSize) =>
        new(_committer.CommitAsync, "test", _metrics, NullLogger.Instance, maxBatchSize);

    /// <summary>
    /// Commits a write's length as its version; "stale" conflicts and "fail" fails the transaction. The first
    /// batch stays open until <see cref="ReleaseFirstBatch"/>.
    /// </summary>
    private sealed class ScriptedCommitter
    {
        private readonly TaskCompletionSource _firstBatchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstBatchReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task FirstBatchStarted => _firstBatchStarted.Task;

        /// <summary>Each batch's writes, in the order the transactions ran (the loop runs one at a time).</summary>
        public List<string[]> Batches { get; } = [];

        public void ReleaseFirstBatch() => _firstBatchReleased.TrySetResult();

        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        /// <summary>Completes once <paramref name="count"/> batches have run (the loop runs one at a time).</summary>
        public Task WhenCommitted(int count)
        {
            lock (_waiters)
            {
                if (_committed >= count)
                {
                    return Task.CompletedTask;
                }
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task;
            }
        }

        private int _committed;

        private void Committed()
        {
            lock (_waiters)
            {
                _committed++;
                foreach (var waiter in _waiters.Where(waiter => waiter.Count <= _committed))
                {
                    waiter.Reached.TrySetResult();
                }
            }
        }

        public async Task CommitAsync(CommitBatch<string> batch)
        {
            var writes = Enumerable.Range(0, batch.Count).Select(i => batch[i]).ToArray();
            Batches.Add(writes);
            if (Batches.Count == 1)
            {
                _firstBatchStarted.TrySetResult();
                await _firstBatchReleased.Task;
            }
            for (var i = 0; i < writes.Length; i++)
            {
                if (writes[i] == "stale")
                {
                    batch.Conflicted(i, "stale");
                }
                else
                {
                    batch.Succeeded(i, writes[i].Length);
                }
            }
            if (writes.Contains("fail"))
            {
                throw new IOException("the disk went away");
            }
            Committed();
        }
    }

    /// <summary>Counts flushes; the first stays open until <see cref="ReleaseFirstFlush"/>.</summary>
    private sealed class ScriptedFlusher : IDisposable
    {
        private readonly TaskCompletionSource _firstFlushStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _firstFlushReleased = new();
        private int _flushes;

        public Task FirstFlushStarted => _firstFlushStarted.Task;

        public int Flushes => Volatile.Read(ref _flushes);

        public void ReleaseFirstFlush() => _firstFlushReleased.Set();

        public void Dispose() => _firstFlushReleased.Dispose();

        /// <summary>Releases the first flush when disposed, whatever happened before.</summary>
        public IDisposable ReleasedAtTheEnd() => new Release(this);

        private sealed class Release(ScriptedFlusher flusher) : IDisposable
        {
            public void Dispose() => flusher.ReleaseFirstFlush();
        }

        /// <summary>Blocks the queue's flusher thread, as a sync waiting on the disk does.</summary>
        public void Flush()
        {
            if (Interlocked.Increment(ref _flushes) == 1)
            {
                _firstFlushStarted.TrySetResult();
                _firstFlushReleased.Wait();
            }
        }
    }
}
