using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>
/// Moving the manual clock one instant at a time (pay-by times, deadlines, campaign ends), so each reminder runs at
/// the instant it is due and the outcome is deterministic; and restarting the silo between steps.
/// </summary>
internal sealed partial class GroupBuyWalk
{
    /// <summary>A campaign's clock reminder may still be running: a crash now could lose its write, which was never acknowledged.</summary>
    private bool _campaignClockRan;

    /// <summary>How soon a team retries what it could not deliver (TeamGrain's retry delay).</summary>
    private static readonly TimeSpan TeamRefundRetry = TimeSpan.FromSeconds(30);

    private async Task<List<ModelTeam>> AdvanceAsync()
    {
        // To the next instant, or just before it, when that is near (a campaign's end may be hours away).
        var near = _world.NextInstant() is { } next && next - _world.Now <= TimeSpan.FromMinutes(20) ? next - _world.Now : (TimeSpan?)null;
        var by = Random.Next(4) switch
        {
            0 when near is { } due => due,
            1 when near is { } due && due > TimeSpan.FromSeconds(1) => due - TimeSpan.FromSeconds(1),
            _ => TimeSpan.FromSeconds(Random.Next(10, 121)),
        };
        Note($"advance {by}");
        return await AdvanceToAsync(_world.Now + by);
    }

    /// <summary>Crosses every instant up to <paramref name="target"/> one at a time, waiting for what each one changes.</summary>
    private async Task<List<ModelTeam>> AdvanceToAsync(DateTimeOffset target)
    {
        List<ModelTeam> touched = [];
        while (_world.NextInstant() is { } next && next <= target)
        {
            touched.AddRange(await MoveClockAsync(next));
        }
        if (target > _world.Now)
        {
            await MoveClockAsync(target);
        }
        return touched;
    }

    /// <summary>Moves the clock to <paramref name="to"/> (by <paramref name="move"/>, the running silo's steps by default) and waits for what it changes.</summary>
    private async Task<List<ModelTeam>> MoveClockAsync(DateTimeOffset to, Func<TimeSpan, Task>? move = null)
    {
        // Now and then the gateway is down for the refunds a deadline owes (the team tries twice in the reminder's turn):
        // the team retries them later, but the rest of what the failure owes (the units back, the campaign's view) must
        // not wait for the gateway.
        // (Only while no refund is owed, so the fault cannot land on the retry of an earlier one.)
        var refundFails = Random.Next(3) == 0 && !_world.Orders.Any(o => o.Status == OrderStatus.Refunded && !Charges.Refunds.ContainsKey(o.Id));
        _gateway.FailRefunds = refundFails ? 2 : 0;
        await (move ?? (by => Silo.AdvanceByStepsAsync(by, Token)))(to - _world.Now);
        _gateway.FailRefunds = 0;
        _world.Now = to;
        var changed = _world.ApplyClock();
        foreach (var order in changed.SelectMany(t => t.Seats).Where(o => o.Status == OrderStatus.Refunded && o.RefundBy == DateTimeOffset.MaxValue))
        {
            order.RefundBy = refundFails ? to + TeamRefundRetry : to;
        }
        foreach (var team in changed)
        {
            Note($"  clock: {team}");
            var seen = team.Version;
            await WaitUntilAsync($"team:{team.Id}", async () => (await Silo.Team(team.Id).Get())?.Version > seen, $"team {team.Id} to apply its clock at {to:HH:mm:ss}");
        }
        foreach (var campaign in _world.Campaigns.Where(c => c.Draft.StartsAt == to || c.Draft.EndsAt == to))
        {
            Note($"  clock: {campaign.Id} {campaign.StatusAt(to)}");
            _campaignClockRan = true;
            if (campaign.Draft.EndsAt == to)
            {
                await WaitUntilAsync($"group-buy:{campaign.Id}", async () => (await Silo.Product().Get())!.Stock == ExpectedStock(),
                    $"campaign {campaign.Id} to give its unsold units back at its end");
            }
        }
        return changed;
    }

    /// <summary>
    /// A crash, a graceful restart, or a stop while the clock crosses the next instant (its reminders are overdue when
    /// the silo comes back); then everything acknowledged must still be there.
    /// </summary>
    private async Task<List<ModelTeam>> RestartAsync()
    {
        List<ModelTeam> touched = [];
        await RestartOneOfThreeWaysAsync(mayCrash: !_campaignClockRan, _world.NextInstant(), async next => touched = await MoveClockAsync(next, RestartAfterAsync));
        _campaignClockRan = false;
        await CheckAsync([], full: true);
        return touched;
    }

    /// <summary>An activation goes (as idle collection would take it) and the next call brings the stored state back.</summary>
    private async Task<List<ModelTeam>> DeactivateAsync()
    {
        var teams = _world.Teams.ToList();
        var choice = Random.Next(teams.Count + _world.Campaigns.Count + 1);
        IGrain grain = choice < teams.Count ? Silo.Team(teams[choice].Id)
            : choice < teams.Count + _world.Campaigns.Count ? Silo.Campaign(_world.Campaigns[choice - teams.Count].Id)
            : Silo.Product();
        Note($"deactivate {TestCluster.IdOf(grain)}");
        await Silo.DeactivateAsync(grain);
        return choice < teams.Count ? [teams[choice]] : [];
    }

    /// <summary>Past every campaign's end: every team has closed and every unsold unit is back with the product.</summary>
    protected override async Task FinishAsync()
    {
        Note("finish");
        var end = _world.Campaigns.Max(c => c.Draft.EndsAt) + TimeSpan.FromMinutes(1);
        await AdvanceToAsync(end > _world.Now ? end : _world.Now);
        await CheckAsync([], full: true);
        Assert.DoesNotContain(_world.Teams, t => t.IsForming);
        Assert.Equal(new StockLevels(Stock - _world.Campaigns.Sum(c => c.Sold), 0, _world.Campaigns.Sum(c => c.Sold)), (await Silo.Product().Get())!.Stock);
    }

    /// <summary>The product's stock as the campaigns should have settled it: held until sold, or given back at the end.</summary>
    private StockLevels ExpectedStock()
    {
        var (sold, released, quantity) = (_world.Campaigns.Sum(c => c.Sold), _world.Campaigns.Sum(c => c.ReleasedAt(_world.Now)), _world.Campaigns.Sum(c => c.Draft.Quantity));
        return new StockLevels(Stock - quantity + released, quantity - sold - released, sold);
    }
}
