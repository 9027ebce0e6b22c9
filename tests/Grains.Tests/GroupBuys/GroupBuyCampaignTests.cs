using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using static GroupBuy.Grains.Tests.GroupBuys.GroupBuyKit;

namespace GroupBuy.Grains.Tests.GroupBuys;

/// <summary>Creating a campaign, and what its status by the clock and its pool allow.</summary>
public sealed class GroupBuyCampaignTests
{
    [Fact]
    public async Task Creating_takes_the_quantity_from_the_product_and_refuses_bad_terms_and_other_terms_for_the_same_id()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 3, quantity: 30);
        var other = silo.GrainFactory.GetGrain<IGroupBuyGrain>("gb2");
        var draft = Draft(silo, teamSize: 3, quantity: 30);

        Assert.Equal(new StockLevels(Stock - 30, 30, 0), (await silo.Product().Get())!.Stock);
        Assert.Equal(ErrorCodes.Conflict, (await campaign.Create(draft with { Quantity = 31 })).Error?.Code);
        // The same terms again (a retry after a lost answer) are the campaign that exists, with no more stock taken.
        Assert.Equal(30, (await campaign.Create(draft)).Unwrap().Quantity);
        Assert.Equal(new StockLevels(Stock - 30, 30, 0), (await silo.Product().Get())!.Stock);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { TeamSize = 1 })).Error?.Code);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { TeamSize = 101, Quantity = 200 })).Error?.Code);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { Quantity = 2 })).Error?.Code);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { TeamWindowSeconds = 0 })).Error?.Code);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { Price = -1 })).Error?.Code);
        Assert.Equal(ErrorCodes.Validation, (await other.Create(draft with { EndsAt = draft.StartsAt })).Error?.Code);
        Assert.Equal(ErrorCodes.InsufficientStock, (await other.Create(draft with { Quantity = Stock })).Error?.Code);
        Assert.Null(await other.Get());
        var created = (await other.Create(draft with { LeaderPrice = null })).Unwrap();
        Assert.Equal(Price, created.LeaderPrice);
        Assert.Equal(GroupBuyStatus.Live, created.Status);
    }

    [Fact]
    public async Task Seats_are_taken_only_while_the_campaign_is_live_and_has_units()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var campaign = await silo.StartCampaignAsync(teamSize: 2, quantity: 3, startsIn: TimeSpan.FromMinutes(10), length: TimeSpan.FromMinutes(2));

        Assert.Equal(GroupBuyStatus.Scheduled, (await campaign.Get())!.Status);
        Assert.Equal(ErrorCodes.NotStarted, (await campaign.QuickJoin(Shopper(1))).Error?.Code);
        silo.Clock.Advance(TimeSpan.FromMinutes(10));
        var first = (await campaign.QuickJoin(Shopper(1))).Unwrap();
        await campaign.QuickJoin(Shopper(2));
        var third = (await campaign.QuickJoin(Shopper(3))).Unwrap();

        Assert.NotEqual(first.Team.Id, third.Team.Id);
        Assert.Equal(GroupBuyStatus.SoldOut, (await campaign.Get())!.Status);
        Assert.Equal(ErrorCodes.SoldOut, (await campaign.QuickJoin(Shopper(4))).Error?.Code);
        Assert.Equal(ErrorCodes.SoldOut, (await silo.Team(third.Team.Id).Join(Shopper(4))).Error?.Code);
        silo.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(GroupBuyStatus.Ended, (await campaign.Get())!.Status);
        Assert.Equal(ErrorCodes.Ended, (await campaign.OpenTeam(Shopper(5))).Error?.Code);
    }
}
