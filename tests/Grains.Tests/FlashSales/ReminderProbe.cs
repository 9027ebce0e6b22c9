using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>
/// Watches the reminder table's writes, so a test can move the manual clock from one due reminder to the next and
/// wait for each delivery to end before moving on: a one-shot reminder, once delivered, is either replaced by its
/// grain (re-armed) or removed. A grain's tick then always runs at its own due time, as it would on a real clock,
/// never at a later instant a big jump of the clock has already reached.
/// </summary>
internal sealed class ReminderProbe
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), (DateTimeOffset DueAt, long Write)> _entries = [];
    private TaskCompletionSource _written = NewSource();
    private long _writes;
    /// <summary>When the reminder service's timer will fire, as it last armed it; null when it is not armed.</summary>
    private DateTimeOffset? _armedAt;
    /// <summary>
    /// A write left reminders in the table, and the service has not re-armed its timer since: it will, with a delay
    /// read off the clock, so the clock must not move before it has.
    /// </summary>
    private bool _armPending;
    /// <summary>The running silo's: a crashed silo's work still under way may write on, unknown to the new one.</summary>
    private object _silo = new();
    /// <summary>Every write seen, for the message of a delivery that never ends.</summary>
    private readonly List<string> _history = [];

    /// <summary>
    /// Puts the probe in front of the reminder table the services register (call after the storage is added), and in
    /// front of the manual clock, to see when the reminder service arms its timer.
    /// </summary>
    public void AddTo(IServiceCollection services)
    {
        var table = services.Last(d => d.ServiceType == typeof(IReminderTable));
        services.Remove(table);
        var silo = new object();
        lock (_lock)
        {
            _silo = silo;
        }
        services.AddSingleton<IReminderTable>(sp => new Table(this, silo, Resolve(table, sp)));
        var clock = (ManualTimeProvider)services.Last(d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance!;
        services.AddSingleton<TimeProvider>(new WatchedClock(this, silo, clock));
    }

    /// <summary>Moves the clock <paramref name="by"/> on, stopping at each due reminder until its delivery has ended.</summary>
    public async Task AdvanceAsync(ManualTimeProvider clock, TimeSpan by, CancellationToken cancellationToken)
    {
        var target = clock.GetUtcNow() + by;
        while (NextDue(target) is { } next)
        {
            // The service arms its timer with a delay it reads off the clock after the table write: moving the clock
            // before that would push the delivery past the due time. Wait for the timer (or the delivery, if it fired).
            if (!await WhenArmedByAsync(next.At, next.Due, cancellationToken))
            {
                continue;
            }
            if (next.At > clock.GetUtcNow())
            {
                clock.Advance(next.At - clock.GetUtcNow());
            }
            await WhenRewrittenAsync(next.Due, cancellationToken);
        }
        await WhenArmedByAsync(DateTimeOffset.MaxValue, [], cancellationToken);
        if (target > clock.GetUtcNow())
        {
            clock.Advance(target - clock.GetUtcNow());
        }
    }

    /// <summary>The earliest due time at or before <paramref name="limit"/>, and every reminder due by then with its last write.</summary>
    private (DateTimeOffset At, List<KeyValuePair<(GrainId, string), long>> Due)? NextDue(DateTimeOffset limit)
    {
        lock (_lock)
        {
            if (_entries.Count == 0 || _entries.Values.Min(e => e.DueAt) is var at && at > limit)
            {
                return null;
            }
            return (at, [.. _entries.Where(e => e.Value.DueAt <= at).Select(e => KeyValuePair.Create(e.Key, e.Value.Write))]);
        }
    }

    /// <summary>
    /// True once the service's timer is armed at or before <paramref name="at"/> (any time, for the maximum) and no re-arming
    /// is pending; false if the due reminders were rewritten first.
    /// </summary>
    private async Task<bool> WhenArmedByAsync(DateTimeOffset at, List<KeyValuePair<(GrainId, string), long>> due, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task written;
            lock (_lock)
            {
                if (!_armPending && (_armedAt <= at || at == DateTimeOffset.MaxValue))
                {
                    return true;
                }
                if (due.Count > 0 && Rewritten(due))
                {
                    return false;
                }
                written = _written.Task;
            }
            await WaitAsync(written, due, cancellationToken);
        }
    }

    private async Task WhenRewrittenAsync(List<KeyValuePair<(GrainId, string), long>> due, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task written;
            lock (_lock)
            {
                if (Rewritten(due))
                {
                    return;
                }
                written = _written.Task;
            }
            await WaitAsync(written, due, cancellationToken);
        }
    }

    private bool Rewritten(List<KeyValuePair<(GrainId, string), long>> due) =>
        due.All(d => !_entries.TryGetValue(d.Key, out var entry) || entry.Write > d.Value);

    /// <summary>Waits for the next write or arming (bounded, so a reminder never delivered fails the test).</summary>
    private async Task WaitAsync(Task written, List<KeyValuePair<(GrainId, string), long>> due, CancellationToken cancellationToken)
    {
        try
        {
            await written.WaitAsync(DeliveryTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            string history;
            lock (_lock)
            {
                history = string.Join(Environment.NewLine, _history.TakeLast(40));
            }
            throw new TimeoutException($"A reminder due by now was not delivered within {DeliveryTimeout}: {string.Join(", ", due.Select(d => d.Key))}. The table's last writes:{Environment.NewLine}{history}");
        }
    }

    private void Written(object silo, Action change, string what) => Signal(silo, () =>
    {
        _writes++;
        change();
        _history.Add(what);
        _armPending = _entries.Count > 0;
    });

    /// <summary>The service armed (or, with null, fired) its timer: wakes the waiters as a write does.</summary>
    private void Armed(object silo, DateTimeOffset? at, bool byService = true) => Signal(silo, () =>
    {
        _armedAt = at;
        _armPending &= !byService;
    });

    private void Signal(object silo, Action change)
    {
        TaskCompletionSource written;
        lock (_lock)
        {
            if (silo != _silo)
            {
                return;
            }
            change();
            (written, _written) = (_written, NewSource());
        }
        written.TrySetResult();
    }

    private static IReminderTable Resolve(ServiceDescriptor table, IServiceProvider services) =>
        table.ImplementationInstance as IReminderTable
        ?? table.ImplementationFactory?.Invoke(services) as IReminderTable
        ?? (IReminderTable)ActivatorUtilities.CreateInstance(services, table.ImplementationType!);

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Table(ReminderProbe probe, object silo, IReminderTable inner) : IReminderTable
    {
        public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var entries = await inner.ReadAllAsync(cancellationToken);
            probe.Written(silo, () =>
            {
                probe._entries.Clear();
                foreach (var entry in entries)
                {
                    probe._entries[(entry.GrainId, entry.Name)] = (entry.DueAt, probe._writes);
                }
            }, $"read {entries.Count} at start-up");
            return entries;
        }

        public async Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
        {
            await inner.UpsertAsync(entry, cancellationToken);
            probe.Written(silo, () => probe._entries[(entry.GrainId, entry.Name)] = (entry.DueAt, probe._writes), $"upsert {entry.GrainId} due {entry.DueAt:HH:mm:ss}");
        }

        public async Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
        {
            await inner.RemoveAsync(grainId, name, cancellationToken);
            probe.Written(silo, () => probe._entries.Remove((grainId, name)), $"remove {grainId}");
        }
    }

    /// <summary>The manual clock, with the reminder service's timer watched (the service passes itself as the timer's state).</summary>
    private sealed class WatchedClock(ReminderProbe probe, object silo, ManualTimeProvider clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (state?.GetType().Name != "ReminderService")
            {
                return clock.CreateTimer(callback, state, dueTime, period);
            }
            // Created disarmed at start-up, before the service arms it for what it read.
            return new WatchedTimer(probe, silo, clock)
            {
                Inner = clock.CreateTimer(s => { probe.Armed(silo, null, byService: false); callback(s); }, state, dueTime, period),
            };
        }
    }

    private sealed class WatchedTimer(ReminderProbe probe, object silo, ManualTimeProvider clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = Inner.Change(dueTime, period);
            probe.Armed(silo, dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime);
            return changed;
        }

        public void Dispose()
        {
            Inner.Dispose();
            probe.Armed(silo, null, byService: false);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
