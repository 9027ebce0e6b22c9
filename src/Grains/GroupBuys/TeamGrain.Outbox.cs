using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// Storing a change and delivering what it owes (refunds, released units, the campaign's view). The outbox is
/// part of the stored state, so what a crash interrupts is delivered again on the next activation; every
/// receiver is idempotent. Orders reach shoppers' lists by index rows stored with the state, not by the outbox.
/// </summary>
public sealed partial class TeamGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Terms is not null)
        {
            // Recovery calls other grains, so it runs as a turn of its own, never inside activation.
            RegisterGrainTimer(RecoverAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// After a restart: a seat the campaign recorded just before a crash kept this team from storing it can
    /// only carry the next order id (one claim at a time), so that claim is released; then what is due by
    /// the clock is applied and the outbox delivered.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (State.Status == TeamStatus.Forming)
        {
            await Campaign.ReleaseSeats([new SeatRequest(Id, string.Empty, OrderIds.ForTeam(Id, State.NextSeq))]);
        }
        await ApplyClockAsync();
        await DeliverAsync();
        await ArmClockAsync(force: false);
    }

    /// <summary>Stores the change made before this call (with its orders' index rows), delivers the outbox, then publishes the new snapshot.</summary>
    private async Task CommitAsync()
    {
        State.Outbox.NotifyCampaign = true;
        try
        {
            await ArmClockAsync(force: false);
        }
        catch
        {
            // The change is in memory only (a payment, a closed seat): answered from it, a retry would acknowledge what
            // was never stored, and a crash would take it back. The activation goes, and the next one loads the stored team.
            DeactivateOnIdle();
            throw;
        }
        State.Version++;
        await _team.WriteStateAsync();
        try
        {
            await DeliverAsync();
        }
        finally
        {
            // Watchers who see this version may read the campaign: it has been told already.
            Publish();
        }
        await ArmClockAsync(force: false);
    }

    /// <summary>
    /// The campaign's part (released units, its view) and the gateway's (refunds), each on its own: a gateway that
    /// cannot refund must not keep a failed team's units from going back. A failure is logged and stays owed.
    /// </summary>
    private async Task DeliverAsync()
    {
        var outbox = State.Outbox;
        await TryDeliverAsync(async () =>
        {
            if (outbox.Releases.Count > 0)
            {
                await Campaign.ReleaseSeats([.. outbox.Releases]);
                outbox.Releases.Clear();
            }
            if (outbox.NotifyCampaign)
            {
                await Campaign.TeamChanged(Snapshot());
                outbox.NotifyCampaign = false;
            }
        });
        await TryDeliverAsync(async () =>
        {
            while (outbox.Refunds.Count > 0)
            {
                await _gateway.RefundAsync(outbox.Refunds[0], CancellationToken.None);
                outbox.Refunds.RemoveAt(0);
            }
        });
    }

    private async Task TryDeliverAsync(Func<Task> delivery)
    {
        try
        {
            await delivery();
        }
        catch (Exception exception)
        {
            _logger.OutboxDeliveryFailed(exception, Id);
        }
    }
}
