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
    /// <summary>Every write seen, for the message of a delivery that never ends.</summary>
    private readonly List<string> _history = [];

    /// <summary>Puts the probe in front of the reminder table the services register (call after the storage is added).</summary>
    public void AddTo(IServiceCollection services)
    {
        var table = services.Last(d => d.ServiceType == typeof(IReminderTable));
        services.Remove(table);
        services.AddSingleton<IReminderTable>(sp => new Table(this, Resolve(table, sp)));
    }

    /// <summary>Moves the clock <paramref name="by"/> on, stopping at each due reminder until its delivery has ended.</summary>
    public async Task AdvanceAsync(ManualTimeProvider clock, TimeSpan by, CancellationToken cancellationToken)
    {
        var target = clock.GetUtcNow() + by;
        while (NextDue(target) is { } next)
        {
            if (next.At > clock.GetUtcNow())
            {
                clock.Advance(next.At - clock.GetUtcNow());
            }
            await WhenRewrittenAsync(next.Due, cancellationToken);
        }
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

    private async Task WhenRewrittenAsync(List<KeyValuePair<(GrainId, string), long>> due, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task written;
            lock (_lock)
            {
                if (due.All(d => !_entries.TryGetValue(d.Key, out var entry) || entry.Write > d.Value))
                {
                    return;
                }
                written = _written.Task;
            }
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
    }

    private void Written(Action change, string what)
    {
        TaskCompletionSource written;
        lock (_lock)
        {
            _writes++;
            change();
            _history.Add(what);
            (written, _written) = (_written, NewSource());
        }
        written.TrySetResult();
    }

    private static IReminderTable Resolve(ServiceDescriptor table, IServiceProvider services) =>
        table.ImplementationInstance as IReminderTable
        ?? table.ImplementationFactory?.Invoke(services) as IReminderTable
        ?? (IReminderTable)ActivatorUtilities.CreateInstance(services, table.ImplementationType!);

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Table(ReminderProbe probe, IReminderTable inner) : IReminderTable
    {
        public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
        {
            var entries = await inner.ReadAllAsync(cancellationToken);
            probe.Written(() =>
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
            probe.Written(() => probe._entries[(entry.GrainId, entry.Name)] = (entry.DueAt, probe._writes), $"upsert {entry.GrainId} due {entry.DueAt:HH:mm:ss}");
        }

        public async Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
        {
            await inner.RemoveAsync(grainId, name, cancellationToken);
            probe.Written(() => probe._entries.Remove((grainId, name)), $"remove {grainId}");
        }
    }
}
