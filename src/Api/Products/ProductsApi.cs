using System.Security.Claims;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Products;

/// <summary>Products and their stock: merchants create and restock their own; any signed-in caller may read.</summary>
public static class ProductsApi
{
    public sealed record CreateProductRequest(string? Sku, string? Name, long? Price, long? Stock);

    public sealed record RestockRequest(long? Quantity);

    public sealed record ProductResponse(string Sku, string Name, long Price, string MerchantId, StockLevels Stock)
    {
        public static ProductResponse From(ProductSnapshot p) => new(p.Sku, p.Name, p.Price, p.MerchantId, p.Stock);
    }

    public static RouteGroupBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/products").WithTags("Products").RequireAuthorization().WithIdempotency();
        group.MapPost("/", Create)
            .WithName("CreateProduct")
            .WithSummary("Create a product with its stock")
            .RequireAuthorization(Roles.Merchant)
            .Refuses(ErrorCodes.Conflict);
        group.MapGet("/{sku}", Get)
            .WithName("GetProduct")
            .WithSummary("A product and its stock, for any signed-in caller")
            .Refuses(ErrorCodes.NotFound);
        group.MapPost("/{sku}/restock", Restock)
            .WithName("RestockProduct")
            .WithSummary("Add units to a product's stock")
            .RequireAuthorization(Roles.Merchant)
            .Refuses(ErrorCodes.NotFound);
        return group;
    }

    private static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> Create(CreateProductRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var problem = Validate.All(
            Validate.Id(request.Sku, "sku"),
            Validate.Text(request.Name, "name", 200),
            Validate.Range(request.Price, "price", 0, Limits.MaxPrice),
            Validate.Range(request.Stock, "stock", 0, Limits.MaxQuantity));
        if (problem is not null)
        {
            return problem;
        }
        var result = await grains.GetGrain<IProductGrain>(request.Sku!)
            .Create(new ProductDraft(request.Sku!, request.Name!, request.Price!.Value, (int)request.Stock!.Value, user.UserId()));
        return result.IsSuccess
            ? TypedResults.Created($"/api/products/{request.Sku}", ProductResponse.From(result.Value!))
            : Problems.Of(result.Error!);
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(string sku, IGrainFactory grains)
    {
        if (Validate.Id(sku, "sku") is not null)
        {
            return NotFound(sku);
        }
        var product = await grains.GetGrain<IProductGrain>(sku).Get();
        return product is null ? NotFound(sku) : TypedResults.Ok(ProductResponse.From(product));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Restock(string sku, RestockRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Validate.Id(sku, "sku") is not null)
        {
            return NotFound(sku);
        }
        if (Validate.Range(request.Quantity, "quantity", 1, Limits.MaxQuantity) is { } invalid)
        {
            return invalid;
        }
        var product = grains.GetGrain<IProductGrain>(sku);
        var existing = await product.Get();
        if (existing is null)
        {
            return NotFound(sku);
        }
        if (existing.MerchantId != user.UserId())
        {
            return Problems.Of(ErrorCodes.Forbidden, $"Product {sku} belongs to another merchant.");
        }
        var result = await product.Restock((int)request.Quantity!.Value);
        return result.IsSuccess ? TypedResults.Ok(ProductResponse.From(result.Value!)) : Problems.Of(result.Error!);
    }

    private static ProblemHttpResult NotFound(string sku) => Problems.Of(ErrorCodes.NotFound, $"Product {sku} does not exist.");
}
