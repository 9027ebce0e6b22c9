using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>What the campaign acknowledges is in its stored record, even when it is asked twice.</summary>
public sealed class SeatClaimDurabilityTests
{
    [Fact]
    public async Task A_seat_claim_repeated_while_its_write_is_held_is_answered_only_once_that_write_is_stored() =>
        await AskTwiceWhileHeldAsync(async silo =>
        {
            var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
            var opened = await campaign.FormAsync(silo, 1);
            // The team's retry of a claim whose answer it never got (its call timed out on a slow store).
            var claim = new SeatRequest(opened[0].Team.Id, "shopper 2", $"{opened[0].Team.Id}.9");
            return (campaign, async () => (await campaign.ClaimSeat(claim)).IsSuccess);
        });

    [Fact]
    public async Task A_campaign_created_again_while_its_first_write_is_held_is_answered_only_once_that_write_is_stored() =>
        await AskTwiceWhileHeldAsync(async silo =>
        {
            await silo.StartCampaignAsync(teamSize: 3, quantity: 30, id: "other");   // the product, stored
            var campaign = silo.GrainFactory.GetGrain<IGroupBuyGrain>("gb-held");
            var draft = GroupBuyKit.Draft(silo, teamSize: 3, quantity: 30);
            return (campaign, async () => (await campaign.Create(draft)).IsSuccess);
        });

    /// <summary>
    /// Holds the campaign's writes, asks once and again, and checks that neither answer comes before the held write
    /// is stored; a read queued after the repeat answers at once, so by then the repeat has run up to its wait.
    /// </summary>
    private static async Task AskTwiceWhileHeldAsync(Func<TestCluster, Task<(IGroupBuyGrain Campaign, Func<Task<bool>> Ask)>> arrange)
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var (campaign, ask) = await arrange(silo);
        gate.Hold("group-buy");

        var first = ask();
        await gate.Hit;
        var repeat = ask();
        Assert.NotNull(await campaign.Get());
        Assert.False(first.IsCompleted, "The first request was answered before it was stored.");
        Assert.False(repeat.IsCompleted, "The repeat was answered before what it found was stored.");
        gate.Resume();

        Assert.True(await first);
        Assert.True(await repeat);
    }
}
