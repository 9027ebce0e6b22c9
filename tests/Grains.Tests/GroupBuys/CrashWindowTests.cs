using GroupBuy.Grains.Interfaces.GroupBuys;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// Crashes at the one instant that matters: after the campaign stored a seat's claim, before the team
/// stored the seat. Nothing was acknowledged, and nothing may stay held.
/// </summary>
public sealed class CrashWindowTests
{
    private readonly StorageGate _gate = new();

    [Fact]
    public async Task A_join_cut_short_by_a_crash_is_not_acknowledged_and_its_claim_is_freed_when_the_team_returns()
    {
        await using var silo = await CommerceSilo.StartAsync(services: _gate.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var team = (await campaign.OpenTeam(Shopper(1))).Unwrap().Team;
        _gate.Hold("team");
        var join = Task.Run(() => silo.Team(team.Id).Join(Shopper(2)), CommerceSilo.Token);

        await _gate.Hit;
        Assert.Equal(28, (await campaign.Get())!.Remaining);
        Assert.False(join.IsCompleted);
        _gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        using var live = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");

        Assert.Equal(["shopper 1"], (await silo.Team(team.Id).Get())!.Members.Select(m => m.Name));
        Assert.False(join.IsCompletedSuccessfully && (await join).IsSuccess, "A join whose seat was never stored was acknowledged.");
        await live.WaitForAsync(s => s.Remaining == 29);
        Assert.True((await silo.Campaign().OpenTeam(Shopper(2))).IsSuccess);
        Assert.Single(await silo.OrdersOf(Shopper(2)));
    }

    [Fact]
    public async Task A_team_whose_opening_a_crash_cut_short_is_dropped_and_its_leader_freed()
    {
        await using var silo = await CommerceSilo.StartAsync(services: _gate.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        _gate.Hold("team");
        var open = Task.Run(() => campaign.OpenTeam(Shopper(1)), CommerceSilo.Token);

        await _gate.Hit;
        Assert.Equal(29, (await campaign.Get())!.Remaining);
        Assert.False(open.IsCompleted);
        _gate.Stop();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        using var live = new LiveRecorder<GroupBuySnapshot>(silo, "group-buy:gb1");

        await silo.Campaign().Get();
        await live.WaitForAsync(s => s.Remaining == 30);
        Assert.True((await silo.Campaign().OpenTeam(Shopper(1))).IsSuccess);
        Assert.Equal(29, (await silo.Campaign().Get())!.Remaining);
    }
}
