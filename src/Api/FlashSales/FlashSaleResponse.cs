using GroupBuy.Grains.Interfaces.FlashSales;

namespace GroupBuy.Api.FlashSales;

/// <summary>The contract's <c>FlashSale</c>; the same shape goes to live watchers.</summary>
public sealed record FlashSaleResponse(
    string Id, string Sku, long Price, int Quantity, int Remaining, int Sold, int Reserved, FlashSaleStatus Status,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int PerUserLimit, long Version, DateTimeOffset ServerTime, decimal CommissionRate)
{
    public static FlashSaleResponse From(FlashSaleSnapshot s) =>
        new(s.Id, s.Sku, s.Price, s.Quantity, s.Remaining, s.Sold, s.Reserved, s.Status, s.StartsAt, s.EndsAt, s.PerUserLimit, s.Version, s.ServerTime, s.CommissionRate);
}
