using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>After a run: the last acknowledged order is in its shopper's list (written in the same commit as the order).</summary>
internal static class ListCheck
{
    public static async Task<bool> LastOrderListedAsync(OrderLists lists, IFlashSaleGrain sale, string saleId, long lastSequence)
    {
        if (lastSequence == 0)
        {
            return true;
        }
        var last = await sale.GetOrder(OrderIds.ForFlashSale(saleId, lastSequence));
        var listed = last is not null && (await lists.OfShopperAsync(last.ShopperId, CancellationToken.None)).Any(o => o.OrderId == last.Id);
        Console.WriteLine($"  order list: the last order is in its shopper's list: {(listed ? "yes" : "NO")}");
        return listed;
    }
}
