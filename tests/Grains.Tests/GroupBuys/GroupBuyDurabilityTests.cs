using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.TestSupport;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>Reminders after a restart and joins across a crash, on the durable stores.</summary>
public sealed class GroupBuyDurabilityTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task Pay_by_times_and_the_deadline_fire_after_a_restart(Store store)
    {
        await using var silo = await CommerceSilo.StartAsync(store, _folder, postgres);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(30));
        var joins = await campaign.FormAsync(silo, 1, 2);
        await silo.PayAsync(joins[0]);

        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(CommerceSilo.PaymentWindow + TimeSpan.FromMinutes(1));
        await silo.StartSiloAsync(CommerceSilo.Token);
        var released = await silo.TeamWhenAsync(joins[0].Team.Id, t => t.Needed == 2);

        Assert.Equal(TeamStatus.Forming, released.Status);
        Assert.Equal(OrderStatus.Cancelled, (await silo.Team(released.Id).GetOrder(joins[1].Order.Id))!.Status);
        Assert.Equal(29, (await silo.Campaign().Get())!.Remaining);

        await silo.StopSiloAsync(CommerceSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(30));
        await silo.StartSiloAsync(CommerceSilo.Token);
        var failed = await silo.TeamWhenAsync(joins[0].Team.Id, t => t.Status == TeamStatus.Failed);

        Assert.Equal(OrderStatus.Refunded, (await silo.Team(failed.Id).GetOrder(joins[0].Order.Id))!.Status);
        Assert.True(silo.Gateway().Refunds.ContainsKey(joins[0].Order.Id));
        Assert.Equal(30, (await silo.Campaign().Get())!.Remaining);
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_quick_joins_loses_no_acknowledged_join_and_overfills_no_team()
    {
        await using var silo = await CommerceSilo.StartAsync(Store.Sqlite, _folder);
        var campaign = await silo.StartCampaignAsync(teamSize: 5, quantity: 1_000);
        var acknowledged = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = Enumerable.Range(0, 400).Select(n => Task.Run(async () =>
        {
            var joined = await campaign.QuickJoin(Shopper(n));
            if (joined.IsSuccess && Interlocked.Increment(ref acknowledged) == 120)
            {
                enough.TrySetResult();
            }
            return joined;
        }, CommerceSilo.Token)).ToList();
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(20), CommerceSilo.Token);
        var before = traffic.Where(t => t.IsCompletedSuccessfully && t.Result.IsSuccess).Select(t => t.Result.Value!).ToList();

        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        Assert.True(before.Count >= 120);
        foreach (var join in before)
        {
            var team = (await silo.Team(join.Team.Id).Get())!;
            Assert.Contains(team.Members, m => m.Name == NameOf(join.Order.ShopperId));
            Assert.NotNull(await silo.Team(join.Team.Id).GetOrder(join.Order.Id));
            Assert.Contains(join.Order.Id, await silo.ListedFor(join.Order.ShopperId));
        }
        var after = await Task.WhenAll(Enumerable.Range(1_000, 100).Select(n => Task.Run(() => silo.Campaign().QuickJoin(Shopper(n)), CommerceSilo.Token)));
        Assert.All(after, a => Assert.True(a.IsSuccess, a.Error?.Detail));
        var teams = new List<TeamSnapshot>();
        foreach (var teamId in before.Concat(after.Select(a => a.Value!)).Select(j => j.Team.Id).Distinct())
        {
            teams.Add((await silo.Team(teamId).Get())!);
        }
        Assert.All(teams, t => Assert.InRange(t.Joined, 1, 5));
        var names = teams.SelectMany(t => t.Members.Select(m => m.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    public void Dispose() => _folder.Dispose();
}
