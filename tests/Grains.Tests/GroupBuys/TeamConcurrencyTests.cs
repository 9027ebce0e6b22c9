using GroupBuy.Grains.Interfaces;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

public sealed class TeamConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_concurrent_joins_fill_a_five_seat_team_with_exactly_four_after_the_leader()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 5, quantity: 500);
        var team = (await campaign.OpenTeam(Shopper(0))).Unwrap().Team;

        var joins = await Task.WhenAll(Enumerable.Range(1, 200).Select(n => Task.Run(() => silo.Team(team.Id).Join(Shopper(n)), CommerceSilo.Token)));

        Assert.Equal(4, joins.Count(j => j.IsSuccess));
        Assert.Equal(196, joins.Count(j => j.Error?.Code == ErrorCodes.TeamFull));
        Assert.All(joins.Where(j => j.IsSuccess), j => Assert.True(j.Value!.Team.Joined <= 5));
        var formed = (await silo.Team(team.Id).Get())!;
        Assert.Equal(5, formed.Members.Count);
        Assert.Equal(0, formed.Needed);
        Assert.Equal(500 - 5, (await campaign.Get())!.Remaining);
    }

    [Fact]
    public async Task A_thousand_concurrent_quick_joins_fill_a_hundred_teams_one_after_another_and_none_over()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 10, quantity: 1_007);

        var joins = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(n => Task.Run(() => campaign.QuickJoin(Shopper(n)), CommerceSilo.Token)));

        Assert.All(joins, j => Assert.True(j.IsSuccess, j.Error?.Detail));
        var teamIds = joins.Select(j => j.Value!.Team.Id).Distinct().ToList();
        Assert.Equal(100, teamIds.Count);
        foreach (var teamId in teamIds)
        {
            var team = (await silo.Team(teamId).Get())!;
            Assert.Equal(10, team.Joined);
            Assert.Equal(10, team.Members.Select(m => m.Name).Distinct().Count());
        }
        Assert.Equal(1_000, joins.Select(j => j.Value!.Order.Id).Distinct().Count());
        for (var n = 0; n < 1_000; n++)
        {
            Assert.Single(await silo.OrdersOf(Shopper(n)));
        }
        var snapshot = (await campaign.Get())!;
        Assert.Equal(7, snapshot.Remaining);
        Assert.Empty(snapshot.OpenTeams);
    }

    [Fact]
    public async Task A_shopper_joining_several_teams_at_once_gets_exactly_one_seat()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 100, quantity: 1_000);
        var teams = new List<string>();
        for (var leader = 1_000; leader < 1_004; leader++)
        {
            teams.Add((await campaign.OpenTeam(Shopper(leader))).Unwrap().Team.Id);
        }

        var attempts = Enumerable.Range(0, 50).SelectMany(n => teams.Select(teamId => (n, Join: Task.Run(() => silo.Team(teamId).Join(Shopper(n)), CommerceSilo.Token)))).ToList();
        await Task.WhenAll(attempts.Select(a => a.Join));

        foreach (var shopper in attempts.GroupBy(a => a.n))
        {
            var results = shopper.Select(a => a.Join.Result).ToList();
            Assert.Single(results, r => r.IsSuccess);
            Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.AlreadyMember, r.Error?.Code));
        }
        var joined = 0;
        foreach (var teamId in teams)
        {
            joined += (await silo.Team(teamId).Get())!.Joined;
        }
        Assert.Equal(54, joined);
        Assert.Equal(1_000 - 54, (await campaign.Get())!.Remaining);
        Assert.Equal(ErrorCodes.AlreadyMember, (await campaign.QuickJoin(Shopper(7))).Error?.Code);
        Assert.Equal(ErrorCodes.AlreadyMember, (await campaign.OpenTeam(Shopper(7))).Error?.Code);
    }

    [Fact]
    public async Task A_shopper_opening_and_quick_joining_at_once_gets_one_seat()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 300);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).SelectMany(n => new[]
        {
            Task.Run(() => campaign.OpenTeam(Shopper(n)), CommerceSilo.Token),
            Task.Run(() => campaign.QuickJoin(Shopper(n)), CommerceSilo.Token),
        }));

        Assert.Equal(40, attempts.Count(a => a.IsSuccess));
        Assert.All(attempts.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.AlreadyMember, a.Error?.Code));
        Assert.Equal(300 - 40, (await campaign.Get())!.Remaining);
    }
}
