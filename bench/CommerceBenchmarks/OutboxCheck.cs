using System.Diagnostics;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;

namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// After a run: the outbox delivers acknowledged orders to shoppers' lists off the acknowledgement path, so this
/// checks it kept up. Reading the last order waits until the outbox round carrying it has ended (rounds run in
/// order, so every earlier order has been delivered too); the time that takes is the backlog left at the end.
/// </summary>
internal static class OutboxCheck
{
    public static async Task<bool> DrainedAsync(IGrainFactory grains, IFlashSaleGrain sale, string saleId, long lastSequence)
    {
        if (lastSequence == 0)
        {
            return true;
        }
        var started = Stopwatch.GetTimestamp();
        var last = await sale.GetOrder(OrderIds.ForFlashSale(saleId, lastSequence));
        var drained = Stopwatch.GetElapsedTime(started);
        var listed = last is not null && (await grains.GetGrain<IShopperGrain>(last.ShopperId).ListOrders()).Any(o => o.OrderId == last.Id);
        Console.WriteLine($"  outbox: the last order reached its shopper's list {(listed ? "yes" : "NO")}, {drained.TotalMilliseconds:F0} ms after the load stopped");
        return listed;
    }
}
