using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Api.Orders;

/// <summary>The contract's <c>Order</c>, plus <c>groupId</c> when a group referred it. The owner's user id stays out of it.</summary>
public sealed record OrderResponse(
    string Id, OrderKind Kind, string RefId, string Sku, int Quantity, long Amount, OrderStatus Status, DateTimeOffset PayBy, DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GroupId = null)
{
    public static OrderResponse From(OrderSnapshot o) => new(o.Id, o.Kind, o.RefId, o.Sku, o.Quantity, o.Amount, o.Status, o.PayBy, o.CreatedAt, o.Referral?.GroupId);
}
