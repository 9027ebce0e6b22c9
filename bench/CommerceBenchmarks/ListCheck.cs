using System.Diagnostics;
using GroupBuy.Grains.Interfaces;
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

    /// <summary>What a shopper's order list costs to read once a sale has filled the store: 1,000 shoppers, one at a time.</summary>
    public static async Task TimeListReadsAsync(OrderLists lists, Shopper[] shoppers)
    {
        var random = new Random(20261122);
        var times = new List<double>();
        for (var i = 0; i < 1_000; i++)
        {
            var reading = Stopwatch.StartNew();
            await lists.OfShopperAsync(shoppers[random.Next(shoppers.Length)].Id, CancellationToken.None);
            times.Add(reading.Elapsed.TotalMicroseconds);
        }
        times.Sort();
        Console.WriteLine($"  shoppers' order lists after the restart: 1,000 reads, mean {times.Average():N0} µs, p99 {times[989]:N0} µs");
    }
}
