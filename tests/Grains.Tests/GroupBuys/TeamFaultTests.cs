using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// A team turn cut short by a failing dependency (the gateway's lookup, the reminder table) before its write:
/// the team must be left as it was stored, so that the retry does the whole change, and nothing unstored is acknowledged.
/// </summary>
public sealed class TeamFaultTests
{
    [Fact]
    public async Task A_team_failure_cut_short_by_a_gateway_lookup_error_still_refunds_the_paid_order_on_the_retry()
    {
        var gateway = new LookupFailingGateway();
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(gateway));
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2), length: TimeSpan.FromHours(1));
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);
        var team = silo.Team(joins[0].Team.Id);

        // The deadline's reminder fails the team; the lookup of the pending seat throws after the paid seat was seen.
        gateway.FailLookups(1);
        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await gateway.LookupFailed;
        // A payment then applies the deadline again, this time whole.
        var late = await team.Pay(joins[1].Order.Id, joins[1].Order.ShopperId);

        Assert.Equal(ErrorCodes.OrderClosed, late.Error?.Code);
        var failed = (await team.Get())!;
        Assert.Equal(TeamStatus.Failed, failed.Status);
        Assert.Equal([new TeamMember("shopper 1", true), new TeamMember("shopper 2", false)], failed.Members);
        Assert.Equal(OrderStatus.Refunded, (await team.GetOrder(joins[0].Order.Id))!.Status);
        Assert.Equal(OrderStatus.Cancelled, (await team.GetOrder(joins[1].Order.Id))!.Status);
        Assert.Equal([joins[0].Order.Id], gateway.Refunded);
        Assert.Equal(30, (await campaign.Get())!.Remaining);
    }

    [Fact]
    public async Task A_charge_landing_after_a_new_activation_released_the_unpaid_seat_is_refused_and_the_shopper_is_not_charged()
    {
        var gateway = new ControlledGateway();
        await using var silo = await CommerceSilo.StartAsync(services: s => s.AddSingleton<IPaymentGateway>(gateway));
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        var (teamId, leader) = (joins[0].Team.Id, joins[0].Order);

        // The leader's charge is on its way to the gateway when the silo dies, just before the pay-by time.
        var held = gateway.HoldBefore(leader.Id);
        _ = silo.Team(teamId).Pay(leader.Id, leader.ShopperId);
        await gateway.Called(leader.Id);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        // The new activation settles both seats at their pay-by time: no charge taken, both released.
        var released = await silo.TeamWhenAsync(teamId, t => t.Joined == 0);
        Assert.Equal(TeamStatus.Forming, released.Status);

        // Then the dead process's charge reaches the gateway: refused, since the settlement closed the order id.
        held.TrySetResult();
        await gateway.Finished(leader.Id);

        Assert.Empty(gateway.Charges);
        Assert.Equal([joins[0].Order.Id, joins[1].Order.Id], gateway.Closed.Order(StringComparer.Ordinal));
        var team = silo.Team(teamId);
        Assert.Equal(OrderStatus.Cancelled, (await team.GetOrder(leader.Id))!.Status);
        Assert.Equal(ErrorCodes.OrderClosed, (await team.Pay(leader.Id, leader.ShopperId)).Error?.Code);
        Assert.Equal(30, (await silo.Campaign().Get())!.Remaining);
    }

    [Fact]
    public async Task A_join_whose_seat_claim_outlasts_the_team_deadline_is_refused_as_closed_and_its_unit_returns()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2), length: TimeSpan.FromHours(1));
        var team = (await campaign.OpenTeam(Shopper(1))).Unwrap().Team;

        // The campaign's write of the claim stalls until the team's deadline has passed (a short step of the
        // clock, well inside the calls' response timeout).
        silo.Clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        gate.Hold("group-buy");
        var join = Task.Run(() => silo.Team(team.Id).Join(Shopper(2)), CommerceSilo.Token);
        await gate.Hit;
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        gate.Resume();

        Assert.Equal(ErrorCodes.TeamClosed, (await join).Error?.Code);
        var failed = await silo.TeamWhenAsync(team.Id, t => t.Status == TeamStatus.Failed);
        Assert.Equal(["shopper 1"], failed.Members.Select(m => m.Name));
        Assert.Empty(await silo.OrdersOf(Shopper(2)));
        Assert.Equal(30, (await campaign.Get())!.Remaining);
    }

    [Fact]
    public async Task A_join_whose_reminder_cannot_be_armed_leaves_no_seat_behind_and_may_be_retried()
    {
        var reminders = new FailingReminderTable();
        await using var silo = await CommerceSilo.StartAsync(services: reminders.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1);
        await silo.PayAsync(joins[0]);
        var team = silo.Team(joins[0].Team.Id);
        // The leader's pay-by reminder fires with nothing due and is moved out to the deadline, so the
        // next seat's pay-by needs it earlier again.
        var rearmed = reminders.Registered(joins[0].Team.ExpiresAt);
        silo.Clock.Advance(CommerceSilo.PaymentWindow);
        await rearmed;

        reminders.Failing = true;
        await Assert.ThrowsAsync<InjectedFaultException>(() => team.Join(Shopper(2)));
        Assert.Equal(29, (await campaign.Get())!.Remaining);
        reminders.Failing = false;
        (await team.Join(Shopper(3))).Unwrap();

        Assert.Equal(["shopper 1", "shopper 3"], (await team.Get())!.Members.Select(m => m.Name));
        Assert.Empty(await silo.OrdersOf(Shopper(2)));
        Assert.Equal(28, (await campaign.Get())!.Remaining);
        var retried = (await team.Join(Shopper(2))).Unwrap();
        Assert.Equal(["shopper 1", "shopper 3", "shopper 2"], retried.Team.Members.Select(m => m.Name));
        Assert.Equal([retried.Order.Id], await silo.OrdersOf(Shopper(2)));
    }

    [Fact]
    public async Task A_payment_whose_reminder_cannot_be_armed_is_not_acknowledged_by_a_retry_and_the_stored_seat_stays_payable()
    {
        var reminders = new FailingReminderTable();
        await using var silo = await CommerceSilo.StartAsync(services: reminders.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 2, quantity: 30);
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);
        var (teamId, last) = (joins[0].Team.Id, joins[1].Order);

        // The last seat's payment forms the team, whose outbox then needs the reminder sooner: arming it fails before the write.
        reminders.Failing = true;
        await Assert.ThrowsAsync<InjectedFaultException>(() => silo.Team(teamId).Pay(last.Id, last.ShopperId));
        // The retry and the read answer from the stored team, not from a memory holding the payment that was never stored
        // (which answered the retry "confirmed", and lost it to the next crash).
        await Assert.ThrowsAsync<InjectedFaultException>(() => silo.Team(teamId).Pay(last.Id, last.ShopperId));
        Assert.Equal(OrderStatus.PendingPayment, (await silo.Team(teamId).GetOrder(last.Id))!.Status);

        reminders.Failing = false;
        Assert.Equal(OrderStatus.Confirmed, (await silo.Team(teamId).Pay(last.Id, last.ShopperId)).Unwrap().Status);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        Assert.Equal(OrderStatus.Confirmed, (await silo.Team(teamId).GetOrder(last.Id))!.Status);
        Assert.Equal(TeamStatus.Succeeded, (await silo.Team(teamId).Get())!.Status);
    }
}

