using System.Security.Claims;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Products;

public static class ProductOwnership
{
    /// <summary>A campaign is launched from the caller's own product: <c>404</c> when it does not exist, <c>403</c> when it is another merchant's.</summary>
    public static async Task<ProblemHttpResult?> CheckAsync(IGrainFactory grains, string sku, ClaimsPrincipal merchant)
    {
        var product = await grains.GetGrain<IProductGrain>(sku).Get();
        if (product is null)
        {
            return Problems.Of(ErrorCodes.NotFound, $"Product {sku} does not exist.");
        }
        return product.MerchantId == merchant.UserId() ? null : Problems.Of(ErrorCodes.Forbidden, $"Product {sku} belongs to another merchant.");
    }
}
