using System.Diagnostics.CodeAnalysis;

namespace GroupBuy.Grains.Interfaces.Orders;

/// <summary>
/// Order ids carry their owner, so an order is found without an index: <c>fs.{saleId}.{n}</c> lives in
/// flash sale <c>saleId</c>, <c>gb.{teamId}.{n}</c> in team <c>teamId</c>. Owner ids never contain dots.
/// </summary>
public static class OrderIds
{
    private const string FlashSalePrefix = "fs";
    private const string TeamPrefix = "gb";

    public static string ForFlashSale(string saleId, long sequence) => $"{FlashSalePrefix}.{saleId}.{sequence}";

    public static string ForTeam(string teamId, long sequence) => $"{TeamPrefix}.{teamId}.{sequence}";

    public static bool TryParse(string? orderId, [NotNullWhen(true)] out OrderRef? owner)
    {
        owner = null;
        var parts = orderId?.Split('.');
        if (parts is not { Length: 3 } || parts[1].Length == 0 || !long.TryParse(parts[2], out var sequence) || sequence <= 0)
        {
            return false;
        }
        OrderKind? kind = parts[0] switch
        {
            FlashSalePrefix => OrderKind.FlashSale,
            TeamPrefix => OrderKind.GroupBuy,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }
        owner = new OrderRef(orderId!, kind.Value, parts[1], default);
        return true;
    }
}
