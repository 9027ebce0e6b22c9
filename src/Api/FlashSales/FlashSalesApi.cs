using System.Security.Claims;
using GroupBuy.Api.Commissions;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Api.Orders;
using GroupBuy.Api.Products;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GroupBuy.Api.FlashSales;

/// <summary>Flash sales (秒杀): merchants launch them from their own products; anyone reads; shoppers buy.</summary>
public static class FlashSalesApi
{
    public sealed record CreateFlashSaleRequest(string? Sku, long? Price, long? Quantity, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, long? PerUserLimit, decimal? CommissionRate = null);

    /// <summary><c>groupId</c>: the group whose share card the purchase came through (its leader becomes the referrer).</summary>
    public sealed record PurchaseRequest(long? Quantity, string? GroupId = null);

    public static RouteGroupBuilder MapFlashSales(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flash-sales").WithTags("Flash sales").WithIdempotency();
        group.MapPost("/", Create)
            .WithName("CreateFlashSale")
            .WithSummary("Launch a flash sale, taking its quantity from the product's stock")
            .RequireAuthorization(Roles.Merchant)
            .Refuses(ErrorCodes.NotFound, ErrorCodes.InsufficientStock)
            .AddEndpointFilter(Campaigns.CampaignDirectory.ListCreated);
        group.MapGet("/{id}", Get)
            .WithName("GetFlashSale")
            .WithSummary("A flash sale as it stands")
            .AllowAnonymous()
            .Refuses(ErrorCodes.NotFound);
        group.MapPost("/{id}/purchases", Purchase)
            .WithName("PurchaseFlashSale")
            .WithSummary("Buy from a live flash sale: an order pending payment until its pay-by time")
            .RequireAuthorization(Roles.Shopper)
            .RequirePerShopperRateLimit()
            .Refuses(ErrorCodes.NotFound, ErrorCodes.SoldOut, ErrorCodes.NotStarted, ErrorCodes.Ended, ErrorCodes.LimitExceeded);
        return group;
    }

    private static async Task<Results<Created<FlashSaleResponse>, ProblemHttpResult>> Create(
        CreateFlashSaleRequest request, ClaimsPrincipal user, IGrainFactory grains, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey)
    {
        var problem = Validate.All(
            Validate.Id(request.Sku, "sku"),
            Validate.Range(request.Price, "price", 0, Limits.MaxPrice),
            Validate.Range(request.Quantity, "quantity", 1, Limits.MaxQuantity),
            Validate.Range(request.PerUserLimit, "perUserLimit", 1, Limits.MaxQuantity),
            Validate.Window(request.StartsAt, request.EndsAt),
            Validate.Rate(request.CommissionRate, "commissionRate"));
        if (problem is not null)
        {
            return problem;
        }
        if (await ProductOwnership.CheckAsync(grains, request.Sku!, user) is { } notOwned)
        {
            return notOwned;
        }
        var id = Ids.ForCreate(user.UserId(), "flash-sale", idempotencyKey);
        var result = await grains.GetGrain<IFlashSaleGrain>(id).Create(new FlashSaleDraft(
            request.Sku!, request.Price!.Value, (int)request.Quantity!.Value, request.StartsAt!.Value, request.EndsAt!.Value, (int)request.PerUserLimit!.Value, user.UserId(),
            request.CommissionRate ?? 0));
        return result.IsSuccess
            ? TypedResults.Created($"/api/flash-sales/{id}", FlashSaleResponse.From(result.Value!))
            : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<FlashSaleResponse>, ProblemHttpResult>> Get(string id, IGrainFactory grains)
    {
        var sale = Ids.IsWellFormed(id) ? await grains.GetGrain<IFlashSaleGrain>(id).Get() : null;
        return sale is null ? NotFound(id) : TypedResults.Ok(FlashSaleResponse.From(sale));
    }

    private static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> Purchase(
        string id, PurchaseRequest request, ClaimsPrincipal user, IGrainFactory grains, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        if (!Ids.IsWellFormed(id))
        {
            return NotFound(id);
        }
        var problem = Validate.All(
            Validate.Range(request.Quantity, "quantity", 1, Limits.MaxQuantity),
            idempotencyKey is null ? null : Validate.Text(idempotencyKey, "Idempotency-Key", 128));
        if (problem is not null)
        {
            return problem;
        }
        // One grain call: the sale itself answers not_found when it does not exist.
        var referral = await Referrals.ResolveAsync(grains, request.GroupId, user.UserId());
        var result = await grains.GetGrain<IFlashSaleGrain>(id).Purchase(user.AsShopper(), (int)request.Quantity!.Value, idempotencyKey, referral);
        if (!result.IsSuccess)
        {
            return Problems.Of(result.Error!);
        }
        return TypedResults.Created($"/api/orders/{result.Value!.Id}", OrderResponse.From(result.Value));
    }

    private static ProblemHttpResult NotFound(string id) => Problems.Of(ErrorCodes.NotFound, $"Flash sale {id} does not exist.");
}
