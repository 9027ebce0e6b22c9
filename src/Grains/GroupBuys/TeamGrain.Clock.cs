using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// The team's clock: one durable reminder, "clock", always at the next instant something is due — the
/// earliest pay-by time of a pending seat, or the deadline — rather than one reminder per order. While a
/// terminal team still owes deliveries, it stays armed a little ahead so a crash cannot strand them.
/// A reminder is moved earlier before the change that needs it is stored, and re-armed after a firing
/// is handled, so a crash anywhere leaves a reminder that fires no later than needed (handlers are
/// idempotent: one that fires early finds nothing due and re-arms).
/// </summary>
public sealed partial class TeamGrain
{
    private const string ClockReminder = "clock";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ClockReminder || State.Terms is null)
        {
            return;
        }
        await ApplyClockAsync();
        await DeliverAsync();
        await ArmClockAsync(force: true);
    }

    /// <summary>Applies what is due by now: the deadline (the team fails), or pay-by times (seats are released).</summary>
    private async Task ApplyClockAsync()
    {
        if (State.Terms is not { } terms || State.Status != TeamStatus.Forming)
        {
            return;
        }
        var now = Now;
        if (now >= terms.ExpiresAt)
        {
            Fail(await SettleChargesAsync(State.Seats));
        }
        else
        {
            var due = State.Seats.FindAll(s => State.Orders[s.OrderId] is { IsOpen: true } order && order.PayBy <= now);
            if (due.Count == 0)
            {
                return;
            }
            var charged = await SettleChargesAsync(due);
            foreach (var seat in due)
            {
                CloseUnpaidSeat(seat, charged.Contains(seat.OrderId));
            }
            SucceedIfComplete();
        }
        await CommitAsync();
    }

    /// <summary>
    /// Moves the reminder to the next instant, or to <paramref name="alsoAt"/> if earlier (a seat about to be added);
    /// <paramref name="force"/> re-registers it (the current one is firing).
    /// </summary>
    private async Task ArmClockAsync(bool force, DateTimeOffset? alsoAt = null)
    {
        var next = NextInstant();
        if (alsoAt is { } extra && (next is null || extra < next))
        {
            next = extra;
        }
        var current = GetReminder(ClockReminder);
        if (next is not { } due)
        {
            if (current is not null)
            {
                await UnregisterReminder(ClockReminder);
            }
        }
        else if (force || current is null || current.DueAt > due)
        {
            await RegisterOrUpdateReminder(ClockReminder, due);
        }
    }

    private DateTimeOffset? NextInstant()
    {
        if (State.Terms is not { } terms)
        {
            return null;
        }
        if (State.Status != TeamStatus.Forming)
        {
            return State.Outbox.IsEmpty ? null : Now + RetryDelay;
        }
        var next = terms.ExpiresAt;
        foreach (var seat in State.Seats)
        {
            if (State.Orders[seat.OrderId] is { IsOpen: true } order && order.PayBy < next)
            {
                next = order.PayBy;
            }
        }
        return next;
    }
}
