using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// The campaign's clock and settlement. One durable reminder, "clock", fires at the start (watchers see
/// the status move) and at the end. Settlement tells the product, with running totals, how many units
/// were sold and — once the campaign has ended — how many go back: idempotent and monotonic, so it is
/// simply repeated after every change, on activation and at the end.
/// </summary>
public sealed partial class GroupBuyGrain
{
    private const string ClockReminder = "clock";

    private int _settledSold = -1;
    private int _settledReleased = -1;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        FoldClosedTeams();
        if (State.Draft is not null)
        {
            // Recovery calls other grains, so it runs as a turn of its own, never inside activation.
            RegisterGrainTimer(RecoverAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        return Task.CompletedTask;
    }

    /// <summary>A state stored before closed teams left it still lists them: counted now, and gone with the next write.</summary>
    private void FoldClosedTeams()
    {
        foreach (var (teamId, team) in State.Teams.Where(t => !t.Value.IsForming).ToList())
        {
            State.TeamsSucceeded += team.Status == TeamStatus.Succeeded ? 1 : 0;
            State.TeamsFailed += team.Status == TeamStatus.Failed ? 1 : 0;
            State.Teams.Remove(teamId);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ClockReminder || State.Draft is not { } draft)
        {
            return;
        }
        if (Now >= draft.EndsAt)
        {
            await ReconcileAsync();
            NoteReleased();
        }
        await CommitAsync(settle: true);
        await ArmClockAsync(draft, force: true);
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await ReconcileAsync();
        if (NoteReleased())
        {
            await CommitAsync(settle: true);
        }
        else
        {
            await SettleAsync();
        }
        await ArmClockAsync(Draft, force: false);
    }

    /// <summary>After the end, units neither sold nor held go back to the product. Returns whether that grew.</summary>
    private bool NoteReleased()
    {
        if (Now < Draft.EndsAt)
        {
            return false;
        }
        var released = Math.Max(State.Released, Draft.Quantity - State.Sold - Seats.Held);
        var grew = released > State.Released;
        State.Released = released;
        return grew;
    }

    private async Task SettleAsync()
    {
        var (sold, released) = (State.Sold, State.Released);
        if (State.Draft is null || (sold <= _settledSold && released <= _settledReleased))
        {
            return;
        }
        var settled = await GrainFactory.GetGrain<IProductGrain>(Draft.Sku).Settle(ReservationId, sold, released);
        if (!settled.IsSuccess)
        {
            _logger.SettlementRefused(Id, settled.Error!.Code, settled.Error.Detail);
            return;
        }
        _settledSold = Math.Max(_settledSold, sold);
        _settledReleased = Math.Max(_settledReleased, released);
    }

    /// <summary>The next instant the status moves by the clock; <paramref name="force"/> when the current reminder is firing.</summary>
    private async Task ArmClockAsync(GroupBuyDraft draft, bool force)
    {
        var now = Now;
        DateTimeOffset? next = now < draft.StartsAt ? draft.StartsAt : now < draft.EndsAt ? draft.EndsAt : null;
        var current = GetReminder(ClockReminder);
        if (next is { } due && (force || current is null || current.DueAt > due))
        {
            await RegisterOrUpdateReminder(ClockReminder, due);
        }
    }

    /// <summary>
    /// Teams registered but never heard from: a crash may have cut their opening short after the leader's seat
    /// was claimed. Each is asked; one that does not exist is dropped and its seats freed.
    /// </summary>
    private async Task ReconcileAsync()
    {
        var unheard = State.Teams.Where(t => t.Value is { IsForming: true, Confirmed: false } && !_opening.Contains(t.Key)).Select(t => t.Key).ToList();
        foreach (var teamId in unheard)
        {
            if (await Team(teamId).Get() is { } team)
            {
                await TeamChanged(team);
            }
            else if (State.Teams.TryGetValue(teamId, out var entry) && entry is { IsForming: true, Confirmed: false })
            {
                _logger.TeamNeverOpened(Id, teamId);
                Close(teamId, TeamStatus.Failed, sold: 0);
                await CommitAsync(settle: true);
            }
        }
    }
}
