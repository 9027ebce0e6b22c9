using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Tests.GroupBuys.Model;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>
/// The clock, crossed one due instant at a time (a pay-by time, a team's deadline, a sale's or campaign's start or
/// end) so each reminder runs when it is due; restarts of three kinds; deactivations; and the walk's end.
/// </summary>
internal sealed partial class SharedStockWalk
{
    /// <summary>A campaign's clock reminder ran since the last restart: a crash could lose its unacknowledged write.</summary>
    private bool _campaignClockRan;

    /// <summary>The next instant the clock changes something, for the campaigns or the sales.</summary>
    private DateTimeOffset? NextInstant()
    {
        var instants = _sales.Select(s => s.Sale)
            .SelectMany(s => s.Orders.Where(o => o.Status == OrderStatus.PendingPayment).Select(o => o.PayBy).Append(s.StartsAt).Append(s.EndsAt))
            .Where(at => at > Now)
            .ToList();
        if (_world.NextInstant() is { } campaigns)
        {
            instants.Add(campaigns);
        }
        return instants.Count == 0 ? null : instants.Min();
    }

    private async Task AdvanceAsync()
    {
        // To the next instant, just before it, or a few grid steps on (crossing what falls due on the way).
        var next = NextInstant() is { } at && at - Now <= TimeSpan.FromMinutes(20) ? at - Now : (TimeSpan?)null;
        var by = Random.Next(4) switch
        {
            0 when next is { } due => due,
            1 when next is { } due && due > Grid => due - Grid,
            _ => Grid * Random.Next(1, 13),
        };
        Note($"advance {by}");
        await AdvanceToAsync(Now + by);
    }

    private async Task AdvanceToAsync(DateTimeOffset target)
    {
        while (NextInstant() is { } next && next <= target)
        {
            await MoveClockAsync(next);
        }
        if (target > Now)
        {
            await MoveClockAsync(target);
        }
    }

    /// <summary>Moves the clock (by <paramref name="move"/>, the running silo's steps by default) and waits for the teams it closes.</summary>
    private async Task MoveClockAsync(DateTimeOffset to, Func<TimeSpan, Task>? move = null)
    {
        await (move ?? (by => Silo.AdvanceByStepsAsync(by, Token)))(to - Now);
        _world.Now = to;
        var changed = _world.ApplyClock();
        foreach (var sale in _sales)
        {
            sale.Sale.AdvanceTo(to);
        }
        _campaignClockRan |= _world.Campaigns.Any(c => c.Draft.StartsAt == to || c.Draft.EndsAt == to);
        foreach (var team in changed)
        {
            Note($"  clock: {team}");
            // A team tells its campaign (which settles the product) before it publishes its new state.
            await TeamMatchesAsync(team);
        }
    }

    /// <summary>Waits until the team is as the model has it.</summary>
    private Task TeamMatchesAsync(ModelTeam team) => WaitUntilAsync($"team:{team.Id}",
        async () => await Silo.Team(team.Id).Get() is { } seen && (seen.Status, seen.Needed) == (team.Status, team.Needed),
        $"{team} at {Now:HH:mm:ss}");

    /// <summary>A crash, a graceful restart, or a stop while the clock crosses the next instant; overdue reminders then run.</summary>
    private async Task RestartAsync()
    {
        await RestartOneOfThreeWaysAsync(mayCrash: !_campaignClockRan, NextInstant(), next => MoveClockAsync(next, async by =>
        {
            await RestartAfterAsync(by);
            await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        }));
        _campaignClockRan = false;
        await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        await ActivateAllAsync();
        // A crash may have cut a sale's settlement off; activation settled it again.
        _unsettled.Clear();
    }

    /// <summary>
    /// Sales and campaigns settle with the product when they activate (a sale in its activation, a campaign in a
    /// recovery turn right after), and teams deliver what they owe: wake them all, and wait for the teams.
    /// </summary>
    private async Task ActivateAllAsync()
    {
        foreach (var sale in _sales)
        {
            await Silo.GrainFactory.GetGrain<IFlashSaleGrain>(sale.Sale.Id).Get();
        }
        foreach (var team in _world.Teams)
        {
            await TeamMatchesAsync(team);
        }
    }

    /// <summary>An activation goes (as idle collection would take it) and the next call brings the stored state back.</summary>
    private async Task DeactivateAsync()
    {
        var choice = Random.Next(_sales.Count + _world.Campaigns.Count + 2);
        IGrain grain = choice < _sales.Count ? Silo.GrainFactory.GetGrain<IFlashSaleGrain>(_sales[choice].Sale.Id)
            : choice < _sales.Count + _world.Campaigns.Count ? Silo.Campaign(_world.Campaigns[choice - _sales.Count].Id)
            : Product(choice % 2 == 0 ? SharedSku : OtherSku);
        Note($"deactivate {TestCluster.IdOf(grain)}");
        await Silo.DeactivateAsync(grain);
    }

    /// <summary>Past every end and pay-by time: nothing is reserved any more, and sold is what was paid.</summary>
    protected override async Task FinishAsync()
    {
        Note("finish");
        var ends = _sales.Select(s => s.Sale.EndsAt + CommerceSilo.PaymentWindow).Concat(_world.Campaigns.Select(c => c.Draft.EndsAt)).Append(Now);
        await AdvanceToAsync(ends.Max() + Grid);
        foreach (var sku in _products.Keys)
        {
            var stock = await SettleAndCheckAsync(sku);
            var paid = _sales.Where(s => s.Sku == sku).Sum(s => s.Sale.Sold) + _world.Campaigns.Where(c => c.Draft.Sku == sku).Sum(c => c.Sold);
            Assert.Equal((0, paid), (stock.Reserved, stock.Sold));
        }
        Assert.DoesNotContain(_world.Teams, t => t.Status == TeamStatus.Forming);
    }
}
