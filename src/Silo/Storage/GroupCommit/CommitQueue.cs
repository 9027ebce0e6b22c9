using System.Diagnostics;
using System.Threading.Channels;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Silo.Storage.GroupCommit;

/// <summary>
/// Group commit: callers enqueue writes and await their own outcome, while one loop takes everything waiting
/// (at most <c>maxBatchSize</c>) and hands it to <c>commit</c>, which runs the whole batch in ONE transaction,
/// checking each row's version on its own. Each caller is released after that transaction committed, with its
/// own new version or its own <see cref="InconsistentStateException"/>; when the transaction fails, every
/// caller in the batch gets a <see cref="StorageUnavailableException"/>. Writes arriving during a commit
/// gather for the next batch, so the number of transactions stays small under load.
/// </summary>
/// <remarks>
/// A store whose commit returns before its log is on disk (SQLite's WAL at <c>synchronous = NORMAL</c>) passes a
/// <c>flush</c>: committed batches then wait for a flush on a second loop, on a thread of its own, which syncs once for
/// every batch committed since the last, while the next transaction already runs. Callers are released only after the
/// flush, in commit order.
/// A failed flush fails its batches and every later write: what the log held may be gone, so nothing more is promised.
/// </remarks>
internal sealed class CommitQueue<TWrite> : IAsyncDisposable
{
    public const int DefaultMaxBatchSize = 512;

    private readonly Channel<PendingWrite<TWrite>> _waiting =
        Channel.CreateUnbounded<PendingWrite<TWrite>>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<CommitBatch<TWrite>, Task> _commit;
    private readonly Action<CommitBatch<TWrite>>? _prepare;
    private readonly string _provider;
    private readonly RuntimeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _maxBatchSize;
    private readonly Task _loop;
    private readonly Action? _flush;
    /// <summary>Committed batches waiting for a sync; the flusher's thread blocks on it.</summary>
    private readonly SyncHandOff<CommitBatch<TWrite>> _committed = new();
    private readonly Task _flusher = Task.CompletedTask;
    private volatile Exception? _flushFailure;

    /// <param name="commit">Runs a batch in one transaction, records each write's outcome on it, and commits; throws if it could not commit.</param>
    /// <param name="provider">The provider's name in metrics and logs (<c>sqlite</c>, <c>postgres</c>).</param>
    /// <param name="metrics">Counts each committed transaction and its size.</param>
    /// <param name="logger">Logs failed batches.</param>
    /// <param name="maxBatchSize">The most writes one transaction takes.</param>
    /// <param name="prepare">
    /// Runs on each batch just before its transaction: it may replace writes, or settle or fail them without a
    /// statement. A batch left with nothing to write is released without a transaction.
    /// </param>
    /// <param name="flush">
    /// For a store whose commit is not yet durable when it returns: makes every transaction committed so far durable.
    /// Called on a thread of its own, which it may block for the disk, never while another flush runs.
    /// </param>
    public CommitQueue(Func<CommitBatch<TWrite>, Task> commit, string provider, RuntimeMetrics metrics, ILogger logger, int maxBatchSize = DefaultMaxBatchSize,
        Action<CommitBatch<TWrite>>? prepare = null, Action? flush = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _commit = commit;
        _prepare = prepare;
        _provider = provider;
        _metrics = metrics;
        _logger = logger;
        _maxBatchSize = maxBatchSize;
        _flush = flush;
        if (flush is not null)
        {
            // A thread of its own: each sync blocks for the disk's latency, which would otherwise hold a pool thread (of two,
            // on a small machine) that requests need.
            _flusher = Task.Factory.StartNew(FlushLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues <paramref name="write"/> and returns the caller's task: the version its transaction produced.
    /// <paramref name="cancellationToken"/> is honoured until the write is taken into a batch.
    /// </summary>
    public Task<long> EnqueueAsync(TWrite write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }
        var pending = new PendingWrite<TWrite>(write);
        pending.CancelWhileWaiting(cancellationToken);
        if (!_waiting.Writer.TryWrite(pending))
        {
            pending.Abandon();
            return Task.FromException<long>(new ObjectDisposedException(GetType().Name, $"The {_provider} storage has been disposed."));
        }
        return pending.Task;
    }

    /// <summary>Stops taking writes, commits everything already queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _committed.Complete();
        await _flusher.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _waiting.Reader;
        var batch = new CommitBatch<TWrite>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_flush is not null)
            {
                batch = new CommitBatch<TWrite>();   // a committed batch is the flusher's until its callers are released
            }
            batch.Clear();
            while (batch.Count < _maxBatchSize && reader.TryRead(out var pending))
            {
                if (pending.TryTake())
                {
                    batch.Add(pending);
                }
            }
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                _prepare?.Invoke(batch);
                if (batch.NothingToWrite)
                {
                    batch.ReleaseAll();
                    continue;
                }
                await CommitAsync(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Nothing may end the loop: it would strand every later caller.
                CommitQueueLog.LoopFaulted(_logger, _provider, exception);
                batch.FailAll(Unavailable(batch, exception));
            }
        }
    }

    private async Task CommitAsync(CommitBatch<TWrite> batch)
    {
        if (_flushFailure is { } unsynced)
        {
            batch.FailAll(Unavailable(batch, unsynced));
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _commit(batch).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            CommitQueueLog.BatchFailed(_logger, _provider, batch.Count, exception);
            batch.FailAll(Unavailable(batch, exception));
            return;
        }
        // Counted before the callers resume, so a caller that saw its write complete also sees its transaction.
        _metrics.StorageBatchCommitted(_provider, batch.Count, Stopwatch.GetElapsedTime(started));
        if (_flush is null)
        {
            batch.ReleaseAll();
            return;
        }
        _committed.Add(batch);
    }

    /// <summary>Syncs once for all the batches committed since the last sync, then releases their callers in order.</summary>
    private void FlushLoop()
    {
        var batches = new List<CommitBatch<TWrite>>();
        while (_committed.TakeAll(batches))
        {
            SyncAndRelease(batches);
            batches.Clear();
        }
    }

    private void SyncAndRelease(List<CommitBatch<TWrite>> batches)
    {
        try
        {
            if (_flushFailure is { } earlier)
            {
                throw earlier;
            }
            _flush!();
        }
        catch (Exception exception)
        {
            _flushFailure ??= exception;
            var writes = 0;
            batches.ForEach(batch => writes += batch.Count);
            CommitQueueLog.FlushFailed(_logger, _provider, writes, exception);
            batches.ForEach(batch => batch.FailAll(Unavailable(batch, exception)));
            return;
        }
        batches.ForEach(batch => batch.ReleaseAll());
    }

    private StorageUnavailableException Unavailable(CommitBatch<TWrite> batch, Exception exception) =>
        new($"The {_provider} storage failed to commit a batch of {batch.Count} writes: {exception.Message}", exception);
}
