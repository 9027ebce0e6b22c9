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
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _current = [];
    private readonly PriorityQueue<ReminderEntry, DateTimeOffset> _due = new();
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

    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
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
        await Table.UpsertAsync(entry, cancellationToken);
        lock (_lock)
        {
            _current[(grainId, name)] = entry;
            _due.Enqueue(entry, dueAt);
        }
        Arm();
        return entry;
    }

    public async Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await Table.RemoveAsync(grainId, name, cancellationToken);
        lock (_lock)
        {
            _current.Remove((grainId, name));
        }
    }

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
                var delay = dueAt - runtime.TimeProvider.GetUtcNow();
                _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
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
            _ = DeliverAsync(entry, now);
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
            if (entry.Period is { } period)
            {
                var missed = (long)((now - entry.DueAt).Ticks / period.Ticks);
                var next = entry with { DueAt = entry.DueAt + (period * (missed + 1)) };
                if (Replace(entry, next))
                {
                    await Table.UpsertAsync(next, runtime.ShutdownToken);
                }
            }
            else if (Replace(entry, null))
            {
                await Table.RemoveAsync(entry.GrainId, entry.Name, runtime.ShutdownToken);
                // The handler may have registered the same name again meanwhile: keep that one stored.
                if (Find(entry.GrainId, entry.Name) is ReminderEntry newer)
                {
                    await Table.UpsertAsync(newer, runtime.ShutdownToken);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Delivered but not recorded: the stored entry fires again after a restart, which at-least-once allows.
            runtime.Log.ReminderFailed(exception, entry.GrainId, entry.Name);
        }
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

    /// <summary>Swaps the delivered entry for its successor unless the grain already replaced it.</summary>
    private bool Replace(ReminderEntry delivered, ReminderEntry? next)
    {
        lock (_lock)
        {
            if (!IsCurrent(delivered))
            {
                return false;
            }
            if (next is null)
            {
                _current.Remove((delivered.GrainId, delivered.Name));
            }
            else
            {
                _current[(next.GrainId, next.Name)] = next;
                _due.Enqueue(next, next.DueAt);
            }
        }
        Arm();
        return true;
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
