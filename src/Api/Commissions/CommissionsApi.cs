using System.Security.Claims;
using GroupBuy.Api.Identity;
using GroupBuy.Api.Orders;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Commissions;

/// <summary>Leader commissions (分销): the orders a leader referred through their groups, read live from the orders' owners.</summary>
public static class CommissionsApi
{
    /// <summary>One referred order; the buyer stays anonymous.</summary>
    public sealed record CommissionOrder(string OrderId, string GroupId, OrderKind Kind, string Sku, int Quantity, long Amount, long Commission, OrderStatus Status, DateTimeOffset CreatedAt);

    /// <summary><c>earned</c>: paid or confirmed orders; <c>pending</c>: awaiting payment; <c>void</c>: cancelled or refunded.</summary>
    public sealed record CommissionTotals(int Orders, long Amount, long Commission, long Earned, long Pending, long Void);

    public sealed record CommissionsResponse(IReadOnlyList<CommissionOrder> Orders, CommissionTotals Totals);

    public static IEndpointRouteBuilder MapCommissions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/commissions", Mine)
            .WithName("ListMyCommissions")
            .WithSummary("The commissions the caller earned as a group leader")
            .WithTags("Commissions")
            .RequireAuthorization();
        return app;
    }

    private static async Task<Ok<CommissionsResponse>> Mine(ClaimsPrincipal user, IGrainFactory grains, OrderLists lists, CancellationToken cancellationToken)
    {
        var leaderId = user.UserId();
        var refs = await lists.ReferredByAsync(leaderId, cancellationToken);
        var orders = await Task.WhenAll(refs.Select(r => OrdersApi.FindAsync(r, grains)));
        List<CommissionOrder> rows = [.. orders
            .Where(o => o?.Referral?.LeaderId == leaderId)
            .Select(o => new CommissionOrder(o!.Id, o.Referral!.GroupId, o.Kind, o.Sku, o.Quantity, o.Amount, o.Referral.Commission, o.Status, o.CreatedAt))];
        return TypedResults.Ok(new CommissionsResponse(rows, TotalsOf(rows)));
    }

    private static CommissionTotals TotalsOf(List<CommissionOrder> rows) => new(
        rows.Count,
        rows.Sum(r => r.Amount),
        rows.Sum(r => r.Commission),
        rows.Where(r => r.Status is OrderStatus.Paid or OrderStatus.Confirmed).Sum(r => r.Commission),
        rows.Where(r => r.Status is OrderStatus.PendingPayment).Sum(r => r.Commission),
        rows.Where(r => r.Status is OrderStatus.Cancelled or OrderStatus.Refunded).Sum(r => r.Commission));
}
