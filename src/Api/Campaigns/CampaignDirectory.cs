using GroupBuy.Grains.Interfaces.Campaigns;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;

namespace GroupBuy.Api.Campaigns;

/// <summary>Lists a new campaign in the public directory and in its merchant's own; repeating it changes nothing.</summary>
public static class CampaignDirectory
{
    public static async Task RegisterAsync(IGrainFactory grains, CampaignKind kind, string id, string sku, DateTimeOffset startsAt, DateTimeOffset endsAt, string merchantId)
    {
        var product = await grains.GetGrain<IProductGrain>(sku).Get();
        var entry = new CampaignEntry(kind, id, sku, product?.Name ?? sku, merchantId, startsAt, endsAt);
        await Task.WhenAll(
            grains.GetGrain<ICampaignDirectoryGrain>(CampaignDirectories.Public).Register(entry),
            grains.GetGrain<ICampaignDirectoryGrain>(CampaignDirectories.ForMerchant(merchantId)).Register(entry));
    }
}
