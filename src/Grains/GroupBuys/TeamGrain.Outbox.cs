using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Referrals;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// Storing a change and delivering what it owes. The outbox is part of the stored state, so what a crash
/// interrupts is delivered again on the next activation; every receiver is idempotent.
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

    /// <summary>Stores the change made before this call, delivers the outbox, then publishes the new snapshot.</summary>
    private async Task CommitAsync(bool orderListRequired)
    {
        State.Outbox.NotifyCampaign = true;
        await ArmClockAsync(force: false);
        State.Version++;
        await _team.WriteStateAsync();
        try
        {
            if (orderListRequired)
            {
                // A join is acknowledged only once its order is in the shopper's list: a failure here fails the call.
                try
                {
                    await DeliverOrderRefsAsync();
                }
                finally
                {
                    await DeliverNoticesAsync();
                }
            }
            else
            {
                await DeliverAsync();
            }
        }
        finally
        {
            // Watchers who see this version may read the campaign: it has been told already.
            Publish();
        }
        await ArmClockAsync(force: false);
    }

    private async Task DeliverAsync()
    {
        try
        {
            await DeliverOrderRefsAsync();
        }
        catch (Exception exception)
        {
            _logger.OutboxDeliveryFailed(exception, Id);
        }
        await DeliverNoticesAsync();
    }

    private async Task DeliverOrderRefsAsync()
    {
        foreach (var shopper in State.Outbox.Unlisted.Select(id => State.Orders[id]).GroupBy(o => o.ShopperId).ToList())
        {
            await GrainFactory.GetGrain<IShopperGrain>(shopper.Key).AddOrders([.. shopper.Select(o => new OrderRef(o.Id, o.Kind, Id, o.CreatedAt))]);
            // Referred orders also go to their leader's commission list, which is idempotent like the shopper's.
            foreach (var leader in shopper.Where(o => o.Referral is not null).GroupBy(o => o.Referral!.LeaderId))
            {
                await GrainFactory.GetGrain<ICommissionGrain>(leader.Key).AddOrders([.. leader.Select(o => new OrderRef(o.Id, o.Kind, Id, o.CreatedAt))]);
            }
            State.Outbox.Unlisted.RemoveAll(id => shopper.Any(o => o.Id == id));
        }
    }

    /// <summary>Refunds, released units, the campaign's view: a failure is logged and the rest stays owed.</summary>
    private async Task DeliverNoticesAsync()
    {
        var outbox = State.Outbox;
        try
        {
            while (outbox.Refunds.Count > 0)
            {
                await _gateway.RefundAsync(outbox.Refunds[0], CancellationToken.None);
                outbox.Refunds.RemoveAt(0);
            }
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
        }
        catch (Exception exception)
        {
            _logger.OutboxDeliveryFailed(exception, Id);
        }
    }
}
