using System.Text.Json;
using GroupBuy.Grains.GroupBuys;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>
/// A campaign's state is written whole on every change, so it keeps only its forming teams: a closed team leaves it,
/// counted, and the cost of a join does not grow with the teams the campaign has seen.
/// </summary>
public sealed class CampaignStateSizeTests
{
    private static readonly GrainId CampaignId = GrainId.Create("group-buy", "gb1");

    [Fact]
    public async Task A_closed_team_leaves_the_stored_state_counted_and_a_late_notice_about_it_changes_nothing()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 2, quantity: 20);
        var formed = await campaign.FormAsync(silo, 1, 2);
        foreach (var join in formed)
        {
            await silo.PayAsync(join);
        }
        var team = await silo.TeamWhenAsync(formed[0].Team.Id, t => t.Status == TeamStatus.Succeeded);
        await campaign.TeamChanged(team);
        var forming = (await campaign.OpenTeam(Shopper(3))).Unwrap();
        var before = (await campaign.Get())!;

        await campaign.TeamChanged(team);

        Assert.Equal(before.Version, (await campaign.Get())!.Version);
        Assert.Equal(new TeamCounts(1, 1, 0), before.Teams);
        var stored = await StoredAsync(silo);
        Assert.Equal([forming.Team.Id], stored.Teams.Keys);
        Assert.Equal((1, 0), (stored.TeamsSucceeded, stored.TeamsFailed));
    }

    [Fact]
    public async Task A_state_stored_with_its_closed_teams_counts_them_and_drops_them_with_its_next_write()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 2, quantity: 20);
        await silo.DeactivateAsync(campaign);
        var stored = await StoredAsync(silo);
        var expires = silo.Clock.GetUtcNow().AddHours(1);
        // The older shape: closed teams listed with their outcome, no counters.
        stored.Teams["old-formed"] = new CampaignTeam(1, expires, Confirmed: true, TeamStatus.Succeeded, Sold: 2);
        stored.Teams["old-failed"] = new CampaignTeam(2, expires, Confirmed: true, TeamStatus.Failed, Sold: 0);
        (stored.TeamsOpened, stored.Sold) = (2, 2);
        var version = (await silo.Storage.ReadAsync("group-buy", CampaignId, CommerceSilo.Token))!.Version;
        await silo.Storage.WriteAsync("group-buy", CampaignId, JsonSerializer.SerializeToUtf8Bytes(stored, JsonSerializerOptions.Web), version, CommerceSilo.Token);

        var read = (await campaign.Get())!;
        var opened = (await campaign.OpenTeam(Shopper(5))).Unwrap();

        Assert.Equal((new TeamCounts(0, 1, 1), 18), (read.Teams, read.Remaining));
        var written = await StoredAsync(silo);
        Assert.Equal([opened.Team.Id], written.Teams.Keys);
        Assert.Equal((1, 1, 2), (written.TeamsSucceeded, written.TeamsFailed, written.Sold));
    }

    private static async Task<GroupBuyState> StoredAsync(TestCluster silo) =>
        JsonSerializer.Deserialize<GroupBuyState>((await silo.Storage.ReadAsync("group-buy", CampaignId, CommerceSilo.Token))!.Payload!, JsonSerializerOptions.Web)!;
}
