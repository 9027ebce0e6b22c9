using GroupBuy.Api.FlashSales;
using GroupBuy.Api.GroupBuys;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces.Campaigns;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Campaigns;

/// <summary>
/// Lists each new campaign in the public directory and in its merchant's own. It runs as a filter on the
/// create routes, so the campaign handlers stay as they are; listing the same id again changes nothing.
/// </summary>
public static class CampaignDirectory
{
    /// <summary>Endpoint filter: after a <c>201</c> flash sale or group buy, lists it.</summary>
    public static async ValueTask<object?> ListCreated(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var created = result is INestedHttpResult nested ? nested.Result : result;
        (CampaignKind Kind, string Id, string Sku, DateTimeOffset StartsAt, DateTimeOffset EndsAt)? listing = created switch
        {
            Created<FlashSaleResponse> { Value: { } sale } => (CampaignKind.FlashSale, sale.Id, sale.Sku, sale.StartsAt, sale.EndsAt),
            Created<GroupBuyResponse> { Value: { } campaign } => (CampaignKind.GroupBuy, campaign.Id, campaign.Sku, campaign.StartsAt, campaign.EndsAt),
            _ => null,
        };
        if (listing is { } c)
        {
            var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
            await RegisterAsync(grains, c.Kind, c.Id, c.Sku, c.StartsAt, c.EndsAt, context.HttpContext.User.UserId());
        }
        return result;
    }

    public static async Task RegisterAsync(IGrainFactory grains, CampaignKind kind, string id, string sku, DateTimeOffset startsAt, DateTimeOffset endsAt, string merchantId)
    {
        var product = await grains.GetGrain<IProductGrain>(sku).Get();
        var entry = new CampaignEntry(kind, id, sku, product?.Name ?? sku, merchantId, startsAt, endsAt, product?.Price);
        await Task.WhenAll(
            grains.GetGrain<ICampaignDirectoryGrain>(CampaignDirectories.Public).Register(entry),
            grains.GetGrain<ICampaignDirectoryGrain>(CampaignDirectories.ForMerchant(merchantId)).Register(entry));
    }
}
