using System.Security.Claims;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Orders;

/// <summary>A shopper's orders: read and pay. Anyone but the owner gets 404, so order ids reveal nothing.</summary>
public static class OrdersApi
{
    /// <summary>Most orders one page of <c>GET /api/me/orders?limit=</c> holds.</summary>
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization().WithIdempotency();
        orders.MapGet("/{id}", Get)
            .WithName("GetOrder")
            .WithSummary("One of the caller's orders")
            .Refuses(ErrorCodes.NotFound);
        orders.MapPost("/{id}/pay", Pay)
            .WithName("PayOrder")
            .WithSummary("Pay an order (idempotent; a cancelled order is refused and charged nothing)")
            .Refuses(ErrorCodes.NotFound, ErrorCodes.OrderClosed, ErrorCodes.PaymentUnavailable);
        app.MapGet("/api/me/orders", Mine)
            .WithName("ListMyOrders")
            .WithSummary("The caller's orders, newest first; with limit, one page of them, and a Link header to the next")
            .WithTags("Orders")
            .RequireAuthorization()
            .Refuses(ErrorCodes.Validation);
        return app;
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var order = OrderIds.TryParse(id, out var owner) ? await FindAsync(owner, grains) : null;
        return order is not null && order.ShopperId == user.UserId()
            ? TypedResults.Ok(OrderResponse.From(order))
            : NotFound(id);
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Pay(string id, ClaimsPrincipal user, IGrainFactory grains, HttpContext http)
    {
        if (!OrderIds.TryParse(id, out var owner))
        {
            return NotFound(id);
        }
        var result = owner.Kind == OrderKind.FlashSale
            ? await grains.GetGrain<IFlashSaleGrain>(owner.OwnerId).Pay(id, user.UserId())
            : await grains.GetGrain<ITeamGrain>(owner.OwnerId).Pay(id, user.UserId());
        if (result.Error?.Code == ErrorCodes.PaymentUnavailable)
        {
            http.Response.Headers.RetryAfter = "1";
        }
        return result.IsSuccess ? TypedResults.Ok(OrderResponse.From(result.Value!)) : Problems.Of(result.Error!);
    }

    /// <summary>
    /// Every order without <paramref name="limit"/>, as the contract lists them. A page starts after the order named by
    /// <paramref name="before"/>: new orders go to the front of the list, so the pages after a cursor never shift. Only
    /// the page's orders are read from their owners, however many the shopper has.
    /// </summary>
    private static async Task<Results<Ok<OrderResponse[]>, ProblemHttpResult>> Mine(
        string? limit, string? before, ClaimsPrincipal user, IGrainFactory grains, OrderLists lists, HttpContext http, CancellationToken cancellationToken)
    {
        // Without a limit, the page is every order.
        if (!Validate.TryParseWhole(limit, int.MaxValue, 1, MaxPageSize, out var size))
        {
            return Validate.Invalid("limit", $"must be a whole number from 1 to {MaxPageSize}");
        }
        var refs = await lists.OfShopperAsync(user.UserId(), cancellationToken);
        var start = 0;
        if (before is not null)
        {
            while (start < refs.Count && refs[start].OrderId != before)
            {
                start++;
            }
            if (start == refs.Count)
            {
                return Validate.Invalid("before", "must be the id of one of your orders");
            }
            start++;
        }
        var page = refs.Skip(start).Take((int)size).ToArray();
        if (start + page.Length < refs.Count)
        {
            http.Response.Headers.Link = $"</api/me/orders?limit={size}&before={Uri.EscapeDataString(page[^1].OrderId)}>; rel=\"next\"";
        }
        var orders = await Task.WhenAll(page.Select(r => FindAsync(r, grains)));
        return TypedResults.Ok(orders.OfType<OrderSnapshot>().Select(OrderResponse.From).ToArray());
    }

    internal static Task<OrderSnapshot?> FindAsync(OrderRef owner, IGrainFactory grains) =>
        owner.Kind == OrderKind.FlashSale
            ? grains.GetGrain<IFlashSaleGrain>(owner.OwnerId).GetOrder(owner.OrderId)
            : grains.GetGrain<ITeamGrain>(owner.OwnerId).GetOrder(owner.OrderId);

    private static ProblemHttpResult NotFound(string id) => Problems.Of(ErrorCodes.NotFound, $"Order {id} does not exist.");
}
