using System.Security.Claims;
using GroupBuy.Api.Errors;
using GroupBuy.Api.FlashSales;
using GroupBuy.Api.GroupBuys;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Campaigns;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Campaigns;

/// <summary>
/// A campaign in a list: its kind, the product's name and its own price when the campaign launched (what a card
/// strikes through), and exactly one of <c>flashSale</c> or <c>groupBuy</c>, the public snapshot its own GET returns.
/// </summary>
public sealed record CampaignListing(CampaignKind Kind, string Id, string Sku, string ProductName, long? ProductPrice, FlashSaleResponse? FlashSale, GroupBuyResponse? GroupBuy);

/// <summary>A product as anyone may see it: no merchant id, no stock levels.</summary>
public sealed record ProductSummary(string Sku, string Name, long Price);

/// <summary>
/// Campaign lists for the pages: <c>GET /api/campaigns</c> (public: what is scheduled or on sale now) and
/// <c>GET /api/merchant/campaigns</c> (a merchant's own, ended ones included); and the product name a
/// campaign page titles itself with, <c>GET /api/catalog/{sku}</c>.
/// </summary>
public static class CampaignsApi
{
    public const int MaxListed = 50;

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns", ListPublic)
            .WithName("ListLiveCampaigns")
            .WithSummary("Live flash sales and group buys")
            .WithTags("Campaigns")
            .AllowAnonymous();
        app.MapGet("/api/merchant/campaigns", ListOwn)
            .WithName("ListMyCampaigns")
            .WithSummary("The merchant's own campaigns")
            .WithTags("Campaigns")
            .RequireAuthorization(Roles.Merchant);
        app.MapGet("/api/catalog/{sku}", GetProduct)
            .WithName("GetCatalogProduct")
            .WithSummary("A product's public name and price")
            .WithTags("Campaigns")
            .AllowAnonymous()
            .Refuses(ErrorCodes.NotFound);
        return app;
    }

    private static async Task<Ok<CampaignListing[]>> ListPublic(IGrainFactory grains)
    {
        var listings = await ListAsync(grains, CampaignDirectories.Public, MaxListed);
        return TypedResults.Ok(listings.Where(IsOnSale).ToArray());
    }

    private static async Task<Ok<CampaignListing[]>> ListOwn(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok((await ListAsync(grains, CampaignDirectories.ForMerchant(user.UserId()), int.MaxValue)).ToArray());

    private static async Task<Results<Ok<ProductSummary>, ProblemHttpResult>> GetProduct(string sku, IGrainFactory grains)
    {
        var product = Validate.Id(sku, "sku") is null ? await grains.GetGrain<IProductGrain>(sku).Get() : null;
        return product is null
            ? Problems.Of(ErrorCodes.NotFound, $"Product {sku} does not exist.")
            : TypedResults.Ok(new ProductSummary(product.Sku, product.Name, product.Price));
    }

    /// <summary>The newest entries' current snapshots; each is read from its own grain.</summary>
    private static async Task<IEnumerable<CampaignListing>> ListAsync(IGrainFactory grains, string directory, int limit)
    {
        var entries = await grains.GetGrain<ICampaignDirectoryGrain>(directory).List();
        var listings = await Task.WhenAll(entries.Take(limit).Select(e => ReadAsync(grains, e)));
        return listings.OfType<CampaignListing>();
    }

    private static async Task<CampaignListing?> ReadAsync(IGrainFactory grains, CampaignEntry entry)
    {
        if (entry.Kind == CampaignKind.FlashSale)
        {
            var sale = await grains.GetGrain<IFlashSaleGrain>(entry.Id).Get();
            return sale is null ? null : new(entry.Kind, entry.Id, entry.Sku, entry.ProductName, entry.ProductPrice, FlashSaleResponse.From(sale), null);
        }
        var campaign = await grains.GetGrain<IGroupBuyGrain>(entry.Id).Get();
        return campaign is null ? null : new(entry.Kind, entry.Id, entry.Sku, entry.ProductName, entry.ProductPrice, null, GroupBuyResponse.From(campaign));
    }

    private static bool IsOnSale(CampaignListing listing) =>
        listing.FlashSale is { Status: not FlashSaleStatus.Ended } || listing.GroupBuy is { Status: not GroupBuyStatus.Ended };
}
