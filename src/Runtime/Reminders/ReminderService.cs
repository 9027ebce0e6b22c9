using GroupBuy.Runtime.Invocation;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Reminders;

/// <summary>
/// Durable reminders for one silo: every reminder is written to the <see cref="IReminderTable"/> before it
/// counts, loaded again at start-up, and delivered through the ordinary call path, which activates the
/// grain if needed. Delivery is at least once: a one-shot reminder is removed only after its handler
/// succeeded, and a failed delivery is retried.
/// </summary>
internal sealed class ReminderService(GrainRuntime runtime)
{
    /// <summary>The longest single wait for the next due reminder, well under a system timer's limit.</summary>
    internal static readonly TimeSpan MaxArmDelay = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _current = [];
    private readonly PriorityQueue<ReminderEntry, DateTimeOffset> _due = new();
    private readonly HashSet<Task> _deliveries = [];
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private ITimer? _timer;

    private IReminderTable Table => runtime.Services.GetRequiredService<IReminderTable>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var entries = await Table.ReadAllAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _current[(entry.GrainId, entry.Name)] = entry;
                _due.Enqueue(entry, entry.DueAt);
            }
            _timer = runtime.TimeProvider.CreateTimer(static self => ((ReminderService)self!).DeliverDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        runtime.Log.RemindersLoaded(entries.Count);
        Arm();
    }

    /// <summary>Stops firing; a graceful stop also waits for deliveries under way to record their outcome.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] deliveries;
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            deliveries = [.. _deliveries];
        }
        await Task.WhenAll(deliveries).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes when every delivery under way now has finished, its bookkeeping (and re-arming) included: a test on a
    /// manual clock waits for it before moving the clock again, or a re-arm racing the move would be shifted by it.
    /// </summary>
    public Task WhenDelivered()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _deliveries]);
        }
    }

    public async Task<IGrainReminder> RegisterAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A reminder's period must be positive.");
        }
        var entry = new ReminderEntry(grainId, name, dueAt, period);
        await MutateAsync(grainId, name, async () =>
        {
            await Table.UpsertAsync(entry, cancellationToken);
            Swap(current: null, entry, requireCurrent: false);
        }, cancellationToken);
        return entry;
    }

    public Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken) =>
        MutateAsync(grainId, name, async () =>
        {
            await Table.RemoveAsync(grainId, name, cancellationToken);
            lock (_lock)
            {
                _current.Remove((grainId, name));
            }
        }, cancellationToken);

    public IGrainReminder? Find(GrainId grainId, string name)
    {
        lock (_lock)
        {
            return _current.GetValueOrDefault((grainId, name));
        }
    }

    private void Arm()
    {
        lock (_lock)
        {
            // Entries replaced or removed since they were queued are skipped lazily.
            while (_due.TryPeek(out var head, out _) && !IsCurrent(head))
            {
                _due.Dequeue();
            }
            if (_timer is not null && _due.TryPeek(out _, out var dueAt))
            {
                // System timers refuse delays past ~49.7 days; a far reminder is reached in hops, each one
                // finding nothing due and arming for the head again.
                var delay = dueAt - runtime.TimeProvider.GetUtcNow();
                _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxArmDelay ? MaxArmDelay : delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void DeliverDue()
    {
        var now = runtime.TimeProvider.GetUtcNow();
        List<ReminderEntry> due = [];
        lock (_lock)
        {
            while (_due.TryPeek(out var head, out var dueAt) && dueAt <= now)
            {
                _due.Dequeue();
                if (IsCurrent(head))
                {
                    due.Add(head);
                }
            }
        }
        foreach (var entry in due)
        {
            Track(DeliverAsync(entry, now));
        }
        Arm();
    }

    private async Task DeliverAsync(ReminderEntry entry, DateTimeOffset now)
    {
        try
        {
            await runtime.InvokeAsync<ReceiveReminder, bool>(entry.GrainId, new ReceiveReminder(entry.Name, new TickStatus(entry.DueAt, entry.Period, now)));
        }
        catch (Exception exception)
        {
            runtime.Log.ReminderFailed(exception, entry.GrainId, entry.Name);
            Requeue(entry, now + runtime.Options.ReminderRetryDelay);
            return;
        }
        try
        {
            await MutateAsync(entry.GrainId, entry.Name, async () =>
            {
                // The grain may have replaced or removed the reminder meanwhile; then its change stands.
                if (!IsCurrentLocked(entry))
                {
                    return;
                }
                if (entry.Period is { } period)
                {
                    var missed = (now - entry.DueAt).Ticks / period.Ticks;
                    var next = entry with { DueAt = entry.DueAt + (period * (missed + 1)) };
                    await Table.UpsertAsync(next, runtime.ShutdownToken);
                    Swap(entry, next, requireCurrent: true);
                }
                else
                {
                    await Table.RemoveAsync(entry.GrainId, entry.Name, runtime.ShutdownToken);
                    Swap(entry, null, requireCurrent: true);
                }
            }, runtime.ShutdownToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Delivered but not recorded: the stored entry fires again after a restart, which at-least-once allows.
            runtime.Log.ReminderFailed(exception, entry.GrainId, entry.Name);
        }
    }

    private void Track(Task delivery)
    {
        lock (_lock)
        {
            _deliveries.Add(delivery);
        }
        delivery.ContinueWith(static (done, self) =>
        {
            var service = (ReminderService)self!;
            lock (service._lock)
            {
                service._deliveries.Remove(done);
            }
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Requeue(ReminderEntry entry, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (IsCurrent(entry))
            {
                _due.Enqueue(entry, at);
            }
        }
        Arm();
    }

    /// <summary>Table and memory change together for one reminder: its mutations run one at a time.</summary>
    private async Task MutateAsync(GrainId grainId, string name, Func<Task> mutation, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)HashCode.Combine(grainId, name) % (uint)_stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            await mutation();
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Puts <paramref name="next"/> (or nothing) in place of <paramref name="current"/> and re-arms.</summary>
    private void Swap(ReminderEntry? current, ReminderEntry? next, bool requireCurrent)
    {
        lock (_lock)
        {
            if (requireCurrent && !IsCurrent(current!))
            {
                return;
            }
            if (next is null)
            {
                _current.Remove((current!.GrainId, current.Name));
            }
            else
            {
                _current[(next.GrainId, next.Name)] = next;
                _due.Enqueue(next, next.DueAt);
            }
        }
        Arm();
    }

    private bool IsCurrentLocked(ReminderEntry entry)
    {
        lock (_lock)
        {
            return IsCurrent(entry);
        }
    }

    private bool IsCurrent(ReminderEntry entry) =>
        _current.TryGetValue((entry.GrainId, entry.Name), out var current) && ReferenceEquals(current, entry);

    private readonly struct ReceiveReminder(string name, TickStatus status) : IGrainMethod<bool>
    {
        public GrainMethodOptions Options => GrainMethodOptions.None;

        public string Name => "IRemindable.ReceiveReminder";

        public ValueTask<bool> Invoke(object grain) => new(DeliverAsync(((IRemindable)grain).ReceiveReminder(name, status)));

        private static async Task<bool> DeliverAsync(Task handler)
        {
            await handler.ConfigureAwait(false);
            return true;
        }
    }
}
