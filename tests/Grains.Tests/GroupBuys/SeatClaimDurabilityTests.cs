using GroupBuy.Grains.Interfaces.GroupBuys;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>What the campaign acknowledges is in its stored record, even when it is asked twice.</summary>
public sealed class SeatClaimDurabilityTests
{
    [Fact]
    public async Task A_seat_claim_repeated_while_its_write_is_held_is_answered_only_once_that_write_is_stored()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var opened = await campaign.FormAsync(silo, 1);
        var claim = new SeatRequest(opened[0].Team.Id, "shopper 2", $"{opened[0].Team.Id}.9");
        gate.Hold("group-buy");

        var first = campaign.ClaimSeat(claim);
        await gate.Hit;
        // The team's retry of a claim whose answer it never got (its call timed out on a slow store).
        var repeat = campaign.ClaimSeat(claim);
        // A read queued after the repeat answers at once: by then the repeat has run up to its wait.
        Assert.NotNull(await campaign.Get());
        Assert.False(first.IsCompleted, "A claim was answered before it was stored.");
        Assert.False(repeat.IsCompleted, "A repeated claim was answered before the claim it found was stored.");
        gate.Resume();

        Assert.True((await first).IsSuccess);
        Assert.True((await repeat).IsSuccess);
    }

    [Fact]
    public async Task A_campaign_created_again_while_its_first_write_is_held_is_answered_only_once_that_write_is_stored()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        await silo.StartCampaignAsync(teamSize: 3, quantity: 30, id: "other");   // the product, stored
        var campaign = silo.GrainFactory.GetGrain<IGroupBuyGrain>("gb-held");
        var draft = GroupBuyKit.Draft(silo, teamSize: 3, quantity: 30);
        gate.Hold("group-buy");

        var first = campaign.Create(draft);
        await gate.Hit;
        var repeat = campaign.Create(draft);
        Assert.NotNull(await campaign.Get());
        Assert.False(first.IsCompleted, "A campaign was answered before it was stored.");
        Assert.False(repeat.IsCompleted, "A repeated creation was answered before the campaign it found was stored.");
        gate.Resume();

        Assert.True((await first).IsSuccess);
        Assert.True((await repeat).IsSuccess);
    }
}