/// <summary>The silo's reminder table, whose registrations can be made to fail; a test can await a registration due at an instant.</summary>
internal sealed class FailingReminderTable
{
    private readonly ConcurrentDictionary<DateTimeOffset, TaskCompletionSource> _registered = new();

    public volatile bool Failing;

    /// <summary>Completes when a reminder due at <paramref name="dueAt"/> was stored (bounded, so a missing one fails the test).</summary>
    public Task Registered(DateTimeOffset dueAt) =>
        _registered.GetOrAdd(dueAt, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);

    /// <summary>Registers the table in front of the memory storage's.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddSingleton<IReminderTable>(sp => new Table(sp.GetRequiredService<MemoryGrainStorage>(), this));

    private sealed class Table(IReminderTable inner, FailingReminderTable control) : IReminderTable
    {
        public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

        public async Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
        {
            if (control.Failing)
            {
                throw new InjectedFaultException($"reminder {entry.Name} of {entry.GrainId} could not be stored (injected)");
            }
            await inner.UpsertAsync(entry, cancellationToken);
            control._registered.GetOrAdd(entry.DueAt, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        public Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken) => inner.RemoveAsync(grainId, name, cancellationToken);
    }
}

/// <summary>Charges, refunds and closed ids in memory; the next settlements can be made to fail, as an unreachable gateway would.</summary>
internal sealed class LookupFailingGateway : IPaymentGateway
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, PaymentReceipt> _charges = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _refunded = new();
    private readonly TaskCompletionSource _lookupFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failingLookups;

    /// <summary>Every refund call, in order (a repeated refund shows twice).</summary>
    public IReadOnlyList<string> Refunded => [.. _refunded];

    /// <summary>Completes when a lookup has failed (bounded, so a missing one fails the test).</summary>
    public Task LookupFailed => _lookupFailed.Task.WaitAsync(TimeSpan.FromSeconds(10), CommerceSilo.Token);

    /// <summary>The next <paramref name="count"/> lookups throw.</summary>
    public void FailLookups(int count) => Volatile.Write(ref _failingLookups, count);

    public Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _closed.Contains(paymentId)
                ? Task.FromException<PaymentReceipt>(new PaymentIdClosedException(paymentId))
                : Task.FromResult(_charges.GetOrAdd(paymentId, id => new PaymentReceipt(id, amount, DateTimeOffset.UnixEpoch)));
        }
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken)
    {
        _refunded.Enqueue(paymentId);
        return Task.CompletedTask;
    }

    public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failingLookups) >= 0)
        {
            _lookupFailed.TrySetResult();
            throw new InjectedFaultException($"lookup of {paymentId} failed (injected)");
        }
        lock (_lock)
        {
            if (_charges.TryGetValue(paymentId, out var receipt))
            {
                return Task.FromResult<PaymentReceipt?>(receipt);
            }
            _closed.Add(paymentId);
            return Task.FromResult<PaymentReceipt?>(null);
        }
    }
}
