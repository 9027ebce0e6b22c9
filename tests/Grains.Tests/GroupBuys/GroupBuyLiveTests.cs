using GroupBuy.Grains.Interfaces.GroupBuys;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>What watchers of <c>team:{id}</c> and <c>group-buy:{id}</c> see.</summary>
public sealed class GroupBuyLiveTests
{
    [Fact]
    public async Task Watchers_see_versions_rise_strictly_up_to_succeeded_and_failed()
    {
        await using var silo = await CommerceSilo.StartAsync();
        using var campaignLive = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30, teamWindow: TimeSpan.FromMinutes(2));
        var leader = (await campaign.OpenTeam(Shopper(1))).Unwrap();
        var winner = (await campaign.OpenTeam(Shopper(4))).Unwrap();
        using var failingLive = new LiveRecorder<TeamSnapshot>(silo, $"team:{leader.Team.Id}");
        using var winningLive = new LiveRecorder<TeamSnapshot>(silo, $"team:{winner.Team.Id}");
        var failing = new List<TeamJoin> { leader, (await silo.Team(leader.Team.Id).Join(Shopper(2))).Unwrap() };
        var winning = new List<TeamJoin> { winner };
        foreach (var n in new[] { 5, 6 })
        {
            winning.Add((await silo.Team(winner.Team.Id).Join(Shopper(n))).Unwrap());
        }
        await silo.PayAsync(failing[0]);
        foreach (var join in winning)
        {
            await silo.PayAsync(join);
        }

        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await failingLive.WaitForAsync(t => t.Status == TeamStatus.Failed);

        AssertRising(failingLive.Events.Select(t => t.Version));
        AssertRising(winningLive.Events.Select(t => t.Version));
        AssertRising(campaignLive.Events.Select(c => c.Version));
        Assert.Equal([TeamStatus.Forming, TeamStatus.Forming, TeamStatus.Failed], failingLive.Events.Select(t => t.Status));
        Assert.Equal([.. Enumerable.Repeat(TeamStatus.Forming, 4), TeamStatus.Succeeded], winningLive.Events.Select(t => t.Status));
        Assert.Equal([1, 0, 0, 0, 0], winningLive.Events.Select(t => t.Needed));
        Assert.Equal(30 - 3, campaignLive.Events[^1].Remaining);
        Assert.Equal(silo.Clock.GetUtcNow(), campaignLive.Events[^1].ServerTime);
    }

    [Fact]
    public async Task The_open_teams_list_shows_the_teams_nearest_to_full_first()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 4, quantity: 100);
        using var live = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");
        var one = await campaign.FormAsync(silo, 1);
        var three = await campaign.FormAsync(silo, 10, 11, 12);
        var full = await campaign.FormAsync(silo, 20, 21, 22, 23);
        var two = await campaign.FormAsync(silo, 30, 31);

        var open = (await campaign.Get())!.OpenTeams;

        Assert.Equal([three[0].Team.Id, two[0].Team.Id, one[0].Team.Id], open.Select(t => t.TeamId));
        Assert.Equal([1, 2, 3], open.Select(t => t.Needed));
        Assert.DoesNotContain(open, t => t.TeamId == full[0].Team.Id);
        Assert.All(live.Events, c => Assert.Equal(c.OpenTeams.OrderBy(t => t.Needed).Select(t => t.TeamId), c.OpenTeams.Select(t => t.TeamId)));
        AssertRising(live.Events.Select(c => c.Version));
        Assert.Equal(open, live.Events[^1].OpenTeams);
    }

    private static void AssertRising(IEnumerable<long> versions)
    {
        var seen = versions.ToList();
        Assert.NotEmpty(seen);
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"{pair.First} then {pair.Second}"));
    }
}
